"""Run every test of src/ and tests/ under coverage.

Prints zope.testrunner's report, the coverage summary, and as last line the
plain total ``N passed, N failed`` that CI reads. Exits non-zero when any test
fails, errors, cannot be imported or skips itself.
"""

from pathlib import Path

import coverage
import os
import sys


ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / ".coveragerc"
DEFAULTS = [
    "--test-path",
    str(ROOT / "src"),
    "--path",
    str(ROOT),
    "--auto-color",
    "--auto-progress",
]


def start_coverage() -> coverage.Coverage:
    """Measure our packages, in this process and in resumed layers."""
    cov = coverage.Coverage(config_file=str(CONFIG))
    cov.start()
    return cov


def main() -> int:
    os.chdir(ROOT)
    from zope.testrunner.runner import Runner

    resumed = "--resume-layer" in sys.argv
    if not resumed:
        coverage.Coverage(config_file=str(CONFIG)).erase()
    cov = start_coverage()
    runner = Runner(DEFAULTS, sys.argv, script_parts=[sys.executable, __file__])
    runner.run()
    cov.stop()
    cov.save()
    if resumed:
        return int(runner.failed)

    combined = coverage.Coverage(config_file=str(CONFIG))
    combined.combine()
    combined.save()
    print()
    combined.report()
    failed = (
        len(runner.failures)
        + len(runner.errors)
        + len(runner.import_errors)
        + len(runner.skipped)
    )
    passed = runner.ran - len(runner.failures) - len(runner.errors)
    passed -= len(runner.skipped)
    if runner.skipped:
        print(f"\n{len(runner.skipped)} skipped test(s) count as failed.")
    print(f"\n{passed} passed, {failed} failed")
    return 1 if failed or runner.failed else 0


if __name__ == "__main__":
    sys.exit(main())
