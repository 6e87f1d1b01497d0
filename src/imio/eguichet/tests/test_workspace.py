"""The agents' workspace: badges, overdue cases, the summary bar, months in words."""

from collective.easyform.api import get_schema
from datetime import date
from imio.belgium.testing import at
from imio.eguichet.cases import create_case
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import IMIO_EGUICHET_INTEGRATION_TESTING
from imio.eguichet.testing import SERVICE
from imio.eguichet.upgrades.v1008 import add_workspace
from lxml import html
from plone import api
from plone.app.testing import login
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from plone.base.interfaces.resources import IBundleRegistry
from plone.registry.interfaces import IRegistry
from zope.component import getUtility

import requests
import transaction
import unittest


AGENT_ROLE = "EguichetAgent"
# How each case of the test reaches its state, as an agent or its applicant.
PATHS = {
    "submitted": (),
    "received": ("receive",),
    "in_progress": ("receive", "start"),
    "awaiting_info": ("receive", "start", "ask_info"),
    "accepted": ("receive", "start", "accept"),
    "refused": ("receive", "start", "refuse"),
    "closed": ("receive", "start", "accept", "close"),
    "withdrawn": ("withdraw",),
}
BADGES = {
    "submitted": "Envoyée",
    "received": "Reçue",
    "in_progress": "En cours de traitement",
    "awaiting_info": "En attente d'informations",
    "accepted": "Acceptée",
    "refused": "Refusée",
    "closed": "Clôturée",
    "withdrawn": "Retirée",
}
WORKSPACE_ACTIONS = [
    "demandes-dashboard",
    "demandes-statistiques",
    "demandes-export",
    "demandes-export-xlsx",
]


def text(element) -> str:
    return " ".join(element.text_content().split())


class TestWorkspacePages(unittest.TestCase):
    """One case in each state, two of them past their due date, on 18 Nov 2099."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        clock = at(2099, 11, 18, 10, 0, tick=True)
        clock.start()
        self.addCleanup(clock.stop)
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal, delay_days=15)
        api.user.create(
            email="agent@namur.example", username="agent", password=TEST_USER_PASSWORD
        )
        api.group.add_user(groupname=SERVICE, username="agent")
        api.group.grant_roles(groupname=SERVICE, roles=[AGENT_ROLE])
        logout()
        self.cases = {}
        for state, transitions in PATHS.items():
            case, _code = create_case(
                self.form,
                get_schema(self.form),
                {"fullname": f"Demandeur {state}", "email": "d@example.org"},
            )
            with api.env.adopt_roles(["Manager", "Owner"]):
                for transition in transitions:
                    api.content.transition(case, transition, comment="Motif")
            self.cases[state] = case
        # Open and past its due date; decided and past it: only one is late.
        for state in ("in_progress", "accepted"):
            self.cases[state].due_date = date(2099, 11, 10)
            self.cases[state].reindexObject()
        transaction.commit()
        self.portal_url = self.portal.absolute_url()

    def get(self, view, username="agent", **params):
        url = view if view.startswith("http") else f"{self.portal_url}/{view}"
        response = requests.get(
            url,
            params=params,
            auth=(username, TEST_USER_PASSWORD),
            allow_redirects=False,
            timeout=30,
        )
        self.assertEqual(response.status_code, 200, view)
        return html.fromstring(response.text)

    def dashboard_row(self, page, state):
        reference = self.cases[state].formatted_reference()
        for row in page.cssselect("table.cases-dashboard tbody tr"):
            if reference in text(row):
                return row
        self.fail(f"{reference} is not listed")

    def test_each_state_has_its_badge_with_its_name(self):
        page = self.get("@@demandes-dashboard")
        for state, title in BADGES.items():
            with self.subTest(state=state):
                row = self.dashboard_row(page, state)
                badge = row.cssselect(f".case-badge-{state}")
                self.assertEqual([text(item) for item in badge], [title])
                self.assertIn("badge", badge[0].get("class").split())

    def test_an_open_case_past_its_due_date_is_marked_overdue(self):
        page = self.get("@@demandes-dashboard")
        late = self.dashboard_row(page, "in_progress")
        self.assertIn("case-overdue", late.get("class"))
        self.assertEqual(
            [text(badge) for badge in late.cssselect(".case-badge-overdue")],
            ["En retard"],
        )
        self.assertIn("10 novembre 2099", text(late))
        # Decided in time or not, an accepted case waits for nobody.
        decided = self.dashboard_row(page, "accepted")
        self.assertEqual(decided.cssselect(".case-badge-overdue"), [])
        on_time = self.dashboard_row(page, "submitted")
        self.assertEqual(on_time.cssselect(".case-badge-overdue"), [])
        self.assertIn("3 décembre 2099", text(on_time))
        self.assertIn("18 novembre 2099", text(on_time))

    def test_the_summary_bar_counts_each_state_and_the_overdue(self):
        self.get("@@demandes-dashboard")
        with api.env.adopt_roles(["Manager"]):
            api.content.transition(self.cases["submitted"], "receive")
        transaction.commit()
        page = self.get("@@demandes-dashboard")
        bar = page.cssselect("ul.workspace-summary")[0]
        counts = {
            text(item.cssselect(".case-badge")[0]): text(
                item.cssselect(".summary-count")[0]
            )
            for item in bar.cssselect("li")
        }
        self.assertEqual(
            counts,
            {
                "Envoyée": "0",
                "Reçue": "2",
                "En cours de traitement": "1",
                "En attente d'informations": "1",
                "Acceptée": "1",
                "Refusée": "1",
                "Clôturée": "1",
                "Retirée": "1",
                "En retard": "1",
            },
        )
        overdue = bar.cssselect("a.state-overdue")[0].get("href")
        self.assertIn("overdue=1", overdue)
        listed = self.get(f"@@demandes-dashboard?{overdue.split('?')[1]}")
        rows = listed.cssselect("table.cases-dashboard tbody tr")
        self.assertEqual(len(rows), 1)
        self.assertIn(self.cases["in_progress"].formatted_reference(), text(rows[0]))

    def test_the_table_scrolls_in_its_own_named_region(self):
        page = self.get("@@demandes-dashboard")
        table = page.cssselect("table.cases-dashboard")[0]
        box = table.getparent()
        self.assertIn("workspace-scroll", box.get("class"))
        self.assertEqual(box.get("tabindex"), "0")
        self.assertEqual(box.get("role"), "region")
        self.assertEqual(
            text(page.get_element_by_id(box.get("aria-labelledby"))), "Demandes"
        )
        styles = [link.get("href") for link in page.cssselect("link[rel=stylesheet]")]
        self.assertTrue([href for href in styles if "workspace.css" in href], styles)

    def test_statistics_name_the_months_in_french(self):
        page = self.get("@@demandes-statistiques")
        months = [
            text(cell) for cell in page.cssselect("table.statistics-months tbody th")
        ]
        self.assertEqual(len(months), 12)
        self.assertEqual(months[0], "décembre 2098")
        self.assertEqual(months[-2:], ["octobre 2099", "novembre 2099"])
        labels = [text(label) for label in page.cssselect("svg.statistics-chart text")]
        self.assertIn("nov.", labels)
        self.assertNotIn("2099-11", page.text_content())
        self.assertNotIn("11/99", page.text_content())

    def test_a_german_site_names_months_and_dates_in_german(self):
        api.portal.set_registry_record("plone.default_language", "de")
        api.portal.set_registry_record("plone.available_languages", ["de"])
        transaction.commit()
        months = self.get("@@demandes-statistiques").cssselect(
            "table.statistics-months tbody th"
        )
        self.assertEqual(text(months[-1]), "November 2099")
        page = self.get("@@demandes-dashboard")
        late = self.dashboard_row(page, "in_progress")
        self.assertIn("10. November 2099", text(late))
        self.assertEqual(
            [text(badge) for badge in late.cssselect(".case-badge-overdue")],
            ["Überfällig"],
        )

    def test_the_case_page_shows_its_badge_and_lateness(self):
        late = self.cases["in_progress"]
        page = self.get(late.absolute_url())
        state = page.cssselect(".case-summary .case-state .case-badge-in_progress")
        self.assertEqual([text(badge) for badge in state], ["En cours de traitement"])
        due = text(page.cssselect(".case-summary .case-due-date")[0])
        self.assertEqual(due, "10 novembre 2099 En retard")
        on_time = self.cases["received"]
        page = self.get(on_time.absolute_url())
        due = text(page.cssselect(".case-summary .case-due-date")[0])
        self.assertEqual(due, "3 décembre 2099")
        history = text(page.cssselect(".case-history")[0])
        self.assertIn("18 novembre 2099", history)

    def test_the_case_page_is_in_the_workspace_for_agents_only(self):
        case = self.cases["received"]
        request = self.layer["request"]
        request["LANGUAGE"] = "fr"
        with api.env.adopt_user(username="agent"):
            view = api.content.get_view("view", case, request)
            self.assertEqual(view.page_layout, "workspace")
            self.assertEqual(
                view.page_title,
                f"Demande {case.formatted_reference()} : Certificat de résidence",
            )
        # Its applicant follows it on a page of one task, as the follow-up.
        with api.env.adopt_roles(["Owner"]):
            view = api.content.get_view("view", case, request)
            self.assertEqual(view.page_layout, "transactional")


class TestWorkspaceNavigation(unittest.TestCase):
    """The workspace's own navigation: agents only, each link with its right."""

    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        with api.env.adopt_roles(["Manager"]):
            api.user.create(username="citoyen", email="citoyen@example.org")
            api.user.create(username="agent", email="agent@example.org")
            api.user.grant_roles(username="agent", roles=[AGENT_ROLE])
            api.user.create(username="editor", email="editor@example.org")
            api.user.grant_roles(username="editor", roles=["Editor", "Reviewer"])

    def workspace(self) -> list[str]:
        actions = self.portal.portal_actions.listFilteredActionsFor(self.portal)
        return [action["id"] for action in actions.get("imio_workspace", [])]

    def test_an_agent_finds_the_dashboard_statistics_and_exports(self):
        login(self.portal, "agent")
        self.assertEqual(self.workspace(), WORKSPACE_ACTIONS)
        actions = self.portal.portal_actions.listFilteredActionsFor(self.portal)
        urls = {action["id"]: action["url"] for action in actions["imio_workspace"]}
        self.assertEqual(
            urls["demandes-statistiques"],
            "http://nohost/plone/@@demandes-statistiques",
        )

    def test_each_action_asks_for_its_permission(self):
        category = self.portal.portal_actions.imio_workspace
        permissions = {
            action_id: category[action_id].permissions
            for action_id in category.objectIds()
        }
        self.assertEqual(
            permissions,
            {
                "demandes-dashboard": ("imio.eguichet: Access Dashboard",),
                "demandes-statistiques": ("imio.eguichet: Access Dashboard",),
                "demandes-export": ("imio.eguichet: Export Cases",),
                "demandes-export-xlsx": ("imio.eguichet: Export Cases",),
            },
        )

    def test_visitors_citizens_and_editors_never_see_it(self):
        logout()
        self.assertEqual(self.workspace(), [])
        for username in ("citoyen", "editor"):
            with self.subTest(username=username):
                login(self.portal, username)
                self.assertEqual(self.workspace(), [])

    def test_the_pages_declare_the_workspace_layout_and_their_title(self):
        request = self.layer["request"]
        login(self.portal, "agent")
        for name, title in (
            ("demandes-dashboard", "Cases"),
            ("demandes-statistiques", "Statistics"),
        ):
            with self.subTest(view=name):
                view = api.content.get_view(name, self.portal, request)
                self.assertEqual(view.page_layout, "workspace")
                self.assertEqual(view.page_title, title)
        for name in ("demandes-export", "demandes-export-xlsx"):
            view = api.content.get_view(name, self.portal, request)
            self.assertEqual(view.page_layout, "workspace")


class TestUpgradeToTheWorkspace(unittest.TestCase):
    """Upgrade 1008 gives an existing site the workspace's navigation and styles."""

    layer = IMIO_EGUICHET_INTEGRATION_TESTING

    def test_1008_adds_the_actions_and_the_bundle(self):
        portal = self.layer["portal"]
        portal.portal_actions.manage_delObjects(["imio_workspace"])
        registry = getUtility(IRegistry)
        for name in list(registry.records.keys()):
            if name.startswith("plone.bundles/imio-workspace."):
                del registry.records[name]
        setup = portal.portal_setup
        setup.setLastVersionForProfile("imio.eguichet:default", "1006")
        setup.upgradeProfile("imio.eguichet:default")
        self.assertEqual(
            setup.getLastVersionForProfile("imio.eguichet:default"),
            (setup.getVersionForProfile("imio.eguichet:default"),),
        )
        self.assertWorkspace(portal, registry)
        # Run again, it changes nothing.
        add_workspace(setup)
        self.assertWorkspace(portal, registry)

    def assertWorkspace(self, portal, registry):
        self.assertEqual(
            portal.portal_actions.imio_workspace.objectIds(), WORKSPACE_ACTIONS
        )
        bundles = registry.collectionOfInterface(
            IBundleRegistry, prefix="plone.bundles", check=False
        )
        bundle = bundles["imio-workspace"]
        self.assertEqual(bundle.csscompilation, "++plone++imio.eguichet/workspace.css")
        self.assertFalse(bundle.enabled)
