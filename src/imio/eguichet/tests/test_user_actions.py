"""The personal menu leads members to their requests and agents to theirs."""

from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from plone import api
from plone.app.testing import login
from plone.app.testing import logout

import unittest


class TestPersonalMenu(unittest.TestCase):
    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        with api.env.adopt_roles(["Manager"]):
            api.user.create(username="citoyen", email="citoyen@example.org")
            api.user.create(
                username="agent", email="agent@example.org", roles=("Member",)
            )
            api.user.grant_roles(username="agent", roles=["EguichetAgent"])

    def menu(self) -> dict:
        actions = self.portal.portal_actions.listFilteredActionsFor(self.portal)
        return {action["id"]: action for action in actions["user"]}

    def test_a_member_finds_mes_demarches(self):
        login(self.portal, "citoyen")
        menu = self.menu()
        self.assertEqual(
            menu["mes-demarches"]["url"], "http://nohost/plone/@@mes-demarches"
        )
        self.assertEqual(menu["mes-demarches"]["title"], "My requests")
        self.assertNotIn("demandes-dashboard", menu)

    def test_an_agent_finds_the_dashboard(self):
        login(self.portal, "agent")
        menu = self.menu()
        self.assertEqual(
            menu["demandes-dashboard"]["url"],
            "http://nohost/plone/@@demandes-dashboard",
        )
        self.assertIn("mes-demarches", menu)

    def test_nothing_for_anonymous_visitors(self):
        logout()
        menu = self.menu()
        self.assertNotIn("mes-demarches", menu)
        self.assertNotIn("demandes-dashboard", menu)
