"""`make start STORAGE=zeo` typed in a plain shell while the ZEO server is down.

The scale-out guide starts the ZEO server first; an operator who forgets it, or
whose server stopped, gets one French line saying which address does not
answer and the guide's command that starts the server, within seconds, instead
of a 30-second wait ending in a traceback.
"""

from imio.commune.cluster.processes import free_port
from pathlib import Path
from tests.test_cli_plain_shell import plain_environment
from tests.test_scaleout_guide import installed_project

import shutil
import subprocess
import tempfile
import time
import unittest


BOUND_SECONDS = 15


class TestStartWithZeoDown(unittest.TestCase):
    def test_one_french_line_with_the_command_that_starts_zeo(self):
        root = Path(tempfile.mkdtemp(prefix="imio-zeo-down-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        project = installed_project(root)
        # Nothing listens there: the ZEO server is not started.
        address = f"127.0.0.1:{free_port()}"
        began = time.monotonic()
        result = subprocess.run(
            [
                "/bin/bash",
                "-e",
                "-c",
                f"make start STORAGE=zeo PORT={free_port()} IMIO_ZEO_ADDRESS={address}"
                " OIDC_PORT=",
            ],
            cwd=project,
            env=plain_environment(),
            capture_output=True,
            text=True,
            timeout=120,
        )
        seconds = time.monotonic() - began
        self.assertNotEqual(result.returncode, 0)
        self.assertLess(seconds, BOUND_SECONDS, result.stderr)
        self.assertNotIn("Traceback", result.stdout + result.stderr)
        said = [
            line
            for line in result.stderr.splitlines()
            if not line.startswith("make: ***")
        ]
        self.assertEqual(
            said,
            [
                f"Le serveur ZEO {address} (IMIO_ZEO_ADDRESS) ne répond pas : "
                "démarrez-le dans un autre terminal avec "
                f"« IMIO_HOME=$PWD IMIO_VAR=$PWD/var IMIO_ZEO_ADDRESS={address} "
                ".venv/bin/runzeo -C instance/etc/zeo.conf » (voir "
                "docs/operators/scale-out.md), puis relancez make start."
            ],
        )
        # Nothing was started or written in the data folder's database.
        self.assertFalse((project / "var" / "admin-password").exists())
