"""Continuer, check the answers, Modifier or Envoyer: a form in two steps."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from collective.easyform.api import get_actions
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import supermodel
from imio.eguichet.tests.library_helpers import Citizen
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import re
import transaction
import unittest


REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
ANSWERS = {
    "fullname": "Marie <script>alert(1)</script> Dupont",
    "email": "marie.dupont@example.org",
    "reason": "Inscription à l'école",
}
UPLOAD = {"document": ("bail.pdf", b"%PDF-1.4 bail", "application/pdf")}


class TestCheckAnswers(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal)
        form.setLayout("demande")
        transaction.commit()
        self.url = form.absolute_url()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def count_cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def test_summary_shows_the_answers_escaped_and_creates_nothing(self):
        summary = self.citizen.fill(self.url, ANSWERS, UPLOAD)
        self.assertEqual(summary.status_code, 200)
        self.assertIn(">Vérifiez vos réponses</h1>", summary.text)
        answers = html.fromstring(summary.text).xpath(
            "//dl[@class='eguichet-answers']"
        )[0]
        rows = dict(
            zip(
                [dt.text_content() for dt in answers.xpath(".//dt")],
                [
                    dd.text_content()
                    for dd in answers.xpath(
                        ".//dd[contains(@class, 'eguichet-answer ')]"
                    )
                ],
                strict=True,
            )
        )
        self.assertEqual(rows["Nom et prénom"], ANSWERS["fullname"])
        self.assertEqual(rows["Pièce jointe"], "bail.pdf")
        self.assertIn("&lt;script&gt;", summary.text)
        self.assertNotIn("<script>alert(1)", summary.text)
        self.assertIn(">Modifier<", summary.text)
        self.assertIn(">Envoyer<", summary.text)
        self.assertEqual(self.count_cases(), 0)

    def test_send_creates_the_case_with_its_file(self):
        summary = self.citizen.fill(self.url, ANSWERS, UPLOAD)
        sent = self.citizen.press(summary, "send")
        reference = REFERENCE.search(sent.text).group(1)
        self.assertIn("Et maintenant ?", sent.text)
        transaction.begin()
        case = get_cases_folder(self.portal)[reference.replace("-", "")]
        self.assertEqual(case.values["fullname"], ANSWERS["fullname"])
        self.assertEqual(case.attachments["document"].data, b"%PDF-1.4 bail")
        self.assertEqual(case.attachments["document"].filename, "bail.pdf")

    def test_modify_goes_back_with_the_answers(self):
        summary = self.citizen.fill(self.url, ANSWERS, UPLOAD)
        page = self.citizen.press(summary, "modify")
        tree = html.fromstring(page.text)
        fullname = tree.xpath("//input[@name='form.widgets.fullname']")[0]
        self.assertEqual(fullname.value, ANSWERS["fullname"])
        reason = tree.xpath("//textarea[@name='form.widgets.reason']")[0]
        self.assertEqual(reason.text_content().strip(), ANSWERS["reason"])
        self.assertIn("bail.pdf", page.text)
        self.assertIn('name="form.buttons.continue"', page.text)
        self.assertNotIn('name="form.buttons.send"', page.text)
        self.assertEqual(self.count_cases(), 0)

        # Continuer again, keeping the file, then Envoyer.
        form = tree.xpath("//form[@id='form']")[0]
        data = dict(form.form_values())
        data["form.widgets.fullname"] = "Marie Dupont"
        data["form.buttons.continue"] = "Continuer"
        summary = self.citizen.session.post(form.action, data=data, timeout=30)
        self.assertIn("Vérifiez vos réponses", summary.text)
        sent = self.citizen.press(summary, "send")
        reference = REFERENCE.search(sent.text).group(1)
        transaction.begin()
        case = get_cases_folder(self.portal)[reference.replace("-", "")]
        self.assertEqual(case.values["fullname"], "Marie Dupont")
        self.assertEqual(case.attachments["document"].data, b"%PDF-1.4 bail")

    def test_send_without_the_authenticator_is_refused(self):
        summary = self.citizen.fill(self.url, ANSWERS)
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, field.value)
            for field in form.xpath(".//input[@type='hidden']")
            if field.name != "_authenticator"
        ]
        data.append(("form.buttons.send", "send"))
        response = self.citizen.session.post(form.action, data=data, timeout=30)
        self.assertEqual(response.status_code, 403)
        self.assertEqual(self.count_cases(), 0)

    def test_answers_changed_behind_the_summary_are_checked_again(self):
        summary = self.citizen.fill(self.url, ANSWERS)
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (
                field.name,
                "pas-une-adresse"
                if field.name == "form.widgets.email"
                else field.value,
            )
            for field in form.xpath(".//input[@type='hidden']")
        ]
        data.append(("form.buttons.send", "send"))
        page = self.citizen.session.post(form.action, data=data, timeout=30)
        self.assertIsNone(REFERENCE.search(page.text))
        self.assertIn("invalid-feedback", page.text)
        self.assertEqual(self.count_cases(), 0)


class TestCheckAnswersWithoutCase(unittest.TestCase):
    """A form in two steps whose actions create no case ends on its thanks."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(
            self.portal,
            "inscription",
            actions_model=supermodel((
                "save_data",
                "collective.easyform.actions.SaveData",
                "Données",
            )),
        )
        form.setLayout("demande")
        transaction.commit()
        self.form = form
        self.url = form.absolute_url()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def test_send_keeps_the_answers_and_thanks(self):
        summary = self.citizen.fill(self.url, ANSWERS, UPLOAD)
        sent = self.citizen.press(summary, "send")
        self.assertEqual(sent.status_code, 200)
        self.assertIsNone(REFERENCE.search(sent.text))
        self.assertEqual(sent.url, self.url)
        self.assertIn("statusmessage-info", sent.text)
        self.assertIn("Merci pour votre retour.", sent.text)
        self.assertIn('id="form-widgets-fullname"', sent.text)
        transaction.begin()
        self.assertEqual(len(get_cases_folder(self.portal)), 0)
        rows = get_actions(self.form)["save_data"].itemsSaved()
        self.assertEqual(rows, 1)
