"""The commune's brand and footer in a real browser, at 1280 and 390 px."""

from tests.browser import accessibility_violations
from tests.test_browser_layout import LayoutTestCase
from tests.browser import PHONE
from tests.browser import screenshot


PAGES = ("", "/demarches/domiciliation", "/e-guichet/certificat-de-residence")
# Any image or icon of Plone's: its logo, its favicon.
PLONE_IMAGES = """() => [...document.querySelectorAll(
    "img, svg image, link[rel~=icon], use"
  )].map(node => node.getAttribute("src") || node.getAttribute("href") || "")
   .filter(address => /plone-logo|logo\\.svg|favicon\\.ico$/.test(address))"""
TO_THE_BOTTOM = "window.scrollTo(0, document.documentElement.scrollHeight)"
SECTIONS = """() => [...document.querySelectorAll("#portal-mainnavigation a")]
  .map(link => link.textContent.trim())"""


class BrandTestCase(LayoutTestCase):
    def assert_brand_and_footer(self):
        brand = self.page.locator("header .site-brand")
        logo = brand.get_by_role("img", name="Ville de Namur")
        self.assertTrue(logo.is_visible())
        self.assertTrue(
            logo.evaluate("image => image.complete && image.naturalWidth > 0")
        )
        self.assertTrue(brand.get_by_text("Ville de Namur").is_visible())
        self.assertEqual(
            brand.get_by_role("link", name="Ville de Namur").get_attribute("href"),
            self.site_url,
        )
        self.assertEqual(self.page.evaluate(PLONE_IMAGES), [])
        body = self.page.locator("body").inner_text()
        self.assertNotIn("Powered by Plone", body)
        self.assertNotIn("Plone", self.page.locator("footer").last.inner_text())
        self.assertLessEqual(
            self.page.evaluate("document.documentElement.scrollWidth"),
            self.viewport["width"],
        )
        self.assertEqual(accessibility_violations(self.page), [])


class TestDesktop(BrandTestCase):
    def test_public_pages_show_the_commune_and_its_footer(self):
        self.open()
        self.assert_brand_and_footer()
        footer = self.page.locator("footer#portal-footer-wrapper")
        self.assertIn("Esplanade de l'Hôtel de Ville 1", footer.inner_text())
        self.assertTrue(footer.get_by_role("link", name="+32 81 24 60 00").is_visible())
        self.assertTrue(
            footer.get_by_role("link", name="info@ville.namur.be").is_visible()
        )
        status = footer.locator(".site-footer-status").inner_text()
        self.assertIn(status, ("Ouvert actuellement", "Fermé actuellement"))
        self.assertTrue(
            footer
            .get_by_role("link", name="Voir sur la carte (OpenStreetMap)")
            .get_attribute("href")
            .startswith("https://www.openstreetmap.org/")
        )
        self.assertEqual(
            footer
            .get_by_role("navigation", name="Informations légales")
            .get_by_role("link")
            .all_inner_texts(),
            [
                "Plan du site",
                "Contact",
                "Déclaration d'accessibilité",
                "Vie privée et protection des données",
                "Cookies",
                "Mentions légales",
            ],
        )
        self.assertEqual(
            footer.locator(".site-footer-social a").all_inner_texts(),
            ["Facebook", "Instagram"],
        )
        sections = self.page.evaluate(SECTIONS)
        for legal in ("Déclaration d'accessibilité", "Cookies", "Mentions légales"):
            self.assertNotIn(legal, sections)
        screenshot(self.page, "identite-en-tete-1280")
        self.page.evaluate(TO_THE_BOTTOM)
        screenshot(self.page, "identite-pied-de-page-1280")

    def test_procedure_and_form_pages(self):
        for path in PAGES[1:]:
            with self.subTest(page=path):
                self.open(path)
                self.assert_brand_and_footer()
        self.assertEqual(self.recorded.errors, [])

    def test_in_german(self):
        self.open("?set_language=de")
        footer = self.page.locator("footer#portal-footer-wrapper")
        self.assertEqual(
            footer.get_by_role("heading").all_inner_texts()[1:],
            ["Öffnungszeiten", "Folgen Sie uns"],
        )
        legal = footer.get_by_role("navigation", name="Rechtliche Hinweise")
        self.assertEqual(
            legal.get_by_role("link").all_inner_texts()[2:],
            ["Erklärung zur Barrierefreiheit", "Datenschutz", "Cookies", "Impressum"],
        )
        self.assertEqual(accessibility_violations(self.page), [])

    def test_the_legal_notice_opens_from_the_footer(self):
        self.open()
        with self.page.expect_navigation():
            self.page.locator("footer").get_by_role(
                "link", name="Mentions légales"
            ).click()
        self.assertTrue(self.page.url.endswith("/mentions-legales"))
        self.assertEqual(
            self.page.locator("main h1").inner_text().strip(), "Mentions légales"
        )


class TestPhone(BrandTestCase):
    viewport = PHONE

    def test_every_page_type_on_a_phone(self):
        for path in PAGES:
            with self.subTest(page=path or "/"):
                self.open(path)
                self.assert_brand_and_footer()
        self.open()
        screenshot(self.page, "identite-en-tete-390")
        self.page.evaluate(TO_THE_BOTTOM)
        screenshot(self.page, "identite-pied-de-page-390")
        self.assertEqual(self.recorded.errors, [])
