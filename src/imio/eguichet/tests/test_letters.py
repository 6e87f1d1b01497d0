"""Decision letters: a PDF/A the applicant can keep, with the decision and why."""

from collective.easyform.api import get_schema
from imio.belgium.testing import at
from imio.eguichet.cases import create_case
from imio.eguichet.letters import render_letter
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.tests.test_workflow import WorkflowTestCase
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

from imio.eguichet.browser.follow import FOLLOW_ATTEMPTS

import io
import pikepdf
import pypdf
import re
import requests
import unittest


RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
PDFAID = "http://www.aiim.org/pdfa/ns/id/"


def read(pdf: bytes) -> tuple[str, str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    pdfa = {}
    for element in reader.xmp_metadata.rdf_root.getElementsByTagNameNS(RDF, "*"):
        for name in ("part", "conformance"):
            if element.hasAttributeNS(PDFAID, name):
                pdfa[name] = element.getAttributeNS(PDFAID, name)
    return " ".join(text.split()), pdfa


class TestLetter(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(portal)
        self.case, _code = create_case(
            form,
            get_schema(form),
            {"fullname": "Hélène Lefèvre", "email": "helene@example.org"},
        )
        self.case.applicant_name = "Hélène Lefèvre"

    def test_refusal_says_why_and_how_to_appeal(self):
        with at(2026, 3, 14, 10, 30):
            pdf = render_letter(
                self.case,
                "refuse",
                "Le bail joint n'est pas signé.",
                "Service population",
            )
        text, xmp = read(pdf)
        self.assertIn(self.case.formatted_reference(), text)
        self.assertIn("Hélène Lefèvre", text)
        self.assertIn("refusée", text)
        self.assertIn("Le bail joint n'est pas signé.", text)
        self.assertIn("Conseil d'État", text)
        self.assertIn("60 jours", text)
        self.assertIn("14 mars 2026", text)
        self.assertIn("Service population", text)
        # PDF/A-3b declared in the XMP metadata, as archives read it.
        self.assertEqual(xmp, {"part": "3", "conformance": "B"})

    def test_the_pdf_a_requirements_read_by_a_second_parser(self):
        """What PDF/A-3b asks of the file, checked with qpdf (pikepdf), not
        with the library that read the text above."""
        with at(2026, 3, 14, 10, 30):
            data = render_letter(
                self.case, "refuse", "Pièce manquante.", "Service population"
            )
        with pikepdf.open(io.BytesIO(data)) as pdf:
            self.assertFalse(pdf.is_encrypted)
            # The colours are sRGB through an output intent with its profile.
            (intent,) = pdf.Root.OutputIntents
            self.assertEqual(intent.S, pikepdf.Name.GTS_PDFA1)
            self.assertEqual(int(intent.DestOutputProfile.N), 3)
            self.assertTrue(intent.DestOutputProfile.read_bytes())
            # The file's identifier, which archives require.
            self.assertEqual(len(pdf.trailer.ID), 2)
            # No script, no action run on opening.
            self.assertNotIn("/JavaScript", pdf.Root.get("/Names") or {})
            self.assertNotIn("/OpenAction", pdf.Root)
            with pdf.open_metadata() as xmp:
                self.assertEqual(xmp.pdfa_status, "3B")
            # Every font is embedded: the letter reads the same everywhere.
            fonts = [
                font
                for page in pdf.pages
                for font in (page.Resources.get("/Font") or {}).values()
            ]
            self.assertTrue(fonts)
            for font in fonts:
                descendants = font.get("/DescendantFonts") or [font]
                for each in descendants:
                    descriptor = each.FontDescriptor
                    with self.subTest(font=str(each.get("/BaseFont"))):
                        self.assertTrue(
                            {"/FontFile", "/FontFile2", "/FontFile3"}
                            & set(descriptor.keys())
                        )

    def test_acceptance_names_no_appeal(self):
        with at(2026, 3, 14, 10, 30):
            pdf = render_letter(self.case, "accept", "", "Service population")
        text, _xmp = read(pdf)
        self.assertIn("acceptée", text)
        self.assertNotIn("Conseil d'État", text)


class TestLetterOnDecision(WorkflowTestCase):
    def test_refusal_stores_the_letter_and_mails_it(self):
        self.move("agent", "receive")
        self.move("agent", "start")
        with at(2026, 3, 14, 10, 30):
            self.move("agent", "refuse", comment="Le bail joint n'est pas signé.")
        reference = self.case.getId()
        self.assertEqual(self.case.letter.filename, f"lettre-{reference}.pdf")
        stored, _pdfa = read(self.case.letter.data)
        self.assertIn("Le bail joint n'est pas signé.", stored)
        self.assertIn("État civil", stored)
        (attachment,) = self.inbox[-1].iter_attachments()
        self.assertEqual(attachment.get_filename(), f"lettre-{reference}.pdf")
        self.assertEqual(attachment.get_content_type(), "application/pdf")
        mailed, _pdfa = read(attachment.get_content())
        self.assertIn(self.case.formatted_reference(), mailed)
        self.assertIn("Votre demande a été refusée.", mailed)

    def test_no_letter_before_a_decision(self):
        self.move("agent", "receive")
        self.assertIsNone(self.case.letter)
        self.assertEqual(list(self.inbox[-1].iter_attachments()), [])


class TestLetterOnFollowUpPage(WorkflowTestCase):
    def setUp(self):
        super().setUp()
        FOLLOW_ATTEMPTS.reset()
        self.move("agent", "receive")
        self.move("agent", "start")
        self.move("agent", "refuse", comment="Le bail joint n'est pas signé.")
        self.url = f"{self.portal.absolute_url()}/@@suivi"
        self.browser = requests.Session()

    def tearDown(self):
        self.browser.close()
        FOLLOW_ATTEMPTS.reset()

    def download(self, code):
        page = self.browser.get(self.url, timeout=30)
        token = re.search(r'name="_authenticator"[^>]*value="([^"]+)"', page.text)
        data = {
            "reference": self.case.formatted_reference(),
            "access_code": code,
            "download_letter": "1",
            "_authenticator": token.group(1),
        }
        return self.browser.post(self.url, data=data, timeout=30)

    def test_the_code_holder_downloads_the_letter(self):
        response = self.download(self.access_code)
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "application/pdf")
        text, _pdfa = read(response.content)
        self.assertIn("Le bail joint n'est pas signé.", text)

    def test_without_the_code_no_letter(self):
        response = self.download("WRONG-CODE")
        self.assertIn(response.status_code, (200, 400, 401, 403, 404))
        self.assertNotIn("application/pdf", response.headers["Content-Type"])
        self.assertNotIn(b"%PDF", response.content)
