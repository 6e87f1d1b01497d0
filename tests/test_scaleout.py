"""Several instances on one shared storage behind HAProxy: RelStorage and ZEO."""

from concurrent.futures import ThreadPoolExecutor
from imio.commune.backup import FileStorageBackup
from imio.commune.backup import PostgresBackup
from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.processes import free_port
from imio.eguichet.testing import ACTIONS_MODEL
from imio.eguichet.testing import FORM_MODEL
from pathlib import Path
from plone.testing import Layer
from requests.adapters import HTTPAdapter
from tests.instance import DEMO_PROFILE

import base64
import hashlib
import re
import requests
import shutil
import tempfile
import threading
import time
import unittest


class ClusterLayer(Layer):
    """A throwaway cluster: storage server, two instances, HAProxy."""

    def __init__(self, storage: str):
        super().__init__(name=f"Cluster:{storage}")
        self.storage = storage

    def setUp(self):
        var = Path(tempfile.mkdtemp(prefix=f"imio-{self.storage}-"))
        cluster = Cluster(var=var, storage=self.storage, instances=2, port=free_port())
        try:
            cluster.start(DEMO_PROFILE)
        except BaseException:
            shutil.rmtree(var, ignore_errors=True)
            raise
        self["cluster"] = cluster

    def tearDown(self):
        cluster = self["cluster"]
        cluster.stop()
        shutil.rmtree(cluster.var, ignore_errors=True)
        del self["cluster"]


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')


class SourceAddress(HTTPAdapter):
    """Connections from one local address: a citizen of their own."""

    def __init__(self, address: str):
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


RELSTORAGE_CLUSTER = ClusterLayer("relstorage")
ZEO_CLUSTER = ClusterLayer("zeo")


class ClusterTests:
    """What operators rely on, whatever the shared storage."""

    def setUp(self):
        self.cluster = self.layer["cluster"]
        self.session = requests.Session()
        self.session.auth = ("admin", self.cluster.admin_password)
        self.session.headers["Accept"] = "application/json"

    def instance_url(self, index: int) -> str:
        return f"http://127.0.0.1:{self.cluster.instance_ports[index]}/demo"

    def create_page(self, base_url: str, title: str) -> requests.Response:
        return self.session.post(
            f"{base_url}/++api++/",
            json={"@type": "Document", "title": title},
            timeout=60,
        )

    def eguichet_form(self) -> str:
        """URL of a published e-guichet form of the demo site, made once."""
        url = f"{self.cluster.url}/demo/signalement-voirie"
        if self.session.get(f"{url}/++api++/", timeout=60).status_code == 200:
            return url
        # The administrator's steps on one instance: on ZEO, another instance
        # may read the group a few milliseconds after it was written.
        site = self.instance_url(0)
        # Every test citizen comes from 127.0.0.1: no per-address limit here.
        unlimited = self.session.patch(
            f"{site}/++api++/@registry",
            json={"imio.eguichet.submissions_per_hour_per_ip": 0},
            timeout=60,
        )
        self.assertEqual(unlimited.status_code, 204, unlimited.text)
        group = self.session.post(
            f"{site}/++api++/@groups",
            json={"groupname": "travaux", "title": "Service des travaux"},
            timeout=60,
        )
        self.assertIn(group.status_code, (201, 400), group.text)
        created = self.session.post(
            f"{site}/++api++/",
            json={
                "@type": "EasyForm",
                "id": "signalement-voirie",
                "title": "Signalement d'un problème sur la voirie",
                "fields_model": FORM_MODEL,
                "actions_model": ACTIONS_MODEL,
                "processing_service": "travaux",
                "delay_days": 5,
            },
            timeout=60,
        )
        self.assertEqual(created.status_code, 201, created.text)
        published = self.session.post(
            f"{site}/signalement-voirie/++api++/@workflow/publish", timeout=60
        )
        self.assertEqual(published.status_code, 200, published.text)
        return url

    def submit(self, form_url: str, number: int) -> requests.Response:
        """An anonymous citizen's submission, through the balancer."""
        return requests.post(
            f"{form_url}/++api++/@submit",
            json={"fullname": f"Citoyen {number}", "email": f"c{number}@example.org"},
            headers={"Accept": "application/json"},
            timeout=120,
        )

    def case_count(self) -> int:
        search = self.session.get(
            f"{self.cluster.url}/demo/++api++/@search",
            params={"portal_type": "Case", "b_size": 1},
            timeout=60,
        )
        return search.json()["items_total"]

    def test_submissions_through_the_balancer_all_become_cases(self):
        form_url = self.eguichet_form()
        before = self.case_count()
        with ThreadPoolExecutor(max_workers=8) as pool:
            responses = list(pool.map(lambda n: self.submit(form_url, n), range(200)))
        self.assertEqual([r.status_code for r in responses], [201] * 200)
        self.assertEqual(len({r.json()["reference"] for r in responses}), 200)
        self.assertEqual(self.case_count(), before + 200)

    def snapshot(self) -> tuple[int, str]:
        """Number of pages, and the digest of the leaflet's blob."""
        search = self.session.get(
            f"{self.cluster.url}/demo/++api++/@search",
            params={"portal_type": "Document", "b_size": 1},
            timeout=60,
        )
        leaflet = requests.get(
            f"{self.cluster.url}/demo/depliant-collectes/@@download/file",
            auth=self.session.auth,
            timeout=60,
        )
        self.assertEqual(leaflet.status_code, 200)
        return (
            search.json()["items_total"],
            self.case_count(),
            hashlib.sha256(leaflet.content).hexdigest(),
        )

    def test_backup_wipe_restore(self):
        for number in range(5):
            self.assertEqual(
                self.create_page(
                    self.cluster.url + "/demo", f"Page {number}"
                ).status_code,
                201,
            )
        leaflet = bytes(range(256)) * 400
        created = self.session.post(
            f"{self.cluster.url}/demo/++api++/",
            json={
                "@type": "File",
                "id": "depliant-collectes",
                "title": "Dépliant des collectes",
                "file": {
                    "data": base64.b64encode(leaflet).decode(),
                    "encoding": "base64",
                    "filename": "collectes.pdf",
                    "content-type": "application/pdf",
                },
            },
            timeout=60,
        )
        self.assertEqual(created.status_code, 201, created.text)
        form_url = self.eguichet_form()
        for number in range(5):
            self.assertEqual(self.submit(form_url, number).status_code, 201)
        before = self.snapshot()
        self.assertGreaterEqual(before[1], 5)
        self.assertEqual(before[2], hashlib.sha256(leaflet).hexdigest())
        backup = self.backup_and_wipe()
        backup.restore()
        self.restart_after_restore()
        self.assertEqual(self.snapshot(), before)

    def test_content_created_on_one_instance_is_seen_on_the_other(self):
        created = self.create_page(self.instance_url(0), "Travaux rue de la Gare")
        self.assertEqual(created.status_code, 201, created.text)
        page_id = created.json()["id"]
        # The other instance learns of the new transaction from its storage
        # server's invalidations, a moment later (ZEO sends them after the
        # commit has answered): it is asked again until it sees the page.
        deadline = time.monotonic() + 10
        while True:
            seen = self.session.get(
                f"{self.instance_url(1)}/++api++/{page_id}", timeout=60
            )
            if seen.status_code != 404 or time.monotonic() > deadline:
                break
        self.assertEqual(seen.status_code, 200)
        self.assertEqual(seen.json()["title"], "Travaux rue de la Gare")

    def test_balancer_serves_the_site_and_checks_health(self):
        for _ in range(4):
            response = requests.get(f"{self.cluster.url}/demo", timeout=60)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Ville de Namur", response.text)
        health = requests.get(f"{self.cluster.url}/@@health", timeout=10)
        self.assertEqual((health.status_code, health.text), (200, "ok\n"))

    def citizen(self, address: str) -> requests.Session:
        session = requests.Session()
        session.mount("http://", SourceAddress(address))
        self.addCleanup(session.close)
        return session

    def follow_up_attempt(self, citizen: requests.Session, forwarded: str) -> int:
        """A wrong access code typed on the follow-up page, through the balancer."""
        url = f"{self.cluster.url}/demo/@@suivi"
        page = citizen.get(url, timeout=60)
        self.assertEqual(page.status_code, 200)
        attempt = citizen.post(
            url,
            data={
                "reference": "ZZZZ-ZZZZ",
                "access_code": "WRONGCODE2",
                "_authenticator": AUTHENTICATOR.search(page.text).group(1),
            },
            # Written by the citizen: HAProxy appends the address it sees.
            headers={"X-Forwarded-For": forwarded},
            timeout=60,
        )
        return attempt.status_code

    def test_follow_up_attempts_are_limited_per_citizen_behind_the_balancer(self):
        guesser, neighbour = self.citizen("127.0.0.2"), self.citizen("127.0.0.3")
        # A new forged address at each attempt: only the one HAProxy appends
        # counts. Each instance counts apart: at most 10 attempts on each.
        statuses = [
            self.follow_up_attempt(guesser, f"198.51.100.{number}")
            for number in range(25)
        ]
        self.assertEqual(statuses[:10], [200] * 10)
        self.assertEqual(statuses[20:], [429] * 5)
        # Another citizen behind the same balancer keeps their own attempts.
        self.assertEqual(self.follow_up_attempt(neighbour, "127.0.0.2"), 200)

    def cluster_logs(self) -> str:
        """The end of every log of the cluster, to read when a test fails."""
        tails = []
        for log in sorted(self.cluster.var.glob("log/**/*.log")):
            lines = log.read_text(errors="replace").splitlines()[-8:]
            tails.append(f"== {log.name}\n" + "\n".join(lines))
        return "\n".join(tails)

    def test_killed_instance_loses_no_acknowledged_submission(self):
        """Submissions through the balancer while one instance dies and returns."""
        form_url = self.eguichet_form()
        acknowledged, refused, lock = [], [], threading.Lock()

        def submit(number: int) -> None:
            try:
                response = self.submit(form_url, number)
            except requests.ConnectionError as exc:
                # In flight on the killed instance: never acknowledged.
                with lock:
                    refused.append(type(exc).__name__)
                return
            with lock:
                if response.status_code == 201:
                    acknowledged.append(response.json()["@id"])
                else:
                    refused.append(f"{response.status_code} {response.text[:200]}")

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(submit, number) for number in range(60)]
            futures[15].result()
            self.cluster.instances[1].kill()
            for future in futures:
                future.result()
        self.assertGreaterEqual(
            len(acknowledged), 50, f"{refused}\n{self.cluster_logs()}"
        )
        # The survivor answers alone; every acknowledged case exists.
        for case_url in acknowledged:
            response = self.session.get(
                case_url.replace("/demo/", "/demo/++api++/"), timeout=60
            )
            self.assertEqual(response.status_code, 200, case_url)
        # The restarted instance rejoins and sees all of them.
        self.cluster.start_instance(1)
        direct = f"http://127.0.0.1:{self.cluster.instance_ports[1]}"
        for case_url in acknowledged[-5:]:
            path = case_url.split("/demo/", 1)[1]
            response = self.session.get(f"{direct}/demo/++api++/{path}", timeout=60)
            self.assertEqual(response.status_code, 200, case_url)


class TestRelStorageCluster(ClusterTests, unittest.TestCase):
    layer = RELSTORAGE_CLUSTER

    def backup_and_wipe(self) -> PostgresBackup:
        backup = PostgresBackup(self.cluster.pg_dsn, self.cluster.var / "backups")
        backup.backup()
        self.cluster.stop_instances()
        self.cluster.postgres.psql(
            "DROP SCHEMA public CASCADE; CREATE SCHEMA public AUTHORIZATION imio",
            database="imio",
        )
        return backup

    def restart_after_restore(self) -> None:
        self.cluster.serve()


class TestZeoCluster(ClusterTests, unittest.TestCase):
    layer = ZEO_CLUSTER

    def backup_and_wipe(self) -> FileStorageBackup:
        backup = FileStorageBackup(self.cluster.var, self.cluster.var / "backups")
        backup.backup()
        self.cluster.stop_instances()
        self.cluster.zeo.stop()
        for path in (self.cluster.var / "filestorage").glob("Data.fs*"):
            path.unlink()
        shutil.rmtree(self.cluster.var / "blobstorage")
        shutil.rmtree(self.cluster.var / "blobcache")
        shutil.rmtree(self.cluster.var / "zeocache")
        return backup

    def restart_after_restore(self) -> None:
        self.cluster.start_storage()
        self.cluster.serve()
