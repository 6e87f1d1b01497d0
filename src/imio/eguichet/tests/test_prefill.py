"""A signed-in citizen's form comes filled in from the sign-in, and the case
keeps which answers the sign-in vouches for, and at which level."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import citizen_cookies
from imio.eguichet.tests.library_helpers import eguichet_folder
from imio.eguichet.tests.library_helpers import MARIE
from lxml import html
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import re
import requests
import time
import transaction
import unittest


REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
EID = 450
VOUCHED = "vérifié par la connexion (niveau 450, carte d'identité)"
# What Marie types: the rest of the residence form.
OWN_ANSWERS = {"delivery": "email", "purpose": "Employeur"}


def input_value(page, name: str):
    """The value of the form's input ``name``; None when there is no input."""
    found = html.fromstring(page.text).xpath(
        f"//form[@id='form']//input[@name='form.widgets.{name}']"
    )
    return found[0].get("value") if found else None


class TestPrefill(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = eguichet_folder(self.portal)
        self.form = install_form(folder, "certificat-de-residence", SERVICE)
        self.url = self.form.absolute_url()
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        logout()
        self.marie = Citizen(cookies=citizen_cookies(self.layer["request"], MARIE, EID))
        transaction.commit()

    def tearDown(self):
        self.marie.close()

    def send(self, answers: dict):
        """Marie answers, checks and sends; her case."""
        summary = self.marie.fill(self.url, answers)
        sent = self.marie.press(summary, "send")
        reference = REFERENCE.search(sent.text)
        self.assertIsNotNone(reference, sent.text[-3000:])
        transaction.begin()
        return get_cases_folder(self.portal)[reference.group(1).replace("-", "")]

    def prefilled(self) -> dict:
        page = self.marie.get(self.url)
        return {
            name: input_value(page, name)
            for name in ("lastname", "firstname", "email", "national_number")
        }

    def test_the_form_comes_filled_in_and_the_national_number_is_not_asked(self):
        page = self.marie.get(self.url)
        self.assertEqual(
            self.prefilled(),
            {
                "lastname": "Dupont",
                "firstname": "Marie",
                "email": "marie.dupont@example.org",
                "national_number": None,
            },
        )
        shown = html.fromstring(page.text).xpath(
            "//*[@id='formfield-form-widgets-national_number']"
        )[0]
        self.assertIn("85.07.30-033.28", shown.text_content())
        # Plain text, not a box that looks like a field to fill.
        (value,) = shown.xpath(".//*[@id='form-widgets-national_number']")
        self.assertEqual(value.tag, "span")
        self.assertNotIn("form-control", value.get("class", ""))
        self.assertIn("Numéro de registre national", shown.text_content())

    def test_the_case_keeps_what_the_sign_in_vouches_for(self):
        prefilled = {name: value for name, value in self.prefilled().items() if value}
        case = self.send({**prefilled, **OWN_ANSWERS})
        self.assertEqual(case.values["national_number"], "85.07.30-033.28")
        self.assertEqual(
            sorted(case.verified_fields),
            ["email", "firstname", "lastname", "national_number"],
        )
        self.assertEqual(case.identity_level, EID)
        self.assertEqual(case.applicant_id, MARIE["sub"])
        self.assertEqual(case.applicant_language, "fr")
        # Hers: listed in Mes démarches.
        mine = self.marie.get(f"{self.portal.absolute_url()}/@@mes-demarches")
        self.assertIn(case.formatted_reference(), mine.text)

    def test_an_answer_the_citizen_changed_is_not_vouched_for(self):
        case = self.send({
            "lastname": "Dupont",
            "firstname": "Marie",
            "email": "marie@travail.example",
            **OWN_ANSWERS,
        })
        self.assertEqual(case.values["email"], "marie@travail.example")
        self.assertNotIn("email", case.verified_fields)
        self.assertIn("national_number", case.verified_fields)

    def test_the_national_number_posted_is_never_taken(self):
        answers = {
            "lastname": "Dupont",
            "firstname": "Marie",
            "email": "marie.dupont@example.org",
            "delivery": "post",
        }
        for posted in ({}, {"national_number": "90.02.02-123.72"}):
            with self.subTest(posted=posted):
                response = requests.post(
                    f"{self.url}/++api++/@submit",
                    json={**answers, **posted},
                    cookies=self.marie.session.cookies.get_dict(),
                    headers={"Accept": "application/json"},
                    timeout=60,
                )
                self.assertEqual(response.status_code, 201, response.text)
                transaction.begin()
                case = get_cases_folder(self.portal)[
                    response.json()["reference"].replace("-", "")
                ]
                self.assertEqual(case.values["national_number"], "85.07.30-033.28")
                self.assertIn("national_number", case.verified_fields)

    def test_agents_read_what_the_sign_in_vouched_for(self):
        prefilled = {name: value for name, value in self.prefilled().items() if value}
        case = self.send({**prefilled, "email": "marie@travail.example", **OWN_ANSWERS})
        page = requests.get(
            case.absolute_url(), auth=("agent", TEST_USER_PASSWORD), timeout=30
        )
        rows = {
            dt.text_content().strip(): " ".join(dd.text_content().split())
            for dt, dd in zip(
                html.fromstring(page.text).xpath("//dl[@class='case-values']/dt"),
                html.fromstring(page.text).xpath("//dl[@class='case-values']/dd"),
                strict=True,
            )
        }
        self.assertEqual(
            rows["Numéro de registre national"],
            f"85.07.30-033.28 {VOUCHED}",
        )
        self.assertEqual(
            rows["Nom"],
            "Dupont vérifié par la connexion (niveau 450, carte d'identité)",
        )
        self.assertEqual(rows["Adresse e-mail"], "marie@travail.example")


class TestMailInTheCitizensLanguage(unittest.TestCase):
    """A German-speaking citizen on a French site is written to in German."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        api.portal.set_registry_record("plone.available_languages", ["fr", "de"])
        folder = eguichet_folder(self.portal)
        self.form = install_form(folder, "certificat-de-residence", SERVICE)
        logout()
        self.inbox = self.layer["inbox"].messages
        del self.inbox[:]
        transaction.commit()

    def confirmation(self, citizen: dict) -> str:
        cookies = citizen_cookies(self.layer["request"], citizen, EID)
        transaction.commit()
        client = Citizen(cookies=cookies)
        try:
            typed = {
                "lastname": citizen["family_name"],
                "firstname": citizen["given_name"],
                "email": citizen["email"],
            }
            summary = client.fill(self.form.absolute_url(), {**typed, **OWN_ANSWERS})
            sent = client.press(summary, "send")
            self.assertIsNotNone(REFERENCE.search(sent.text), sent.text[-2000:])
        finally:
            client.close()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.to(citizen["email"]):
            time.sleep(0.05)
        (message,) = self.to(citizen["email"])
        return str(message["Subject"]) + "\n" + message.get_body().get_content()

    def to(self, address):
        return [message for message in self.inbox if address in str(message["To"])]

    def test_german_for_a_german_speaking_citizen(self):
        text = self.confirmation({**MARIE, "language": "de"})
        self.assertIn("Guten Tag Marie Dupont,", text)

    def test_french_for_a_french_speaking_citizen(self):
        text = self.confirmation(MARIE)
        self.assertIn("Bonjour Marie Dupont,", text)

    def test_the_site_s_language_for_a_language_the_site_does_not_offer(self):
        text = self.confirmation({**MARIE, "language": "nl"})
        self.assertIn("Bonjour Marie Dupont,", text)
