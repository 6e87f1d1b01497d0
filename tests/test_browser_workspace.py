"""The agents' workspace on a desktop and on a phone: nothing wider than the screen.

An agent of the demo commune opens the dashboard, a case and the statistics
at 1280 and 390 px: the page never scrolls sideways (wide tables scroll in
their own box), states are badges that say their name, the summary bar
counts the cases, months are written in French, and axe finds nothing.
"""

from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.eguichet_layer import AGENT
from tests.test_browser_eguichet import EguichetBrowserTestCase

import re


FRENCH_MONTH = re.compile(
    r"^(janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre"
    r"|novembre|décembre) \d{4}$"
)
FRENCH_DATE = re.compile(
    r"\b\d{1,2} (janvier|février|mars|avril|mai|juin|juillet|août|septembre"
    r"|octobre|novembre|décembre) \d{4}\b"
)
SIDEWAYS = "document.documentElement.scrollWidth <= window.innerWidth"


class TestWorkspaceOnScreens(EguichetBrowserTestCase):
    """Dashboard, case page and statistics at 1280 and 390 px."""

    def setUp(self):
        super().setUp()
        self.reference = self.citizen_submits()
        self.screens = []

    def tearDown(self):
        for screen in self.screens:
            screen.close()
        super().tearDown()

    def agent_page(self, viewport):
        screen = RecordedPage(self.layer["browser"], viewport=viewport)
        self.screens.append(screen)
        self.log_in(AGENT, screen.page)
        return screen

    def assertFitsTheScreen(self, page):
        width = page.evaluate("document.documentElement.scrollWidth")
        self.assertTrue(page.evaluate(SIDEWAYS), f"{page.url}: {width} px wide")
        self.assertEqual(accessibility_violations(page), [])

    def check_dashboard(self, page):
        page.goto(f"{self.site_url}/@@demandes-dashboard")
        summary = page.locator("ul.workspace-summary")
        self.assertTrue(summary.is_visible())
        submitted = summary.locator("a.state-submitted")
        self.assertEqual(submitted.locator(".case-badge").inner_text(), "Envoyée")
        self.assertGreaterEqual(
            int(submitted.locator(".summary-count").inner_text()), 1
        )
        self.assertEqual(
            summary.locator("a.state-overdue .case-badge").inner_text(), "En retard"
        )
        row = page.locator("table.cases-dashboard tbody tr", has_text=self.reference)
        self.assertEqual(row.locator(".case-badge-submitted").inner_text(), "Envoyée")
        self.assertRegex(row.inner_text(), FRENCH_DATE)
        self.assertEqual(
            page.locator(".workspace-scroll").first.get_attribute("role"), "region"
        )
        self.assertFitsTheScreen(page)

    def check_case_page(self, page):
        page.goto(self.case_url(self.reference))
        state = page.locator(".case-summary .case-state .case-badge")
        self.assertEqual(state.inner_text(), "Envoyée")
        self.assertRegex(
            page.locator(".case-summary .case-due-date").inner_text(), FRENCH_DATE
        )
        self.assertFitsTheScreen(page)

    def check_statistics(self, page):
        page.goto(f"{self.site_url}/@@demandes-statistiques")
        months = page.locator("table.statistics-months tbody th").all_inner_texts()
        self.assertEqual(len(months), 12)
        for month in months:
            self.assertRegex(month, FRENCH_MONTH)
        chart = page.locator("svg.statistics-chart").first.bounding_box()
        self.assertLessEqual(chart["width"], page.viewport_size["width"])
        self.assertFitsTheScreen(page)

    def test_on_a_desktop(self):
        page = self.agent_page(DESKTOP).page
        self.check_dashboard(page)
        self.check_case_page(page)
        self.check_statistics(page)

    def test_on_a_phone(self):
        screen = self.agent_page(PHONE)
        page = screen.page
        self.check_dashboard(page)
        table = page.locator(".workspace-scroll").first
        # The table is wider than the phone: its box scrolls, not the page.
        self.assertGreater(
            table.evaluate("box => box.scrollWidth"),
            table.evaluate("box => box.clientWidth"),
        )
        self.check_case_page(page)
        self.check_statistics(page)
        self.assertEqual(screen.errors, [])
