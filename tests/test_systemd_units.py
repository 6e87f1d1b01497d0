"""The systemd units of instance/systemd, as docs/operators/systemd.md installs them.

systemd does not run on the test machine: `systemd-analyze verify` checks the
units against a project laid out as in /srv/imio, `systemctl --root` enables
them, and ServiceManager starts and stops each unit's commands as systemd
does (Environment=, EnvironmentFile=, ExecStartPre=, ExecStart= in a process
group of its own, KillSignal= then SIGKILL after TimeoutStopSec=).
"""

from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import port_open
from pathlib import Path
from tests.instance import ROOT
from tests.test_cli_plain_shell import shell_blocks

import contextlib
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import unittest


SYSTEMD_DOC = ROOT / "docs" / "operators" / "systemd.md"
UNITS = ROOT / "instance" / "systemd"
DOC_PORTS = ("8091", "8092")


def parse_unit(text: str) -> dict[str, list[tuple[str, str]]]:
    """Sections of a unit file: name -> [(key, value)], repeated keys kept."""
    sections: dict[str, list[tuple[str, str]]] = {}
    current = None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("["):
            current = sections.setdefault(line.strip("[]"), [])
        else:
            key, value = line.split("=", 1)
            current.append((key.strip(), value.strip()))
    return sections


def setting(section: list[tuple[str, str]], key: str) -> str | None:
    values = [value for name, value in section if name == key]
    return values[-1] if values else None


class Unit:
    """A running service: its main process and when it was started."""

    def __init__(self, name: str, service: list[tuple[str, str]], process):
        self.name = name
        self.service = service
        self.process = process
        self.restarts = 0


class ServiceManager:
    """What `systemctl` does with our units, in a scratch root."""

    def __init__(self, root: Path):
        self.root = root
        self.layout = root / "srv" / "imio"
        self.units_dir = root / "etc" / "systemd" / "system"
        self.units_dir.mkdir(parents=True)
        self.layout.mkdir(parents=True)
        (self.layout / ".venv").symlink_to(ROOT / ".venv")
        (self.layout / "instance").symlink_to(ROOT / "instance")
        self.running: dict[str, Unit] = {}
        self.stop_seconds: dict[str, float] = {}
        # The documented ports, and the units' own, on free ports.
        self.ports = {port: str(free_port()) for port in DOC_PORTS}
        self.ports["8080"] = str(free_port())
        self.ports["8100"] = str(free_port())

    def unit_path(self, name: str) -> Path:
        path = self.units_dir / name
        if not path.exists() and "@" in name:
            prefix, _instance = name.split("@", 1)
            path = self.units_dir / f"{prefix}@.service"
        return path

    def localize(self) -> None:
        """The copied units, for a project in the scratch root's /srv/imio."""
        for path in self.units_dir.glob("*.service"):
            text = path.read_text().replace("/srv/imio", str(self.layout))
            text = text.replace("http_port=8080", f"http_port={self.ports['8080']}")
            text = text.replace("127.0.0.1:8100", f"127.0.0.1:{self.ports['8100']}")
            path.write_text(text)

    def run(self, block: str) -> None:
        """Run a documented block, line by line, as root on this machine."""
        for line in block.strip().splitlines():
            words = shlex.split(line.removeprefix("sudo "))
            if words[0] == "cp":
                *sources, target = words[1:]
                assert target == "/etc/systemd/system/", line
                for source in sources:
                    shutil.copy(self.layout / source, self.units_dir)
                self.localize()
            elif words[:2] == ["systemctl", "enable"]:
                names = [w for w in words[2:] if w != "--now"]
                subprocess.run(
                    [
                        "/usr/bin/systemctl",
                        f"--root={self.root}",
                        "enable",
                        *self.named(names),
                    ],
                    check=True,
                    capture_output=True,
                )
                if "--now" in words:
                    self.start(*names)
            elif words[:2] == ["systemctl", "start"]:
                self.start(*words[2:])
            elif words[:2] == ["systemctl", "stop"]:
                self.stop(*words[2:])
            else:
                raise AssertionError(f"not a command the test knows: {line}")

    def named(self, names: list[str]) -> list[str]:
        """Unit names with the documented ports replaced by the test's."""
        named = []
        for name in names:
            for port, free in self.ports.items():
                name = name.replace(f"@{port}.", f"@{free}.")
            named.append(name)
        return named

    def environment(self, service, instance: str) -> dict[str, str]:
        env = {"PATH": "/usr/bin:/bin", "LANG": "C.UTF-8"}
        for key, value in service:
            if key == "Environment":
                for assignment in shlex.split(value.replace("%i", instance)):
                    name, _, content = assignment.partition("=")
                    env[name] = content
            elif key == "EnvironmentFile":
                path = Path(value.lstrip("-").replace("/etc/", f"{self.root}/etc/", 1))
                if not path.exists():
                    assert value.startswith("-"), value
                    continue
                for line in path.read_text().splitlines():
                    if line.strip() and not line.startswith("#"):
                        name, _, content = line.partition("=")
                        env[name.strip()] = content.strip()
        return env

    def command(self, line: str, env: dict, instance: str) -> list[str]:
        line = line.replace("%i", instance)
        line = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], line)
        return shlex.split(line)

    def start(self, *names: str) -> None:
        for name in self.named(list(names)):
            self.start_named(name)

    def start_named(self, name: str) -> None:
        instance = name.split("@", 1)[1].rsplit(".", 1)[0] if "@" in name else ""
        service = parse_unit(self.unit_path(name).read_text())["Service"]
        env = self.environment(service, instance)
        for key, value in service:
            if key == "ExecStartPre":
                subprocess.run(self.command(value, env, instance), env=env, check=True)
        log = (self.root / f"{name}.log").open("ab")
        process = subprocess.Popen(
            self.command(setting(service, "ExecStart"), env, instance),
            env=env,
            cwd=setting(service, "WorkingDirectory"),
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        log.close()
        self.running[name] = Unit(name, service, process)

    def stop(self, *names: str) -> None:
        for name in self.named(list(names)):
            unit = self.running.pop(name)
            timeout = float(setting(unit.service, "TimeoutStopSec"))
            kill_signal = signal.Signals[setting(unit.service, "KillSignal")]
            self.assert_control_group(unit)
            started = time.monotonic()
            os.killpg(unit.process.pid, kill_signal)
            try:
                unit.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                os.killpg(unit.process.pid, signal.SIGKILL)
                unit.process.wait()
                raise AssertionError(f"{name} not stopped after {timeout} s") from None
            self.stop_seconds[name] = time.monotonic() - started

    def assert_control_group(self, unit: Unit) -> None:
        assert setting(unit.service, "KillMode") == "control-group", unit.name

    def stop_all(self) -> None:
        for name in reversed(list(self.running)):
            unit = self.running.pop(name)
            if unit.process.poll() is None:
                os.killpg(unit.process.pid, signal.SIGKILL)
                unit.process.wait()

    def log(self, name: str) -> str:
        path = self.root / f"{self.named([name])[0]}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def wait_for_health(self, port: str, name: str) -> None:
        """Wait until the instance of a unit answers its health check; a main
        process that fails is started again, as Restart=on-failure does (at
        once: RestartSec is not waited for)."""
        name = self.named([name])[0]
        url = f"http://127.0.0.1:{port}/@@health"
        while True:
            unit = self.running[name]
            if unit.process.poll() is not None:
                if (
                    unit.process.returncode == 0
                    or setting(unit.service, "Restart") != "on-failure"
                    or unit.restarts >= 5
                ):
                    raise AssertionError(self.log(name))
                restarts = unit.restarts + 1
                self.start_named(name)
                self.running[name].restarts = restarts
                continue
            if http_status(url) == 200:
                return
            with contextlib.suppress(subprocess.TimeoutExpired):
                unit.process.wait(timeout=0.5)


class TestSystemdUnits(unittest.TestCase):
    def setUp(self):
        self.root = Path(tempfile.mkdtemp(prefix="imio-systemd-"))
        self.addCleanup(shutil.rmtree, self.root, ignore_errors=True)
        self.manager = ServiceManager(self.root)
        self.addCleanup(self.manager.stop_all)
        self.blocks = shell_blocks(SYSTEMD_DOC)

    def test_the_guide_shows_three_blocks(self):
        self.assertEqual(len(self.blocks), 3)
        # The library's nightly sync, the region's hourly harvest and the
        # nightly retention job are in their own guides (and their tests).
        self.assertEqual(
            sorted(path.name for path in UNITS.iterdir()),
            [
                "imio-instance.service",
                "imio-instance@.service",
                "imio-library-sync.service",
                "imio-library-sync.timer",
                "imio-region-sync.service",
                "imio-region-sync.timer",
                "imio-retention.service",
                "imio-retention.timer",
                "imio-zeo.service",
            ],
        )

    def test_systemd_analyze_verify_finds_nothing_to_say(self):
        for path in UNITS.iterdir():
            shutil.copy(path, self.manager.units_dir)
        self.manager.localize()
        names = [
            "imio-instance.service",
            "imio-zeo.service",
            "imio-instance@8091.service",
        ]
        result = subprocess.run(
            [
                "/usr/bin/systemd-analyze",
                "verify",
                *(str(self.manager.units_dir / n) for n in names),
            ],
            capture_output=True,
            text=True,
        )
        self.assertEqual((result.returncode, result.stderr, result.stdout), (0, "", ""))

    def test_every_instance_unit_restarts_on_failure_and_stops_its_group(self):
        for path in UNITS.glob("*.service"):
            service = parse_unit(path.read_text())["Service"]
            if setting(service, "Type") == "oneshot":
                # A task started by its timer, not an instance: it runs and ends.
                continue
            self.assertEqual(setting(service, "Restart"), "on-failure", path.name)
            self.assertEqual(setting(service, "KillMode"), "control-group", path.name)
            self.assertEqual(setting(service, "KillSignal"), "SIGTERM", path.name)
            self.assertEqual(setting(service, "TimeoutStopSec"), "30", path.name)
            self.assertEqual(setting(service, "User"), "imio", path.name)

    def test_one_instance(self):
        self.manager.run(self.blocks[0])
        self.manager.wait_for_health(
            self.manager.ports["8080"], "imio-instance.service"
        )
        enabled = self.root / "etc/systemd/system/multi-user.target.wants"
        self.assertEqual([p.name for p in enabled.iterdir()], ["imio-instance.service"])
        self.assertTrue((self.manager.layout / "var/filestorage/Data.fs").exists())

        self.manager.stop("imio-instance.service")

        self.assertLess(self.manager.stop_seconds["imio-instance.service"], 30)
        self.assertFalse(port_open("127.0.0.1", int(self.manager.ports["8080"])))

    def test_several_instances_on_zeo_and_a_rolling_restart(self):
        manager = self.manager
        manager.run(self.blocks[1])
        for port in DOC_PORTS:
            manager.wait_for_health(
                manager.ports[port], f"imio-instance@{port}.service"
            )
        enabled = sorted(
            p.name
            for p in (
                self.root / "etc/systemd/system/multi-user.target.wants"
            ).iterdir()
        )
        self.assertEqual(
            enabled,
            sorted(
                ["imio-zeo.service"]
                + [f"imio-instance@{manager.ports[p]}.service" for p in DOC_PORTS]
            ),
        )
        # Each instance has its own caches and logs.
        for port in DOC_PORTS:
            name = f"instance-{manager.ports[port]}"
            self.assertTrue((manager.layout / "var/blobcache" / name).is_dir())
            self.assertTrue((manager.layout / "var/log" / name / "event.log").exists())

        # A crash: the kernel's out-of-memory killer, for instance.
        crashed = manager.running[f"imio-instance@{manager.ports['8092']}.service"]
        os.killpg(crashed.process.pid, signal.SIGKILL)
        manager.wait_for_health(manager.ports["8092"], "imio-instance@8092.service")
        restarted = manager.running[f"imio-instance@{manager.ports['8092']}.service"]
        self.assertNotEqual(restarted.process.pid, crashed.process.pid)

        manager.run(self.blocks[2])

        first, second = (manager.ports[p] for p in DOC_PORTS)
        self.assertLess(manager.stop_seconds[f"imio-instance@{first}.service"], 30)
        # The other instance answered all along; the restarted one answers again.
        self.assertEqual(http_status(f"http://127.0.0.1:{second}/@@health"), 200)
        manager.wait_for_health(first, "imio-instance@8091.service")
        manager.stop(
            "imio-instance@8091.service",
            "imio-instance@8092.service",
            "imio-zeo.service",
        )
        for name, seconds in manager.stop_seconds.items():
            self.assertLess(seconds, 30, name)
        # ZEO closed the FileStorage on SIGTERM.
        zeo_log = (manager.layout / "var" / "log" / "zeo.log").read_text()
        self.assertIn("terminated by SIGTERM", zeo_log)
        self.assertIn("closing storage '1'", zeo_log)
