"""The type of a citizen's file is read from its content, not its name."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.tests.library_helpers import widget_data
from imio.eguichet.tests.library_helpers import widget_files
from imio.eguichet.uploads import accepted
from imio.eguichet.uploads import content_type
from imio.eguichet.uploads import DOCX
from imio.eguichet.uploads import ODT
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from types import SimpleNamespace

import base64
import io
import re
import requests
import transaction
import unittest
import zipfile


def archive(**members) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as output:
        for name, data in members.items():
            output.writestr(name.replace("__", "/"), data)
    return buffer.getvalue()


class TestContentType(unittest.TestCase):
    def test_types_from_content(self):
        self.assertEqual(content_type(b"%PDF-1.4 x"), "application/pdf")
        self.assertEqual(content_type(b"\x89PNG\r\n\x1a\n0000"), "image/png")
        self.assertEqual(content_type(archive(mimetype=ODT)), ODT)
        docx = archive(**{"[Content_Types].xml": "<x/>", "word__document.xml": "<x/>"})
        self.assertEqual(content_type(docx), DOCX)
        self.assertIsNone(content_type(archive(**{"virus.exe": "MZ"})))
        self.assertIsNone(content_type(b"PK\x03\x04 broken"))

    def test_accepted_types_and_size(self):
        self.assertTrue(accepted(b"%PDF-1.4 x", None))
        self.assertFalse(accepted(b"MZ\x90\x00\x03", None))
        images = SimpleNamespace(
            allowed_attachment_types=["image/png"], max_attachment_mb=1
        )
        self.assertFalse(accepted(b"%PDF-1.4 x", images))
        self.assertTrue(accepted(b"\x89PNG\r\n\x1a\n0000", images))
        self.assertFalse(accepted(b"\x89PNG\r\n\x1a\n" + b"0" * 1024 * 1024, images))


ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 64
EXE = b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64
ANSWERS = {
    "fullname": "Marie Dupont",
    "email": "marie.dupont@example.org",
    "reason": "Inscription à l'école",
}
TYPE_REFUSED = "Ce type de fichier n'est pas accepté"
TOO_LARGE = "Ce fichier est trop volumineux : 1 Mo au maximum."


class TestWebFormUploads(unittest.TestCase):
    """A renamed program or a file too large is refused next to its field."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, max_attachment_mb=1)
        transaction.commit()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def count_cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def send(self, url, button, upload):
        page = self.citizen.get(url)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = {
            field.name: field.value
            for field in form.xpath(".//input[@type='hidden']")
            if field.name
        }
        data.update(widget_data(ANSWERS))
        data[f"form.buttons.{button}"] = button
        return self.citizen.session.post(
            form.action,
            data=data,
            files=widget_files({"document": upload}),
            timeout=30,
        )

    def assert_refused_and_kept(self, page, message):
        self.assertEqual(
            field_errors(page).get("document", "")[: len(message)], message
        )
        tree = html.fromstring(page.text)
        for name, value in ANSWERS.items():
            widget = tree.xpath(f"//*[@name='form.widgets.{name}']")[0]
            self.assertEqual(widget.value, value)
        self.assertIsNone(re.search('class="case-reference"', page.text))
        self.assertEqual(self.count_cases(), 0)

    def test_easyform_view_refuses_programs_named_as_images(self):
        url = self.form.absolute_url()
        for program in (ELF, EXE):
            with self.subTest(program=program[:4]):
                page = self.send(url, "submit", ("photo.jpg", program, "image/jpeg"))
                self.assertEqual(page.status_code, 200)
                self.assert_refused_and_kept(page, TYPE_REFUSED)

    def test_easyform_view_refuses_a_file_too_large(self):
        large = b"%PDF-1.4 " + b"0" * (1024 * 1024)
        page = self.send(self.form.absolute_url(), "submit", ("plan.pdf", large, ""))
        self.assert_refused_and_kept(page, TOO_LARGE)

    def test_easyform_view_accepts_a_pdf(self):
        page = self.send(
            self.form.absolute_url(), "submit", ("plan.pdf", b"%PDF-1.4 x", "")
        )
        self.assertRegex(page.text, 'class="case-reference"')
        self.assertEqual(self.count_cases(), 1)

    def test_check_answers_step_refuses_a_program(self):
        url = self.form.absolute_url() + "/@@demande"
        page = self.send(url, "continue", ("photo.jpg", EXE, "image/jpeg"))
        self.assertNotIn("Vérifiez vos réponses", page.text)
        self.assert_refused_and_kept(page, TYPE_REFUSED)

    def test_check_answers_send_checks_the_file_again(self):
        # A file posted with Envoyer instead of the kept one is checked again.
        url = self.form.absolute_url() + "/@@demande"
        summary = self.send(url, "continue", ("bail.pdf", b"%PDF-1.4 bail", ""))
        self.assertIn("Vérifiez vos réponses", summary.text)
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, field.value)
            for field in form.xpath(".//input[@type='hidden']")
            if not field.name.startswith("form.widgets.document")
        ]
        data.append(("form.buttons.send", "send"))
        sent = self.citizen.session.post(
            form.action,
            data=data,
            files=widget_files({"document": ("bail.pdf", EXE, "application/pdf")}),
            timeout=30,
        )
        self.assertIn(TYPE_REFUSED, sent.text)
        self.assertEqual(self.count_cases(), 0)


class TestApiUploads(unittest.TestCase):
    """``@submit`` answers 400 with the file's error, creates nothing."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, max_attachment_mb=1)
        transaction.commit()

    def submit(self, data: bytes, filename="photo.jpg"):
        document = {
            "data": base64.b64encode(data).decode(),
            "filename": filename,
            "content-type": "image/jpeg",
        }
        return requests.post(
            self.form.absolute_url() + "/++api++/@submit",
            json={**ANSWERS, "document": document},
            headers={"Accept": "application/json", "Accept-Language": "fr"},
            timeout=30,
        )

    def test_refused_files(self):
        large = b"%PDF-1.4 " + b"0" * (1024 * 1024)
        for data, message in (
            (ELF, TYPE_REFUSED),
            (EXE, TYPE_REFUSED),
            (large, TOO_LARGE),
        ):
            with self.subTest(data=data[:4]):
                response = self.submit(data)
                self.assertEqual(response.status_code, 400, response.text)
                errors = response.json()["errors"]
                self.assertEqual(list(errors), ["document"])
                self.assertTrue(errors["document"].startswith(message), errors)
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), 0)

    def test_accepted_file(self):
        response = self.submit(b"\x89PNG\r\n\x1a\n0000", filename="photo.png")
        self.assertEqual(response.status_code, 201, response.text)
