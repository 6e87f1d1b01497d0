"""A robot that fills in every field gets no case; a person passes."""

from collective.honeypot.config import HONEYPOT_FIELD
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import widget_data
from lxml import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import json
import requests
import transaction
import unittest


ANSWERS = {"fullname": "Marie Dupont", "email": "marie.dupont@example.org"}


class TestHoneypot(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        transaction.commit()
        self.visitor = Citizen()

    def tearDown(self):
        self.visitor.close()

    def count_cases(self):
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def post_form(self, url, button, trap=""):
        """Answer the form as the page gives it, the honeypot set to ``trap``."""
        page = self.visitor.get(url)
        self.assertEqual(page.status_code, 200)
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = {
            field.name: field.value or ""
            for field in form.xpath(".//input[@type='hidden' or @type='text']")
            if field.name
        }
        self.assertIn(HONEYPOT_FIELD, data)
        data.update(widget_data(ANSWERS))
        data[HONEYPOT_FIELD] = trap
        data[f"form.buttons.{button}"] = button
        return self.visitor.session.post(form.action, data=data, timeout=30)

    def test_the_field_is_hidden_from_eyes_keyboard_and_screen_readers(self):
        for view in ("", "/@@demande"):
            with self.subTest(view=view or "view"):
                page = self.visitor.get(self.form.absolute_url() + view)
                tree = html.fromstring(page.text)
                trap = tree.xpath(
                    f"//form[@id='form']//input[@name='{HONEYPOT_FIELD}']"
                )
                self.assertEqual(len(trap), 1)
                field = trap[0]
                self.assertEqual(field.get("tabindex"), "-1")
                self.assertEqual(field.get("autocomplete"), "off")
                label = field.getparent()
                self.assertEqual(label.tag, "label")
                self.assertEqual(label.text_content().strip(), "Laissez ce champ vide")
                wrapper = label.getparent()
                self.assertEqual(wrapper.get("aria-hidden"), "true")
                self.assertIn("left: -10000px", wrapper.get("style"))

    def test_a_robot_filling_it_in_creates_no_case(self):
        url = self.form.absolute_url()
        for view, button in (("", "submit"), ("/@@demande", "continue")):
            with self.subTest(view=view or "view"):
                response = self.post_form(url + view, button, trap="http://spam")
                self.assertEqual(response.status_code, 403)
                self.assertNotIn("case-reference", response.text)
        self.assertEqual(self.count_cases(), 0)

    def test_a_person_leaving_it_empty_gets_a_case(self):
        response = self.post_form(self.form.absolute_url(), "submit")
        self.assertEqual(response.status_code, 200)
        self.assertIn('class="case-reference"', response.text)
        self.assertEqual(self.count_cases(), 1)

    def test_a_person_passes_both_steps(self):
        summary = self.post_form(self.form.absolute_url() + "/@@demande", "continue")
        self.assertIn("Vérifiez vos réponses", summary.text)
        self.assertNotIn("Laissez ce champ vide</dt>", summary.text)
        sent = self.visitor.press(summary, "send")
        self.assertIn('class="case-reference"', sent.text)
        self.assertEqual(self.count_cases(), 1)

    def test_api_refuses_a_filled_honeypot_without_saying_why(self):
        url = self.form.absolute_url() + "/++api++/@submit"
        headers = {"Accept": "application/json", "Accept-Language": "fr"}
        for content_type in ("application/json", "application/json; charset=utf-8"):
            with self.subTest(content_type=content_type):
                response = requests.post(
                    url,
                    data=json.dumps({**ANSWERS, HONEYPOT_FIELD: "spam"}),
                    headers={**headers, "Content-Type": content_type},
                    timeout=30,
                )
                self.assertEqual(response.status_code, 400, response.text)
                self.assertEqual(
                    response.json()["message"],
                    "Cette demande ne peut pas être acceptée.",
                )
        self.assertEqual(self.count_cases(), 0)
        response = requests.post(
            url, json={**ANSWERS, HONEYPOT_FIELD: ""}, headers=headers, timeout=30
        )
        self.assertEqual(response.status_code, 201, response.text)
        self.assertEqual(self.count_cases(), 1)

    def test_other_addresses_ending_in_submit_are_still_checked(self):
        base = self.form.absolute_url()
        for url in (f"{base}/submit", f"{base}/@@submit", f"{base}/++api++/submit"):
            with self.subTest(url=url):
                trapped = self.visitor.session.post(
                    url, data={**ANSWERS, HONEYPOT_FIELD: "http://spam"}, timeout=30
                )
                self.assertEqual(trapped.status_code, 403)
                self.assertIn("Forbidden", trapped.text)
                passed = self.visitor.session.post(
                    url, data={**ANSWERS, HONEYPOT_FIELD: ""}, timeout=30
                )
                self.assertNotEqual(passed.status_code, 403)
        self.assertEqual(self.count_cases(), 0)
