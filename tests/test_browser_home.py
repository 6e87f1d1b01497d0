"""The demo commune's home and procedure pages in a real browser, on a desktop
and on a phone: what a citizen sees and taps, no console error, axe."""

from datetime import datetime
from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import DEMO_BROWSER
from tests.test_browser_website import BRUSSELS
from tests.test_browser_website import demo_service
from tests.test_browser_website import open_at

import unittest


# WCAG 2.5.5: a target a finger hits, 44 by 44 CSS pixels.
TARGET = 44

# Links, buttons and fields inside the given blocks, with their size on screen.
TARGETS = """(selector) => [...document.querySelectorAll(selector)]
  .filter((element) => element.getClientRects().length)
  .map((element) => {
    const box = element.getBoundingClientRect();
    return {
      name: (element.textContent || element.name || "").trim().replace(/\\s+/g, " "),
      width: Math.round(box.width),
      height: Math.round(box.height),
    };
  })"""

# Where each tile starts, from the top of the page.
TOPS = "(tiles) => tiles.map((tile) => Math.round(tile.getBoundingClientRect().top))"

HOME_TARGETS = ", ".join(
    f"{block} {element}"
    for block in (".commune-home-hero", ".commune-home")
    for element in ("a", "button", "input")
)
PROCEDURE_TARGETS = ", ".join(
    f"{block} a"
    for block in (".procedure-summary", ".procedure-action", ".procedure-service")
)


class PageTest(unittest.TestCase):
    layer = DEMO_BROWSER

    def open(self, path: str = "", viewport=DESKTOP):
        """The page at that size, loaded, its errors recorded."""
        recorded = RecordedPage(self.layer["browser"], viewport=viewport)
        self.addCleanup(recorded.close)
        response = recorded.page.goto(
            self.layer["site_url"] + path, wait_until="networkidle"
        )
        self.assertEqual(response.status, 200)
        return recorded

    def assert_fits_and_accessible(self, recorded, width: int):
        page = recorded.page
        self.assertLessEqual(
            page.evaluate("document.documentElement.scrollWidth"),
            width,
            f"horizontal scroll at {width} px on {page.url}",
        )
        self.assertEqual(accessibility_violations(page), [])
        self.assertEqual(recorded.errors, [])

    def assert_big_targets(self, page, selector: str):
        targets = page.evaluate(TARGETS, selector)
        self.assertTrue(targets, selector)
        small = [
            target
            for target in targets
            if target["height"] < TARGET or target["width"] < TARGET
        ]
        self.assertEqual(small, [], f"targets under {TARGET} px on {page.url}")


class TestDemoHomePage(PageTest):
    def test_home_page_names_the_commune_in_french(self):
        recorded = self.open()
        self.assertEqual(recorded.page.get_attribute("html", "lang"), "fr")
        self.assertIn("Ville de Namur", recorded.page.title())
        self.assertEqual(recorded.page.locator("h1").inner_text(), "Ville de Namur")

    def test_no_console_error(self):
        self.assertEqual(self.open().errors, [])

    def test_no_serious_accessibility_violation(self):
        self.assertEqual(accessibility_violations(self.open().page), [])

    def check_home(self, viewport, name: str):
        recorded = self.open(viewport=viewport)
        page = recorded.page
        hero = page.locator(".commune-home-hero")
        self.assertTrue(hero.get_by_label("Que cherchez-vous ?").is_visible())
        self.assertTrue(hero.get_by_role("button", name="Rechercher").is_visible())
        entries = page.locator(".commune-home-eguichet a")
        self.assertEqual(
            [" ".join(text.split()[:2]) for text in entries.all_inner_texts()],
            ["E-guichet Demandez", "Mes démarches"],
        )
        life_events = page.get_by_role("navigation", name="Je trouve")
        audiences = page.get_by_role("navigation", name="Je suis")
        self.assertEqual(life_events.locator("a").count(), 12)
        self.assertEqual(audiences.locator("a").count(), 9)
        for tiles in (life_events, audiences):
            self.assertEqual(tiles.locator("a svg").count(), tiles.locator("a").count())
        self.assertTrue(
            life_events.get_by_role("link", name="Déménagement").is_visible()
        )
        procedures = page.locator(".commune-home-procedures .card")
        self.assertGreaterEqual(procedures.count(), 4)
        self.assertTrue(
            page.get_by_role(
                "link", name="Faire la demande en ligne (Composition de"
            ).first.is_visible()
        )
        self.assertEqual(page.locator(".commune-home-news .card").count(), 4)
        self.assertEqual(page.locator(".commune-home-events .card").count(), 4)
        news_date = page.locator(".commune-home-news time").first.inner_text()
        self.assertRegex(news_date, r"^\d{1,2} [a-zéû]+ \d{4}$")
        self.assertTrue(
            page.locator(".commune-home-contact .opening-status").is_visible()
        )
        self.assert_fits_and_accessible(recorded, viewport["width"])
        screenshot(page, name, full_page=viewport is DESKTOP)
        return page

    def test_home_on_a_desktop(self):
        page = self.check_home(DESKTOP, "accueil-ordinateur")
        # Tiles sit side by side: six or more "Je trouve" tiles on one row.
        tops = page.locator(".commune-home-tiles a").evaluate_all(TOPS)
        self.assertGreaterEqual(tops.count(tops[0]), 6)

    def test_home_on_a_phone_has_big_targets(self):
        page = self.check_home(PHONE, "accueil-telephone")
        self.assert_big_targets(page, HOME_TARGETS)
        # Two tiles a row, not one long list.
        tops = page.locator(".commune-home-tiles a").evaluate_all(TOPS)
        self.assertEqual(tops[0], tops[1])

    def test_search_from_the_hero(self):
        page = self.open(viewport=PHONE).page
        hero = page.locator(".commune-home-hero")
        hero.get_by_label("Que cherchez-vous ?").fill("carte")
        with page.expect_navigation():
            hero.get_by_role("button", name="Rechercher").click()
        self.assertIn("/@@recherche?SearchableText=carte", page.url)
        self.assertIn(
            "Carte d'identité électronique", page.locator("#content").inner_text()
        )

    def test_online_action_opens_the_form(self):
        page = self.open(viewport=PHONE).page
        action = page.get_by_role(
            "link", name="Faire la demande en ligne (Composition de ménage)"
        )
        with page.expect_navigation():
            action.click()
        self.assertEqual(
            page.url, self.layer["site_url"] + "/e-guichet/composition-de-menage"
        )
        self.assertEqual(page.locator("h1").inner_text(), "Composition de ménage")


class TestProcedurePage(PageTest):
    def check_procedure(self, path: str, viewport, name: str = ""):
        before = datetime.now(BRUSSELS)
        recorded = self.open(path, viewport=viewport)
        after = datetime.now(BRUSSELS)
        page = recorded.page
        summary = page.locator(".procedure-summary")
        self.assertEqual(summary.locator("h2").inner_text(), "En bref")
        self.assertEqual(
            summary.locator("dt").all_inner_texts(), ["Coût", "Délai", "Où", "En ligne"]
        )
        self.assertIn(
            "Population et État civil", summary.locator("dd").nth(2).inner_text()
        )
        service = page.locator("aside#procedure-service")
        self.assertIn("Heures d'ouverture", service.inner_text())
        status = service.locator(".opening-status").inner_text()
        population = demo_service("population-etat-civil")
        said_open = "Ouvert actuellement" in status
        self.assertIn(
            said_open, {open_at(population, before), open_at(population, after)}
        )
        # The left column no longer lists the page itself.
        self.assertEqual(page.locator(".portletNavigationTree").count(), 0)
        self.assertEqual(page.locator("#portal-column-one").count(), 0)
        self.assert_fits_and_accessible(recorded, viewport["width"])
        if viewport is PHONE:
            self.assert_big_targets(page, PROCEDURE_TARGETS)
            summary.evaluate('(box) => box.scrollIntoView({behavior: "instant"})')
        if name:
            screenshot(page, name, full_page=viewport is DESKTOP)
        return page

    def test_online_procedure_on_a_desktop_leads_to_the_form(self):
        page = self.check_procedure(
            "/demarches/composition-de-menage", DESKTOP, "demarche-en-ligne"
        )
        # The service sits beside the text on a desktop.
        main = page.locator(".procedure-main").bounding_box()
        aside = page.locator("aside#procedure-service").bounding_box()
        self.assertGreater(aside["x"], main["x"] + main["width"] - 1)
        self.assertLess(aside["y"], main["y"] + 100)
        action = page.locator(".procedure-action a")
        self.assertEqual(action.inner_text(), "Faire la demande en ligne")
        self.assertIn("btn-primary", action.get_attribute("class"))
        with page.expect_navigation():
            action.click()
        self.assertEqual(
            page.url, self.layer["site_url"] + "/e-guichet/composition-de-menage"
        )
        self.assertEqual(page.locator("h1").inner_text(), "Composition de ménage")

    def test_online_procedure_on_a_phone(self):
        page = self.check_procedure("/demarches/composition-de-menage", PHONE)
        action = page.get_by_role("link", name="Faire la demande en ligne")
        with page.expect_navigation():
            action.click()
        self.assertEqual(
            page.url, self.layer["site_url"] + "/e-guichet/composition-de-menage"
        )

    def test_procedure_at_the_counter_points_to_the_service(self):
        page = self.check_procedure(
            "/demarches/domiciliation", PHONE, "demarche-au-guichet-telephone"
        )
        self.assertEqual(
            page.locator(".procedure-summary dd").nth(3).inner_text(),
            "Non, adressez-vous au service.",
        )
        page.get_by_role("link", name="Contacter le service").click()
        page.wait_for_url("**#procedure-service")
        service = page.locator("aside#procedure-service")
        self.assertTrue(
            service.get_by_role("link", name="+32 81 24 63 00").is_visible()
        )
