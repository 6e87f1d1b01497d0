"""Starting, watching and stopping the cluster's processes."""

from pathlib import Path

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request


PROJECT = Path(os.environ.get("IMIO_HOME", Path.cwd()))
BIN = Path(sys.executable).parent


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
        log: Path,
        stop_signal: int = signal.SIGTERM,
    ):
        self.name = name
        self.stop_signal = stop_signal
        self.args = args
        self.env = env
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> "ManagedProcess":
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as output:
            self.process = subprocess.Popen(  # noqa: S603
                self.args,
                env=self.env,
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
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
        text = self.log.read_text(errors="replace") if self.log.exists() else ""
        return "\n".join(text.splitlines()[-lines:])

    def kill(self) -> None:
        """Stop at once, as a crash would."""
        if self.running():
            os.killpg(self.pid, signal.SIGKILL)
            self.process.wait()

    def stop(self, timeout: float = 30) -> None:
        if not self.running():
            return
        os.killpg(self.pid, self.stop_signal)
        try:
            self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill()
