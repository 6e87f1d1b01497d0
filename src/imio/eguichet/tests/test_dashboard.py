"""The agents' dashboard: their services' cases, filtered, counted, exported."""

from collective.easyform.api import get_schema
from datetime import datetime
from datetime import timedelta
from imio.eguichet.browser.export import cell
from imio.eguichet.browser.export_xlsx import XLSX
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

import csv
import io
import openpyxl
import re
import requests
import transaction
import unittest


REFERENCES = re.compile(r'class="case-reference"[^>]*>([^<]+)<')
AGENT_ROLE = "EguichetAgent"


class TestCell(unittest.TestCase):
    def test_formulas_are_neutralised(self):
        self.assertEqual(cell("=1+1"), "'=1+1")
        self.assertEqual(cell("@SUM(A1)"), "'@SUM(A1)")
        self.assertEqual(cell("Marie"), "Marie")
        self.assertEqual(cell(None), "")


class TestDashboard(unittest.TestCase):
    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        self.form = add_form(self.portal)
        api.group.create(groupname="urbanisme", title="Urbanisme")
        self.permit = add_form(self.portal, "permis", processing_service="urbanisme")
        for username, group in (("agent", SERVICE), ("planner", "urbanisme")):
            api.user.create(
                email=f"{username}@namur.example",
                username=username,
                password=TEST_USER_PASSWORD,
            )
            api.group.add_user(groupname=group, username=username)
            api.group.grant_roles(groupname=group, roles=[AGENT_ROLE])
        api.user.create(
            email="jean@example.org", username="jean", password=TEST_USER_PASSWORD
        )
        logout()
        self.cases = [
            self.submit(self.form, "Marie <script>x</script>"),
            self.submit(self.form, '=HYPERLINK("http://evil")'),
            self.submit(self.form, "Luc"),
        ]
        self.permit_case = self.submit(self.permit, "Paul Urbain")
        late = self.cases[2]
        late.due_date = site_now().date() - timedelta(days=2)
        late.reindexObject()
        with api.env.adopt_user(username="agent"):
            api.content.transition(self.cases[0], "receive")
        transaction.commit()
        self.dashboard = f"{self.portal.absolute_url()}/@@demandes-dashboard"
        self.export = f"{self.portal.absolute_url()}/@@demandes-export"

    def submit(self, form, name):
        case, _code = create_case(
            form, get_schema(form), {"fullname": name, "email": "c@example.org"}
        )
        return case

    def get(self, url, username="agent", **params):
        return requests.get(
            url,
            params=params,
            auth=(username, TEST_USER_PASSWORD),
            allow_redirects=False,
            timeout=30,
        )

    def references(self, page):
        return REFERENCES.findall(page.text)

    def test_agent_sees_the_cases_of_their_service_only(self):
        page = self.get(self.dashboard)
        self.assertEqual(page.status_code, 200)
        shown = self.references(page)
        self.assertEqual(
            sorted(shown), sorted(case.formatted_reference() for case in self.cases)
        )
        planner = self.references(self.get(self.dashboard, username="planner"))
        self.assertEqual(planner, [self.permit_case.formatted_reference()])

    def test_counts_per_state(self):
        text = self.get(self.dashboard).text
        count = r'case-badge-{}">{}</span>\s*<span class="summary-count">{}<'
        self.assertRegex(text, count.format("submitted", "Envoyée", 2))
        self.assertRegex(text, count.format("received", "Reçue", 1))
        self.assertRegex(text, count.format("overdue", "En retard", 1))

    def test_filters(self):
        received = self.get(self.dashboard, state="received")
        self.assertEqual(
            self.references(received), [self.cases[0].formatted_reference()]
        )
        overdue = self.get(self.dashboard, overdue="1")
        self.assertEqual(
            self.references(overdue), [self.cases[2].formatted_reference()]
        )
        self.assertIn("case-overdue", overdue.text)
        typed = self.cases[1].getId().lower()
        found = self.get(self.dashboard, reference=typed)
        self.assertEqual(self.references(found), [self.cases[1].formatted_reference()])
        self.assertEqual(self.references(self.get(self.dashboard, reference="x")), [])
        other_form = self.get(self.dashboard, form=api.content.get_uuid(self.permit))
        self.assertEqual(self.references(other_form), [])
        service = self.get(self.dashboard, service="urbanisme")
        self.assertEqual(self.references(service), [])

    def test_sorted_by_due_date(self):
        shown = self.references(self.get(self.dashboard, sort="due"))
        self.assertEqual(shown[0], self.cases[2].formatted_reference())

    def test_batched(self):
        for _number in range(25):
            self.submit(self.form, "Lot")
        transaction.commit()
        first = self.references(self.get(self.dashboard))
        second = self.references(self.get(self.dashboard, b_start="25"))
        self.assertEqual(len(first), 25)
        self.assertEqual(len(second), 3)
        self.assertFalse(set(first) & set(second))

    def test_a_page_number_out_of_place_shows_a_page_without_error(self):
        for _number in range(25):
            self.submit(self.form, "Lot")
        transaction.commit()
        first = self.references(self.get(self.dashboard))
        last = self.references(self.get(self.dashboard, b_start="25"))
        for value, expected in (
            ("abc", first),
            ("-5", first),
            ("2.5", first),
            ("", first),
            ("99999999999", last),
            ("9" * 5000, last),
        ):
            with self.subTest(b_start=value[:20]):
                page = self.get(self.dashboard, b_start=value)
                self.assertEqual(page.status_code, 200)
                self.assertEqual(self.references(page), expected)
        twice = self.get(self.dashboard, b_start=["25", "abc"])
        self.assertEqual(twice.status_code, 200)
        self.assertEqual(self.references(twice), first)

    def test_applicant_names_are_escaped(self):
        text = self.get(self.dashboard).text
        self.assertIn("Marie &lt;script&gt;x&lt;/script&gt;", text)
        self.assertNotIn("<script>x</script>", text)

    def test_citizens_have_no_dashboard_nor_export(self):
        for url in (self.dashboard, self.export):
            self.assertNotEqual(self.get(url, username="jean").status_code, 200)
            anonymous = requests.get(url, allow_redirects=False, timeout=30)
            self.assertNotEqual(anonymous.status_code, 200)

    def test_csv_export_of_the_filtered_cases(self):
        response = self.get(self.export, state="submitted")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], "text/csv; charset=utf-8")
        self.assertIn("attachment", response.headers["Content-Disposition"])
        rows = list(
            csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";")
        )
        self.assertEqual(
            rows[0][:4], ["Référence", "Formulaire", "Demandeur", "Statut"]
        )
        self.assertEqual(len(rows), 3)
        by_reference = {line[0]: line for line in rows[1:]}
        injected = by_reference[self.cases[1].formatted_reference()]
        self.assertEqual(injected[2], '\'=HYPERLINK("http://evil")')
        self.assertEqual(injected[3], "Envoyée")
        self.assertNotIn(self.permit_case.formatted_reference(), response.text)

    def test_xlsx_export_of_the_filtered_cases(self):
        response = self.get(f"{self.export}-xlsx", state="submitted")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.headers["Content-Type"], XLSX)
        self.assertIn("demandes.xlsx", response.headers["Content-Disposition"])
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [list(line) for line in sheet.iter_rows(values_only=True)]
        self.assertEqual(
            rows[0][:4], ["Référence", "Formulaire", "Demandeur", "Statut"]
        )
        self.assertEqual(len(rows), 3)
        by_reference = {line[0]: line for line in rows[1:]}
        injected = by_reference[self.cases[1].formatted_reference()]
        self.assertEqual(injected[2], '\'=HYPERLINK("http://evil")')
        self.assertEqual(injected[3], "Envoyée")
        self.assertIsInstance(injected[6], datetime)
        self.assertNotIn(self.permit_case.formatted_reference(), by_reference)
        self.assertIn("demandes-export-xlsx?", self.get(self.dashboard).text)

    def test_xlsx_export_is_for_agents_only(self):
        url = f"{self.export}-xlsx"
        self.assertNotEqual(self.get(url, username="jean").status_code, 200)
        anonymous = requests.get(url, allow_redirects=False, timeout=30)
        self.assertNotEqual(anonymous.status_code, 200)

    def test_xlsx_export_of_the_other_service(self):
        response = self.get(f"{self.export}-xlsx", username="planner")
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        references = [line[0] for line in sheet.iter_rows(min_row=2, values_only=True)]
        self.assertEqual(references, [self.permit_case.formatted_reference()])
