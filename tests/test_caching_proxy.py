"""Varnish in front of the cluster: cached, purged, banned, graceful, private.

The cluster of tests/test_scaleout.py (PostgreSQL, two instances, HAProxy,
Varnish on the public port): every request of these tests goes through real
processes. A response served from Varnish's cache carries two transaction ids
in ``X-Varnish`` (this request's and the one that stored it).
"""

from datetime import datetime
from datetime import timedelta
from pathlib import Path
from tests.test_scaleout import RELSTORAGE_CLUSTER
from tests.test_scaleout import SourceAddress

import os
import requests
import subprocess
import sys
import tempfile
import time
import unittest


ROOT = Path(__file__).resolve().parent.parent
SCALE_OUT_DOC = ROOT / "docs" / "operators" / "scale-out.md"


def from_cache(response: requests.Response) -> bool:
    return len(response.headers.get("X-Varnish", "").split()) == 2


def poll(check, seconds: float) -> tuple[bool, float]:
    """Whether check() became true within seconds, and how long it took."""
    started = time.monotonic()
    while True:
        if check():
            return True, time.monotonic() - started
        if time.monotonic() - started > seconds:
            return False, time.monotonic() - started
        time.sleep(0.05)


class TestCachingProxy(unittest.TestCase):
    layer = RELSTORAGE_CLUSTER

    def setUp(self):
        self.cluster = self.layer["cluster"]
        self.site = f"{self.cluster.url}/demo"
        self.admin = requests.Session()
        self.admin.auth = ("admin", self.cluster.admin_password)
        self.admin.headers["Accept"] = "application/json"
        self.addCleanup(self.admin.close)

    def direct(self, index: int = 0) -> str:
        """The demo site on one instance, behind no proxy."""
        return f"http://127.0.0.1:{self.cluster.instance_ports[index]}/demo"

    def anonymous(self, url: str, **headers) -> requests.Response:
        response = requests.get(url, headers=headers, timeout=60)
        self.assertEqual(response.status_code, 200, url)
        return response

    def cached(self, url: str, **headers) -> requests.Response:
        """Visit url anonymously until Varnish answers it from its cache.

        A purge or ban of an earlier test may still be on its way: a few
        visits at most.
        """
        for _ in range(5):
            response = self.anonymous(url, **headers)
            if from_cache(response):
                return response
        self.fail(f"{url} never from the cache: {response.headers}")

    def create(self, container: str, portal_type: str, title: str, **fields) -> str:
        """A published item made on the first instance; its public URL."""
        created = self.admin.post(
            f"{container.replace(self.site, self.direct())}/++api++/",
            json={"@type": portal_type, "title": title, **fields},
            timeout=60,
        )
        self.assertEqual(created.status_code, 201, created.text)
        url = created.json()["@id"].replace(self.direct(), self.site)
        published = self.admin.post(
            f"{url.replace(self.site, self.direct())}/++api++/@workflow/publish",
            timeout=60,
        )
        self.assertEqual(published.status_code, 200, published.text)
        return url

    def edit(self, url: str, index: int = 1, **fields) -> None:
        """A change made on an instance (the second by default)."""
        direct = url.replace(self.site, self.direct(index))
        response = self.admin.patch(f"{direct}/++api++/", json=fields, timeout=60)
        self.assertEqual(response.status_code, 204, response.text)

    def delete(self, url: str) -> None:
        response = self.admin.delete(
            f"{url.replace(self.site, self.direct())}/++api++/", timeout=60
        )
        self.assertEqual(response.status_code, 204, response.text)

    def first_of(self, portal_type: str) -> str:
        found = self.admin.get(
            f"{self.direct()}/++api++/@search",
            params={"portal_type": portal_type, "review_state": "published"},
            timeout=60,
        ).json()["items"]
        self.assertTrue(found, portal_type)
        return found[0]["@id"].replace(self.direct(), self.site)

    def test_anonymous_pages_come_from_the_cache(self):
        response = self.cached(self.site)
        self.assertIn("Ville de Namur", response.text)
        # The browser revalidates; only the proxy keeps the page.
        self.assertNotIn("s-maxage", response.headers["Cache-Control"])
        self.assertIn("max-age=0", response.headers["Cache-Control"])
        # Anonymous cookies (statistics, consent) do not bypass the cache.
        again = requests.get(
            self.site, cookies={"_pk_id": "1.2.3", "cookies": "ok"}, timeout=60
        )
        self.assertTrue(from_cache(again))

    def test_edit_is_visible_through_the_proxy_within_a_second(self):
        news = self.create(
            f"{self.site}/actualites", "News Item", "Fermeture du pont de Jambes"
        )
        for url in (news, f"{self.site}/actualites", self.site):
            self.assertIn("Fermeture du pont de Jambes", self.cached(url).text)
        self.edit(news, title="Réouverture du pont de Jambes")
        for url in (news, f"{self.site}/actualites", self.site):
            seen, took = poll(
                lambda url=url: (
                    "Réouverture du pont de Jambes" in self.anonymous(url).text
                ),
                seconds=1,
            )
            self.assertTrue(seen, f"{url}: {took:.2f} s")
        # Deleted: gone from the listing and the home page.
        self.delete(news)
        for url in (f"{self.site}/actualites", self.site):
            gone, took = poll(
                lambda url=url: "pont de Jambes" not in self.anonymous(url).text,
                seconds=1,
            )
            self.assertTrue(gone, f"{url}: {took:.2f} s")
        self.assertEqual(requests.get(news, timeout=60).status_code, 404)

    def test_an_alert_bans_every_page_of_the_site(self):
        pages = [self.site, f"{self.site}/actualites", self.first_of("Document")]
        for url in pages:
            self.assertNotIn("Inondations", self.cached(url).text)
        now = datetime.now()
        alert = self.create(
            self.site,
            "Alert",
            "Inondations rue de Dave",
            severity="warning",
            start=(now - timedelta(days=1)).isoformat(timespec="minutes"),
            end=(now + timedelta(days=1)).isoformat(timespec="minutes"),
        )
        self.addCleanup(self.delete, alert)
        for url in pages:
            seen, took = poll(
                lambda url=url: "Inondations rue de Dave" in self.anonymous(url).text,
                seconds=1,
            )
            self.assertTrue(seen, f"{url}: {took:.2f} s")
        # Ended by an edit: gone from every page.
        self.edit(alert, end=(now - timedelta(hours=1)).isoformat(timespec="minutes"))
        for url in pages:
            gone, took = poll(
                lambda url=url: "Inondations" not in self.anonymous(url).text,
                seconds=1,
            )
            self.assertTrue(gone, f"{url}: {took:.2f} s")

    def test_purge_and_ban_only_from_the_instances(self):
        self.cached(self.site)
        stranger = requests.Session()
        stranger.mount("http://", SourceAddress("127.0.0.2"))
        self.addCleanup(stranger.close)
        for method in ("PURGE", "BAN"):
            refused = stranger.request(method, self.site, timeout=10)
            self.assertEqual(refused.status_code, 405, method)
        self.assertTrue(from_cache(self.anonymous(self.site)))
        allowed = requests.request("PURGE", self.site, timeout=10)
        self.assertEqual(allowed.status_code, 200)
        self.assertFalse(from_cache(self.anonymous(self.site)))

    def login_cookie(self) -> dict:
        """Plone's __ac cookie, as the login form sets it."""
        session = requests.Session()
        self.addCleanup(session.close)
        response = session.post(
            f"{self.site}/login",
            data={
                "__ac_name": "admin",
                "__ac_password": self.cluster.admin_password,
                "buttons.login": "Se connecter",
            },
            timeout=60,
        )
        self.assertEqual(response.status_code, 200)
        self.assertIn("__ac", session.cookies)
        return {"__ac": session.cookies["__ac"]}

    def test_logged_in_pages_never_come_from_the_cache(self):
        anonymous = self.cached(self.site)
        self.assertNotIn("personaltools", anonymous.text)
        cookies = self.login_cookie()
        for _ in range(2):
            page = requests.get(self.site, cookies=cookies, timeout=60)
            self.assertEqual(page.status_code, 200)
            self.assertFalse(from_cache(page))
            self.assertEqual(page.headers["Age"], "0")
            self.assertIn("personaltools", page.text)
        # A citizen's session: passed to the instances too.
        citizen = requests.get(
            self.site, cookies={"__ac_citizen": "session.signature"}, timeout=60
        )
        self.assertFalse(from_cache(citizen))
        # And nothing of the signed-in pages reaches anonymous visitors.
        self.assertNotIn("personaltools", self.anonymous(self.site).text)

    def test_eguichet_pages_never_come_from_the_cache(self):
        form = self.first_of("EasyForm")
        for url in (
            form,
            f"{form}/demande",
            f"{self.site}/@@suivi",
            f"{self.site}/@@mes-demarches",
        ):
            responses = [requests.get(url, timeout=60) for _ in range(2)]
            with self.subTest(url=url):
                self.assertIn(responses[1].status_code, (200, 302, 401))
                self.assertFalse(any(map(from_cache, responses)))
                self.assertEqual(responses[1].headers.get("Age"), "0")
                if responses[1].status_code == 200:
                    self.assertRegex(
                        responses[1].headers["Cache-Control"], "private|no-store"
                    )

    def test_head_answers_200_through_the_proxy_on_every_page_type(self):
        urls = [self.site, f"{self.site}/@@suivi", f"{self.cluster.url}/@@health"]
        for portal_type in (
            "Folder",
            "Document",
            "News Item",
            "Event",
            "Service",
            "EasyForm",
        ):
            urls.append(self.first_of(portal_type))
        for url in urls:
            for _ in range(2):  # uncached, then cached (when cacheable)
                response = requests.head(url, timeout=60)
                with self.subTest(url=url):
                    self.assertEqual(response.status_code, 200)
                    self.assertEqual(response.content, b"")

    def test_compressed_when_asked(self):
        compressed = self.cached(self.site, **{"Accept-Encoding": "gzip, br"})
        self.assertEqual(compressed.headers["Content-Encoding"], "gzip")
        self.assertIn("Accept-Encoding", compressed.headers["Vary"])
        self.assertIn("Ville de Namur", compressed.text)
        # A client without gzip gets a plain copy, kept apart.
        plain = self.cached(self.site, **{"Accept-Encoding": "identity"})
        self.assertNotIn("Content-Encoding", plain.headers)
        self.assertIn("Ville de Namur", plain.text)
        self.assertGreater(
            len(plain.content), 3 * int(compressed.headers["Content-Length"])
        )
        # Both are purged together.
        purged = requests.request("PURGE", self.site, timeout=10)
        self.assertEqual(purged.status_code, 200)
        for encoding in ("gzip", "identity"):
            again = self.anonymous(self.site, **{"Accept-Encoding": encoding})
            self.assertFalse(from_cache(again), encoding)

    def set_page_seconds(self, seconds: int) -> None:
        response = self.admin.patch(
            f"{self.direct()}/++api++/@registry",
            json={
                "plone.app.caching.moderateCaching.plone.content.itemView.smaxage": (
                    seconds
                )
            },
            timeout=60,
        )
        self.assertEqual(response.status_code, 204, response.text)

    def health(self) -> int:
        return requests.get(f"{self.cluster.url}/@@health", timeout=10).status_code

    def restart_instances(self) -> None:
        for index, process in enumerate(self.cluster.instances):
            if not process.running():
                self.cluster.start_instance(index)
        healthy, took = poll(
            lambda: self.health() == 200,
            seconds=30,
        )
        self.assertTrue(healthy, f"{took:.1f} s")

    def test_grace_serves_cached_pages_while_every_instance_is_down(self):
        self.set_page_seconds(1)
        self.addCleanup(self.set_page_seconds, 60)
        page = self.create(self.site, "Document", "Horaires des déchetteries")
        self.cached(page)
        # Both instances stopped, by their process ids.
        self.addCleanup(self.restart_instances)
        for process in self.cluster.instances:
            process.stop()
        down, took = poll(
            lambda: self.health() == 503,
            seconds=30,
        )
        self.assertTrue(down, f"{took:.1f} s")
        # Past its 1 s, the page is served stale: from the cache, aged.
        stale, took = poll(lambda: int(self.anonymous(page).headers["Age"]) > 2, 10)
        self.assertTrue(stale, f"{took:.1f} s")
        response = self.anonymous(page)
        self.assertIn("Horaires des déchetteries", response.text)
        self.assertTrue(from_cache(response))
        # What was never cached cannot be served.
        missing = requests.get(f"{self.site}/contact", timeout=60)
        self.assertEqual(missing.status_code, 503)


# The PATH of root's login shell on Debian, where varnishd is (/usr/sbin).
ROOT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


class TestVarnishRecipe(unittest.TestCase):
    """The production recipe of docs/operators/scale-out.md runs as written."""

    def test_documented_commands_write_a_vcl_that_varnish_accepts(self):
        text = SCALE_OUT_DOC.read_text()
        section = text.split("## Varnish", 1)[1].split("\n## ", 1)[0]
        blocks = [block.split("```", 1)[0] for block in section.split("```shell\n")[1:]]
        self.assertGreaterEqual(len(blocks), 2)
        with tempfile.TemporaryDirectory() as etc:
            # Readable by Varnish's compiler, which does not run as root.
            Path(etc).chmod(0o755)
            for block in blocks:
                result = subprocess.run(
                    [
                        "/bin/bash",
                        "-e",
                        "-c",
                        block.replace("/etc/varnish/", f"{etc}/"),
                    ],
                    cwd=ROOT,
                    # An operator's root shell: none of the project's variables.
                    env={"PATH": ROOT_PATH, "HOME": os.environ["HOME"]},
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                self.assertEqual(result.returncode, 0, block + result.stderr)
            vcl = (Path(etc) / "default.vcl").read_text()
        self.assertIn('"10.0.0.0"/24;', vcl)
        self.assertIn('.port = "8080";', vcl)
        self.assertIn("set beresp.grace = 7200s;", vcl)

    def write_vcl(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            [sys.executable, "-m", "imio.commune.cluster.varnish", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def test_session_cookies_are_a_setting(self):
        result = self.write_vcl("--auth-cookie", "__ac", "--auth-cookie", "mon.cookie")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(r'req.http.Cookie ~ "(^|;\s*)(__ac|mon\.cookie)="', result.stdout)
        self.assertNotIn("__ac_citizen", result.stdout)

    def test_a_wrong_setting_is_one_french_line(self):
        for args, start in (
            (("--purger", "10.0.0.300"), "Réglage refusé : « 10.0.0.300 »"),
            (("--backend", "haproxy"), "Réglage refusé : --backend haproxy"),
        ):
            result = self.write_vcl(*args)
            with self.subTest(args=args):
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stdout, "")
                [line] = result.stderr.strip().splitlines()
                self.assertTrue(line.startswith(start), line)
