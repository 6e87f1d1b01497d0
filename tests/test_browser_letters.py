"""Decision letters in a real browser, with the real mail server.

An agent refuses a request with a motivation: the applicant receives the
letter attached to the e-mail and downloads it from the follow-up page with
the reference and access code. The site's administrator edits a form's
letter template on an accessible page; agents cannot.
"""

from tests.browser import screenshot
from tests.eguichet_layer import AGENT
from tests.eguichet_layer import SITE_ADMINISTRATOR
from tests.mail import text_of
from tests.test_browser_eguichet import ACCESS_CODE
from tests.test_browser_eguichet import ANSWERS
from tests.test_browser_eguichet import EguichetBrowserTestCase
from tests.test_browser_eguichet import pdf_text
from tests.test_browser_eguichet import TestAgentProcessesRequests
from tests.test_browser_eguichet import WithCitizenPage


FORM = "extrait-acte"


class TestRefusalLetter(WithCitizenPage):
    apply = TestAgentProcessesRequests.apply

    def anonymous_citizen_sends(self) -> tuple[str, str]:
        answers = {**ANSWERS[FORM], "email": "lettre-refus@example.org"}
        agent_page, self.page = self.page, self.citizen.page
        try:
            reference = self.send_form(FORM, answers)
        finally:
            self.page = agent_page
        body = text_of(self.confirmation_email(answers["email"], reference))
        return reference, ACCESS_CODE.search(body).group(1)

    def test_refused_with_a_motivation_the_citizen_has_the_letter(self):
        reference, code = self.anonymous_citizen_sends()
        self.log_in(AGENT)
        page = self.page
        page.goto(self.case_url(reference))
        self.apply("receive")
        self.apply("start")
        reason = "L'acte demandé n'a pas été dressé dans notre commune."
        self.apply("refuse", reason)
        link = page.get_by_role("link", name="Lettre de décision (PDF)")
        self.assertEqual(link.count(), 1)
        page.locator(".case-letter").scroll_into_view_if_needed()
        screenshot(page, "agent-07-lettre-de-decision")
        self.assertAccessible()

        # Attached to the e-mail, as the mail server received it.
        message = self.inbox.wait_for("lettre-refus@example.org", "Refusée")
        (attachment,) = message.iter_attachments()
        self.assertEqual(attachment.get_content_type(), "application/pdf")
        mailed = pdf_text(attachment.get_content())
        self.assertIn(reference, mailed)
        self.assertIn(reason, mailed)

        citizen = self.citizen.page
        citizen.goto(f"{self.site_url}/@@suivi")
        citizen.fill("#follow-reference", reference)
        citizen.fill("#follow-access-code", code)
        citizen.get_by_role("button", name="Suivre ma demande").click()
        citizen.wait_for_load_state()
        citizen.fill("#follow-letter-code", code)
        with citizen.expect_download() as download:
            citizen.get_by_role("button", name="Télécharger la lettre (PDF)").click()
        with open(download.value.path(), "rb") as letter:
            text = pdf_text(letter.read())
        self.assertIn(reference, text)
        self.assertIn("Votre demande a été refusée.", text)
        self.assertIn(reason, text)
        self.assertIn("Conseil d'État", text)
        # Under the commune's letterhead: its administration's address.
        self.assertIn("Ville de Namur", text)
        self.assertIn("5000 Namur", text)
        self.assertIn("info@ville.namur.be", text)

    def test_an_agent_produces_the_letter_with_a_motivation(self):
        reference, _code = self.anonymous_citizen_sends()
        self.log_in(AGENT)
        page = self.page
        page.goto(self.case_url(reference))
        self.apply("receive")
        page.fill("#case-letter-motivation", "Votre demande est complète.")
        with page.expect_navigation():
            page.get_by_role("button", name="Produire la lettre").click()
        self.assertIn("La lettre a été produite.", page.content())
        with page.expect_download() as download:
            page.get_by_role("link", name="Lettre de décision (PDF)").click()
        with open(download.value.path(), "rb") as letter:
            text = pdf_text(letter.read())
        self.assertIn("Votre demande est complète.", text)
        self.assertIn(reference, text)


class TestTemplateEditor(EguichetBrowserTestCase):
    def url(self) -> str:
        return f"{self.site_url}/e-guichet/{FORM}/@@modele-de-lettre"

    def test_the_administrator_edits_and_the_page_is_accessible(self):
        self.log_in(SITE_ADMINISTRATOR)
        page = self.page
        page.goto(self.url())
        self.assertIn("Modèle de lettre", page.locator("h1").inner_text())
        self.assertIn(
            "${motivation}", page.locator(".letter-placeholders").inner_text()
        )
        screenshot(page, "admin-modele-de-lettre", full_page=True)
        self.assertAccessible()

        page.fill("#letter-template-text", "<p>${reference} ${numero_national}</p>")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer").click()
        error = page.locator("#letter-template-error").inner_text()
        self.assertIn("Champ de fusion inconnu : ${numero_national}", error)
        self.assertEqual(
            page.get_attribute("#letter-template-text", "aria-invalid"), "true"
        )
        self.assertAccessible()

        page.fill("#letter-template-text", "<p>${commune} : ${decision}</p>")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer").click()
        self.assertIn("Le modèle de lettre a été enregistré.", page.content())
        with page.expect_navigation():
            page.get_by_role("button", name="Rétablir le modèle par défaut").click()
        self.assertIn("Ce formulaire utilise le modèle par défaut.", page.content())

    def test_agents_do_not_edit_templates(self):
        self.log_in(AGENT)
        self.page.goto(self.url())
        self.assertEqual(self.page.locator("#letter-template-text").count(), 0)
