"""The commune's e-mail about a new case: reference, form, link; no answer."""

from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SENDER
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from plone import api
from plone.app.testing import logout

import re
import time
import transaction
import unittest


REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
CHILD_NRN = "18.04.12-123.49"
HEALTH = (
    "Allergie sévère aux arachides (stylo d'adrénaline EpiPen dans le sac), "
    "asthme traité par Ventolin."
)
ANSWERS = {
    **VALID_ANSWERS["inscription-stage"],
    "child_national_number": CHILD_NRN,
    "health": HEALTH,
}
FRENCH_MONTHS = (
    "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    "|novembre|décembre"
)
GERMAN_MONTHS = (
    "Januar|Februar|März|April|Mai|Juni|Juli|August|September|Oktober|November|Dezember"
)
# What the commune's e-mail must never hold, however it is written.
PERSONAL = (
    "18041212349",
    "18.04.12",
    "123.49",
    "arachides",
    "Ventolin",
    "Léa",
    "0470 12 34 56",
    "Rue de Fer",
    "2018",
)


class TestNotifyService(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        api.portal.set_registry_record("plone.default_language", "fr")
        logout()
        with api.env.adopt_roles(["Manager"]):
            folder = api.content.create(
                container=self.portal, type="Folder", id="e-guichet", title="E"
            )
            api.content.transition(folder, "publish")
            self.form = install_form(folder, "inscription-stage")
        transaction.commit()
        self.inbox = self.layer["inbox"].messages
        del self.inbox[:]
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def to_the_commune(self):
        return [message for message in self.inbox if SENDER in message["To"]]

    def test_the_commune_reads_no_answer(self):
        summary = self.citizen.fill(self.form.absolute_url(), ANSWERS)
        self.assertIn("Vérifiez vos réponses", summary.text)
        sent = self.citizen.press(summary, "send")
        reference = REFERENCE.search(sent.text).group(1)
        transaction.begin()
        case = get_cases_folder(self.portal)[reference.replace("-", "")]
        # The case keeps the answers for the agents.
        self.assertEqual(case.values["health"], HEALTH)

        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.to_the_commune():
            time.sleep(0.1)
        (mail,) = self.to_the_commune()
        text = f"{mail['Subject']}\n{mail.get_body().get_content()}"
        for value in PERSONAL:
            with self.subTest(value=value):
                self.assertNotIn(value, text)
        self.assertIn(reference, mail["Subject"])
        self.assertIn(reference, text)
        self.assertIn("Inscription à un stage pour enfants", text)
        self.assertIn(case.absolute_url(), text)
        self.assertIn("Nouvelle demande", mail["Subject"])
        self.assertRegex(text, rf"envoyée le \d{{1,2}} ({FRENCH_MONTHS}) \d{{4}}")

    def test_in_german_on_a_german_site(self):
        api.portal.set_registry_record("plone.default_language", "de")
        transaction.commit()
        summary = self.citizen.fill(self.form.absolute_url(), ANSWERS)
        sent = self.citizen.press(summary, "send")
        reference = REFERENCE.search(sent.text).group(1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not self.to_the_commune():
            time.sleep(0.1)
        (mail,) = self.to_the_commune()
        self.assertEqual(
            mail["Subject"],
            f"Neue Anfrage {reference}: Inscription à un stage pour enfants",
        )
        text = mail.get_body().get_content()
        self.assertRegex(text, rf"Am \d{{1,2}}\. ({GERMAN_MONTHS}) \d{{4}}, ")
        self.assertNotIn("Ventolin", text)
