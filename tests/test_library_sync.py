"""A commune and its library, two instances on two databases, talking HTTP.

The library is deployed from profiles/bibliotheque.yaml, the commune from a
small profile that subscribes to it; each runs in its own instance. The
commune pulls the library's changes with ``POST {site}/@library-sync``, as
``make start`` does for the demo.
"""

from imio.commune.cluster.cluster import instance_environment
from imio.commune.cluster.processes import free_port
from imio.commune.cluster.processes import http_status
from imio.commune.cluster.processes import ManagedProcess
from pathlib import Path
from imio.commune.demo.library_sync import sync_demo
from imio.commune.tests.test_cpsv_ap import violations
from plone.testing import Layer
from rdflib import Graph
from rdflib import Namespace
from rdflib.namespace import RDF
from ZODB.FileStorage import FileStorage
from tests.instance import BIN
from tests.instance import ROOT
from tests.test_cli_plain_shell import shell_blocks

import json
import os
import requests
import secrets
import shutil
import subprocess
import tempfile
import unittest
import yaml


LIBRARY_PROFILE = ROOT / "profiles" / "bibliotheque.yaml"
COMMUNE = "gesves"
CPSV = Namespace("http://purl.org/vocab/cpsv#")
DOCS = ROOT / "docs" / "operators" / "library.md"
UNITS = ROOT / "instance" / "systemd"


def documented(containing: str) -> str:
    (block,) = [each for each in shell_blocks(DOCS) if containing in each]
    return block


def run_shell(code: str, cwd: Path, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["/bin/sh", "-c", code],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )


def commune_profile(folder: Path, library_url: str) -> Path:
    path = folder / f"{COMMUNE}.yaml"
    answers = {
        "site_id": COMMUNE,
        "title": "Commune de Gesves",
        "refnis": "92054",
        "default_language": "fr",
        "library": {"url": library_url, "sheets": "all", "timeout": 5},
    }
    path.write_text(yaml.safe_dump(answers, allow_unicode=True), encoding="utf-8")
    return path


def library_sheets(library) -> list[str]:
    """The keys of the library's published sheets in French, from its feed."""
    feed = requests.get(
        f"{library.url}/bibliotheque/@library-changes",
        params={"language": "fr", "limit": 1000},
        headers={"Accept": "application/json"},
        timeout=60,
    ).json()
    return sorted(entry["key"] for entry in feed["changes"])


class Instance:
    """One database, its administrator and the instance that serves it."""

    def __init__(self, name: str, **environment: str):
        self.name = name
        self.var = Path(tempfile.mkdtemp(prefix=f"imio-{name}-"))
        self.env = instance_environment(self.var, **environment)
        self.port = free_port()
        self.password = secrets.token_hex(12)
        self.process = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def deploy(self, profile: Path) -> subprocess.Popen:
        return subprocess.Popen(
            [str(BIN / "imio-commune"), "--json", "deploy", str(profile)],
            env=self.env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )

    def add_admin(self) -> None:
        subprocess.run(
            [
                str(BIN / "addzopeuser"),
                "-c",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                "admin",
                self.password,
            ],
            env=self.env,
            check=True,
            capture_output=True,
            timeout=300,
        )

    def start(self, site: str) -> None:
        self.process = ManagedProcess(
            f"{self.name} instance",
            [
                str(BIN / "runwsgi"),
                str(ROOT / "instance" / "etc" / "zope.ini"),
                "http_host=127.0.0.1",
                f"http_port={self.port}",
                f"logdir={self.var / 'log'}",
            ],
            self.env,
            self.var / "log" / "console.log",
        ).start()
        self.process.wait_until(lambda: http_status(f"{self.url}/{site}") == 200)

    def stop(self) -> None:
        if self.process is not None:
            self.process.stop()

    def session(self) -> requests.Session:
        session = requests.Session()
        session.auth = ("admin", self.password)
        session.headers["Accept"] = "application/json"
        return session

    @property
    def data_fs(self) -> Path:
        return self.var / "filestorage" / "Data.fs"

    def last_transaction(self) -> bytes:
        """The id of the database's last transaction, read beside the instance."""
        storage = FileStorage(str(self.data_fs), read_only=True)
        try:
            return storage.lastTransaction()
        finally:
            storage.close()


class LibraryAndCommuneLayer(Layer):
    """The library instance and a subscribed commune's instance, first sync done."""

    def setUp(self):
        library = Instance("library")
        # The commune instance retries at once: the tests never wait for a pause.
        commune = Instance("commune", IMIO_LIBRARY_RETRY_SECONDS="0 0")
        self["library"], self["commune"] = library, commune
        try:
            self.deploy_and_start(library, commune)
            self["sheets"] = library_sheets(library)
            self["first_sync"] = self.sync()
        except BaseException:
            self.tearDown()
            raise

    def deploy_and_start(self, library: Instance, commune: Instance) -> None:
        profile = commune_profile(commune.var, f"{library.url}/bibliotheque")
        deploys = [library.deploy(LIBRARY_PROFILE), commune.deploy(profile)]
        for deploy in deploys:
            _out, err = deploy.communicate(timeout=900)
            if deploy.returncode:
                raise RuntimeError(f"deploy failed: {err}")
        for instance, site in ((library, "bibliotheque"), (commune, COMMUNE)):
            instance.add_admin()
            instance.start(site)

    def sync(self) -> requests.Response:
        commune = self["commune"]
        return commune.session().post(
            f"{commune.url}/{COMMUNE}/@library-sync", timeout=120
        )

    def tearDown(self):
        for name in ("commune", "library"):
            instance = self.get(name)
            if instance is not None:
                instance.stop()
                shutil.rmtree(instance.var, ignore_errors=True)
                del self[name]
        for name in ("sheets", "first_sync"):
            if name in self:
                del self[name]


LIBRARY_AND_COMMUNE = LibraryAndCommuneLayer(name="LibraryAndCommune")


class TestLibraryAndCommune(unittest.TestCase):
    layer = LIBRARY_AND_COMMUNE

    def setUp(self):
        self.library = self.layer["library"]
        self.commune = self.layer["commune"]

    def sync(self) -> dict:
        first = self.layer["first_sync"]
        self.assertEqual(first.status_code, 200, first.text)
        answer = self.layer.sync()
        self.assertEqual(answer.status_code, 200, answer.text)
        return answer.json()

    def edit(self, instance: Instance, path: str, **sections: str) -> None:
        body = {
            name: {"data": html, "content-type": "text/html", "encoding": "utf-8"}
            for name, html in sections.items()
        }
        answer = instance.session().patch(f"{instance.url}/{path}", json=body)
        self.assertEqual(answer.status_code, 204, answer.text)

    def commune_page(self, key: str) -> requests.Response:
        return requests.get(f"{self.commune.url}/{COMMUNE}/demarches/{key}", timeout=60)

    def test_first_sync_copies_every_sheet(self):
        answer = self.layer["first_sync"]
        self.assertEqual(answer.status_code, 200, answer.text)
        row = answer.json()
        sheets = self.layer["sheets"]
        self.assertGreaterEqual(len(sheets), 3)
        self.assertEqual(row["site"], COMMUNE)
        self.assertEqual(row["créées"], len(sheets))
        self.assertEqual(row["résultat"], "synchronisé")
        page = self.commune_page("carte-identite")
        self.assertEqual(page.status_code, 200)
        self.assertIn("Carte d", page.text)

    def test_a_change_to_an_inherited_section_arrives(self):
        text = "<p>Le passeport coûte désormais 75 euros (tarif 2027).</p>"
        self.edit(self.library, "bibliotheque/fr/passeport", cost=text)
        row = self.sync()
        self.assertEqual((row["mises à jour"], row["à revoir"]), (1, 0))
        self.assertIn("75 euros (tarif 2027)", self.commune_page("passeport").text)

    def test_an_overridden_section_is_kept_and_flagged(self):
        local = "<p>À Gesves, le permis de conduire coûte 30 euros.</p>"
        self.edit(self.commune, f"{COMMUNE}/demarches/permis-de-conduire", cost=local)
        upstream = "<p>Le permis de conduire coûte 28 euros.</p>"
        self.edit(self.library, "bibliotheque/fr/permis-de-conduire", cost=upstream)
        row = self.sync()
        self.assertEqual((row["à revoir"], row["mises à jour"]), (1, 0))
        page = self.commune_page("permis-de-conduire").text
        self.assertIn("coûte 30 euros", page)
        self.assertNotIn("coûte 28 euros", page)
        found = self.commune.session().get(
            f"{self.commune.url}/{COMMUNE}/@search",
            params={
                "portal_type": "Procedure",
                "metadata_fields": "library_review",
                "b_size": 1000,
            },
        )
        review = {
            item["@id"].rsplit("/", 1)[1]: item["library_review"]
            for item in found.json()["items"]
        }
        self.assertIs(review["permis-de-conduire"], True)
        self.assertIs(review["passeport"], False)

    def test_a_withdrawn_sheet_is_flagged_and_stays(self):
        answer = self.library.session().post(
            f"{self.library.url}/bibliotheque/fr/kids-id/@workflow/retract"
        )
        self.assertEqual(answer.status_code, 200, answer.text)
        row = self.sync()
        self.assertEqual(row["retirées"], 1)
        self.assertEqual(self.commune_page("kids-id").status_code, 200)

    def test_library_down_then_back(self):
        self.library.stop()
        try:
            page = self.commune_page("carte-identite")
            self.assertEqual(page.status_code, 200)
            answer = self.layer.sync()
            self.assertEqual(answer.status_code, 502)
            result = answer.json()["résultat"]
            self.assertTrue(
                result.startswith(
                    f"échec : bibliothèque injoignable à {self.library.url}"
                    "/bibliotheque après 3 essais ("
                ),
                result,
            )
            self.assertNotIn("\n", result)
        finally:
            self.library.start("bibliotheque")
        row = self.sync()
        self.assertIn(row["résultat"], ("synchronisé", "inchangé"))

    def test_the_communes_catalogue_with_its_copies_conforms(self):
        """CPSV-AP of the subscribed commune, read back with the official shapes."""
        self.sync()
        url = f"{self.commune.url}/{COMMUNE}/@@cpsv-ap"
        answer = requests.get(url, headers={"Accept": "text/turtle"}, timeout=120)
        self.assertEqual(answer.status_code, 200, answer.text[:500])
        catalogue = Graph().parse(data=answer.text, format="turtle")
        self.assertEqual(violations(catalogue), [])
        services = set(catalogue.subjects(RDF.type, CPSV.PublicService))
        self.assertGreaterEqual(len(services), len(self.layer["sheets"]))
        for key in ("carte-identite", "permis-de-conduire", "kids-id"):
            page = f"{self.commune.url}/{COMMUNE}/demarches/{key}/@@cpsv-ap"
            answer = requests.get(page, headers={"Accept": "text/turtle"}, timeout=60)
            self.assertEqual(answer.status_code, 200, key)
            export = Graph().parse(data=answer.text, format="turtle")
            self.assertEqual(violations(export), [], key)

    def test_nothing_new_writes_nothing(self):
        self.sync()
        size = self.commune.data_fs.stat().st_size
        last = self.commune.last_transaction()
        row = self.sync()
        self.assertEqual(row["résultat"], "inchangé")
        self.assertEqual(
            [row[name] for name in ("créées", "mises à jour", "à revoir", "retirées")],
            [0, 0, 0, 0],
        )
        self.assertEqual(self.commune.data_fs.stat().st_size, size)
        self.assertEqual(self.commune.last_transaction(), last)

    def test_make_start_line(self):
        with tempfile.TemporaryDirectory() as var:
            (Path(var) / "admin-password").write_text(self.commune.password + "\n")
            line = sync_demo(f"{self.commune.url}/{COMMUNE}", Path(var), "admin")
            self.assertRegex(
                line,
                r"^  Bibliothèque des démarches : \d+ fiches copiées, \d+ mises à "
                r"jour, \d+ à revoir, \d+ retirées \((synchronisé|inchangé)\)\.$",
            )
            (Path(var) / "admin-password").write_text("wrong\n")
            line = sync_demo(f"{self.commune.url}/{COMMUNE}", Path(var), "admin")
            self.assertEqual(
                line,
                "  Bibliothèque des démarches : synchronisation refusée (401 "
                "Unauthorized) ; voir var/admin-password et ADMIN_USER.",
            )

    def test_docs_rest_trigger(self):
        block = documented("@library-sync")
        with tempfile.TemporaryDirectory() as home:
            (Path(home) / "var").mkdir()
            (Path(home) / "var" / "admin-password").write_text(self.commune.password)
            done = run_shell(
                block.replace(
                    "http://localhost:8080/demo", f"{self.commune.url}/{COMMUNE}"
                ),
                Path(home),
                {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8"},
            )
        self.assertEqual(done.returncode, 0, done.stderr)
        row = json.loads(done.stdout)
        self.assertEqual(row["site"], COMMUNE)
        self.assertIn(row["résultat"], ("synchronisé", "inchangé"))

    def test_docs_command_line(self):
        block = documented("imio-commune sync").replace(" demo", f" {COMMUNE}")
        env = {**self.commune.env, "PATH": "/usr/bin:/bin", "HOME": str(ROOT)}
        # The running instance locks its FileStorage: the command says so.
        locked = run_shell(block, ROOT, env)
        self.assertEqual(locked.returncode, 3)
        self.assertIn(
            "La base de données est verrouillée par une instance en cours",
            locked.stderr,
        )
        self.commune.stop()
        try:
            done = run_shell(block, ROOT, env)
        finally:
            self.commune.start(COMMUNE)
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        self.assertIn("Synchronisation", done.stdout)
        rows = json.loads(done.stdout[done.stdout.index("[") :])
        self.assertEqual([row["site"] for row in rows], [COMMUNE])
        self.assertEqual(rows[0]["résultat"], "inchangé")


def install_units_as_documented(test, block: str, name: str) -> None:
    """The guide's cp and systemctl lines in a scratch root; units verified.

    ``name`` is the units' name without suffix (``imio-library-sync``): its
    service and timer are checked by systemd-analyze and the timer enabled.
    """
    with tempfile.TemporaryDirectory() as scratch:
        root = Path(scratch)
        units = root / "etc" / "systemd" / "system"
        units.mkdir(parents=True)
        for line in block.splitlines():
            words = line.removeprefix("sudo ").split()
            if words[0] == "cp":
                for source in words[1:-1]:
                    text = (ROOT / source).read_text()
                    (units / Path(source).name).write_text(
                        text.replace("/srv/imio", str(ROOT))
                    )
            else:
                test.assertEqual(words[:3], ["systemctl", "enable", "--now"])
                subprocess.run(
                    ["/usr/bin/systemctl", f"--root={root}", "enable", *words[3:]],
                    check=True,
                    capture_output=True,
                )
        verified = subprocess.run(
            [
                "/usr/bin/systemd-analyze",
                "verify",
                *map(str, sorted(units.glob(f"{name}.*"))),
            ],
            capture_output=True,
            text=True,
        )
        test.assertEqual((verified.returncode, verified.stderr), (0, ""))
        wanted = units / "timers.target.wants" / f"{name}.timer"
        test.assertTrue(wanted.is_symlink())
    test.assertTrue(os.access(BIN / "imio-commune", os.X_OK))


class TestLibrarySyncUnits(unittest.TestCase):
    """The nightly sync's units, installed as the guide says."""

    def test_units_verify_and_enable(self):
        install_units_as_documented(
            self, documented("imio-library-sync"), "imio-library-sync"
        )
        service = (UNITS / "imio-library-sync.service").read_text()
        self.assertIn("ExecStart=/srv/imio/.venv/bin/imio-commune sync\n", service)
