"""The demo commune in a real browser: French home page, no console error, axe."""

from tests.browser import accessibility_violations
from tests.browser import RecordedPage
from tests.instance import DEMO_BROWSER

import unittest


class TestDemoHomePage(unittest.TestCase):
    layer = DEMO_BROWSER

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page

    def tearDown(self):
        self.recorded.close()

    def test_home_page_names_the_commune_in_french(self):
        response = self.page.goto(self.layer["site_url"])
        self.assertEqual(response.status, 200)
        self.assertEqual(self.page.get_attribute("html", "lang"), "fr")
        self.assertIn("Ville de Namur", self.page.title())

    def test_no_console_error(self):
        self.page.goto(self.layer["site_url"], wait_until="networkidle")
        self.assertEqual(self.recorded.errors, [])

    def test_no_serious_accessibility_violation(self):
        self.page.goto(self.layer["site_url"], wait_until="networkidle")
        self.assertEqual(accessibility_violations(self.page), [])
