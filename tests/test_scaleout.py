"""Several instances on one shared storage behind HAProxy: RelStorage and ZEO."""

from concurrent.futures import ThreadPoolExecutor
from imio.commune.cluster.cluster import Cluster
from imio.commune.cluster.processes import free_port
from pathlib import Path
from plone.testing import Layer
from tests.instance import DEMO_PROFILE

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


class TestZeoCluster(ClusterTests, unittest.TestCase):
    layer = ZEO_CLUSTER
