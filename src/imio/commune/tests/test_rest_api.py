"""The REST API of a commune site: closed to anonymous users but for citizens' needs."""

from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.eguichet.testing import add_form
from plone import api
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from zope.component.hooks import setSite

import requests
import transaction
import unittest


JSON = {"Accept": "application/json"}


class TestRestApi(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            self.form = add_form(self.site["e-guichet"])
        transaction.commit()

    def test_anonymous_users_get_no_api_but_submissions(self):
        for path in ("/++api++/", "/++api++/@search", "/e-guichet/++api++/"):
            response = requests.get(
                self.site.absolute_url() + path, headers=JSON, timeout=30
            )
            self.assertEqual(response.status_code, 401, path)
        submitted = requests.post(
            self.form.absolute_url() + "/++api++/@submit",
            json={"fullname": "Jean Dupont", "email": "jean@example.org"},
            headers=JSON,
            timeout=30,
        )
        self.assertEqual(submitted.status_code, 201, submitted.text)

    def test_logged_in_users_use_the_api(self):
        response = requests.get(
            self.site.absolute_url() + "/++api++/",
            headers=JSON,
            auth=(TEST_USER_NAME, TEST_USER_PASSWORD),
            timeout=30,
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json()["title"], "Commune de Gesves")
