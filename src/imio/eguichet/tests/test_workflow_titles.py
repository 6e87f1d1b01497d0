"""Plone's toolbar names a case's state and actions in the site's language."""

from imio.eguichet.tests.test_withdraw import WithdrawTestCase
from plone.app.testing import TEST_USER_PASSWORD
from zope.i18n import translate

import requests


class TestWorkflowTitles(WithdrawTestCase):
    def test_agent_reads_the_state_in_french_in_the_toolbar(self):
        page = requests.get(
            self.jeans.absolute_url(),
            auth=("agent", TEST_USER_PASSWORD),
            headers={"Accept-Language": "fr"},
            timeout=30,
        )
        self.assertEqual(page.status_code, 200)
        self.assertIn("Envoyée", page.text)
        self.assertNotIn("Submitted", page.text)
        self.assertIn("Accuser réception", page.text)

    def test_every_state_and_transition_in_french_and_german(self):
        expected = {
            "Submitted": ("Envoyée", "Eingereicht"),
            "Awaiting information": (
                "En attente d'informations",
                "Warten auf Informationen",
            ),
            "Withdrawn": ("Retirée", "Zurückgezogen"),
            "Acknowledge receipt": ("Accuser réception", "Eingang bestätigen"),
        }
        for msgid, (french, german) in expected.items():
            self.assertEqual(
                translate(msgid, domain="plone", target_language="fr"), french
            )
            self.assertEqual(
                translate(msgid, domain="plone", target_language="de"), german
            )
