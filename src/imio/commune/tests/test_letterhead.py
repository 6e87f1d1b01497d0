"""A commune's decision letters carry its logo, name, address and contacts."""

from base64 import b64decode
from base64 import b64encode
from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.eguichet.letters import letter_html
from imio.eguichet.letters.letterhead import current_letterhead
from plone import api
from plone.app.testing import setRoles
from plone.formwidget.namedfile.converter import b64encode_file
from plone.app.testing import TEST_USER_ID
from zope.component.hooks import setSite

import unittest


CONTACT = {
    "street": "Rue de la Pichelotte 9",
    "postal_code": "5340",
    "city": "Gesves",
    "phone": "+32 83 67 02 11",
    "email": "info@gesves.be",
}


class TestLetterhead(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        setRoles(self.site, TEST_USER_ID, ["Manager"])

    def test_the_administrations_address_and_contacts(self):
        apply_answers(self.site, {**stored_answers(self.site), "contact": CONTACT})
        letterhead = current_letterhead()
        self.assertEqual(letterhead.name, "Commune de Gesves")
        self.assertEqual(letterhead.address, ["Rue de la Pichelotte 9", "5340 Gesves"])
        self.assertEqual(letterhead.phones, ["+32 83 67 02 11"])
        self.assertEqual(letterhead.emails, ["info@gesves.be"])
        html = letter_html("<p>${commune}</p>", {"commune": letterhead.name})
        self.assertIn("5340 Gesves", html)
        self.assertIn("info@gesves.be", html)

    def test_without_a_logo_the_generated_shield(self):
        api.portal.get_tool("portal_registry")["plone.site_logo"] = None
        logo = current_letterhead().logo
        prefix = "data:image/svg+xml;base64,"
        self.assertTrue(logo.startswith(prefix))
        svg = b64decode(logo[len(prefix) :]).decode()
        self.assertIn(">G</text>", svg)

    def test_the_sites_logo_as_a_data_uri(self):
        svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40"/>'
        registry = api.portal.get_tool("portal_registry")
        registry["plone.site_logo"] = b64encode_file("blason.svg", svg)
        logo = current_letterhead().logo
        self.assertEqual(logo, "data:image/svg+xml;base64," + b64encode(svg).decode())
