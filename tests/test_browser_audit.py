"""The data protection officer's pages in a real browser, on the demo site.

An agent opens a request; the DPO finds it in the audit trail, filters it,
exports it as CSV, and reads the register of processing, on screen and as
printed. Both pages are accessible; agents do not reach them.
"""

from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.eguichet_layer import AGENT
from tests.eguichet_layer import DPO
from tests.test_browser_eguichet import ANSWERS
from tests.test_browser_eguichet import EguichetBrowserTestCase


FORM = "extrait-acte"


class TestDataProtectionOfficer(EguichetBrowserTestCase):
    def setUp(self):
        super().setUp()
        self.dpo = RecordedPage(self.layer["browser"])

    def tearDown(self):
        self.dpo.close()
        super().tearDown()

    def test_the_dpo_sees_what_an_agent_opened(self):
        answers = {**ANSWERS[FORM], "email": "audit@example.org"}
        reference = self.send_form(FORM, answers)
        self.log_in(AGENT)
        self.page.goto(self.case_url(reference))
        self.assertIn(reference, self.page.content())

        page = self.dpo.page
        self.log_in(DPO, page=page)
        page.goto(f"{self.site_url}/@@journal-d-audit")
        self.assertEqual(page.locator("h1").inner_text(), "Journal d'audit")
        page.fill("#audit-reference", reference)
        page.select_option("#audit-action", "view")
        with page.expect_navigation():
            page.get_by_role("button", name="Filtrer").click()
        rows = page.locator("tr.audit-entry")
        self.assertEqual(rows.count(), 1)
        row = rows.first.inner_text()
        self.assertIn(AGENT["fullname"], row)
        self.assertIn("Demande lue", row)
        self.assertIn(reference, row)
        screenshot(page, "dpo-journal-d-audit", full_page=True)
        self.assertAccessible(page)

        with page.expect_download() as download:
            page.get_by_role("link", name="Exporter en CSV").click()
        with open(download.value.path(), "rb") as exported:
            text = exported.read().decode("utf-8-sig")
        self.assertIn(reference, text)
        self.assertIn(AGENT["id"], text)

        page.goto(f"{self.site_url}/@@registre-des-traitements")
        self.assertEqual(page.locator("h1").inner_text(), "Registre des traitements")
        entry = page.locator("section.register-entry", has_text="Extrait d'acte")
        self.assertIn("Code civil", entry.inner_text())
        screenshot(page, "dpo-registre-des-traitements")
        self.assertAccessible(page)
        page.emulate_media(media="print")
        self.assertFalse(page.locator(".register-actions").is_visible())
        self.assertTrue(entry.is_visible())

    def test_agents_reach_neither_page(self):
        self.log_in(AGENT)
        for view in ("journal-d-audit", "registre-des-traitements"):
            self.page.goto(f"{self.site_url}/@@{view}")
            self.assertEqual(self.page.locator("tr.audit-entry").count(), 0)
            self.assertEqual(self.page.locator("section.register-entry").count(), 0)
