"""Storage server, instances and load balancer, started and stopped together."""

from imio.commune.cluster.haproxy import LoadBalancer
from imio.commune.cluster.postgres import PrivatePostgres
from imio.commune.cluster.processes import BIN
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import healthy
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from imio.commune.cluster.processes import port_open
from imio.commune.cluster.processes import PROJECT
from imio.commune.cluster.processes import wsgi_instance
from imio.commune.cluster.varnish import CachingProxy
from imio.commune.cluster.varnish import VarnishSettings
from pathlib import Path

import os
import secrets
import subprocess
import yaml


STORAGES = ("filestorage", "zeo", "relstorage")


DATA_FOLDERS = ("filestorage", "blobstorage", "blobcache", "zeocache", "log", "cache")


def instance_environment(var: Path, storage: str = "filestorage", **extra: str) -> dict:
    """Environment that instance/etc/zope.conf reads, for one data directory."""
    for folder in DATA_FOLDERS:
        (var / folder).mkdir(parents=True, exist_ok=True)
    return {
        **os.environ,
        "IMIO_HOME": str(PROJECT),
        "IMIO_VAR": str(var),
        "IMIO_STORAGE": storage,
        "IMIO_INSTANCE_NAME": "instance1",
        "zope_i18n_compile_mo_files": "true",
        **extra,
    }


class Cluster:
    """Several WSGI instances on one shared storage behind HAProxy and Varnish."""

    def __init__(
        self,
        var: Path,
        storage: str = "relstorage",
        instances: int = 2,
        host: str = "127.0.0.1",
        port: int = 8080,
        pg_dsn: str | None = None,
        pg_port: int | None = None,
        zeo_port: int | None = None,
        grace: int = 3600,
    ):
        if storage not in ("zeo", "relstorage"):
            raise ValueError(f"storage partagé inconnu : {storage}")
        self.var = var
        self.storage = storage
        self.count = instances
        self.host = host
        self.port = port
        self.pg_dsn = pg_dsn
        self.private_postgres = pg_dsn is None
        self.pg_port = pg_port or free_port()
        self.zeo_port = zeo_port or free_port()
        self.postgres: PrivatePostgres | None = None
        self.zeo: ManagedProcess | None = None
        self.instances: list[ManagedProcess] = []
        self.instance_ports: list[int] = []
        self.balancer: LoadBalancer | None = None
        self.balancer_port = free_port()
        self.grace = grace
        self.proxy: CachingProxy | None = None

    @property
    def url(self) -> str:
        host = "localhost" if self.host in ("127.0.0.1", "0.0.0.0") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    @property
    def purge_url(self) -> str:
        """Where the instances send their purges: Varnish, from 127.0.0.1."""
        host = "127.0.0.1" if self.host in ("0.0.0.0", "localhost") else self.host  # noqa: S104
        return f"http://{host}:{self.port}"

    def environment(self, name: str = "instance1") -> dict:
        extra = {"IMIO_INSTANCE_NAME": name}
        if self.storage == "zeo":
            extra["IMIO_ZEO_ADDRESS"] = f"127.0.0.1:{self.zeo_port}"
        else:
            extra["IMIO_PG_DSN"] = self.pg_dsn
        return instance_environment(self.var, self.storage, **extra)

    def start_storage(self) -> None:
        if self.storage == "zeo":
            env = self.environment()
            self.zeo = ManagedProcess(
                "zeo",
                [str(BIN / "runzeo"), "-C", str(PROJECT / "instance/etc/zeo.conf")],
                env,
                self.var / "log" / "zeo-console.log",
            ).start()
            self.zeo.wait_until(lambda: port_open("127.0.0.1", self.zeo_port))
        elif self.private_postgres:
            self.postgres = PrivatePostgres(
                self.var / "postgresql",
                self.pg_port,
                self.var / "log" / "postgresql.log",
            ).start()
            self.pg_dsn = self.postgres.dsn

    def database_hint(self) -> str:
        """Where to look when the database does not answer."""
        if self.storage == "zeo":
            return f"voir {self.var / 'log' / 'zeo.log'}"
        if self.private_postgres:
            return f"voir {self.var / 'log' / 'postgresql.log'}"
        return "vérifiez PG_DSN"

    @property
    def admin_password(self) -> str:
        return (self.var / "admin-password").read_text().strip()

    def ensure_admin(self) -> None:
        """The Zope administrator `admin`, with a password kept under var/."""
        password_file = self.var / "admin-password"
        if password_file.exists():
            return
        password = secrets.token_hex(12)
        result = subprocess.run(  # noqa: S603
            [
                str(BIN / "addzopeuser"),
                "-c",
                str(PROJECT / "instance/etc/zope.conf"),
                "admin",
                password,
            ],
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            # The error that ended it, never the command: it holds the password.
            errors = [line for line in result.stderr.splitlines() if line[:1].strip()]
            reason = errors[-1] if errors else f"code {result.returncode}"
            raise RuntimeError(
                f"la base de données ne répond pas : {reason} ({self.database_hint()})."
            )
        password_file.touch(mode=0o600)
        password_file.write_text(password + "\n")

    def with_proxy(self, profile: Path) -> Path:
        """A copy of the profile whose site purges this cluster's Varnish."""
        answers = yaml.safe_load(profile.read_text(encoding="utf-8"))
        answers["caching_proxies"] = [self.purge_url]
        if answers.get("site_logo") and "://" not in answers["site_logo"]:
            answers["site_logo"] = str(profile.parent / answers["site_logo"])
        copy = self.var / "profiles" / profile.name
        copy.parent.mkdir(parents=True, exist_ok=True)
        copy.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
        return copy

    def deploy(self, *profiles: Path) -> str:
        """Create the sites of the profiles that are missing; what it printed."""
        profiles = [self.with_proxy(profile) for profile in profiles]
        result = subprocess.run(  # noqa: S603
            [str(BIN / "imio-commune"), "deploy", *map(str, profiles)],
            env=self.environment(),
            capture_output=True,
            text=True,
        )
        if result.returncode:
            raise RuntimeError(f"imio-commune deploy: {result.stderr.strip()}")
        return result.stdout

    def instance_process(self, index: int) -> ManagedProcess:
        name = f"instance{index + 1}"
        logdir = self.var / "log" / name
        logdir.mkdir(parents=True, exist_ok=True)
        return wsgi_instance(
            name, self.instance_ports[index], logdir, self.environment(name)
        )

    def start_instance(self, index: int) -> ManagedProcess:
        """Start (or restart) one instance and wait until it is healthy."""
        process = self.instance_process(index).start()
        if index < len(self.instances):
            self.instances[index] = process
        else:
            self.instances.append(process)
        process.wait_until(healthy(self.instance_ports[index]), what="healthy")
        return process

    def start_instances(self) -> None:
        self.instance_ports = [free_port() for _ in range(self.count)]
        for index in range(self.count):
            self.start_instance(index)

    def start_balancer(self) -> None:
        names = [
            (f"instance{i + 1}", port) for i, port in enumerate(self.instance_ports)
        ]
        self.balancer = LoadBalancer(
            self.var / "haproxy",
            "127.0.0.1",
            self.balancer_port,
            names,
            self.var / "log" / "haproxy.log",
        ).start()
        self.balancer.process.wait_until(
            lambda: (
                http_status(f"http://127.0.0.1:{self.balancer_port}/@@health") == 200
            ),
            what="balancing",
        )

    def start_proxy(self) -> None:
        """Varnish on the public port, in front of the balancer."""
        self.proxy = CachingProxy(
            self.var / "varnish",
            VarnishSettings(
                host=self.host,
                port=self.port,
                backend_host="127.0.0.1",
                backend_port=self.balancer_port,
                grace=self.grace,
            ),
            self.var / "log" / "varnish.log",
        ).start()
        self.proxy.process.wait_until(
            lambda: http_status(f"{self.purge_url}/@@health") == 200,
            what="caching",
        )

    def serve(self) -> None:
        """Start the instances, then the balancer and Varnish in front of them."""
        self.start_instances()
        self.start_balancer()
        self.start_proxy()

    def start(self, *profiles: Path) -> "Cluster":
        try:
            self.start_storage()
            self.ensure_admin()
            if profiles:
                self.deploy(*profiles)
            self.serve()
        except BaseException:
            self.stop()
            raise
        return self

    def stop_instances(self) -> None:
        """Stop Varnish, the balancer and the instances; the storage keeps running."""
        if self.proxy is not None:
            self.proxy.stop()
        if self.balancer is not None:
            self.balancer.stop()
        for process in self.instances:
            process.stop()
        self.instances = []

    def stop(self) -> None:
        self.stop_instances()
        if self.zeo is not None:
            self.zeo.stop()
        if self.postgres is not None:
            self.postgres.stop()
