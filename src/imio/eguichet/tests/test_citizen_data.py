"""A citizen takes away the data of their own cases as a ZIP, and only theirs."""

from collective.easyform.api import get_schema
from imio.belgium.testing import at
from imio.eguichet.browser.follow import ATTEMPTS
from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS
from imio.eguichet.cases import create_case
from imio.eguichet.cases import site_now
from imio.eguichet.citizen_data import case_archive_entries
from imio.eguichet.citizen_data import citizen_zip
from imio.eguichet.citizen_data import safe_name
from imio.eguichet.content.case.messages import add_message
from imio.eguichet.retention import anonymise
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import phone_photo
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from plone.namedfile.file import NamedBlobFile

import io
import json
import os
import re
import requests
import tempfile
import transaction
import unittest
import zipfile


AUTHENTICATOR = re.compile(r'name="_authenticator"[^>]*value="([^"]+)"')
PHOTO_NAME = "Photo été 2026.jpg"
# A 16-megapixel phone's photo, EXIF included: about 5.7 MB.
PHOTO = phone_photo(size=(4624, 3472))
LEASE = b"%PDF-1.4 bail sign\xc3\xa9"


def read_zip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def document(files: dict, case) -> dict:
    return json.loads(files[f"{case.formatted_reference()}/demande.json"])


class CitizenDataTestCase(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        for username in ("jean", "sophie", "agent"):
            api.user.create(
                email=f"{username}@example.org",
                username=username,
                password=TEST_USER_PASSWORD,
            )
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        with at(2026, 3, 2, 9, 15):
            self.jeans = self.submit(
                "jean",
                fullname="Jean Martin",
                reason="Déménagement",
                document=NamedBlobFile(
                    data=PHOTO, filename=PHOTO_NAME, contentType="image/jpeg"
                ),
            )
        self.jeans_second = self.submit("jean", fullname="Jean Martin")
        self.sophies = self.submit("sophie", fullname="Sophie Lambert")
        self.anonymous, self.code = create_case(
            self.form,
            get_schema(self.form),
            {"fullname": "Marie Dupont", "email": "marie@example.org"},
        )
        transaction.commit()
        FOLLOW_ATTEMPTS.reset()

    def tearDown(self):
        FOLLOW_ATTEMPTS.reset()

    def submit(self, username, **data):
        with api.env.adopt_user(username=username):
            case, _code = create_case(self.form, get_schema(self.form), data)
        return case

    def move(self, case, *steps):
        workflow = api.portal.get_tool("portal_workflow")
        with api.env.adopt_user(username="agent"):
            for transition, comment in steps:
                workflow.doActionFor(case, transition, comment=comment)
        transaction.commit()


class TestArchive(CitizenDataTestCase):
    def test_a_case_with_its_answers_history_messages_and_files(self):
        case = self.jeans
        case.internal_notes = [{"text": "Note interne confidentielle"}]
        self.move(
            case,
            ("receive", ""),
            ("start", ""),
            ("ask_info", "Joignez le bail."),
        )
        add_message(
            case,
            "Voici le bail.",
            from_applicant=True,
            files=[("bail signé.pdf", "application/pdf", LEASE)],
        )
        self.move(case, ("provide_info", ""), ("refuse", "Le bail n'est pas signé."))
        files = dict(case_archive_entries(case, "fr"))
        folder = case.formatted_reference()
        data = document(files, case)
        self.assertEqual(data["reference"], folder)
        self.assertEqual(data["form"], "Certificat de résidence")
        self.assertTrue(data["submitted"].startswith("2026-03-02T"))
        self.assertIsNotNone(data["closed"])
        self.assertEqual(data["state"], {"id": "refused", "title": "Refusée"})
        self.assertFalse(data["anonymised"])
        answers = {value["field"]: value for value in data["values"]}
        self.assertEqual(answers["reason"]["label"], "Motif de la demande")
        self.assertEqual(answers["reason"]["value"], "Déménagement")
        self.assertEqual(answers["document"]["file"], f"{folder}/fichiers/{PHOTO_NAME}")
        # The phone's photo as it was sent, EXIF included, byte for byte.
        self.assertGreater(len(PHOTO), 5_000_000)
        self.assertEqual(files[f"{folder}/fichiers/{PHOTO_NAME}"], PHOTO)
        steps = [(step["state"], step["comment"]) for step in data["history"]]
        self.assertIn(("awaiting_info", "Joignez le bail."), steps)
        self.assertEqual(steps[-1], ("refused", "Le bail n'est pas signé."))
        self.assertEqual(data["history"][-1]["title"], "Refusée")
        [message] = data["messages"]
        self.assertEqual(message["sender"], "applicant")
        self.assertEqual(message["text"], "Voici le bail.")
        self.assertEqual(message["files"], [f"{folder}/fichiers/bail signé.pdf"])
        self.assertEqual(files[f"{folder}/fichiers/bail signé.pdf"], LEASE)
        # The refusal's letter, produced by the workflow.
        [letter] = data["letters"]
        self.assertTrue(files[letter].startswith(b"%PDF"))
        # Never the agents' side.
        text = files[f"{folder}/demande.json"].decode()
        self.assertNotIn("Note interne", text)
        self.assertNotIn("agent", text)

    def test_file_names_stay_inside_their_folder(self):
        for typed, kept in (
            ("../../etc/passwd", "_.._etc_passwd"),
            ("..\\..\\boot.ini", "_.._boot.ini"),
            ("/var/x.pdf", "_var_x.pdf"),
            ("..", "fichier"),
            ("", "fichier"),
            ("Attestation n°2 déménagement.pdf", "Attestation n°2 déménagement.pdf"),
            ("a\x00b\nc.pdf", "a_b_c.pdf"),
        ):
            self.assertEqual(safe_name(typed), kept, typed)
        self.assertEqual(len(safe_name("x" * 300 + ".pdf")), 120)
        add_message(
            self.jeans_second,
            "Deux fois le même nom.",
            from_applicant=True,
            files=[
                ("../../../etc/passwd", "text/plain", b"un"),
                ("scan.pdf", "application/pdf", b"deux"),
                ("SCAN.pdf", "application/pdf", b"trois"),
            ],
        )
        files = dict(case_archive_entries(self.jeans_second))
        folder = f"{self.jeans_second.formatted_reference()}/fichiers"
        self.assertEqual(files[f"{folder}/_.._.._etc_passwd"], b"un")
        self.assertEqual(files[f"{folder}/scan.pdf"], b"deux")
        self.assertEqual(files[f"{folder}/SCAN (2).pdf"], b"trois")
        for path in files:
            self.assertNotIn("..", path.split("/"))
            self.assertFalse(path.startswith("/"))

    def test_an_anonymised_case_says_so(self):
        self.move(self.jeans, ("receive", ""), ("start", ""), ("refuse", "Incomplet"))
        with at(2030, 1, 1, 12, 0):
            anonymise(self.jeans, site_now())
        data = document(dict(case_archive_entries(self.jeans)), self.jeans)
        self.assertTrue(data["anonymised"])
        self.assertIsNotNone(data["anonymised_on"])
        self.assertEqual(data["values"], [])

    def test_readme_in_french_and_german(self):
        with at(2026, 3, 14, 10, 30):
            french = read_zip(citizen_zip([self.jeans], "fr"))["LISEZMOI.txt"]
            german = read_zip(citizen_zip([self.jeans], "de"))["LISEZMOI.txt"]
        self.assertIn("Vos données", french.decode())
        self.assertIn("14 mars 2026", french.decode())
        self.assertIn("Ihre Daten", german.decode())


class TestDownloads(CitizenDataTestCase):
    def get(self, username, **kwargs):
        auth = (username, TEST_USER_PASSWORD) if username else None
        return requests.get(
            f"{self.portal.absolute_url()}/@@mes-donnees.zip",
            auth=auth,
            timeout=60,
            **kwargs,
        )

    def test_each_citizen_gets_their_own_cases_only(self):
        with at(2026, 3, 14, 10, 30):
            jean = self.get("jean")
            sophie = self.get("sophie")
        self.assertEqual(jean.status_code, 200)
        self.assertEqual(jean.headers["Content-Type"], "application/zip")
        self.assertIn("mes-donnees-", jean.headers["Content-Disposition"])
        self.assertIn("no-store", jean.headers["Cache-Control"])
        files = read_zip(jean.content)
        folders = {name.split("/")[0] for name in files if "/" in name}
        self.assertEqual(
            folders,
            {
                self.jeans.formatted_reference(),
                self.jeans_second.formatted_reference(),
            },
        )
        self.assertIn("LISEZMOI.txt", files)
        self.assertNotIn("Sophie", str(files))
        self.assertNotIn("Marie Dupont", str(files))
        folder = self.jeans.formatted_reference()
        self.assertEqual(files[f"{folder}/fichiers/{PHOTO_NAME}"], PHOTO)
        files = read_zip(sophie.content)
        folders = {name.split("/")[0] for name in files if "/" in name}
        self.assertEqual(folders, {self.sophies.formatted_reference()})
        self.assertNotIn(PHOTO_NAME, str(list(files)))

    def test_the_zip_leaves_no_file_behind(self):
        # The server runs in this process: its temporary files go here.
        with tempfile.TemporaryDirectory() as folder:
            kept, tempfile.tempdir = tempfile.tempdir, folder
            try:
                download = self.get("jean")
                self.assertEqual(os.listdir(folder), [])
            finally:
                tempfile.tempdir = kept
        self.assertEqual(int(download.headers["Content-Length"]), len(download.content))
        self.assertEqual(
            read_zip(download.content)[
                f"{self.jeans.formatted_reference()}/fichiers/{PHOTO_NAME}"
            ],
            PHOTO,
        )

    def test_in_german_on_a_german_speaking_site(self):
        api.portal.set_registry_record("plone.default_language", "de")
        api.portal.set_registry_record("plone.available_languages", ["de", "fr"])
        transaction.commit()
        files = read_zip(self.get("jean").content)
        self.assertIn("Ihre Daten", files["LISEZMOI.txt"].decode())
        state = document(files, self.jeans)["state"]
        self.assertEqual(state, {"id": "submitted", "title": "Eingereicht"})

    def test_anonymous_is_sent_to_log_in(self):
        page = self.get(None, allow_redirects=False)
        self.assertEqual(page.status_code, 302)
        self.assertIn("login", page.headers["Location"])

    def test_mes_demarches_links_to_the_download(self):
        page = requests.get(
            f"{self.portal.absolute_url()}/@@mes-demarches",
            auth=("jean", TEST_USER_PASSWORD),
            timeout=30,
        )
        self.assertIn("/@@mes-donnees.zip", page.text)
        self.assertIn("Télécharger mes données (ZIP)", page.text)

    def follow(self, session, **data):
        url = f"{self.portal.absolute_url()}/@@suivi"
        page = session.get(url, timeout=30)
        data.setdefault("_authenticator", AUTHENTICATOR.search(page.text).group(1))
        return session.post(url, data=data, timeout=60)

    def test_anonymous_applicant_with_reference_and_access_code(self):
        session = requests.Session()
        reference = self.anonymous.formatted_reference()
        shown = self.follow(session, reference=reference, access_code=self.code)
        self.assertIn("Télécharger mes données (ZIP)", shown.text)
        download = self.follow(
            session, reference=reference, access_code=self.code, download_data="1"
        )
        self.assertEqual(download.status_code, 200)
        self.assertEqual(download.headers["Content-Type"], "application/zip")
        files = read_zip(download.content)
        self.assertEqual(
            {name.split("/")[0] for name in files if "/" in name}, {reference}
        )
        values = {
            value["field"]: value["value"]
            for value in document(files, self.anonymous)["values"]
        }
        self.assertEqual(values["fullname"], "Marie Dupont")

    def test_wrong_code_gets_the_follow_up_pages_error(self):
        session = requests.Session()
        page = self.follow(
            session,
            reference=self.anonymous.formatted_reference(),
            access_code="WRONGCODE1",
            download_data="1",
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("text/html", page.headers["Content-Type"])
        self.assertIn("Aucune demande ne correspond", page.text)
        # Another citizen's reference with a code is not theirs either.
        page = self.follow(
            session,
            reference=self.jeans.formatted_reference(),
            access_code=self.code,
            download_data="1",
        )
        self.assertIn("text/html", page.headers["Content-Type"])

    def test_without_the_authenticator_nothing_is_sent(self):
        page = self.follow(
            requests.Session(),
            reference=self.anonymous.formatted_reference(),
            access_code=self.code,
            download_data="1",
            _authenticator="forged",
        )
        self.assertIn("text/html", page.headers["Content-Type"])

    def test_the_follow_up_pages_rate_limit(self):
        session = requests.Session()
        reference = self.anonymous.formatted_reference()
        for _attempt in range(ATTEMPTS):
            self.follow(session, reference=reference, access_code="NOPE")
        page = self.follow(
            session, reference=reference, access_code=self.code, download_data="1"
        )
        self.assertEqual(page.status_code, 429)
        self.assertIn("text/html", page.headers["Content-Type"])

    def test_no_error_on_odd_input(self):
        session = requests.Session()
        for data in (
            {"reference": "", "access_code": "", "download_data": "1"},
            {"reference": "../../..", "access_code": "x" * 5000, "download_data": "1"},
            {"reference:list": ["A", "B"], "access_code:list": ["C", "D"]},
            {"reference": "\x00é", "download_data": "\x00"},
        ):
            FOLLOW_ATTEMPTS.reset()
            page = self.follow(session, **data)
            self.assertLess(page.status_code, 500, data)
