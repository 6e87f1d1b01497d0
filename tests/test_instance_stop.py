"""Stopping an instance (runwsgi instance/etc/zope.ini, as `make start` and the
systemd units run it) with SIGTERM, as `systemctl stop` or a container stop does.

The instance must close its database as Ctrl-C does: a FileStorage then writes
its index (Data.fs.index), and the next start reads it instead of scanning the
transactions that the index does not cover.
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path
from tests.instance import BIN
from tests.instance import ROOT
from ZODB.fsIndex import fsIndex

import shutil
import signal
import subprocess
import tempfile
import time
import unittest


STOP_SECONDS = 20


class TestInstanceSigterm(unittest.TestCase):
    def setUp(self):
        self.var = Path(tempfile.mkdtemp(prefix="imio-instance-stop-"))
        self.addCleanup(shutil.rmtree, self.var, ignore_errors=True)
        self.env = instance_environment(self.var)
        self.data = self.var / "filestorage" / "Data.fs"
        self.index = self.var / "filestorage" / "Data.fs.index"
        self.event_log = self.var / "log" / "event.log"

    def start(self) -> ManagedProcess:
        port = free_port()
        process = ManagedProcess(
            "instance",
            [
                str(BIN / "runwsgi"),
                str(ROOT / "instance" / "etc" / "zope.ini"),
                "http_host=127.0.0.1",
                f"http_port={port}",
                f"logdir={self.var / 'log'}",
            ],
            self.env,
            self.var / "log" / "console.log",
        ).start()
        self.addCleanup(process.kill)
        process.wait_until(lambda: http_status(f"http://127.0.0.1:{port}/") is not None)
        return process

    def sigterm(self, process: ManagedProcess) -> float:
        """Send SIGTERM to the instance alone; the seconds it took to end."""
        sent = time.monotonic()
        process.process.send_signal(signal.SIGTERM)
        try:
            process.process.wait(timeout=STOP_SECONDS)
        except subprocess.TimeoutExpired:
            self.fail(f"the instance still runs {STOP_SECONDS} s after SIGTERM")
        return time.monotonic() - sent

    def test_sigterm_closes_the_database_and_writes_its_index(self):
        # The first start creates the Zope application: transactions written
        # after FileStorage saved the index of the new, empty file.
        first = self.start()
        self.assertGreater(self.data.stat().st_size, 4)
        seconds = self.sigterm(first)
        self.assertLess(seconds, STOP_SECONDS)
        self.assertEqual(first.process.returncode, 0, first.tail())

        # The index covers every transaction: FileStorage wrote it on close.
        covered = fsIndex.load(str(self.index))["pos"]
        self.assertEqual(covered, self.data.stat().st_size)
        self.assertGreaterEqual(self.index.stat().st_mtime, self.data.stat().st_mtime)

        # The next start uses the index as it is.
        logged = self.event_log.read_text()
        second = self.start()
        self.addCleanup(second.kill)
        self.assertEqual(self.data.stat().st_size, covered)
        since_restart = self.event_log.read_text()[len(logged) :]
        self.assertNotIn("Ignoring index", since_restart)
        self.assertNotIn("loading index", since_restart)
        self.sigterm(second)
        self.assertEqual(fsIndex.load(str(self.index))["pos"], self.data.stat().st_size)
