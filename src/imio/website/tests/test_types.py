"""Every content type: French title, add permission, who may add it."""

from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.base.utils import get_installer
from zope.i18n import translate

import unittest


TITLES = {
    "Procedure": ("Démarche", "Verfahren"),
    "Service": ("Service communal", "Gemeindedienst"),
    "Alert": ("Alerte", "Warnung"),
    "Person": ("Personne", "Person"),
    "Place": ("Lieu", "Ort"),
    "Publication": ("Publication", "Veröffentlichung"),
    "Council": ("Organe", "Organ"),
    "Sitting": ("Séance", "Sitzung"),
}
ADDERS = {"Manager", "Site Administrator", "Owner", "Contributor"}


class TestTypes(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]

    def test_titles_in_french_and_german(self):
        types = api.portal.get_tool("portal_types")
        for portal_type, (french, german) in TITLES.items():
            title = types[portal_type].Title()
            with self.subTest(portal_type=portal_type):
                self.assertEqual(translate(title, target_language="fr"), french)
                self.assertEqual(translate(title, target_language="de"), german)

    def test_each_type_has_its_add_permission(self):
        types = api.portal.get_tool("portal_types")
        for portal_type in TITLES:
            permission = f"imio.website: Add {portal_type}"
            roles = {
                role["name"]
                for role in self.portal.rolesOfPermission(permission)
                if role["selected"]
            }
            with self.subTest(portal_type=portal_type):
                self.assertEqual(
                    types[portal_type].add_permission,
                    f"imio.website.Add{portal_type}",
                )
                self.assertEqual(roles, ADDERS)

    def test_sittings_only_inside_councils(self):
        types = api.portal.get_tool("portal_types")
        self.assertFalse(types["Sitting"].global_allow)
        self.assertEqual(types["Council"].allowed_content_types, ("Sitting",))

    def test_uninstall_removes_the_types(self):
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        get_installer(self.portal, self.request).uninstall_product("imio.website")
        types = api.portal.get_tool("portal_types")
        for portal_type in TITLES:
            self.assertNotIn(portal_type, types.objectIds())
