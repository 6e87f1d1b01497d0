"""A commune site repeats neither its events nor its tree in portlets."""

from imio.commune.answers import apply_answers
from imio.commune.answers import stored_answers
from imio.commune.cli.upgrade import upgrade_site
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.website.tests.helpers import fresh
from imio.website.tests.test_procedure import COMPLETE
from plone import api
from plone.app.event.portlets.portlet_events import Assignment
from plone.app.portlets.portlets import navigation
from plone.portlets.interfaces import IPortletAssignmentMapping
from plone.portlets.interfaces import IPortletManager
from zope.component import getMultiAdapter
from zope.component import getUtility
from zope.component.hooks import setSite

import requests
import transaction
import unittest


PROFILE = "imio.commune:default"


def right_column(site):
    manager = getUtility(IPortletManager, name="plone.rightcolumn", context=site)
    return getMultiAdapter((site, manager), IPortletAssignmentMapping)


def left_column(site):
    manager = getUtility(IPortletManager, name="plone.leftcolumn", context=site)
    return getMultiAdapter((site, manager), IPortletAssignmentMapping)


class TestRootPortlets(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def test_new_site_has_no_events_portlet(self):
        self.assertNotIn("events", right_column(self.site))

    def test_new_site_has_no_navigation_portlet(self):
        self.assertNotIn("navigation", left_column(self.site))

    def test_applying_the_answers_removes_it_once(self):
        right_column(self.site)["events"] = Assignment()
        changes = apply_answers(self.site, stored_answers(self.site))
        self.assertIn("portlet plone.rightcolumn/events retiré", changes)
        self.assertNotIn("events", right_column(self.site))
        again = apply_answers(self.site, stored_answers(self.site))
        self.assertNotIn("portlet plone.rightcolumn/events retiré", again)


class TestPagesWithoutEventsPortlet(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def test_home_page_has_no_events_portlet(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        page = requests.get(site.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("portletEvents", page.text)

    def test_procedure_page_has_no_left_column(self):
        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        with api.env.adopt_roles(["Manager"]):
            procedure = api.content.create(
                site["demarches"], "Procedure", title="Passeport", **fresh(COMPLETE)
            )
            api.content.transition(procedure, "publish")
        transaction.commit()
        page = requests.get(procedure.absolute_url(), timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("portletNavigationTree", page.text)
        self.assertNotIn('id="portal-column-one"', page.text)


class TestUpgradeTo1004(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def configlets(self) -> dict:
        controlpanel = api.portal.get_tool("portal_controlpanel")
        return {
            action.id: action.permissions
            for action in controlpanel.listActions()
            if action.id.startswith("imio-")
        }

    def test_site_made_before_loses_the_portlet_and_gets_the_configlets(self):
        fresh = self.configlets()
        controlpanel = api.portal.get_tool("portal_controlpanel")
        controlpanel.unregisterConfiglet("imio-commune-branding")
        right_column(self.site)["events"] = Assignment()
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1003")
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertNotIn("events", right_column(self.site))
        self.assertEqual(self.configlets(), fresh)
        self.assertEqual(fresh["imio-commune-branding"], ("Plone Site Setup: Site",))
        self.assertEqual(fresh["imio-site-profile"], ("Plone Site Setup: Site",))


class TestUpgradeTo1008(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)

    def test_site_made_before_loses_the_navigation_portlet(self):
        left_column(self.site)["navigation"] = navigation.Assignment()
        self.site["portal_setup"].setLastVersionForProfile(PROFILE, "1006")
        self.assertEqual(upgrade_site(self.site), f"mis à niveau : {PROFILE}")
        self.assertNotIn("navigation", left_column(self.site))
