"""A missing page: HTML for browsers, curl and bots; JSON for API clients only."""

from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.test_titles import title_of
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import lxml.html
import requests
import socket
import transaction
import unittest
import urllib.parse


COMMUNE = "Ville de Namur"
BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"


class TestPageNotFound(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.site_title", COMMUNE)
        for id_, title in (("demarches", "Démarches"), ("contact", "Contact")):
            section = api.content.create(portal, "Folder", id=id_, title=title)
            api.content.transition(section, "publish")
        transaction.commit()
        self.portal_url = portal.absolute_url()

    def get(self, path: str, accept: str | None) -> requests.Response:
        headers = {"Accept-Language": "fr"}
        session = requests.Session()
        # requests sends "Accept: */*" unless told otherwise, as curl does.
        if accept is None:
            del session.headers["Accept"]
        else:
            headers["Accept"] = accept
        return session.get(
            self.portal_url + path, headers=headers, timeout=30, allow_redirects=False
        )

    def assertPage(self, response: requests.Response):
        self.assertEqual(response.status_code, 404)
        self.assertTrue(response.headers["Content-Type"].startswith("text/html"))
        self.assertEqual(title_of(response.text), f"Page introuvable — {COMMUNE}")
        page = lxml.html.document_fromstring(response.text)
        main = page.get_element_by_id("portal-column-content")
        self.assertEqual(main.findtext(".//h1").strip(), "Page introuvable")
        search = main.find(".//form[@role='search']")
        self.assertEqual(search.get("action"), f"{self.portal_url}/@@search")
        self.assertIsNotNone(search.find(".//input[@name='SearchableText']"))
        label = search.find(".//label").text_content().strip()
        self.assertEqual(label, "Trouvez ce que vous cherchiez")
        links = {
            link.text_content().strip(): link.get("href")
            for link in main.cssselect(".page-not-found-links a")
        }
        self.assertEqual(
            links,
            {
                "Page d'accueil": self.portal_url,
                "Démarches": f"{self.portal_url}/demarches",
                "Contact": f"{self.portal_url}/contact",
            },
        )

    def test_curl_and_bots_get_the_page(self):
        self.assertPage(self.get("/nulle-part", "*/*"))
        self.assertPage(self.get("/demarches/ancienne-demarche", "*/*"))

    def test_a_browser_gets_the_page(self):
        self.assertPage(self.get("/nulle-part", BROWSER))

    def test_a_client_without_accept_gets_the_page(self):
        self.assertPage(self.get("/nulle-part", None))

    def test_an_api_client_gets_json(self):
        for path, accept in (
            ("/++api++/nulle-part", "*/*"),
            ("/++api++/nulle-part", BROWSER),
            ("/nulle-part", "application/json"),
        ):
            with self.subTest(path=path, accept=accept):
                response = self.get(path, accept)
                self.assertEqual(response.status_code, 404)
                self.assertEqual(response.headers["Content-Type"], "application/json")
                self.assertEqual(response.json()["type"], "NotFound")

    def test_a_moved_page_still_redirects(self):
        api.content.rename(self.layer["portal"]["contact"], new_id="nous-contacter")
        transaction.commit()
        response = self.get("/contact", "*/*")
        self.assertIn(response.status_code, (301, 302))
        self.assertEqual(
            response.headers["Location"], f"{self.portal_url}/nous-contacter"
        )

    def test_a_missing_page_of_a_private_section_is_not_found(self):
        api.content.transition(self.layer["portal"]["contact"], "retract")
        transaction.commit()
        response = self.get("/nulle-part", "*/*")
        self.assertEqual(response.status_code, 404)
        page = lxml.html.document_fromstring(response.text)
        hrefs = [link.get("href") for link in page.cssselect(".page-not-found-links a")]
        self.assertEqual(hrefs, [self.portal_url, f"{self.portal_url}/demarches"])

    def test_head_of_a_missing_page_as_get_without_body(self):
        url = self.portal_url + "/nulle-part"
        get = requests.get(url, timeout=30)
        head = requests.head(url, timeout=30)
        self.assertEqual(head.status_code, 404)
        self.assertEqual(head.headers["Content-Type"], get.headers["Content-Type"])
        self.assertEqual(head.content, b"")


class TestHead(unittest.TestCase):
    """Uptime monitors, link checkers and proxies ask HEAD: it answers as GET."""

    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        procedures = api.content.create(
            portal, "Folder", id="demarches", title="Démarches"
        )
        page = api.content.create(
            procedures, "Document", id="carte-d-identite", title="Carte d'identité"
        )
        for item in (procedures, page):
            api.content.transition(item, "publish")
        private = api.content.create(
            portal, "Folder", id="brouillons", title="Brouillons"
        )
        self.assertEqual(api.content.get_state(private), "private")
        transaction.commit()
        self.portal_url = portal.absolute_url()

    def test_every_page_answers_head_as_get_without_a_body(self):
        curl = {"User-Agent": "curl/7.88.1", "Accept": "*/*"}
        for path in (
            "",
            "/",
            "/demarches",
            "/demarches/carte-d-identite",
            "/brouillons",
        ):
            with self.subTest(path=path):
                url = self.portal_url + path
                get = requests.get(url, headers=curl, timeout=30, allow_redirects=False)
                head = requests.head(url, headers=curl, timeout=30)
                self.assertEqual(head.status_code, get.status_code)
                self.assertEqual(
                    head.headers.get("Content-Type"), get.headers.get("Content-Type")
                )
                self.assertEqual(head.content, b"")
        get = requests.get(self.portal_url + "/demarches", timeout=30)
        self.assertEqual(get.status_code, 200)
        self.assertIn("Carte d'identité", get.text)

    def head_on_the_wire(self, path: str) -> tuple[bytes, bytes]:
        url = urllib.parse.urlsplit(self.portal_url + path)
        with socket.create_connection((url.hostname, url.port), timeout=30) as server:
            server.sendall(
                f"HEAD {url.path} HTTP/1.1\r\nHost: {url.netloc}\r\n"
                "Connection: close\r\n\r\n".encode()
            )
            answer = b""
            while chunk := server.recv(65536):
                answer += chunk
        head, _, body = answer.partition(b"\r\n\r\n")
        return head, body

    def test_no_body_goes_out_on_the_wire(self):
        for path, status in (("/demarches", b"200"), ("/nulle-part", b"404")):
            with self.subTest(path=path):
                head, body = self.head_on_the_wire(path)
                self.assertTrue(head.startswith(b"HTTP/1.1 " + status), head)
                self.assertIn(b"Content-Type: text/html", head)
                self.assertEqual(body, b"")
        page = requests.get(self.portal_url + "/demarches", timeout=30)
        head, _body = self.head_on_the_wire("/demarches")
        self.assertIn(f"Content-Length: {len(page.content)}".encode(), head)
