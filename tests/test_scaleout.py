"""Several instances on one shared storage behind HAProxy: RelStorage and ZEO."""

from concurrent.futures import ThreadPoolExecutor
from imio.commune.backup import FileStorageBackup
from imio.commune.backup import PostgresBackup
from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.processes import free_port
from pathlib import Path
from plone.testing import Layer
from tests.instance import DEMO_PROFILE

import base64
import hashlib
import requests
import shutil
import tempfile
import threading
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
        return search.json()["items_total"], hashlib.sha256(leaflet.content).hexdigest()

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
        before = self.snapshot()
        self.assertEqual(before[1], hashlib.sha256(leaflet).hexdigest())
        backup = self.backup_and_wipe()
        backup.restore()
        self.restart_after_restore()
        self.assertEqual(self.snapshot(), before)

    def test_content_created_on_one_instance_is_seen_on_the_other(self):
        created = self.create_page(self.instance_url(0), "Travaux rue de la Gare")
        self.assertEqual(created.status_code, 201, created.text)
        page_id = created.json()["id"]
        seen = self.session.get(f"{self.instance_url(1)}/++api++/{page_id}", timeout=60)
        self.assertEqual(seen.status_code, 200)
        self.assertEqual(seen.json()["title"], "Travaux rue de la Gare")

    def test_balancer_serves_the_site_and_checks_health(self):
        for _ in range(4):
            response = requests.get(f"{self.cluster.url}/demo", timeout=60)
            self.assertEqual(response.status_code, 200)
            self.assertIn("Ville de Namur", response.text)
        health = requests.get(f"{self.cluster.url}/@@health", timeout=10)
        self.assertEqual((health.status_code, health.text), (200, "ok\n"))

    def test_killed_instance_loses_no_acknowledged_write(self):
        """Writes through the balancer while one instance dies and comes back."""
        created, lock = [], threading.Lock()

        def write(number: int) -> None:
            try:
                response = self.create_page(
                    f"{self.cluster.url}/demo", f"Avis {number}"
                )
            except requests.ConnectionError:
                return  # in flight on the killed instance: never acknowledged
            if response.status_code == 201:
                with lock:
                    created.append(response.json()["id"])

        with ThreadPoolExecutor(max_workers=4) as pool:
            futures = [pool.submit(write, number) for number in range(60)]
            futures[15].result()
            self.cluster.instances[1].kill()
            for future in futures:
                future.result()
        self.assertGreaterEqual(len(created), 50)
        # The survivor answers alone; every acknowledged page exists.
        for page_id in created:
            response = self.session.get(
                f"{self.cluster.url}/demo/++api++/{page_id}", timeout=60
            )
            self.assertEqual(response.status_code, 200, page_id)
        # The restarted instance rejoins and sees all of them.
        self.cluster.start_instance(1)
        listing = self.session.get(
            f"{self.instance_url(1)}/++api++/@search",
            params={"portal_type": "Document", "b_size": 1000},
            timeout=60,
        )
        found = {item["@id"].rsplit("/", 1)[-1] for item in listing.json()["items"]}
        self.assertLessEqual(set(created), found)


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
