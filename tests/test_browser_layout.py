"""The site's header and page layout in a real browser, at 1280, 1024 and 390 px."""

from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import LAYOUT_SHIFT
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import DEMO_BROWSER

import unittest


FORM = "/e-guichet/certificat-de-residence"
SMALL_DESKTOP = {"width": 1024, "height": 768}
# The demo commune's sections, as its profile makes them.
SECTIONS = [
    "Accueil",
    "Ma commune",
    "Vie politique",
    "Services",
    "Démarches",
    "Actualités",
    "Agenda",
    "E-guichet",
    "Contact",
]
SECTION_BOXES = """() => {
  const list = document.querySelector("#portal-mainnavigation ul");
  const bar = list.getBoundingClientRect();
  return [...list.querySelectorAll("a")].map(link => {
    const box = link.getBoundingClientRect();
    return {
      text: link.textContent.trim(),
      top: box.top,
      inside: box.left >= bar.left && box.right <= bar.right,
    };
  });
}"""


class LayoutTestCase(unittest.TestCase):
    layer = DEMO_BROWSER
    viewport = DESKTOP

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"], viewport=self.viewport)
        self.page = self.recorded.page
        self.site_url = self.layer["site_url"]

    def tearDown(self):
        self.recorded.close()

    def open(self, path: str = ""):
        response = self.page.goto(self.site_url + path, wait_until="networkidle")
        self.assertEqual(response.status, 200)

    def search_field(self, label: str):
        return self.page.locator("header").get_by_role("searchbox", name=label)

    def layout_shift(self) -> float:
        return self.page.evaluate(LAYOUT_SHIFT)

    def page_width(self) -> int:
        return self.page.evaluate("document.documentElement.scrollWidth")


class TestDesktop(LayoutTestCase):
    def test_main_sections_on_one_row_all_in_sight(self):
        for viewport in (DESKTOP, SMALL_DESKTOP):
            with self.subTest(width=viewport["width"]):
                self.page.set_viewport_size(viewport)
                self.open()
                links = self.page.evaluate(SECTION_BOXES)
                self.assertEqual({link["top"] for link in links}, {links[0]["top"]})
                in_sight = [link["text"] for link in links if link["inside"]]
                self.assertEqual(in_sight[: len(SECTIONS)], SECTIONS)
        self.page.set_viewport_size(DESKTOP)
        screenshot(self.page, "mise-en-page-accueil-1280")

    def test_search_field_labelled_and_no_menu_button(self):
        self.open()
        field = self.search_field("Rechercher sur le site")
        self.assertTrue(field.is_visible())
        self.assertFalse(self.page.get_by_role("button", name="Menu").is_visible())
        field.fill("carte")
        with self.page.expect_navigation():
            field.press("Enter")
        self.assertIn("SearchableText=carte", self.page.url)

    def test_skip_link_is_the_first_stop_and_leads_to_the_content(self):
        self.open()
        self.page.keyboard.press("Tab")
        skip = self.page.get_by_role("link", name="Aller au contenu")
        self.assertTrue(skip.evaluate("link => link === document.activeElement"))
        self.assertTrue(skip.is_visible())
        box = skip.bounding_box()
        self.assertGreaterEqual(box["y"], 0)
        self.page.keyboard.press("Enter")
        focused = self.page.evaluate("document.activeElement.id")
        self.assertEqual(focused, "portal-column-content")

    def test_language_switch_between_the_commune_s_languages(self):
        self.open()
        switch = self.page.get_by_role("navigation", name="Langue")
        self.assertEqual(
            switch.get_by_role("link").all_inner_texts(), ["Français", "Deutsch"]
        )
        with self.page.expect_navigation():
            switch.get_by_role("link", name="Deutsch").click()
        self.assertEqual(self.page.get_attribute("html", "lang"), "de")
        self.assertTrue(self.search_field("Website durchsuchen").is_visible())
        switch = self.page.get_by_role("navigation", name="Sprache")
        with self.page.expect_navigation():
            switch.get_by_role("link", name="Français").click()
        self.assertEqual(self.page.get_attribute("html", "lang"), "fr")

    def test_no_layout_shift_and_no_accessibility_violation(self):
        for path in ("", FORM):
            with self.subTest(page=path or "/"):
                self.open(path)
                self.assertLess(self.layout_shift(), 0.1)
                self.assertEqual(accessibility_violations(self.page), [])
                self.assertLessEqual(self.page_width(), DESKTOP["width"])
        self.assertEqual(self.recorded.errors, [])


class TestPhone(LayoutTestCase):
    viewport = PHONE

    def test_search_field_in_sight_and_labelled(self):
        self.open()
        field = self.search_field("Rechercher sur le site")
        self.assertTrue(field.is_visible())
        self.assertTrue(
            field.evaluate("f => f.getBoundingClientRect().bottom < innerHeight")
        )
        self.assertGreaterEqual(field.bounding_box()["width"], 200)

    def test_menu_button_opens_the_main_sections(self):
        self.open()
        navigation = self.page.get_by_role("navigation", name="Navigation principale")
        self.assertFalse(navigation.is_visible())
        menu = self.page.get_by_role("button", name="Menu")
        self.assertEqual(menu.get_attribute("aria-expanded"), "false")
        menu.click()
        self.assertEqual(menu.get_attribute("aria-expanded"), "true")
        self.assertTrue(navigation.get_by_role("link", name="Démarches").is_visible())
        self.assertLessEqual(self.page_width(), PHONE["width"])
        self.assertEqual(accessibility_violations(self.page), [])
        screenshot(self.page, "mise-en-page-menu-390")
        menu.click()
        self.assertFalse(navigation.is_visible())

    def test_no_sideways_scroll_no_layout_shift_no_violation(self):
        for path in ("", FORM):
            with self.subTest(page=path or "/"):
                self.open(path)
                self.assertLessEqual(self.page_width(), PHONE["width"])
                self.assertLess(self.layout_shift(), 0.1)
                self.assertEqual(accessibility_violations(self.page), [])
        screenshot(self.page, "mise-en-page-formulaire-390")
        self.assertEqual(self.recorded.errors, [])

    def test_without_javascript_the_sections_stay_open(self):
        recorded = RecordedPage(self.layer["browser"], viewport=PHONE, javascript=False)
        self.addCleanup(recorded.close)
        recorded.page.goto(self.site_url)
        navigation = recorded.page.get_by_role(
            "navigation", name="Navigation principale"
        )
        self.assertTrue(navigation.get_by_role("link", name="Démarches").is_visible())
        self.assertFalse(recorded.page.get_by_role("button", name="Menu").is_visible())
