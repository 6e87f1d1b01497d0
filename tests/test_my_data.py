"""A citizen takes away their data from the demo commune, over HTTP and in Chromium.

The demo instance of the e-guichet layer: the member signs in with Plone's
login form, finds "Télécharger mes données" in Mes démarches and reads the
ZIP with zipfile and json; an applicant without an account gets the ZIP of
their one request from the follow-up page with its reference and access code.
"""

from imio.eguichet.testing import phone_photo
from pathlib import Path
from tests.browser import accessibility_violations
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.eguichet_layer import CITIZEN
from tests.eguichet_layer import EGUICHET_BROWSER
from tests.eguichet_layer import EGUICHET_INSTANCE
from tests.test_html_validity import html_errors

import base64
import io
import json
import lxml.html
import requests
import unittest
import zipfile


ROAD = "signalement-voirie"
LOST = "declaration-perte-document"
PHOTO_NAME = "Nid-de-poule rue de Fer à Namur.jpg"
ROAD_ANSWERS = {
    "problem": "pothole",
    "location": "Rue de Fer 25",
    "postal_code": "5000",
    "description": "Un nid-de-poule profond devant le numéro 25.",
}
LOST_ANSWERS = {
    "lastname": "Dupont",
    "firstname": "Marie",
    "national_number": "85073003328",
    "email": CITIZEN["email"],
    "document_type": "eid",
    "theft": True,
    "lost_on": "2025-03-02",
    "circumstances": "Portefeuille volé dans le bus.",
}


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def folders(files: dict) -> set[str]:
    return {name.split("/")[0] for name in files if "/" in name}


def form_data(page: str, xpath: str) -> tuple[str, dict]:
    """The action and the fields of the page's form found by ``xpath``."""
    [form] = lxml.html.fromstring(page).xpath(xpath)
    fields = {
        field.get("name"): field.get("value") or ""
        for field in form.xpath(".//input[@name]")
    }
    return form.get("action"), fields


class TestMyData(unittest.TestCase):
    layer = EGUICHET_INSTANCE

    def setUp(self):
        self.site_url = self.layer["site_url"]

    def submit(self, form: str, answers: dict, auth=None) -> dict:
        response = requests.post(
            f"{self.site_url}/e-guichet/{form}/++api++/@submit",
            json=answers,
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(response.status_code, 201, response.text)
        return response.json()

    def sign_in(self) -> requests.Session:
        session = requests.Session()
        came_from = f"{self.site_url}/@@mes-demarches"
        page = session.get(f"{self.site_url}/login?came_from={came_from}", timeout=30)
        _action, data = form_data(page.text, "//form[.//input[@id='__ac_name']]")
        data.update({
            "__ac_name": CITIZEN["id"],
            "__ac_password": CITIZEN["password"],
            "buttons.login": "Se connecter",
        })
        signed_in = session.post(f"{self.site_url}/login", data=data, timeout=30)
        self.assertEqual(signed_in.status_code, 200)
        self.assertIn("__ac", session.cookies)
        return session

    def test_the_citizen_downloads_their_requests_and_only_theirs(self):
        member = (CITIZEN["id"], CITIZEN["password"])
        # A 16-megapixel phone's photo, EXIF included: about 5.7 MB.
        photo = phone_photo(size=(4624, 3472))
        self.assertGreater(len(photo), 5_000_000)
        road = self.submit(
            ROAD,
            {
                **ROAD_ANSWERS,
                "fullname": CITIZEN["fullname"],
                "email": CITIZEN["email"],
                "photo": {
                    "data": base64.b64encode(photo).decode(),
                    "filename": PHOTO_NAME,
                    "content-type": "image/jpeg",
                },
            },
            auth=member,
        )
        lost = self.submit(LOST, LOST_ANSWERS, auth=member)
        # Someone else's request, sent without an account.
        other = self.submit(
            ROAD,
            {
                **ROAD_ANSWERS,
                "location": "Rue de l'Ange 3",
                "fullname": "Paul Henrard",
                "email": "paul.henrard@example.org",
            },
        )

        session = self.sign_in()
        page = session.get(f"{self.site_url}/@@mes-demarches", timeout=30)
        pages = {"Mes démarches": page.text}
        [link] = lxml.html.fromstring(page.text).xpath(
            "//a[normalize-space()='Télécharger mes données (ZIP)']"
        )
        download = session.get(link.get("href"), timeout=60)
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.headers["Content-Type"], "application/zip")
        self.assertRegex(
            download.headers["Content-Disposition"],
            r'attachment; filename="mes-donnees-\d{4}-\d{2}-\d{2}\.zip"',
        )
        files = read_zip(download.content)
        self.assertIn(road["reference"], folders(files))
        self.assertIn(lost["reference"], folders(files))
        self.assertNotIn(other["reference"], folders(files))
        self.assertNotIn("Paul Henrard", str(files))
        self.assertIn("Vos données", files["LISEZMOI.txt"].decode())

        request = json.loads(files[f"{road['reference']}/demande.json"])
        self.assertEqual(request["reference"], road["reference"])
        self.assertEqual(request["state"], {"id": "submitted", "title": "Envoyée"})
        self.assertFalse(request["anonymised"])
        answers = {value["field"]: value for value in request["values"]}
        self.assertEqual(answers["location"]["value"], "Rue de Fer 25")
        # The phone's photo, EXIF included, byte for byte.
        self.assertEqual(answers["photo"]["value"]["filename"], PHOTO_NAME)
        self.assertEqual(files[answers["photo"]["file"]], photo)
        self.assertEqual(
            answers["photo"]["file"], f"{road['reference']}/fichiers/{PHOTO_NAME}"
        )
        lost_request = json.loads(files[f"{lost['reference']}/demande.json"])
        lost_answers = {
            value["field"]: value["value"] for value in lost_request["values"]
        }
        self.assertEqual(
            lost_answers["circumstances"], "Portefeuille volé dans le bus."
        )

        # The other applicant, with the reference and access code of theirs.
        anonymous = requests.Session()
        follow = f"{self.site_url}/@@suivi"
        page = anonymous.get(follow, timeout=30)
        action, data = form_data(page.text, "//form[contains(@class, 'follow-form')]")
        data.update(reference=other["reference"], access_code=other["access_code"])
        page = anonymous.post(action, data=data, timeout=30)
        pages["the follow-up page of a request"] = page.text
        self.assertEqual(html_errors(pages), [])
        action, data = form_data(page.text, "//form[contains(@class, 'case-data')]")
        data["access_code"] = other["access_code"]
        download = anonymous.post(action, data=data, timeout=60)
        self.assertEqual(download.headers["Content-Type"], "application/zip")
        files = read_zip(download.content)
        self.assertEqual(folders(files), {other["reference"]})
        self.assertIn(
            "Paul Henrard", files[f"{other['reference']}/demande.json"].decode()
        )
        # The member's own address opens nothing without signing in.
        refused = requests.get(
            f"{self.site_url}/@@mes-donnees.zip", allow_redirects=False, timeout=30
        )
        self.assertIn(refused.status_code, (302, 401))


class TestMyDataInABrowser(unittest.TestCase):
    layer = EGUICHET_BROWSER

    def setUp(self):
        self.site_url = self.layer["site_url"]
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page

    def tearDown(self):
        self.recorded.close()

    def test_the_member_clicks_download_my_data(self):
        sent = requests.post(
            f"{self.site_url}/e-guichet/{LOST}/++api++/@submit",
            json=LOST_ANSWERS,
            auth=(CITIZEN["id"], CITIZEN["password"]),
            headers={"Accept": "application/json"},
            timeout=60,
        )
        self.assertEqual(sent.status_code, 201, sent.text)
        reference = sent.json()["reference"]
        page = self.page
        page.goto(f"{self.site_url}/login")
        page.fill("#__ac_name", CITIZEN["id"])
        page.fill("#__ac_password", CITIZEN["password"])
        page.click("#buttons-login")
        page.wait_for_load_state()
        page.goto(f"{self.site_url}/@@mes-demarches")
        button = page.get_by_role("link", name="Télécharger mes données (ZIP)")
        screenshot(page, "citoyen-eguichet-11-mes-donnees")
        self.assertEqual(accessibility_violations(page), [])
        with page.expect_download() as download:
            button.click()
        self.assertRegex(
            download.value.suggested_filename, r"^mes-donnees-\d{4}-\d{2}-\d{2}\.zip$"
        )
        files = read_zip(Path(download.value.path()).read_bytes())
        self.assertIn(reference, folders(files))
        self.assertIn("LISEZMOI.txt", files)
        self.assertEqual(self.recorded.errors, [])
