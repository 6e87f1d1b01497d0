"""What the browser downloads: visitors' pages without Plone's scripts.

A visitor's home and procedure pages load no script file, four style sheets
and the site's own fonts (nothing from another server), and still work on a
390 px phone (the Menu button, the search). Pages with patterns (an e-guichet
form) load Plone's scripts, deferred, and their widgets work; a signed-in
editor keeps the toolbar and the rich text editor.
"""

from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.test_browser_editor import EDITOR
from tests.test_browser_editor import SITE_EDITOR

import io
import PIL.Image
import unittest


PROCEDURE = "/demarches/domiciliation"
FORM = "/e-guichet/extrait-acte"
REPORT_FORM = "/e-guichet/signalement-voirie"
PLONE_BUNDLE = "++plone++static/bundle-plone/"
DEFERRED = "document.querySelector('script[data-bundle=plone]').defer"


class ResourcesTestCase(unittest.TestCase):
    layer = SITE_EDITOR

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"], viewport=PHONE)
        self.page = self.recorded.page
        self.site_url = self.layer["site_url"]
        self.requested = []
        self.page.on("request", lambda request: self.requested.append(request))

    def tearDown(self):
        self.recorded.close()

    def open(self, path: str = ""):
        self.requested.clear()
        response = self.page.goto(self.site_url + path, wait_until="networkidle")
        self.assertEqual(response.status, 200)

    def files(self, resource_type: str) -> list[str]:
        return [
            request.url
            for request in self.requested
            if request.resource_type == resource_type
        ]


class TestVisitor(ResourcesTestCase):
    def test_home_and_procedure_load_no_script_and_four_style_sheets(self):
        for path in ("", PROCEDURE):
            with self.subTest(page=path or "/"):
                self.open(path)
                self.assertEqual(self.files("script"), [])
                self.assertEqual(len(self.files("stylesheet")), 4)
                self.assertEqual(self.files("xhr") + self.files("fetch"), [])
                # Fonts served by the site, cut to the Latin alphabet.
                fonts = self.files("font")
                self.assertTrue(fonts)
                for url in fonts:
                    self.assertIn("/fonts/roboto-latin-", url)
                for request in self.requested:
                    self.assertTrue(request.url.startswith(self.site_url), request.url)
        self.assertEqual(self.recorded.errors, [])

    def test_menu_button_and_search_on_a_phone(self):
        self.open(PROCEDURE)
        navigation = self.page.get_by_role("navigation", name="Navigation principale")
        self.assertFalse(navigation.is_visible())
        menu = self.page.get_by_role("button", name="Menu")
        menu.click()
        self.assertEqual(menu.get_attribute("aria-expanded"), "true")
        self.assertTrue(navigation.get_by_role("link", name="Démarches").is_visible())
        menu.click()
        self.assertFalse(navigation.is_visible())
        search = self.page.locator("header").get_by_role(
            "searchbox", name="Rechercher sur le site"
        )
        search.fill("domiciliation")
        with self.page.expect_navigation():
            search.press("Enter")
        self.assertIn("SearchableText=domiciliation", self.page.url)
        self.assertTrue(
            self.page
            .locator("#content")
            .get_by_role("link", name="Domiciliation")
            .first.is_visible()
        )
        self.assertEqual(self.files("script"), [])
        self.assertEqual(self.recorded.errors, [])

    def test_e_guichet_form_keeps_its_widgets(self):
        self.open(FORM)
        self.assertTrue(any(PLONE_BUNDLE in url for url in self.files("script")))
        # Run once the page is parsed: it holds back no paint.
        self.assertTrue(self.page.evaluate(DEFERRED))
        date = self.page.get_by_label("Date de la naissance, du mariage ou du décès")
        # Plone's date picker pattern turns the text field into a date field.
        self.assertEqual(date.get_attribute("type"), "date")
        date.fill("1985-07-30")
        self.assertEqual(date.input_value(), "1985-07-30")
        self.assertEqual(self.recorded.errors, [])

    def test_e_guichet_form_takes_a_photo(self):
        self.open(REPORT_FORM)
        self.assertTrue(self.page.evaluate(DEFERRED))
        photo = io.BytesIO()
        PIL.Image.new("RGB", (640, 480), (120, 110, 100)).save(photo, "JPEG")
        field = self.page.get_by_label("Photo")
        field.set_input_files(
            files=[
                {
                    "name": "nid-de-poule.jpg",
                    "mimeType": "image/jpeg",
                    "buffer": photo.getvalue(),
                }
            ]
        )
        self.assertEqual(
            field.evaluate("input => [...input.files].map(file => file.name)"),
            ["nid-de-poule.jpg"],
        )
        self.assertEqual(self.recorded.errors, [])


class TestEditor(ResourcesTestCase):
    def log_in(self):
        self.page.goto(f"{self.site_url}/login")
        self.page.get_by_label("Identifiant").fill(EDITOR)
        self.page.get_by_label("Mot de passe").fill(self.layer["editor_password"])
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Se connecter").click()

    def test_editor_keeps_the_toolbar_and_the_rich_text_editor(self):
        self.page.set_viewport_size({"width": 1280, "height": 900})
        self.log_in()
        self.open(PROCEDURE)
        self.assertTrue(any(PLONE_BUNDLE in url for url in self.files("script")))
        self.assertTrue(self.page.locator("#edit-zone").is_visible())
        self.open(f"{PROCEDURE}/edit")
        editor = self.page.frame_locator("#formfield-form-widgets-cost iframe")
        editor.locator("body").fill("Gratuit.")
        self.assertEqual(editor.locator("body").inner_text(), "Gratuit.")
