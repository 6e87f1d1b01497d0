"""The e-guichet in a real browser: citizens send every form, agents process.

Each form of the demo site is filled in, checked and sent as a citizen would;
the confirmation e-mail is read from a real SMTP server. Agents of the
processing service take cases through the workflow on the case page, and
every step the applicant is told about arrives by e-mail.
"""

from imio.eguichet.testing import phone_photo
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from pathlib import Path
from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import LAYOUT_SHIFT
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.eguichet_layer import AGENT
from tests.eguichet_layer import CITIZEN
from tests.eguichet_layer import EGUICHET_BROWSER
from tests.eguichet_layer import WORKS_AGENT
from tests.mail import text_of
from tests.test_html_validity import html_errors

import base64
import hashlib
import io
import re
import struct
import pypdf
import unittest
import zlib


REFERENCE = re.compile(r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b")
ACCESS_CODE = re.compile(r"code d'accès est ([A-Z0-9]{10})")
NATIONAL_NUMBER = "85073003328"
WRONG_NATIONAL_NUMBER = "85073003329"
# Typed with spaces, as printed on a bank card.
IBAN = "BE31 4354 1116 1155"


def png_image() -> bytes:
    """A real 2x2 grey PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    pixels = zlib.compress(b"\x00\x80\x80\x00\x80\x80")
    header = struct.pack(">IIBBBBB", 2, 2, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", pixels)
        + chunk(b"IEND", b"")
    )


def pdf_document() -> bytes:
    """A real one-page PDF."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    return out + b"startxref\n%d\n%%%%EOF\n" % xref


def attachment(name: str, mime: str, data: bytes) -> dict:
    return {"name": name, "mimeType": mime, "buffer": data}


# What a citizen types in each form of the demo site.
ANSWERS = {
    "certificat-de-residence": {
        "lastname": "Dupont",
        "firstname": "Marie",
        "national_number": NATIONAL_NUMBER,
        "email": CITIZEN["email"],
        "phone": "081 24 60 00",
        "purpose": "Employeur",
        "history": True,
        "delivery": "email",
    },
    "composition-de-menage": {
        "lastname": "Dupont",
        "firstname": "Marie",
        "national_number": NATIONAL_NUMBER,
        "email": CITIZEN["email"],
        "purpose": "Mutualité",
        "delivery": "post",
    },
    "extrait-acte": {
        "act_type": "naissance",
        "concerned_person": "Dupont Marie",
        "event_date": "1985-07-30",
        "event_place": "Namur",
        "relationship": "self",
        "lastname": "Dupont",
        "firstname": "Marie",
        "email": "extrait-acte@example.org",
        "purpose": "Mariage à l'étranger",
    },
    "declaration-perte-document": {
        "lastname": "Dupont",
        "firstname": "Marie",
        "national_number": NATIONAL_NUMBER,
        "email": CITIZEN["email"],
        "document_type": "eid",
        "theft": True,
        "lost_on": "2025-03-02",
        "circumstances": "Portefeuille volé dans le bus.",
    },
    "reservation-salle": {
        "fullname": "Jean Lemaire",
        "organisation": "Les Amis de Jambes",
        "email": "reservation-salle@example.org",
        "phone": "0475 12 34 56",
        "hall": "Salle des fêtes de Jambes",
        "event_date": "2030-06-15",
        "event_kind": "association",
        "guests": "80",
        "iban": IBAN,
        "rules_accepted": True,
    },
    "signalement-voirie": {
        "problem": "pothole",
        "location": "Rue de Fer 25",
        "postal_code": "5000",
        "description": "Un nid-de-poule profond devant le numéro 25.",
        "photo": attachment("nid-de-poule.png", "image/png", png_image()),
        "fullname": "Paul Henrard",
        "email": "signalement-voirie@example.org",
    },
    "occupation-domaine-public": {
        "fullname": "Claire Renard",
        "company": "Déménagements Renard",
        "email": "occupation-domaine-public@example.org",
        "phone": "081 22 33 44",
        "occupation": "moving",
        "street": "Rue de l'Ange 12",
        "postal_code": "5000",
        "start_date": "2030-05-10",
        "end_date": "2030-05-10",
        "length_m": "12",
        "plan": attachment("plan.pdf", "application/pdf", pdf_document()),
    },
    "inscription-stage": {
        "course": "Stage nature, 7 à 10 ans",
        "child_lastname": "Lemaire",
        "child_firstname": "Lucie",
        "child_birth_date": "2017-04-21",
        "health": "Allergie aux arachides.",
        "fullname": "Jean Lemaire",
        "email": "inscription-stage@example.org",
        "phone": "0475 12 34 56",
        "street": "Rue Mazy 8",
        "postal_code": "5100",
        "locality": "Jambes",
        "photos_allowed": True,
    },
    "carte-stationnement-riverain": {
        "lastname": "Dupont",
        "firstname": "Marie",
        "national_number": NATIONAL_NUMBER,
        "email": CITIZEN["email"],
        "street": "Rue de l'Ange 3",
        "postal_code": "5000",
        "plate": "1-ABC-234",
        "vehicle_use": "owned",
        "registration_certificate": attachment(
            "certificat-immatriculation.pdf", "application/pdf", pdf_document()
        ),
    },
}
# Forms for the citizens logged in with their account (itsme, eID, member).
# Forms for any signed-in citizen: the member signs in with Plone's login.
MEMBERS_ONLY = {"declaration-perte-document", "carte-stationnement-riverain"}
# Forms for citizens signed in with eID or itsme: the sign-in comes first.
EID_OR_ITSME = {"certificat-de-residence", "composition-de-menage"}


class EguichetBrowserTestCase(unittest.TestCase):
    layer = EGUICHET_BROWSER

    def setUp(self):
        self.site_url = self.layer["site_url"]
        self.inbox = self.layer["inbox"]
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page

    def tearDown(self):
        self.recorded.close()

    def citizen_submits(self, form: str = "declaration-perte-document") -> str:
        """A case sent through the REST API, as a citizen's app would."""
        credentials = f"{CITIZEN['id']}:{CITIZEN['password']}".encode()
        response = self.page.request.post(
            f"{self.site_url}/e-guichet/{form}/++api++/@submit",
            data=ANSWERS[form],
            headers={
                "Accept": "application/json",
                "Authorization": f"Basic {base64.b64encode(credentials).decode()}",
            },
        )
        self.assertEqual(response.status, 201, response.text())
        return response.json()["reference"]

    def assertAccessible(self, page=None):
        self.assertEqual(accessibility_violations(page or self.page), [])

    def provider_signs_in(self, username: str, level: int):
        """On the development provider's page: who, at which level."""
        page = self.page
        self.assertTrue(page.url.startswith(self.layer["oidc_provider"].issuer))
        page.fill("#username", username)
        page.select_option("#level", str(level))
        with page.expect_navigation(url=re.compile(re.escape(self.site_url))):
            page.get_by_role("button", name="Se connecter").click()
        page.wait_for_load_state()

    def log_in(self, member: dict, page=None):
        page = page or self.page
        page.goto(f"{self.site_url}/login")
        page.fill("#__ac_name", member["id"])
        page.fill("#__ac_password", member["password"])
        page.click("#buttons-login")
        page.wait_for_load_state()
        self.assertNotIn("/login", page.url.split("?")[0].rsplit("/", 1)[-1])

    def fill_form(self, answers: dict, page=None):
        page = page or self.page
        for name, value in answers.items():
            field = page.locator(
                f'[name="form.widgets.{name}"], [name="form.widgets.{name}:list"]'
            ).first
            tag = field.evaluate("node => node.tagName.toLowerCase()")
            kind = field.get_attribute("type")
            if tag == "select":
                field.select_option(value)
            elif kind == "checkbox":
                field.set_checked(bool(value))
            elif kind == "file":
                field.set_input_files(files=[value])
            else:
                field.fill(value)

    def send_form(self, form_id: str, answers: dict, shots: str | None = None):
        """Fill, continue, check and send; the reference on the confirmation."""
        page = self.page
        page.goto(f"{self.site_url}/e-guichet/{form_id}")
        self.fill_form(answers)
        if shots:
            screenshot(page, f"{shots}-01-formulaire")
        page.click("#form-buttons-continue")
        page.wait_for_load_state()
        self.assertEqual(page.locator("h1").inner_text(), "Vérifiez vos réponses")
        if shots:
            screenshot(page, f"{shots}-02-verification")
        with page.expect_navigation():
            page.get_by_role("button", name="Envoyer").click()
        confirmation = page.locator(".eguichet-confirmation")
        self.assertIn("Votre demande a bien été envoyée", confirmation.inner_text())
        reference = confirmation.locator(".case-reference").inner_text()
        self.assertRegex(reference, REFERENCE)
        if shots:
            screenshot(page, f"{shots}-03-confirmation")
        return reference

    def confirmation_email(self, address: str, reference: str):
        return self.inbox.wait_for(address, reference)

    def case_url(self, reference: str) -> str:
        return f"{self.site_url}/demandes/{reference.replace('-', '')}"


class TestCitizenSendsEachForm(EguichetBrowserTestCase):
    """Every form of the demo, filled in, checked and sent."""

    def submit_and_check(self, form_id: str):
        answers = ANSWERS[form_id]
        if form_id in MEMBERS_ONLY:
            self.log_in(CITIZEN)
        reference = self.send_form(form_id, answers)
        confirmation = self.page.locator(".eguichet-confirmation").inner_text()
        self.assertIn("Et maintenant ?", confirmation)
        self.assertIn(
            f"Une confirmation a été envoyée à {answers['email']}", confirmation
        )
        message = self.confirmation_email(answers["email"], reference)
        self.assertIn(answers["email"], str(message["To"]))
        body = text_of(message)
        self.assertIn(reference, body)
        if form_id in MEMBERS_ONLY:
            self.assertIsNone(ACCESS_CODE.search(body))
        else:
            code = ACCESS_CODE.search(body)
            self.assertIsNotNone(code, body)
            self.assertIn(code.group(1), confirmation)
        self.assertEqual(self.recorded.errors, [])


for _form_id in sorted(set(ANSWERS) - EID_OR_ITSME):

    def _test(self, form_id=_form_id):
        self.submit_and_check(form_id)

    _test.__doc__ = f"The citizen sends {_form_id} and receives its reference."
    setattr(
        TestCitizenSendsEachForm,
        f"test_send_{_form_id.replace('-', '_')}",
        _test,
    )


class TestSignInFirst(EguichetBrowserTestCase):
    """A form for eID or itsme shows the sign-in, not fields sent for nothing."""

    def test_anonymous_and_plone_account_are_asked_for_eid_or_itsme(self):
        page = self.page
        for form_id in sorted(EID_OR_ITSME):
            with self.subTest(form=form_id, who="anonymous"):
                page.goto(f"{self.site_url}/e-guichet/{form_id}")
                self.assertIn(
                    "Vous devez vous connecter avec votre carte d'identité (eID) "
                    "ou itsme pour envoyer ce formulaire.",
                    page.locator(".eguichet-intro").inner_text(),
                )
                intro = page.locator(".eguichet-intro")
                self.assertEqual(
                    intro.get_by_role("link", name="Se connecter").count(), 1
                )
                self.assertEqual(page.locator("#form-buttons-continue").count(), 0)
                self.assertAccessible()
        self.log_in(CITIZEN)
        page.goto(f"{self.site_url}/e-guichet/certificat-de-residence")
        self.assertIn(
            "Connectez-vous à nouveau",
            page.locator(".eguichet-step-up").inner_text(),
        )
        self.assertEqual(page.locator("#form-buttons-continue").count(), 0)


class TestCitizenSteps(EguichetBrowserTestCase):
    """The steps of a form as a citizen sees them, accessible, with mistakes."""

    def test_form_check_and_confirmation_are_accessible(self):
        page = self.page
        page.goto(f"{self.site_url}/e-guichet/signalement-voirie")
        self.assertAccessible()
        answers = ANSWERS["signalement-voirie"]
        self.fill_form(answers)
        screenshot(page, "citoyen-eguichet-01-formulaire")
        page.click("#form-buttons-continue")
        page.wait_for_load_state()
        summary = page.locator(".eguichet-answers").inner_text()
        self.assertIn("Nid-de-poule", summary)
        self.assertIn("nid-de-poule.png", summary)
        screenshot(page, "citoyen-eguichet-02-verification")
        self.assertAccessible()
        page.get_by_role("button", name="Envoyer").click()
        page.wait_for_load_state()
        reference = page.locator(".eguichet-confirmation .case-reference").inner_text()
        self.assertRegex(reference, REFERENCE)
        self.assertIn("Votre code d'accès est", page.content())
        screenshot(page, "citoyen-eguichet-03-confirmation")
        self.assertAccessible()

    def test_modify_goes_back_to_the_answers(self):
        page = self.page
        page.goto(f"{self.site_url}/e-guichet/extrait-acte")
        self.fill_form(ANSWERS["extrait-acte"])
        page.click("#form-buttons-continue")
        page.get_by_role("button", name="Modifier", exact=True).click()
        page.wait_for_load_state()
        self.assertEqual(
            page.input_value("#form-widgets-concerned_person"), "Dupont Marie"
        )

    def test_wrong_national_number_is_explained_next_to_the_field(self):
        page = self.page
        page.goto(f"{self.site_url}/e-guichet/inscription-stage")
        self.fill_form({
            **ANSWERS["inscription-stage"],
            "child_national_number": WRONG_NATIONAL_NUMBER,
        })
        page.click("#form-buttons-continue")
        page.wait_for_load_state()
        # The list of problems has the focus, and links to the field.
        summary = page.locator(".eguichet-error-summary")
        self.assertTrue(summary.evaluate("node => node === document.activeElement"))
        summary.get_by_role("link").first.click()
        self.assertEqual(
            page.evaluate("document.activeElement.id"),
            "form-widgets-child_national_number",
        )
        field = page.locator("#formfield-form-widgets-child_national_number")
        self.assertIn("registre national", field.inner_text().lower())
        error = field.locator(".invalid-feedback").inner_text()
        self.assertTrue(error.strip(), "no message next to the field")
        self.assertNotIn("Vérifiez vos réponses", page.content())
        self.assertEqual(
            page.input_value("#form-widgets-child_national_number"),
            WRONG_NATIONAL_NUMBER,
        )
        self.assertEqual(
            page.input_value("#form-widgets-course"), "Stage nature, 7 à 10 ans"
        )
        screenshot(page, "citoyen-eguichet-04-erreur")
        self.assertAccessible()


class TestCitizenFollowsRequest(EguichetBrowserTestCase):
    """Following a request: anonymously with the code, or in Mes démarches."""

    def test_anonymous_applicant_follows_with_the_code_from_the_email(self):
        answers = ANSWERS["extrait-acte"]
        reference = self.send_form("extrait-acte", answers)
        body = text_of(self.confirmation_email(answers["email"], reference))
        code = ACCESS_CODE.search(body).group(1)
        page = self.page
        page.goto(f"{self.site_url}/@@suivi")
        self.assertAccessible()
        page.fill("#follow-reference", reference)
        page.fill("#follow-access-code", code)
        page.get_by_role("button", name="Suivre ma demande").click()
        page.wait_for_load_state()
        self.assertEqual(page.locator(".case-reference").inner_text(), reference)
        self.assertEqual(page.locator(".case-state").inner_text(), "Envoyée")
        screenshot(page, "citoyen-eguichet-05-suivi")
        self.assertAccessible()

    def test_wrong_access_code_tells_nothing(self):
        page = self.page
        page.goto(f"{self.site_url}/@@suivi")
        page.fill("#follow-reference", "K7QM-4TZB")
        page.fill("#follow-access-code", "ABCDEFGHJK")
        page.get_by_role("button", name="Suivre ma demande").click()
        error = page.locator(".follow-error").inner_text()
        self.assertIn("Aucune demande", error)
        self.assertEqual(page.input_value("#follow-reference"), "K7QM-4TZB")

    def test_member_finds_the_request_in_mes_demarches(self):
        self.log_in(CITIZEN)
        reference = self.send_form(
            "declaration-perte-document", ANSWERS["declaration-perte-document"]
        )
        page = self.page
        page.goto(f"{self.site_url}/@@mes-demarches")
        self.assertEqual(page.locator("h1").first.inner_text(), "Mes démarches")
        row = page.locator("table.my-cases tr", has_text=reference)
        self.assertIn("Déclaration de perte", row.inner_text())
        self.assertIn("Envoyée", row.inner_text())
        screenshot(page, "citoyen-eguichet-06-mes-demarches")
        self.assertAccessible()
        row.get_by_role("link", name=reference).click()
        page.wait_for_load_state()
        self.assertEqual(page.locator(".case-reference").inner_text(), reference)
        self.assertEqual(page.locator(".case-processing").count(), 0)

    def test_member_adds_a_request_sent_without_signing_in(self):
        page = self.page
        reference = self.send_form("signalement-voirie", ANSWERS["signalement-voirie"])
        code = page.locator(".case-access-code strong").inner_text()
        self.log_in(CITIZEN)
        page.goto(f"{self.site_url}/@@mes-demarches")
        self.assertEqual(page.locator("table.my-cases", has_text=reference).count(), 0)
        page.fill("#claim-reference", reference)
        page.fill("#claim-access-code", code)
        screenshot(page, "citoyen-eguichet-10-ajouter", full_page=True)
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter à mes démarches").click()
        self.assertIn(
            f"La demande {reference} fait désormais partie de vos démarches.",
            page.content(),
        )
        row = page.locator("table.my-cases tr", has_text=reference)
        self.assertIn("Signaler un problème", row.inner_text())
        self.assertAccessible()
        # The access code has done its work: it opens the request no more.
        page.goto(f"{self.site_url}/@@suivi")
        page.fill("#follow-reference", reference)
        page.fill("#follow-access-code", code)
        page.get_by_role("button", name="Suivre ma demande").click()
        self.assertIn("Aucune demande", page.locator(".follow-error").inner_text())


class TestApplicantWithdraws(EguichetBrowserTestCase):
    """The applicant withdraws a request the service has not decided on."""

    REASON = "J'ai finalement obtenu le document au guichet."

    def withdraw_button(self):
        return self.page.locator("form.case-withdraw").get_by_role(
            "button", name="Retirer ma demande"
        )

    def assertWithdrawn(self, reference: str):
        page = self.page
        self.assertEqual(page.locator(".case-reference").inner_text(), reference)
        self.assertEqual(page.locator(".case-state").first.inner_text(), "Retirée")
        self.assertIn("Votre demande a été retirée.", page.content())
        self.assertEqual(page.locator("form.case-withdraw").count(), 0)

    def test_member_withdraws_from_the_case_page(self):
        self.log_in(CITIZEN)
        reference = self.send_form(
            "declaration-perte-document", ANSWERS["declaration-perte-document"]
        )
        page = self.page
        page.goto(self.case_url(reference))
        page.fill("#case-withdraw-reason", self.REASON)
        with page.expect_navigation():
            self.withdraw_button().click()
        self.assertEqual(
            page.locator("#case-withdraw-error").inner_text(),
            "Cochez la case pour confirmer que vous retirez votre demande.",
        )
        self.assertEqual(page.input_value("#case-withdraw-reason"), self.REASON)
        self.assertEqual(page.locator(".case-state").first.inner_text(), "Envoyée")
        self.assertAccessible()
        page.check("#case-withdraw-confirm")
        page.locator("form.case-withdraw").scroll_into_view_if_needed()
        screenshot(page, "citoyen-eguichet-08-retirer")
        with page.expect_navigation():
            self.withdraw_button().click()
        self.assertWithdrawn(reference)
        self.assertAccessible()
        page.goto(f"{self.site_url}/@@mes-demarches")
        row = page.locator("table.my-cases tr", has_text=reference)
        self.assertIn("Retirée", row.inner_text())

    def test_anonymous_applicant_withdraws_with_the_access_code(self):
        answers = ANSWERS["extrait-acte"]
        reference = self.send_form("extrait-acte", answers)
        body = text_of(self.confirmation_email(answers["email"], reference))
        code = ACCESS_CODE.search(body).group(1)
        page = self.page
        page.goto(f"{self.site_url}/@@suivi")
        page.fill("#follow-reference", reference)
        page.fill("#follow-access-code", code)
        page.get_by_role("button", name="Suivre ma demande").click()
        page.wait_for_load_state()
        page.fill("#follow-withdraw-reason", self.REASON)
        page.fill("#follow-withdraw-code", code)
        page.check("#follow-withdraw-confirm")
        page.locator("form.case-withdraw").scroll_into_view_if_needed()
        screenshot(page, "citoyen-eguichet-09-retirer-suivi")
        self.assertAccessible()
        with page.expect_navigation():
            self.withdraw_button().click()
        self.assertWithdrawn(reference)
        self.assertAccessible()


class WithCitizenPage(EguichetBrowserTestCase):
    """The agent's page (``page``) and, beside it, a citizen's own."""

    def setUp(self):
        super().setUp()
        self.citizen = RecordedPage(self.layer["browser"])

    def tearDown(self):
        self.citizen.close()
        super().tearDown()


def pdf_text(data: bytes) -> str:
    """A PDF's text, its white space made single spaces."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


class TestAgentProcessesRequests(WithCitizenPage):
    """An agent of the service takes requests through the workflow."""

    def citizen_sends(self, form_id="declaration-perte-document") -> str:
        agent_page = self.page
        self.page = self.citizen.page
        try:
            self.log_in(CITIZEN)
            return self.send_form(form_id, ANSWERS[form_id])
        finally:
            self.page = agent_page

    def apply(self, transition: str, comment: str = ""):
        """Choose an action on the case page with the keyboard, and apply it."""
        page = self.page
        page.focus(f"#case-transition-{transition}")
        page.keyboard.press("Space")
        self.assertTrue(page.is_checked(f"#case-transition-{transition}"))
        if comment:
            page.fill("#case-comment", comment)
        page.focus(".case-transition button[type=submit]")
        with page.expect_navigation():
            page.keyboard.press("Enter")

    def state(self) -> str:
        return self.page.locator(".case-summary .case-state").inner_text()

    def assertNotified(self, reference: str, state: str, comment: str = ""):
        message = self.inbox.wait_for(CITIZEN["email"], f"{reference} : {state}")
        if comment:
            self.assertIn(comment, text_of(message))

    def test_dashboard_lists_the_request_and_opens_its_page(self):
        reference = self.citizen_sends()
        self.log_in(AGENT)
        page = self.page
        page.goto(f"{self.site_url}/@@demandes-dashboard")
        row = page.locator("table.cases-dashboard tr", has_text=reference)
        self.assertIn("Marie Dupont", row.inner_text())
        screenshot(page, "agent-01-tableau-de-bord")
        self.assertAccessible()
        page.fill("[name=reference]", reference)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.assertEqual(page.locator("table.cases-dashboard tbody tr").count(), 1)
        screenshot(page, "agent-02-recherche")
        page.get_by_role("link", name=reference).click()
        page.wait_for_load_state()
        self.assertEqual(
            page.locator(".case-summary .case-reference").inner_text(), reference
        )
        self.assertIn(NATIONAL_NUMBER, page.locator(".case-values").inner_text())
        screenshot(page, "agent-03-fiche")
        self.assertAccessible()

    def test_request_for_information_answered_then_accepted_and_closed(self):
        reference = self.citizen_sends()
        self.log_in(AGENT)
        page = self.page
        page.goto(self.case_url(reference))
        self.apply("receive")
        self.assertEqual(self.state(), "Reçue")
        self.assertNotified(reference, "Reçue")
        self.apply("start")
        self.assertEqual(self.state(), "En cours de traitement")
        self.assertNotified(reference, "En cours de traitement")

        page.select_option("#case-assignee", AGENT["id"])
        page.locator(".case-assign button").click()
        page.wait_for_load_state()
        self.assertEqual(
            page.locator(".case-assignee strong").inner_text(), "Luc Martin"
        )
        page.fill("[name=note]", "Vérifier l'adresse au registre.")
        page.locator("form", has=page.locator("[name=note]")).locator(
            "button[type=submit]"
        ).click()
        page.wait_for_load_state()
        self.assertIn(
            "Vérifier l'adresse au registre.",
            page.locator(".case-internal-notes").inner_text(),
        )
        screenshot(page, "agent-04-assignation-notes")

        self.apply("ask_info")
        self.assertIn(
            "Veuillez préciser", page.locator("#case-comment-error").inner_text()
        )
        question = "Pouvez-vous joindre une copie de votre bail ?"
        page.focus("#case-comment")
        self.apply("ask_info", question)
        self.assertEqual(self.state(), "En attente d'informations")
        self.assertNotified(reference, "En attente d'informations", question)
        screenshot(page, "agent-05-demande-informations")

        citizen = self.citizen.page
        citizen.goto(f"{self.site_url}/@@mes-demarches")
        citizen.get_by_role("link", name=reference).click()
        citizen.wait_for_load_state()
        self.assertIn(question, citizen.content())
        citizen.fill("#case-answer-text", "Voici la copie de mon bail.")
        citizen.set_input_files(
            "#case-answer-files",
            files=[attachment("bail.pdf", "application/pdf", pdf_document())],
        )
        screenshot(citizen, "citoyen-eguichet-07-repondre")
        self.assertAccessible(citizen)
        citizen.get_by_role("button", name="Envoyer ma réponse").click()
        citizen.wait_for_load_state()
        self.assertIn("Votre réponse a été transmise au service.", citizen.content())

        page.goto(self.case_url(reference))
        self.assertEqual(self.state(), "En cours de traitement")
        self.assertIn("Voici la copie de mon bail.", page.content())
        self.assertIn("bail.pdf", page.content())
        self.apply("accept", "Votre certificat vous est envoyé par e-mail.")
        self.assertEqual(self.state(), "Acceptée")
        self.assertNotified(
            reference, "Acceptée", "Votre certificat vous est envoyé par e-mail."
        )
        screenshot(page, "agent-06-decision")
        self.apply("close")
        self.assertEqual(self.state(), "Clôturée")
        self.assertAccessible()

    def test_refusal_needs_a_reason_that_the_applicant_receives(self):
        reference = self.citizen_sends("declaration-perte-document")
        self.log_in(AGENT)
        page = self.page
        page.goto(self.case_url(reference))
        self.apply("receive")
        self.apply("start")
        self.apply("refuse")
        error = page.locator("#case-comment-error").inner_text()
        self.assertIn("motif du refus", error)
        self.assertEqual(page.get_attribute("#case-comment", "aria-invalid"), "true")
        self.assertAccessible()
        reason = "Cette déclaration doit être faite à la police."
        self.apply("refuse", reason)
        self.assertEqual(self.state(), "Refusée")
        self.assertNotified(reference, "Refusée", reason)

    def test_agent_of_another_service_does_not_see_the_request(self):
        reference = self.citizen_sends()
        self.log_in(WORKS_AGENT)
        self.page.goto(f"{self.site_url}/@@demandes-dashboard")
        self.assertNotIn(reference, self.page.content())
        self.page.goto(self.case_url(reference))
        self.assertNotIn(NATIONAL_NUMBER, self.page.content())

    def test_exports_and_statistics(self):
        reference = self.citizen_sends()
        self.log_in(AGENT)
        page = self.page
        page.goto(f"{self.site_url}/@@demandes-dashboard")
        csv_url = page.get_attribute("a.case-export", "href")
        response = page.request.get(csv_url)
        self.assertEqual(response.status, 200)
        self.assertIn(reference, response.text())
        xlsx_url = page.get_attribute("a.case-export-xlsx", "href")
        response = page.request.get(xlsx_url)
        self.assertEqual(response.status, 200)
        self.assertEqual(response.body()[:2], b"PK")
        page.click("a.case-statistics")
        page.wait_for_load_state()
        screenshot(page, "agent-07-statistiques")
        self.assertAccessible()


class TestPhotoFromAPhone(EguichetBrowserTestCase):
    """A citizen sends the photo a phone took; the agent gets the same bytes."""

    PHOTO_NAME = "Nid-de-poule rue de Fer à Namur.jpg"

    def setUp(self):
        super().setUp()
        self.phone = RecordedPage(self.layer["browser"], viewport=PHONE)

    def tearDown(self):
        self.phone.close()
        super().tearDown()

    def test_the_agent_downloads_the_photo_sent_from_a_phone(self):
        photo = phone_photo()
        answers = {
            **ANSWERS["signalement-voirie"],
            "photo": attachment(self.PHOTO_NAME, "image/jpeg", photo),
        }
        citizen = self.phone.page
        citizen.goto(f"{self.site_url}/e-guichet/signalement-voirie")
        self.fill_form(answers, citizen)
        citizen.click("#form-buttons-continue")
        citizen.wait_for_load_state()
        summary = citizen.locator(".eguichet-answers").inner_text()
        self.assertIn(self.PHOTO_NAME, summary)
        # The photo waits on the server: the summary weighs what a page does.
        self.assertLess(len(citizen.content().encode()), 100_000)
        with citizen.expect_navigation():
            citizen.get_by_role("button", name="Envoyer").click()
        reference = citizen.locator(".eguichet-confirmation .case-reference")
        reference = reference.inner_text()
        self.assertRegex(reference, REFERENCE)
        self.assertEqual(self.phone.errors, [])

        self.log_in(WORKS_AGENT)
        page = self.page
        page.goto(self.case_url(reference))
        link = page.locator(".case-attachments a", has_text=self.PHOTO_NAME)
        with page.expect_download() as download:
            link.click()
        self.assertEqual(download.value.suggested_filename, self.PHOTO_NAME)
        received = Path(download.value.path()).read_bytes()
        self.assertEqual(
            hashlib.sha256(received).hexdigest(), hashlib.sha256(photo).hexdigest()
        )


# What has the keyboard's focus: the field's name, or the button's text.
FOCUSED = """() => {
  const element = document.activeElement;
  return {
    tag: element.tagName.toLowerCase(),
    name: (element.getAttribute("name") || "").replace(/:list$/, ""),
    text: (element.innerText || element.value || "").trim(),
  };
}"""
# What a citizen types, key by key, in the road report form; the choice is
# picked by typing the start of its label, as on any select.
TYPED = {
    "form.widgets.problem": "Nid",
    "form.widgets.location": "Rue de Fer 25",
    "form.widgets.postal_code": "5000",
    "form.widgets.description": "Un nid-de-poule profond devant le numéro 25.",
    "form.widgets.fullname": "Paul Henrard",
    "form.widgets.email": "clavier@example.org",
}
PUBLIC_ONLY = {
    "main navigation": "#portal-mainnavigation",
    "portlets": "#portal-column-one, #portal-column-two",
    "breadcrumbs": "#portal-breadcrumbs",
    "alert banner": ".imio-alerts",
    "search": "#searchGadget",
}


class TransactionalPages:
    """Form, check-answers, confirmation and follow-up: one task per page."""

    viewport = DESKTOP

    def setUp(self):
        self.site_url = self.layer["site_url"]
        self.inbox = self.layer["inbox"]
        self.recorded = RecordedPage(self.layer["browser"], viewport=self.viewport)
        self.page = self.recorded.page

    def assertTransactional(self, what: str):
        page = self.page
        self.assertIn(
            "layout-transactional", page.locator("body").get_attribute("class")
        )
        for name, selector in PUBLIC_ONLY.items():
            self.assertEqual(page.locator(selector).count(), 0, f"{name} on {what}")
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(width, self.viewport["width"], what)
        self.assertLess(page.evaluate(LAYOUT_SHIFT), 0.1, what)
        self.assertAccessible()

    def test_form_check_answers_confirmation_and_follow_up(self):
        page = self.page
        # The public site shows its navigation and the demo's alert...
        page.goto(self.site_url, wait_until="networkidle")
        self.assertEqual(page.locator(".imio-alerts").count(), 1)
        self.assertEqual(page.locator("#portal-mainnavigation").count(), 1)
        # ...the pages of a request do not.
        page.goto(
            f"{self.site_url}/e-guichet/signalement-voirie", wait_until="networkidle"
        )
        self.assertEqual(
            page.locator("h1").inner_text(), "Signaler un problème sur la voie publique"
        )
        self.assertTrue(page.locator(".site-brand").inner_text().strip())
        self.assertEqual(page.get_by_role("link", name="Se connecter").count(), 1)
        self.assertTransactional("the form")
        self.fill_form(ANSWERS["signalement-voirie"])
        page.click("#form-buttons-continue")
        page.wait_for_load_state("networkidle")
        self.assertEqual(page.locator("h1").inner_text(), "Vérifiez vos réponses")
        self.assertTransactional("check-answers")
        page.get_by_role("button", name="Envoyer").click()
        page.wait_for_load_state("networkidle")
        self.assertIn("/@@demande-envoyee", page.url)
        self.assertTransactional("the confirmation")
        page.goto(f"{self.site_url}/@@suivi", wait_until="networkidle")
        self.assertTransactional("the follow-up")


class TestTransactionalPagesOnADesktop(TransactionalPages, EguichetBrowserTestCase):
    viewport = DESKTOP

    def test_the_pages_of_a_request_are_valid_html(self):
        citizen = Citizen()
        self.addCleanup(citizen.close)
        forms = f"{self.site_url}/e-guichet"
        pages = {
            "form for signed-in citizens": citizen.get(
                f"{forms}/certificat-de-residence"
            ),
            "form with an error": citizen.fill(
                f"{forms}/inscription-stage",
                {
                    **VALID_ANSWERS["inscription-stage"],
                    "child_national_number": WRONG_NATIONAL_NUMBER,
                },
            ),
            "check-answers": citizen.fill(
                f"{forms}/extrait-acte", VALID_ANSWERS["extrait-acte"]
            ),
        }
        self.assertIn("Il y a un problème", pages["form with an error"].text)
        self.assertIn("Vérifiez vos réponses", pages["check-answers"].text)
        self.assertEqual(
            html_errors({name: page.text for name, page in pages.items()}), []
        )

    def test_keyboard_only_from_the_form_to_the_confirmation(self):
        page = self.page
        page.goto(
            f"{self.site_url}/e-guichet/signalement-voirie", wait_until="networkidle"
        )
        # Nothing has the focus yet: the page is read from its top.
        self.assertEqual(page.evaluate(FOCUSED)["tag"], "body")
        typed, seen = set(), []
        for _press in range(60):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            seen.append(focused["name"] or focused["tag"])
            if focused["name"] in TYPED and focused["name"] not in typed:
                page.keyboard.type(TYPED[focused["name"]])
                typed.add(focused["name"])
            if focused["name"] == "form.buttons.continue":
                break
        self.assertEqual(typed, set(TYPED), seen)
        self.assertEqual(focused["text"], "Continuer")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        self.assertEqual(page.locator("h1").inner_text(), "Vérifiez vos réponses")
        summary = page.locator(".eguichet-answers").inner_text()
        self.assertIn("Nid-de-poule, route abîmée", summary)
        self.assertIn("Un nid-de-poule profond devant le numéro 25.", summary)
        for _press in range(40):
            page.keyboard.press("Tab")
            focused = page.evaluate(FOCUSED)
            if focused["name"] == "form.buttons.send":
                break
        self.assertEqual(focused["text"], "Envoyer")
        with page.expect_navigation():
            page.keyboard.press("Enter")
        page.wait_for_load_state()
        reference = page.locator(".eguichet-confirmation .case-reference").inner_text()
        self.assertRegex(reference, REFERENCE)
        message = self.confirmation_email("clavier@example.org", reference)
        self.assertIn(reference, text_of(message))

    def test_sign_in_from_the_form_comes_back_to_the_form(self):
        page = self.page
        form_url = f"{self.site_url}/e-guichet/declaration-perte-document"
        page.goto(form_url)
        intro = page.locator(".eguichet-intro")
        self.assertIn(
            "Vous devez être connecté pour envoyer ce formulaire.", intro.inner_text()
        )
        self.assertEqual(page.locator("#form-buttons-continue").count(), 0)
        with page.expect_navigation():
            intro.get_by_role("link", name="Se connecter").click()
        # Security codes: enough for a form that asks for any sign-in.
        self.provider_signs_in("francois", 300)
        self.assertEqual(page.url.split("?")[0], form_url)
        self.assertEqual(intro.get_by_role("link", name="Se connecter").count(), 0)
        self.assertEqual(page.locator("#form-buttons-continue").count(), 1)
        self.assertIn("Lefèvre", page.locator(".site-account").inner_text())
        # Not for the certificate: itsme this time, back to the certificate.
        certificate = f"{self.site_url}/e-guichet/certificat-de-residence"
        page.goto(certificate)
        self.assertIn(
            "Connectez-vous à nouveau", page.locator(".eguichet-step-up").inner_text()
        )
        self.assertEqual(page.locator("#form-buttons-continue").count(), 0)
        with page.expect_navigation():
            intro.get_by_role("link", name="Se connecter").click()
        self.provider_signs_in("francois", 400)
        self.assertEqual(page.url.split("?")[0], certificate)
        self.assertEqual(page.locator(".eguichet-step-up").count(), 0)
        self.assertEqual(page.input_value("#form-widgets-lastname"), "Lefèvre")
        self.assertEqual(page.locator("#form-buttons-continue").count(), 1)


class TestTransactionalPagesOnAPhone(TransactionalPages, EguichetBrowserTestCase):
    viewport = PHONE


class TestCitizenDownloadsTheLetter(WithCitizenPage):
    """A refusal's letter, downloaded from the follow-up page."""

    apply = TestAgentProcessesRequests.apply

    def test_anonymous_applicant_downloads_the_refusal_letter(self):
        answers = ANSWERS["extrait-acte"]
        citizen = self.citizen.page
        agent_page, self.page = self.page, citizen
        try:
            reference = self.send_form("extrait-acte", answers)
        finally:
            self.page = agent_page
        body = text_of(self.confirmation_email(answers["email"], reference))
        code = ACCESS_CODE.search(body).group(1)
        self.log_in(AGENT)
        self.page.goto(self.case_url(reference))
        self.apply("receive")
        self.apply("start")
        reason = "L'acte demandé n'a pas été dressé dans notre commune."
        self.apply("refuse", reason)
        citizen.goto(f"{self.site_url}/@@suivi")
        citizen.fill("#follow-reference", reference)
        citizen.fill("#follow-access-code", code)
        citizen.get_by_role("button", name="Suivre ma demande").click()
        citizen.wait_for_load_state()
        citizen.fill("#follow-letter-code", code)
        with citizen.expect_download() as download:
            citizen.get_by_role("button", name="Télécharger la lettre (PDF)").click()
        letter = download.value
        self.assertRegex(letter.suggested_filename, r"^lettre-\w+\.pdf$")
        text = pdf_text(Path(letter.path()).read_bytes())
        self.assertIn(reason, text)
