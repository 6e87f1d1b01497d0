"""Statistics of the cases: per state, per month, delays, lateness, SVG charts."""

from collective.easyform.api import get_schema
from datetime import timedelta
from DateTime import DateTime
from imio.belgium.testing import at
from imio.eguichet.browser.statistics import last_months
from imio.eguichet.cases import create_case
from imio.eguichet.cases import site_now
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import SERVICE
from plone import api
from plone.app.testing import logout
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_PASSWORD
from xml.etree import ElementTree

import re
import requests
import transaction
import unittest


SVG = "{http://www.w3.org/2000/svg}"


class TestLastMonths(unittest.TestCase):
    def test_twelve_months_ending_with_this_one(self):
        months = last_months(DateTime("2027/02/15"), 12)
        self.assertEqual(months[0], "2026-03")
        self.assertEqual(months[-1], "2027-02")
        self.assertEqual(len(months), 12)


class TestStatistics(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        # Mid-month: the case decided after four days is of the same month.
        clock = at(2099, 11, 18, 10, 0, tick=True)
        clock.start()
        self.addCleanup(clock.stop)
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        api.group.create(groupname="urbanisme", title="Urbanisme")
        self.permit = add_form(self.portal, "permis", processing_service="urbanisme")
        self.permit.title = "Permis <b>d'urbanisme</b>"
        for username, group in (("agent", SERVICE), ("planner", "urbanisme")):
            api.user.create(
                email=f"{username}@namur.example",
                username=username,
                password=TEST_USER_PASSWORD,
            )
            api.group.add_user(groupname=group, username=username)
            api.group.grant_roles(groupname=group, roles=["EguichetAgent"])
        api.user.create(
            email="jean@example.org", username="jean", password=TEST_USER_PASSWORD
        )
        logout()
        cases = [self.submit(self.form) for _index in range(4)]
        self.submit(self.permit)
        decided = cases[0]
        decided.creation_date = DateTime() - 4
        decided.reindexObject()
        with api.env.adopt_user(username="agent"):
            for transition in ("receive", "start", "accept"):
                api.content.transition(decided, transition)
            api.content.transition(cases[1], "receive")
        late = cases[2]
        late.due_date = site_now().date() - timedelta(days=3)
        late.reindexObject()
        transaction.commit()
        self.url = f"{self.portal.absolute_url()}/@@demandes-statistiques"

    def submit(self, form):
        case, _code = create_case(
            form, get_schema(form), {"fullname": "Luc", "email": "l@example.org"}
        )
        return case

    def get(self, username="agent", **params):
        return requests.get(
            self.url,
            params=params,
            auth=(username, TEST_USER_PASSWORD) if username else None,
            allow_redirects=False,
            timeout=30,
        )

    def table(self, text, css_class):
        body = re.search(rf'class="table {css_class}".*?</table>', text, re.S).group(0)
        cells = re.findall(r"<t[hd][^>]*>\s*([^<]*?)\s*</t[hd]>", body)
        return cells

    def test_counts_per_state_in_a_table_and_an_accessible_chart(self):
        text = self.get().text
        self.assertRegex(text, r'class="statistics-count">4<')
        states = self.table(text, "statistics-states")
        pairs = dict(zip(states[2::2], states[3::2], strict=True))
        self.assertEqual(pairs["Envoyée"], "2")
        self.assertEqual(pairs["Reçue"], "1")
        self.assertEqual(pairs["Acceptée"], "1")
        svg = re.search(r"<svg[^>]*statistics-chart.*?</svg>", text, re.S)
        chart = ElementTree.fromstring(svg.group(0))  # noqa: S314 our own page
        self.assertEqual(chart.get("role"), "img")
        self.assertEqual(chart.find(f"{SVG}title").text, "Demandes par état")
        self.assertTrue(chart.find(f"{SVG}desc").text)
        widths = [float(rect.get("width")) for rect in chart.iter(f"{SVG}rect")]
        self.assertEqual(max(widths), widths[0])
        self.assertEqual(widths[0], 2 * widths[1])

    def test_cases_per_month(self):
        months = self.table(self.get().text, "statistics-months")
        self.assertEqual(months[-2:], ["novembre 2099", "4"])
        self.assertEqual(months[-4:-2], ["octobre 2099", "0"])

    def test_median_processing_time_and_overdue_share(self):
        text = self.get().text
        self.assertRegex(text, r"4,0 jours|4\.0 jours")
        # One late open case out of the four with a due date.
        self.assertRegex(text, r'class="statistics-overdue">\s*25 %')

    def test_per_form_and_per_service_for_the_agents_services_only(self):
        text = self.get(username="planner").text
        self.assertRegex(text, r'class="statistics-count">1<')
        self.assertEqual(
            self.table(text, "statistics-services")[4:6], ["Urbanisme", "1"]
        )
        self.assertIn("Permis &lt;b&gt;d'urbanisme&lt;/b&gt;", text)
        agent = self.get().text
        services = self.table(agent, "statistics-services")
        self.assertEqual(services[4:6], ["État civil", "4"])
        self.assertNotIn("Permis", agent.split("statistics-forms")[1])

    def test_filtered_by_service(self):
        manager = api.user.create(
            email="m@namur.example", username="manager", password=TEST_USER_PASSWORD
        )
        api.user.grant_roles(user=manager, roles=["Site Administrator"])
        transaction.commit()
        text = self.get(username="manager", service="urbanisme").text
        self.assertRegex(text, r'class="statistics-count">1<')

    def test_citizens_and_anonymous_have_no_statistics(self):
        self.assertNotEqual(self.get(username="jean").status_code, 200)
        self.assertNotEqual(self.get(username=None).status_code, 200)
