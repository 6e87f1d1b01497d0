"""An e-guichet form read through the REST API, by a citizen and a manager."""

from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD

import requests
import transaction
import unittest


class TestFormThroughRestApi(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        self.form = add_form(portal)
        if api.content.get_state(self.form) != "published":
            api.content.transition(self.form, "publish")
        api.user.create(
            email="citoyen@example.org",
            username="citoyen",
            password=TEST_USER_PASSWORD,
        )
        logout()
        transaction.commit()

    def get(self, auth):
        return requests.get(
            f"{self.form.absolute_url()}/++api++",
            auth=auth,
            headers={"Accept": "application/json"},
            timeout=30,
        )

    def test_citizen_reads_the_form_without_saved_data(self):
        answer = self.get(("citoyen", TEST_USER_PASSWORD))
        self.assertEqual(answer.status_code, 200)
        body = answer.json()
        self.assertEqual(body["@type"], "EasyForm")
        self.assertEqual(body["title"], self.form.title)
        self.assertNotIn("savedDataStorage", body)

    def test_manager_reads_the_form(self):
        answer = self.get((SITE_OWNER_NAME, SITE_OWNER_PASSWORD))
        self.assertEqual(answer.status_code, 200)
        self.assertEqual(answer.json()["@type"], "EasyForm")
