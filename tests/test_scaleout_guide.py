"""The commands of docs/operators/scale-out.md, as an operator types them.

A project laid out as an installed checkout, a plain shell with only PATH and
HOME, free ports of 127.0.0.1 instead of the guide's example ports (through
the variables the guide names), each long-running command in a process group
of its own as in a terminal: the ZEO server and two instances started with
``make start``; an operator's PostgreSQL (started here, on 127.0.0.1 instead
of db.example) with its role and database, ``make start`` and ``make cluster``
on it; ``make cluster`` on ZEO and with its own PostgreSQL.
"""

from imio.commune.cluster.postgres import PrivatePostgres
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import port_open
from pathlib import Path
from plone.testing import Layer
from tests.instance import BIN
from tests.instance import ROOT
from tests.test_cli_plain_shell import plain_environment

import contextlib
import os
import re
import requests
import shutil
import signal
import socket
import subprocess
import tempfile
import time
import unittest


SCALE_OUT_DOC = ROOT / "docs" / "operators" / "scale-out.md"
SHELL_BLOCK = re.compile(r"^```shell\n(.*?)^```$", re.M | re.S)
START_SECONDS = 300
STOP_SECONDS = 30


def section(title: str) -> list[str]:
    """The shell blocks of one section of the guide, as one text each."""
    text = SCALE_OUT_DOC.read_text()
    part = text.split(f"\n## {title}\n", 1)[1].split("\n## ", 1)[0]
    return SHELL_BLOCK.findall(part)


# Every command the guide shows, section by section, and the test running it:
# a command added to the guide fails test_every_command_is_run_here until a
# test runs it.
GUIDE_COMMANDS = {
    "ZEO": [
        "IMIO_HOME=$PWD IMIO_VAR=$PWD/var IMIO_ZEO_ADDRESS=127.0.0.1:8100 \\",
        "  .venv/bin/runzeo -C instance/etc/zeo.conf",  # ZeoGuideLayer
        "make start STORAGE=zeo PORT=8082 IMIO_INSTANCE_NAME=instance1",
        "make start STORAGE=zeo PORT=8083 IMIO_INSTANCE_NAME=instance2 OIDC_PORT=",
    ],
    "RelStorage on PostgreSQL": [  # RelStorageGuideLayer, TestRelStorageGuide
        "sudo -u postgres createuser imio",
        "sudo -u postgres createdb -O imio imio",
        'make start STORAGE=relstorage IMIO_PG_DSN="dbname=imio user=imio '
        'host=db.example port=5432"',
    ],
    "`make cluster`": [  # TestMakeCluster, TestRelStorageGuide
        "make cluster                                # RelStorage, 2 instances",
        "make cluster CLUSTER_STORAGE=zeo CLUSTER_INSTANCES=4",
        'make cluster PG_DSN="dbname=imio user=imio host=db.example"',
    ],
    # tests/test_caching_proxy.py, TestVarnishRecipe
    "Varnish": [
        ".venv/bin/python -m imio.commune.cluster.varnish --backend 127.0.0.1:8080 \\",
        "  --purger 10.0.0.0/24 --grace 7200 > /etc/varnish/default.vcl",
        "varnishd -C -f /etc/varnish/default.vcl > /dev/null",
    ],
}


def installed_project(root: Path) -> Path:
    """A checkout whose .venv is installed: the project's own, shared."""
    project = root / "commune"
    project.mkdir()
    for name in ("Makefile", "instance", "profiles", "dev", "src", ".venv"):
        (project / name).symlink_to(ROOT / name)
    # make compares them with .venv/.installed: as installed, not newer.
    installed = (ROOT / ".venv" / ".installed").stat().st_mtime_ns
    for name in ("setup.py", "constraints.txt"):
        shutil.copy(ROOT / name, project / name)
        os.utime(project / name, ns=(installed, installed))
    return project


class Terminal:
    """A command typed in a terminal of its own: its own process group."""

    def __init__(self, command: str, cwd: Path, log: Path, **extra: str):
        self.command = command
        self.log = log
        with log.open("wb") as output:
            self.process = subprocess.Popen(
                ["/bin/bash", "-e", "-c", command],
                cwd=cwd,
                env=plain_environment(**extra),
                stdout=output,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_until(self, ready) -> None:
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.command} ended:\n{self.output()}")
            if ready():
                return
            time.sleep(0.3)
        raise RuntimeError(f"{self.command} not ready:\n{self.output()}")

    def stop(self) -> None:
        """Ctrl-C as a terminal sends it: to the whole process group."""
        if self.process.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.process.pid, signal.SIGINT)
            try:
                self.process.wait(timeout=STOP_SECONDS)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


class ZeoGuideLayer(Layer):
    """The ZEO section: a ZEO server and two instances started by make start."""

    def setUp(self):
        root = Path(tempfile.mkdtemp(prefix="imio-scaleout-guide-"))
        project = installed_project(root)
        self["root"], self["project"] = root, project
        self["terminals"] = terminals = []
        try:
            # What the quick start did before: `make install` made var/.
            install = subprocess.run(
                ["/usr/bin/make", "--no-print-directory", "install"],
                cwd=project,
                env=plain_environment(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if install.returncode:
                raise RuntimeError(f"make install: {install.stdout}{install.stderr}")
            zeo_block, instances_block = section("ZEO")
            zeo_port, oidc_port = free_port(), free_port()
            zeo = Terminal(
                zeo_block.replace("127.0.0.1:8100", f"127.0.0.1:{zeo_port}"),
                project,
                root / "zeo.out",
            )
            terminals.append(zeo)
            zeo.wait_until(lambda: port_open("127.0.0.1", zeo_port))
            ports = []
            for number, line in enumerate(instances_block.splitlines(), start=1):
                port = free_port()
                typed = re.sub(r"\bPORT=\d+", f"PORT={port}", line)
                # The Makefile's defaults, ZEO on 8100 and the provider on
                # 8081, are examples too: the shell's variables override them.
                terminal = Terminal(
                    typed,
                    project,
                    root / f"instance{number}.out",
                    IMIO_ZEO_ADDRESS=f"127.0.0.1:{zeo_port}",
                    OIDC_PORT=str(oidc_port),
                )
                terminals.append(terminal)
                terminal.wait_until(
                    lambda port=port: (
                        http_status(f"http://localhost:{port}/demo") == 200
                    )
                )
                ports.append(port)
        except BaseException:
            self.tearDown()
            raise
        self["zeo_port"], self["oidc_port"], self["ports"] = zeo_port, oidc_port, ports

    def tearDown(self):
        for terminal in reversed(self["terminals"]):
            terminal.stop()
        shutil.rmtree(self["root"], ignore_errors=True)
        for key in ("root", "project", "terminals", "zeo_port", "oidc_port", "ports"):
            with contextlib.suppress(KeyError):
                del self[key]


ZEO_GUIDE = ZeoGuideLayer(name="ScaleOutGuideZeo")


class TestZeoGuide(unittest.TestCase):
    layer = ZEO_GUIDE

    def setUp(self):
        self.ports = self.layer["ports"]
        self.terminals = self.layer["terminals"]
        password = (self.layer["project"] / "var" / "admin-password").read_text()
        self.admin = requests.Session()
        self.admin.auth = ("admin", password.strip())
        self.admin.headers["Accept"] = "application/json"
        self.addCleanup(self.admin.close)

    def site(self, index: int) -> str:
        return f"http://localhost:{self.ports[index]}/demo"

    def test_the_guide_shows_two_instances_on_other_ports_than_the_provider(self):
        [_zeo, instances] = section("ZEO")
        ports = re.findall(r"\bPORT=(\d+)", instances)
        self.assertEqual(len(ports), 2)
        self.assertEqual(len(set(ports)), 2)
        self.assertNotIn("8081", ports)  # the provider's default port
        self.assertEqual(len(self.ports), 2)

    def test_both_instances_answer_the_demo_site(self):
        for index in range(2):
            response = requests.get(self.site(index), timeout=60)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Ville de Namur", response.text)
            health = requests.get(
                f"http://127.0.0.1:{self.ports[index]}/@@health", timeout=10
            )
            self.assertEqual((health.status_code, health.text), (200, "ok\n"))

    def test_a_page_made_on_one_instance_is_seen_on_the_other(self):
        created = self.admin.post(
            f"{self.site(0)}/++api++/",
            json={"@type": "Document", "title": "Fermeture de la rue de Fer"},
            timeout=60,
        )
        self.assertEqual(created.status_code, 201, created.text)
        page = created.json()["id"]
        seen = self.admin.get(f"{self.site(1)}/++api++/{page}", timeout=60)
        self.assertEqual(seen.status_code, 200)
        self.assertEqual(seen.json()["title"], "Fermeture de la rue de Fer")

    def test_only_the_first_instance_started_the_identity_provider(self):
        issuer = f"http://127.0.0.1:{self.layer['oidc_port']}"
        discovery = requests.get(
            f"{issuer}/.well-known/openid-configuration", timeout=10
        )
        self.assertEqual(discovery.json()["issuer"], issuer)
        first, second = (terminal.output() for terminal in self.terminals[1:])
        self.assertIn(f"Fournisseur d'identité : {issuer}", first)
        self.assertIn("Fournisseur d'identité : aucun (OIDC_PORT vide)", second)
        self.assertEqual([t.process.poll() for t in self.terminals], [None] * 3)

    def test_a_second_provider_on_the_same_port_is_refused_in_one_line(self):
        port = free_port()
        result = subprocess.run(
            [
                "/bin/bash",
                "-c",
                f"make start STORAGE=zeo PORT={port} IMIO_INSTANCE_NAME=instance3",
            ],
            cwd=self.layer["project"],
            env=plain_environment(
                OIDC_PORT=str(self.layer["oidc_port"]),
                IMIO_ZEO_ADDRESS=f"127.0.0.1:{self.layer['zeo_port']}",
            ),
            capture_output=True,
            text=True,
            timeout=START_SECONDS,
        )
        self.assertNotEqual(result.returncode, 0)
        [line] = [line for line in result.stderr.splitlines() if "OIDC_PORT" in line]
        self.assertEqual(
            line,
            f"Échec du démarrage : le port {self.layer['oidc_port']} du fournisseur "
            "d'identité est déjà pris (par un autre make start ?) : OIDC_PORT= "
            "démarre l'instance sans fournisseur, OIDC_PORT=un autre port en "
            "démarre un autre.",
        )
        self.assertNotIn("Traceback", result.stdout + result.stderr)
        self.assertFalse(port_open("127.0.0.1", port))


class TestGuideCommands(unittest.TestCase):
    def test_every_command_is_run_here(self):
        text = SCALE_OUT_DOC.read_text()
        shown = {}
        for part in text.split("\n## ")[1:]:
            title = part.split("\n", 1)[0]
            blocks = SHELL_BLOCK.findall(part)
            if blocks:
                shown[title] = "".join(blocks).splitlines()
        self.assertEqual(shown, GUIDE_COMMANDS)


class TestStartPorts(unittest.TestCase):
    """make start refuses ports it cannot use before starting anything."""

    def serve(self, **extra: str) -> subprocess.CompletedProcess:
        var = Path(tempfile.mkdtemp(prefix="imio-serve-"))
        self.addCleanup(shutil.rmtree, var, ignore_errors=True)
        return subprocess.run(
            [str(BIN / "python"), "-m", "imio.commune.serve"],
            cwd=ROOT,
            env=plain_environment(IMIO_HOME=str(ROOT), IMIO_VAR=str(var), **extra),
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_the_instance_on_the_providers_port_is_refused(self):
        port = free_port()
        result = self.serve(PORT=str(port), OIDC_PORT=str(port))
        self.assertEqual(result.returncode, 1)
        self.assertEqual(
            result.stderr.strip(),
            f"Échec du démarrage : PORT et OIDC_PORT valent tous deux {port} : "
            "PORT=un autre port pour l'instance.",
        )

    def test_a_taken_instance_port_is_refused(self):
        with socket.socket() as taken:
            taken.bind(("127.0.0.1", 0))
            taken.listen()
            port = taken.getsockname()[1]
            result = self.serve(PORT=str(port), OIDC_PORT="")
        self.assertEqual(result.returncode, 1)
        self.assertEqual(
            result.stderr.strip(),
            f"Échec du démarrage : le port {port} est déjà pris : PORT=un autre "
            "port pour l'instance.",
        )


def cluster_lines() -> list[str]:
    """The `make cluster` commands the guide shows, without their comments."""
    [block] = section("`make cluster`")
    return [line.split("#", 1)[0].strip() for line in block.splitlines()]


class TestMakeCluster(unittest.TestCase):
    """The guide's `make cluster` on ZEO, with a grace of its own."""

    def test_zeo_with_four_instances_behind_haproxy_and_varnish(self):
        [line] = [line for line in cluster_lines() if "CLUSTER_STORAGE=zeo" in line]
        self.assertEqual(line, "make cluster CLUSTER_STORAGE=zeo CLUSTER_INSTANCES=4")
        root = Path(tempfile.mkdtemp(prefix="imio-cluster-guide-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        project = installed_project(root)
        port, zeo_port = free_port(), free_port()
        # The public port (8080) and ZEO's (8100) are examples.
        cluster = Terminal(
            line,
            project,
            root / "cluster.out",
            PORT=str(port),
            CLUSTER_ZEO_PORT=str(zeo_port),
            CLUSTER_GRACE="120",
        )
        self.addCleanup(cluster.stop)
        cluster.wait_until(lambda: "Ctrl-C" in cluster.output())
        output = cluster.output()
        self.assertIn(
            "Démarrage : zeo, 4 instances, HAProxy, Varnish (grâce 120 s)…", output
        )
        self.assertEqual(len(re.findall(r"instance\d +: http://127", output)), 4)
        vcl = project / "var" / "cluster-zeo" / "varnish" / "default.vcl"
        self.assertIn("set beresp.grace = 120s;", vcl.read_text())
        home = requests.get(f"http://localhost:{port}/demo", timeout=60)
        self.assertEqual(home.status_code, 200)
        self.assertIn("Ville de Namur", home.text)
        self.assertIn("X-Varnish", home.headers)
        self.assertLogs(project / "var" / "cluster-zeo" / "log", "zeo.log", 4)

    def assertLogs(self, folder: Path, storage_log: str, instances: int) -> None:
        """The logs the guide lists: one folder per instance, one file each."""
        names = {path.name for path in folder.iterdir()}
        expected = {storage_log, "haproxy.log", "varnish.log"}
        expected |= {f"instance{n}" for n in range(1, instances + 1)}
        self.assertLessEqual(expected, names)

    def test_default_relstorage_on_a_postgresql_of_the_project(self):
        [line] = [line for line in cluster_lines() if line == "make cluster"]
        root = Path(tempfile.mkdtemp(prefix="imio-cluster-guide-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        project = installed_project(root)
        port, pg_port = free_port(), free_port()
        # The public port (8080) and PostgreSQL's (5433) are examples.
        cluster = Terminal(
            line,
            project,
            root / "cluster.out",
            PORT=str(port),
            CLUSTER_PG_PORT=str(pg_port),
        )
        self.addCleanup(cluster.stop)
        cluster.wait_until(lambda: "Ctrl-C" in cluster.output())
        self.assertIn(
            "Démarrage : relstorage, 2 instances, HAProxy, Varnish (grâce 3600 s)…",
            cluster.output(),
        )
        var = project / "var" / "cluster-relstorage"
        self.assertTrue((var / "postgresql" / "PG_VERSION").is_file())
        self.assertTrue(port_open("127.0.0.1", pg_port))
        self.assertLogs(var / "log", "postgresql.log", 2)
        home = requests.get(f"http://localhost:{port}/demo", timeout=60)
        self.assertEqual(home.status_code, 200)
        self.assertIn("Ville de Namur", home.text)
        # Ctrl-C stops all of it.
        cluster.stop()
        self.assertIn("Arrêt…\nArrêté.", cluster.output())
        self.assertFalse(port_open("127.0.0.1", port))
        self.assertFalse(port_open("127.0.0.1", pg_port))


class TestClusterSettings(unittest.TestCase):
    """A wrong variable of make cluster: one French line, nothing started."""

    def supervise(self, **extra: str) -> subprocess.CompletedProcess:
        var = Path(tempfile.mkdtemp(prefix="imio-cluster-settings-"))
        self.addCleanup(shutil.rmtree, var, ignore_errors=True)
        result = subprocess.run(
            [str(BIN / "python"), "-m", "imio.commune.cluster"],
            cwd=ROOT,
            env=plain_environment(IMIO_HOME=str(ROOT), IMIO_VAR=str(var), **extra),
            capture_output=True,
            text=True,
            timeout=60,
        )
        self.assertEqual(list(var.iterdir()), [])
        return result

    def test_a_grace_that_is_no_number(self):
        result = self.supervise(CLUSTER_GRACE="1h")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertEqual(
            result.stderr,
            "Réglage refusé : CLUSTER_GRACE=1h : un nombre entier est attendu "
            "(CLUSTER_GRACE=3600 par défaut).\n",
        )

    def test_an_unknown_storage(self):
        result = self.supervise(CLUSTER_STORAGE="filestorage")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(
            result.stderr,
            "Réglage refusé : CLUSTER_STORAGE=filestorage : "
            "CLUSTER_STORAGE=relstorage (par défaut) ou CLUSTER_STORAGE=zeo.\n",
        )


class OperatorsPostgres(PrivatePostgres):
    """PostgreSQL as on the operator's database host: no role, no database."""

    def ensure_database(self) -> None:
        """The guide's createuser and createdb make them."""


def as_postgres(command: str) -> str:
    """sudo -u postgres, as this machine runs it: runuser when root."""
    runner = "/usr/sbin/runuser -u postgres --" if os.geteuid() == 0 else ""
    return command.replace("sudo -u postgres", runner).strip()


class RelStorageGuideLayer(Layer):
    """The RelStorage section: an operator's PostgreSQL, its role and database
    created as the guide shows, on 127.0.0.1 instead of db.example."""

    def setUp(self):
        root = Path(tempfile.mkdtemp(prefix="imio-relstorage-guide-"))
        self["root"] = root
        try:
            self["project"] = project = installed_project(root)
            install = subprocess.run(
                ["/usr/bin/make", "--no-print-directory", "install"],
                cwd=project,
                env=plain_environment(),
                capture_output=True,
                text=True,
                timeout=120,
            )
            if install.returncode:
                raise RuntimeError(f"make install: {install.stdout}{install.stderr}")
            pg_port = free_port()
            self["postgres"] = OperatorsPostgres(
                root / "db", pg_port, root / "postgresql.log"
            ).start()
            [block] = section("RelStorage on PostgreSQL")
            lines = block.splitlines()
            self["created"] = [
                subprocess.run(
                    ["/bin/bash", "-e", "-c", as_postgres(line)],
                    cwd=project,
                    env=plain_environment(PGHOST="127.0.0.1", PGPORT=str(pg_port)),
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                for line in lines
                if line.startswith("sudo -u postgres ")
            ]
            [self["start_line"]] = [line for line in lines if "make start" in line]
            self["dsn_host"] = f"host=127.0.0.1 port={pg_port}"
        except BaseException:
            self.tearDown()
            raise

    def tearDown(self):
        if "postgres" in self:
            self["postgres"].stop()
        shutil.rmtree(self["root"], ignore_errors=True)
        for key in ("root", "project", "postgres", "created", "start_line", "dsn_host"):
            with contextlib.suppress(KeyError):
                del self[key]


RELSTORAGE_GUIDE = RelStorageGuideLayer(name="ScaleOutGuideRelStorage")


class TestRelStorageGuide(unittest.TestCase):
    layer = RELSTORAGE_GUIDE

    def setUp(self):
        self.root = self.layer["root"]
        self.project = self.layer["project"]

    def typed(self, line: str) -> str:
        """The guide's line, with the database host on this machine."""
        typed = line.replace("host=db.example port=5432", self.layer["dsn_host"])
        return typed.replace("host=db.example", self.layer["dsn_host"])

    def test_createuser_and_createdb_make_the_role_and_database(self):
        self.assertEqual(len(self.layer["created"]), 2)
        for result in self.layer["created"]:
            self.assertEqual(result.returncode, 0, result.stderr)
        postgres = self.layer["postgres"]
        self.assertEqual(
            postgres.psql(
                "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'imio'"
            ),
            "imio",
        )

    def test_make_start_then_make_cluster_on_the_operators_database(self):
        port, oidc_port = free_port(), free_port()
        line = self.layer["start_line"]
        self.assertIn('IMIO_PG_DSN="dbname=imio user=imio host=db.example', line)
        # The demo's port (8080) and the provider's (8081) are examples.
        start = Terminal(
            self.typed(line),
            self.project,
            self.root / "start.out",
            PORT=str(port),
            OIDC_PORT=str(oidc_port),
        )
        self.addCleanup(start.stop)
        site = f"http://localhost:{port}/demo"
        start.wait_until(lambda: http_status(site) == 200)
        password = (self.project / "var" / "admin-password").read_text().strip()
        created = requests.post(
            f"{site}/++api++/",
            json={"@type": "Document", "title": "Travaux rue Godefroid"},
            auth=("admin", password),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(created.status_code, 201, created.text)
        page = created.json()["id"]
        published = requests.post(
            f"{site}/++api++/{page}/@workflow/publish",
            auth=("admin", password),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(published.status_code, 200, published.text)
        tables = self.layer["postgres"].psql(
            "SELECT count(*) FROM pg_tables WHERE tableowner = 'imio'", database="imio"
        )
        self.assertGreater(int(tables), 0)

        # The guide's cluster on the same database, next to that instance.
        [cluster_line] = [line for line in cluster_lines() if "PG_DSN=" in line]
        cluster_port = free_port()
        cluster = Terminal(
            self.typed(cluster_line),
            self.project,
            self.root / "cluster.out",
            PORT=str(cluster_port),
        )
        self.addCleanup(cluster.stop)
        cluster.wait_until(lambda: "Ctrl-C" in cluster.output())
        self.assertIn("Démarrage : relstorage, 2 instances", cluster.output())
        # No PostgreSQL of its own: the operator's.
        self.assertFalse(
            (self.project / "var" / "cluster-relstorage" / "postgresql").exists()
        )
        seen = requests.get(f"http://localhost:{cluster_port}/demo/{page}", timeout=60)
        self.assertEqual(seen.status_code, 200)
        self.assertIn(
            "<title>Travaux rue Godefroid — Ville de Namur</title>", seen.text
        )
        self.assertIn("X-Varnish", seen.headers)

    def test_a_database_that_does_not_answer(self):
        root = Path(tempfile.mkdtemp(prefix="imio-cluster-settings-"))
        self.addCleanup(shutil.rmtree, root, ignore_errors=True)
        project = installed_project(root)
        closed = free_port()
        result = subprocess.run(
            [
                "/bin/bash",
                "-c",
                "make cluster PG_DSN="
                f'"dbname=imio user=imio host=127.0.0.1 port={closed}"',
            ],
            cwd=project,
            env=plain_environment(PORT=str(free_port())),
            capture_output=True,
            text=True,
            timeout=120,
        )
        self.assertNotEqual(result.returncode, 0)
        self.assertNotIn("Traceback", result.stdout + result.stderr)
        [line] = [line for line in result.stderr.splitlines() if "Échec" in line]
        self.assertEqual(
            line,
            "Échec du démarrage : la base de données ne répond pas : "
            f'psycopg2.OperationalError: connection to server at "127.0.0.1", port '
            f"{closed} failed: Connection refused (vérifiez PG_DSN).",
        )
        # The password it generated was neither kept nor shown.
        var = project / "var" / "cluster-relstorage"
        self.assertFalse((var / "admin-password").exists())
