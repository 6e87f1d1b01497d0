"""A PostgreSQL server for RelStorage: a private one under var/, or the operator's."""

from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path

import glob
import os
import shutil
import signal
import subprocess


def postgres_bindir() -> Path:
    """Debian's PostgreSQL binaries, newest version first."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/postgres"), reverse=True)
    if found:
        return Path(found[0]).parent
    on_path = shutil.which("postgres")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("PostgreSQL n'est pas installé (paquet Debian postgresql).")


def as_postgres_user(args: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root: run it as the postgres user then.

    runuser is in /usr/sbin, which a plain shell's PATH may leave out.
    """
    if os.geteuid() == 0:
        runuser = shutil.which("runuser") or "/usr/sbin/runuser"
        return [runuser, "-u", "postgres", "--", *args]
    return args


class PrivatePostgres:
    """A throwaway or project-local PostgreSQL cluster on 127.0.0.1."""

    def __init__(self, datadir: Path, port: int, log: Path):
        self.datadir = datadir
        self.port = port
        self.log = log
        self.bindir = postgres_bindir()
        self.process: ManagedProcess | None = None

    @property
    def dsn(self) -> str:
        return f"dbname=imio user=imio host=127.0.0.1 port={self.port}"

    def _run(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(  # noqa: S603
            as_postgres_user(list(args)),
            capture_output=True,
            text=True,
            check=True,
            cwd="/",
        )

    def init(self) -> None:
        """Create the cluster's data directory once."""
        if (self.datadir / "PG_VERSION").exists():
            return
        self.datadir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.datadir, "postgres", "postgres")
            # The postgres user must be able to reach its data directory:
            # let others traverse (not list) the folders above it.
            for parent in self.datadir.parents:
                mode = parent.stat().st_mode
                if not mode & 0o001:
                    parent.chmod(mode | 0o111)
        self._run(
            str(self.bindir / "initdb"),
            "-D",
            str(self.datadir),
            "-U",
            "postgres",
            "--auth=trust",
            "--encoding=UTF8",
            "--locale=C",
        )

    def start(self) -> "PrivatePostgres":
        self.init()
        args = [
            str(self.bindir / "postgres"),
            "-D",
            str(self.datadir),
            "-p",
            str(self.port),
            "-h",
            "127.0.0.1",
            "-c",
            "unix_socket_directories=",
        ]
        self.process = ManagedProcess(
            "postgresql",
            as_postgres_user(args),
            dict(os.environ),
            self.log,
            stop_signal=signal.SIGINT,
        ).start()
        self.process.wait_until(self.accepts_connections, what="accepting connections")
        self.ensure_database()
        return self

    def accepts_connections(self) -> bool:
        result = subprocess.run(  # noqa: S603
            [str(self.bindir / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
            capture_output=True,
        )
        return result.returncode == 0

    def psql(self, sql: str, database: str = "postgres") -> str:
        result = self._run(
            str(self.bindir / "psql"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "-d",
            database,
            "-tAc",
            sql,
        )
        return result.stdout.strip()

    def ensure_database(self) -> None:
        """The role and database `imio`, created when missing."""
        if not self.psql("SELECT 1 FROM pg_roles WHERE rolname = 'imio'"):
            self.psql("CREATE ROLE imio LOGIN")
        if not self.psql("SELECT 1 FROM pg_database WHERE datname = 'imio'"):
            self.psql("CREATE DATABASE imio OWNER imio")

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()
