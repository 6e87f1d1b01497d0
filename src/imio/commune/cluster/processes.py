"""Starting, watching and stopping the cluster's processes."""

from contextlib import contextmanager
from contextlib import suppress
from pathlib import Path

import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request


PROJECT = Path(os.environ.get("IMIO_HOME", Path.cwd()))
BIN = Path(sys.executable).parent

# A supervisor stops everything it started within this time after a stop
# signal: what has not stopped by then is killed.
STOP_SECONDS = 20
STOP_SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)


class Stopping(BaseException):
    """A stop signal arrived: the supervisor unwinds, stopping what it started."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


class Supervision:
    """What a supervisor started, and how it answers stop signals.

    The first SIGTERM, SIGINT or SIGHUP raises :class:`Stopping` where the
    supervisor is (while it starts a child, right after the child is
    recorded), and arms a timer that kills whatever is still running
    STOP_SECONDS later. Later signals (make sends SIGTERM again to its child,
    a service manager may too) are ignored: they must not cut the stop short.
    """

    def __init__(self):
        self.started: list[ManagedProcess] = []
        self.signum: int | None = None
        self.deferring = 0
        self.pending = False
        self.timer: threading.Timer | None = None

    def handle_signals(self) -> None:
        for signum in STOP_SIGNALS:
            signal.signal(signum, self.on_signal)

    def on_signal(self, signum: int, frame=None) -> None:
        if self.signum is not None:
            return
        self.begin_stop(signum)
        if self.deferring:
            self.pending = True
        else:
            raise Stopping(signum)

    def begin_stop(self, signum: int = signal.SIGTERM) -> None:
        """From now on, stop: signals are ignored, and the stop is bounded."""
        if self.signum is not None:
            return
        self.signum = signum
        self.timer = threading.Timer(
            STOP_SECONDS, self.kill_all, kwargs={"wait": False}
        )
        self.timer.daemon = True
        self.timer.start()

    @contextmanager
    def deferred(self):
        """No Stopping inside: a child started here is recorded first."""
        self.deferring += 1
        try:
            yield
        finally:
            self.deferring -= 1
        if not self.deferring and self.pending:
            self.pending = False
            raise Stopping(self.signum)

    def record(self, process: "ManagedProcess") -> None:
        self.started.append(process)

    def kill_all(self, wait: bool = True) -> None:
        """Kill every recorded process still running, with its group."""
        for process in self.started:
            process.kill(wait=wait)

    def finish(self) -> None:
        """After the supervisor's own stop: nothing it started is left."""
        self.begin_stop()
        self.kill_all()
        if self.timer is not None:
            self.timer.cancel()


SUPERVISION = Supervision()


def free_port() -> int:
    """A TCP port of 127.0.0.1 that nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def port_open(host: str, port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def http_status(url: str, timeout: float = 5) -> int | None:
    """Status of a GET on url, or None when nothing answers."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310
            return response.status
    except urllib.error.HTTPError as error:
        return error.code
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


class ManagedProcess:
    """A child process that is stopped by its process id, with its group."""

    def __init__(
        self,
        name: str,
        args: list[str],
        env: dict,
        log: Path | None,
        stop_signal: int = signal.SIGTERM,
        cwd: Path | None = None,
    ):
        self.name = name
        self.stop_signal = stop_signal
        self.args = args
        self.env = env
        self.log = log
        self.cwd = cwd
        self.process: subprocess.Popen | None = None

    def start(self) -> "ManagedProcess":
        """Start in a session of its own; its output goes to the log, or to the
        supervisor's own output when there is no log."""
        if self.log is not None:
            self.log.parent.mkdir(parents=True, exist_ok=True)
        with SUPERVISION.deferred():
            output = self.log.open("ab") if self.log is not None else None
            try:
                self.process = subprocess.Popen(  # noqa: S603
                    self.args,
                    env=self.env,
                    cwd=self.cwd,
                    stdout=output,
                    stderr=subprocess.STDOUT if output else None,
                    start_new_session=True,
                )
                SUPERVISION.record(self)
            finally:
                if output is not None:
                    output.close()
        return self

    @property
    def pid(self) -> int:
        return self.process.pid

    def running(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def wait_until(self, ready, timeout: float = 180, what: str = "ready") -> None:
        """Wait until ready() is true, or fail with the end of the log."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not self.running():
                raise RuntimeError(f"{self.name} stopped: {self.tail()}")
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.name} not {what} after {timeout} s: {self.tail()}")

    def tail(self, lines: int = 15) -> str:
        if self.log is None or not self.log.exists():
            return ""
        text = self.log.read_text(errors="replace")
        return "\n".join(text.splitlines()[-lines:])

    def signal_group(self, signum: int) -> None:
        """Send signum to the process and what it started in its session."""
        with suppress(ProcessLookupError):
            os.killpg(self.pid, signum)

    def kill(self, wait: bool = True) -> None:
        """Stop at once, as a crash would."""
        if self.running():
            self.signal_group(signal.SIGKILL)
            if wait:
                self.process.wait()

    def stop(self, timeout: float = STOP_SECONDS) -> None:
        if not self.running():
            return
        self.signal_group(self.stop_signal)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()


def wsgi_instance(name: str, port: int, logdir: Path, env: dict) -> ManagedProcess:
    """A Zope instance of the project's zope.ini on 127.0.0.1:port (not started)."""
    return ManagedProcess(
        name,
        [
            str(BIN / "runwsgi"),
            str(PROJECT / "instance/etc/zope.ini"),
            "http_host=127.0.0.1",
            f"http_port={port}",
            f"logdir={logdir}",
        ],
        env,
        logdir / "console.log",
    )


def healthy(port: int):
    """The check that the instance on 127.0.0.1:port serves its health page."""
    return lambda: http_status(f"http://127.0.0.1:{port}/@@health") == 200
