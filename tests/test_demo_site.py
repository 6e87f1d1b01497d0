"""The demo commune in a real browser: French home page, no console error, axe."""

from axe_playwright_python.sync_playwright import Axe
from tests.instance import DEMO_BROWSER

import unittest


BLOCKING_IMPACTS = {"serious", "critical"}


class TestDemoHomePage(unittest.TestCase):
    layer = DEMO_BROWSER

    def setUp(self):
        self.page = self.layer["browser"].new_page()
        self.console_errors = []
        self.page.on(
            "console",
            lambda message: (
                message.type == "error" and self.console_errors.append(message.text)
            ),
        )
        self.page.on("pageerror", lambda error: self.console_errors.append(str(error)))

    def tearDown(self):
        self.page.close()

    def test_home_page_names_the_commune_in_french(self):
        response = self.page.goto(self.layer["site_url"])
        self.assertEqual(response.status, 200)
        self.assertEqual(self.page.get_attribute("html", "lang"), "fr")
        self.assertIn("Ville de Namur", self.page.title())

    def test_no_console_error(self):
        self.page.goto(self.layer["site_url"], wait_until="networkidle")
        self.assertEqual(self.console_errors, [])

    def test_no_serious_accessibility_violation(self):
        self.page.goto(self.layer["site_url"], wait_until="networkidle")
        results = Axe().run(self.page)
        blocking = [
            f"{violation['id']} ({violation['impact']}): "
            + ", ".join(str(node["target"]) for node in violation["nodes"])
            for violation in results.response["violations"]
            if violation["impact"] in BLOCKING_IMPACTS
        ]
        self.assertEqual(blocking, [])
