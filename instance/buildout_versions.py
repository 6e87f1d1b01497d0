"""Write buildout's [versions] section from the pip constraints file.

constraints.txt is the one list of pins: ``make buildout`` runs this script so
that zc.buildout installs exactly the versions that ``make install`` does.

    python instance/buildout_versions.py constraints.txt versions.cfg

Only exact pins (``name==version``) are accepted: anything else stops the
build with the file, the line and the reason, rather than being dropped.
"""

from pathlib import Path

import os
import re
import sys
import tempfile


PIN = re.compile(r"^(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)\s*==\s*(?P<version>[^\s;=]+)$")


def canonical(name: str) -> str:
    """The name as package indexes compare it (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def read_pins(constraints: Path) -> list[tuple[str, str]]:
    """The (name, version) pins of a constraints file, in file order."""
    pins = []
    seen = {}
    errors = []
    lines = constraints.read_text(encoding="utf-8").splitlines()
    for number, raw in enumerate(lines, 1):
        line = raw.split(" #", 1)[0].strip()
        if not line or line.startswith("#"):
            continue
        where = f"{constraints}:{number}"
        match = PIN.match(line)
        if match is None:
            errors.append(f"{where}: not an exact pin 'name==version': {raw}")
            continue
        name, version = match["name"], match["version"]
        key = canonical(name)
        if key in seen:
            errors.append(f"{where}: {name} is already pinned on line {seen[key]}")
            continue
        seen[key] = number
        pins.append((name, version))
    if errors:
        raise SystemExit("\n".join(errors))
    if not pins:
        raise SystemExit(f"{constraints}: no pin found")
    return pins


def render(pins: list[tuple[str, str]], source: str) -> str:
    """The buildout configuration file holding the pins."""
    width = max(len(name) for name, _ in pins)
    lines = [
        f"# Generated from {source} by instance/buildout_versions.py",
        "# (make buildout). Do not edit: change constraints.txt instead.",
        "",
        "[versions]",
    ]
    lines += [f"{name:<{width}} = {version}" for name, version in pins]
    return "\n".join(lines) + "\n"


def write_atomically(path: Path, text: str) -> None:
    """Replace path with text, so that a reader never sees half a file."""
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        os.unlink(temporary)
        raise


def main(argv: list[str]) -> int:
    if len(argv) != 3:
        print(f"usage: {argv[0]} CONSTRAINTS_TXT VERSIONS_CFG", file=sys.stderr)
        return 2
    constraints, target = Path(argv[1]), Path(argv[2])
    pins = read_pins(constraints)
    write_atomically(target, render(pins, constraints.name))
    print(f"{target}: {len(pins)} pins from {constraints}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
