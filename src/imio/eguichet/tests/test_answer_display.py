"""Answers as a reader expects them: Oui and Non, 4 mai 2016, 5,00 €, no guess."""

from collective.easyform.api import get_schema
from datetime import date
from decimal import Decimal
from imio.eguichet.cases import create_case
from imio.eguichet.display import format_amount
from imio.eguichet.display import format_answer
from imio.eguichet.display import format_date
from imio.eguichet.library import install_form
from imio.eguichet.testing import add_form
from imio.eguichet.testing import EMAIL
from imio.eguichet.testing import FULLNAME
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.testing import supermodel
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from lxml import html
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import transaction
import unittest


NBSP = "\u00a0"
FIELDS = supermodel(
    FULLNAME,
    EMAIL,
    ("birth_date", "zope.schema.Date", "Date de naissance"),
    ("photos_allowed", "zope.schema.Bool", "Photos autorisées", False),
    ("newsletter", "zope.schema.Bool", "Lettre d'information", False),
)


def text_of(page, xpath):
    return [
        " ".join(node.text_content().split())
        for node in html.fromstring(page.text).xpath(xpath)
    ]


class TestFormats(unittest.TestCase):
    def test_french_and_german(self):
        self.assertEqual(format_date("2016-05-04", "fr"), "4 mai 2016")
        self.assertEqual(format_date(date(2016, 5, 4), "de"), "4. Mai 2016")
        self.assertEqual(format_amount(Decimal("5"), "fr"), f"5,00{NBSP}€")
        self.assertEqual(
            format_amount(Decimal("1500.5"), "fr"), f"1{NBSP}500,50{NBSP}€"
        )
        self.assertEqual(format_amount(Decimal("1500.5"), "de"), f"1.500,50{NBSP}€")
        # A text that happens to hold a date is left as it was typed.
        self.assertEqual(format_answer("Rue 2016-05-04", "fr"), "Rue 2016-05-04")


class TestCasePageAnswers(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        form = add_form(self.portal, fields_model=FIELDS)
        api.user.create(
            email="agnes.lambert@namur.example",
            username="agnes",
            password=TEST_USER_PASSWORD,
        )
        api.group.add_user(groupname=SERVICE, username="agnes")
        logout()
        self.case, _code = create_case(
            form,
            get_schema(form),
            {
                "fullname": "Marie Dupont",
                "email": "marie.dupont@example.org",
                "birth_date": date(2016, 5, 4),
                "photos_allowed": False,
                "newsletter": True,
            },
        )
        transaction.commit()

    def test_checkboxes_and_dates_in_french(self):
        citizen = Citizen(auth=("agnes", TEST_USER_PASSWORD))
        try:
            page = citizen.get(self.case.absolute_url())
        finally:
            citizen.close()
        values = dict(
            zip(
                text_of(page, "//dl[@class='case-values']/dt"),
                text_of(page, "//dl[@class='case-values']/dd"),
                strict=True,
            )
        )
        self.assertEqual(values["Photos autorisées"], "Non")
        self.assertEqual(values["Lettre d'information"], "Oui")
        self.assertEqual(values["Date de naissance"], "4 mai 2016")


class TestLibraryFormPages(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        api.portal.set_registry_record("plone.default_language", "fr")
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(
                container=self.portal, type="Folder", id="e-guichet", title="E"
            )
            api.content.transition(folder, "publish")
            self.form = install_form(folder, "extrait-acte")
            self.free = install_form(folder, "signalement-voirie")
        transaction.commit()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def test_a_required_choice_starts_empty(self):
        page = self.citizen.get(self.form.absolute_url())
        options = html.fromstring(page.text).xpath(
            "//select[@name='form.widgets.act_type:list']/option"
        )
        # Without a value, as HTML asks of a required select's first option.
        self.assertEqual(options[0].get("value"), "")
        self.assertEqual(options[0].text_content().strip(), "Choisissez...")
        selected = [o.get("value") for o in options if o.get("selected")]
        self.assertIn(selected, ([], [""]))
        # Left as it is, the choice is asked for, and asked again.
        answers = dict(VALID_ANSWERS["extrait-acte"])
        del answers["act_type"]
        answers["act_type:list"] = ""
        page = self.citizen.fill(self.form.absolute_url(), answers)
        self.assertIn("act_type", field_errors(page))
        options = html.fromstring(page.text).xpath(
            "//select[@name='form.widgets.act_type:list']/option"
        )
        self.assertEqual([o.get("value") for o in options if o.get("selected")], [""])

    def test_dates_when_checking_the_answers(self):
        summary = self.citizen.fill(
            self.form.absolute_url(), VALID_ANSWERS["extrait-acte"]
        )
        self.assertIn("Vérifiez vos réponses", summary.text)
        answers = text_of(
            summary,
            "//dl[@class='eguichet-answers']//dd[contains(@class, 'eguichet-answer ')]",
        )
        self.assertIn("12 avril 2019", answers)

    def test_the_fee_before_filling_when_checking_and_once_sent(self):
        fee = "Coût : 5,00 €"
        form_page = self.citizen.get(self.form.absolute_url())
        # Before filling in, the introduction says it, once.
        self.assertEqual(text_of(form_page, "//*[@class='eguichet-fee']"), [fee])
        summary = self.citizen.fill(
            self.form.absolute_url(), VALID_ANSWERS["extrait-acte"]
        )
        self.assertIn("Vérifiez vos réponses", summary.text)
        self.assertEqual(text_of(summary, "//p[@class='eguichet-fee']"), [fee])
        sent = self.citizen.press(summary, "send")
        self.assertIn("case-reference", sent.text)
        self.assertEqual(text_of(sent, "//p[@class='eguichet-fee']"), [fee])
        # A free form shows no cost.
        free = self.citizen.get(self.free.absolute_url())
        self.assertEqual(text_of(free, "//*[@class='eguichet-fee']"), [])
