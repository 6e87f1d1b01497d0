"""Stopping `make cluster` and `make start` as a service manager or a container
stop does.

`kill -TERM -PGID` reaches make and the supervisor, never the processes the
supervisor started in their own sessions: the supervisor must stop them all,
within STOP_SECONDS, whenever the signal arrives.
"""

from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import port_open
from pathlib import Path
from plone.testing import Layer
from tests.instance import BIN
from tests.instance import ROOT

import contextlib
import os
import re
import requests
import shutil
import signal
import subprocess
import tempfile
import threading
import unittest


STOP_SECONDS = 30
START_SECONDS = 600
INSTANCE_LINE = re.compile(r"instance\d+\s+: http://127\.0\.0\.1:(\d+)/demo")


def process_table() -> dict[int, tuple[int, str, str]]:
    """Every live process: pid -> (parent pid, start time, state)."""
    table = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        # The command name, in parentheses, may hold spaces.
        fields = stat[stat.rindex(")") + 2 :].split()
        table[int(entry.name)] = (int(fields[1]), fields[19], fields[0])
    return table


def descendants(root: int) -> dict[int, str]:
    """The processes started under root, at any depth: pid -> start time."""
    table = process_table()
    found, todo = {}, [root]
    while todo:
        parent = todo.pop()
        for pid, (ppid, started, _state) in table.items():
            if ppid == parent and pid not in found:
                found[pid] = started
                todo.append(pid)
    return found


def still_running(recorded: dict[int, str]) -> list[str]:
    """The recorded processes that still run (zombies hold nothing)."""
    table = process_table()
    left = []
    for pid, started in recorded.items():
        current = table.get(pid)
        if current and current[1] == started and current[2] != "Z":
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            left.append(f"{pid}: {cmdline.decode(errors='replace')}")
    return left


class VarLayer(Layer):
    """One data directory for the module: the demo site is created once."""

    def setUp(self):
        self["var"] = Path(tempfile.mkdtemp(prefix="imio-stops-"))

    def tearDown(self):
        shutil.rmtree(self["var"], ignore_errors=True)
        del self["var"]


STOPS_VAR = VarLayer(name="CleanStopsVar")


class Supervised:
    """A supervisor started in its own process group, as a shell job is."""

    def __init__(self, args: list[str], env: dict):
        self.output: list[str] = []
        self.process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        # Whatever happens to the test, nothing outlives it.
        self.guard = threading.Timer(START_SECONDS, self.kill_everything)
        self.guard.start()
        self.recorded: dict[int, str] = {}

    def read_until(self, ready) -> None:
        """Read the output until ready(line) or the end of the output."""
        for line in self.process.stdout:
            self.output.append(line)
            self.recorded.update(descendants(self.process.pid))
            if ready(line):
                return
        raise AssertionError("".join(self.output))

    def wait_for_child(self, program: str) -> None:
        """Watch the supervisor's processes until one runs program."""
        wanted = program.encode() + b"\0"
        while self.process.poll() is None:
            self.recorded.update(descendants(self.process.pid))
            for pid in self.recorded:
                cmdline = Path(f"/proc/{pid}/cmdline")
                if cmdline.exists() and wanted in cmdline.read_bytes():
                    return
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.2)
        raise AssertionError(self.process.stdout.read())

    def commands(self) -> list[str]:
        """The command lines of the recorded processes that run."""
        return [line.split(": ", 1)[1] for line in still_running(self.recorded)]

    def wait_until_serving(self, url: str) -> None:
        """Watch url until it answers 200, while the supervisor runs."""
        while self.process.poll() is None:
            self.recorded.update(descendants(self.process.pid))
            if http_status(url) == 200:
                return
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=0.3)
        raise AssertionError(self.process.stdout.read())

    def environment(self, program: str) -> dict[str, str]:
        """The environment of the recorded process running program."""
        for pid in self.recorded:
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                environ = Path(f"/proc/{pid}/environ").read_bytes()
            except OSError:
                continue
            if program.encode() in cmdline:
                pairs = (item.split("=", 1) for item in environ.decode().split("\0"))
                return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}
        raise AssertionError(f"{program} is not running: {self.commands()}")

    def ports(self) -> list[int]:
        return [int(p) for p in INSTANCE_LINE.findall("".join(self.output))]

    def stop(self, sig: int, group: bool) -> int:
        """Send sig, and return the exit status within STOP_SECONDS."""
        self.recorded.update(descendants(self.process.pid))
        if group:
            os.killpg(self.process.pid, sig)
        else:
            os.kill(self.process.pid, sig)
        status = self.process.wait(timeout=STOP_SECONDS)
        self.output.extend(self.process.stdout)
        return status

    def kill_everything(self) -> None:
        for pid in [self.process.pid, *self.recorded]:
            for kill in (os.killpg, os.kill):
                with contextlib.suppress(ProcessLookupError, PermissionError):
                    kill(pid, signal.SIGKILL)

    def close(self) -> None:
        self.guard.cancel()
        if self.process.poll() is None or still_running(self.recorded):
            self.kill_everything()
            self.process.wait()
        self.process.stdout.close()


class TestClusterStops(unittest.TestCase):
    layer = STOPS_VAR

    def setUp(self):
        self.var = self.layer["var"]
        self.port = free_port()
        self.zeo_port = free_port()
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MAKE", "MFLAGS", "IMIO_", "CLUSTER_"))
        }

    def start(self, args: list[str]) -> Supervised:
        supervised = Supervised(args, self.env)
        self.addCleanup(supervised.close)
        return supervised

    def assert_nothing_left(self, supervised: Supervised, ports: list[int]) -> None:
        self.assertEqual(still_running(supervised.recorded), [])
        self.assertEqual([p for p in ports if port_open("127.0.0.1", p)], [])

    def test_sigterm_to_the_process_group_of_make_cluster_stops_everything(self):
        cluster = self.start([
            "make",
            "--no-print-directory",
            "cluster",
            f"VAR={self.var}",
            "CLUSTER_STORAGE=zeo",
            "CLUSTER_INSTANCES=2",
            f"PORT={self.port}",
            f"CLUSTER_ZEO_PORT={self.zeo_port}",
        ])
        cluster.read_until(lambda line: "Ctrl-C" in line)
        ports = [self.port, self.zeo_port, *cluster.ports()]
        self.assertEqual(len(ports), 4, "".join(cluster.output))
        self.assertTrue(all(port_open("127.0.0.1", p) for p in ports))
        commands = " ".join(cluster.commands())
        self.assertIn(f"{BIN / 'runzeo'} -C", commands)
        self.assertIn(f"{BIN / 'runwsgi'} ", commands)
        self.assertIn("/usr/sbin/haproxy ", commands)
        self.assertIn("/usr/sbin/varnishd ", commands)

        # make answers SIGTERM by sending SIGTERM to the supervisor again.
        cluster.stop(signal.SIGTERM, group=True)

        self.assert_nothing_left(cluster, ports)
        self.assertIn("Arrêt", "".join(cluster.output))

    def start_supervisor(self) -> Supervised:
        """The supervisor as the Makefile runs it, with one instance."""
        self.env.update(
            IMIO_HOME=str(ROOT),
            IMIO_VAR=str(self.var),
            CLUSTER_STORAGE="zeo",
            CLUSTER_INSTANCES="1",
            PORT=str(self.port),
            CLUSTER_ZEO_PORT=str(self.zeo_port),
            zope_i18n_compile_mo_files="true",
        )
        return self.start([str(BIN / "python"), "-m", "imio.commune.cluster"])

    def test_sigint_to_the_supervisor_alone_once_it_serves(self):
        cluster = self.start_supervisor()
        cluster.read_until(lambda line: "Ctrl-C" in line)
        ports = [self.port, self.zeo_port, *cluster.ports()]
        self.assertEqual(len(ports), 3, "".join(cluster.output))

        self.assertEqual(cluster.stop(signal.SIGINT, group=False), 0)

        self.assert_nothing_left(cluster, ports)
        self.assertIn("Arrêté.", "".join(cluster.output))

    def test_sigterm_to_the_supervisor_while_an_instance_starts(self):
        cluster = self.start_supervisor()
        # Only the supervisor is signalled, once the instance's process runs
        # and before it serves.
        cluster.wait_for_child(str(BIN / "runwsgi"))
        self.assertEqual(cluster.stop(signal.SIGTERM, group=False), 0)

        self.assert_nothing_left(cluster, [self.port, self.zeo_port])
        self.assertNotIn("Site de démonstration", "".join(cluster.output))


class TestStartStops(unittest.TestCase):
    """`make start`: the demo instance and the development OpenID provider."""

    layer = STOPS_VAR

    def test_sigterm_to_the_process_group_of_make_start_stops_both(self):
        var = self.layer["var"] / "start"
        port, oidc_port = free_port(), free_port()
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("MAKE", "MFLAGS", "IMIO_", "OIDC_"))
        }
        start = Supervised(
            [
                "make",
                "--no-print-directory",
                "start",
                f"VAR={var}",
                f"PORT={port}",
                f"OIDC_PORT={oidc_port}",
            ],
            env,
        )
        self.addCleanup(start.close)
        start.wait_until_serving(f"http://localhost:{port}/demo")
        issuer = f"http://127.0.0.1:{oidc_port}"
        discovery = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=10
        )
        self.assertEqual(discovery.json()["issuer"], issuer)
        # The provider knows the demo site's redirect URI and the secret that
        # the instance was given.
        commands = " ".join(start.commands())
        self.assertIn(f"dev/oidc-provider/server.js {oidc_port}", commands)
        self.assertIn(f"{BIN / 'runwsgi'} ", commands)
        secret = (var / "oidc-demo-secret").read_text().strip()
        provider = start.environment("dev/oidc-provider/server.js")
        instance = start.environment(str(BIN / "runwsgi"))
        self.assertEqual(
            provider["OIDC_REDIRECT_URIS"],
            f"http://localhost:{port}/demo/@@citizen-callback "
            f"http://127.0.0.1:{port}/demo/@@citizen-callback",
        )
        self.assertEqual(provider["OIDC_CLIENT_ID"], "demo")
        self.assertEqual(provider["OIDC_CLIENT_SECRET"], secret)
        self.assertEqual(instance["IMIO_OIDC_SECRET"], secret)

        start.stop(signal.SIGTERM, group=True)

        self.assertEqual(still_running(start.recorded), [])
        self.assertFalse(port_open("127.0.0.1", port))
        self.assertFalse(port_open("127.0.0.1", oidc_port))
        # The instance printed on the terminal as it did before.
        self.assertRegex("".join(start.output), r"Starting server in PID \d+")
