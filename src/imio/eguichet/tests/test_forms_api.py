"""``GET @eguichet-forms``: the forms a citizen's app may offer, with their fields."""

from datetime import datetime
from datetime import timedelta
from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD

import requests
import transaction
import unittest


# The sign-in each form asks for ("high": eID or itsme, an app asks for them).
LEVELS = {
    "extrait-acte": "none",
    "signalement-voirie": "none",
    "declaration-perte-document": "signed-in",
    "certificat-de-residence": "high",
}


class TestFormsApi(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        folder = api.content.create(
            container=self.portal, type="Folder", id="e-guichet", title="E-guichet"
        )
        api.content.transition(folder, "publish")
        for form_id in (
            "extrait-acte",
            "certificat-de-residence",
            "declaration-perte-document",
            "signalement-voirie",
            "reservation-salle",
            "inscription-stage",
        ):
            install_form(folder, form_id)
        tomorrow = datetime.now() + timedelta(days=1)
        folder["reservation-salle"].opening_date = tomorrow
        folder["inscription-stage"].closing_date = datetime.now() - timedelta(days=1)
        draft = install_form(folder, "occupation-domaine-public")
        api.content.transition(draft, "retract")
        transaction.commit()
        self.url = f"{self.portal.absolute_url()}/++api++/@eguichet-forms"

    def get(self, auth=None):
        response = requests.get(
            self.url, headers={"Accept": "application/json"}, auth=auth, timeout=30
        )
        self.assertEqual(response.status_code, 200, response.text)
        return response.json()

    def test_anonymous_sees_the_open_forms_for_anyone(self):
        answer = self.get()
        ids = [item["id"] for item in answer["items"]]
        self.assertEqual(ids, ["extrait-acte", "signalement-voirie"])
        self.assertEqual(answer["items_total"], 2)

    def test_logged_in_citizen_also_sees_forms_for_citizens(self):
        answer = self.get(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))
        ids = {item["id"] for item in answer["items"]}
        self.assertIn("certificat-de-residence", ids)
        self.assertNotIn("reservation-salle", ids)  # not open yet
        self.assertNotIn("inscription-stage", ids)  # closed

    def test_each_form_states_the_sign_in_it_needs(self):
        items = self.get(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))["items"]
        levels = {item["id"]: item["level"] for item in items}
        self.assertEqual({form_id: levels.get(form_id) for form_id in LEVELS}, LEVELS)

    def test_each_form_comes_with_its_url_and_fields(self):
        item = self.get()["items"][0]
        form_url = f"{self.portal.absolute_url()}/e-guichet/extrait-acte"
        self.assertEqual(item["@id"], form_url)
        self.assertEqual(item["submit_url"], f"{form_url}/@submit")
        self.assertEqual(
            item["title"], "Extrait d'acte de naissance, de mariage ou de décès"
        )
        self.assertEqual(item["fee"], "5.00")
        schema = item["schema"]
        act = schema["properties"]["act_type"]
        self.assertEqual(act["title"], "Acte demandé")
        self.assertEqual(act["enum"], ["naissance", "mariage", "deces"])
        self.assertEqual(
            act["enumNames"], ["Acte de naissance", "Acte de mariage", "Acte de décès"]
        )
        self.assertEqual(schema["properties"]["event_date"]["widget"], "date")
        self.assertEqual(schema["properties"]["email"]["type"], "string")
        self.assertIn("act_type", schema["required"])
        self.assertNotIn("purpose", schema["required"])

    def test_the_rest_of_the_api_stays_closed_to_anonymous(self):
        response = requests.get(
            f"{self.portal.absolute_url()}/++api++/@types",
            headers={"Accept": "application/json"},
            timeout=30,
        )
        self.assertIn(response.status_code, (401, 403))
