"""The commune's logo, name and favicon in every page; never Plone's logo."""

from imio.website.browser.branding import image_size
from imio.website.browser.branding import initials
from imio.website.browser.branding import mark_svg
from imio.website.browser.branding import site_logo
from imio.website.interfaces import IImioWebsiteLayer
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import read_in
from plone import api
from plone.formwidget.namedfile.converter import b64encode_file
from zope.interface import alsoProvides

import io
import lxml.etree
import lxml.html
import PIL.Image
import requests
import transaction
import unittest


def png(width: int, height: int) -> bytes:
    output = io.BytesIO()
    PIL.Image.new("RGB", (width, height), "#7a1f2b").save(output, "PNG")
    return output.getvalue()


SHIELD = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 240 80">'
    b'<rect width="240" height="80" fill="#7a1f2b"/></svg>'
)


class TestMark(unittest.TestCase):
    def test_initials_leave_out_what_the_commune_is(self):
        self.assertEqual(initials("Ville de Namur"), "N")
        self.assertEqual(initials("Commune de Gesves"), "G")
        self.assertEqual(initials("Commune d'Ohey"), "O")
        self.assertEqual(initials("Ville de Braine-l'Alleud"), "BA")
        self.assertEqual(initials("Gemeinde Bütgenbach"), "B")
        self.assertEqual(initials("Écaussinnes"), "E")

    def test_mark_in_the_communes_colour_with_white_initials(self):
        svg = lxml.etree.fromstring(mark_svg("Ville de Namur", "#7a1f2b").encode())
        ns = {"svg": "http://www.w3.org/2000/svg"}
        [shield] = svg.xpath("//svg:path", namespaces=ns)
        [text] = svg.xpath("//svg:text", namespaces=ns)
        self.assertEqual(shield.get("fill"), "#7a1f2b")
        self.assertEqual((text.text, text.get("fill")), ("N", "#ffffff"))

    def test_mark_without_a_readable_colour_takes_the_theme_s(self):
        self.assertIn('fill="#005a85"', mark_svg("Commune de Gesves", None))
        self.assertIn('fill="#005a85"', mark_svg("Commune de Gesves", "red"))
        # White initials would reach 1.5:1 on this yellow.
        self.assertIn('fill="#005a85"', mark_svg("Commune de Gesves", "#ffcc00"))


class TestImageSize(unittest.TestCase):
    def test_png(self):
        self.assertEqual(image_size("logo.png", png(300, 100)), (300, 100))

    def test_svg_view_box_or_size(self):
        self.assertEqual(image_size("logo.svg", SHIELD), (240, 80))
        sized = b'<svg width="120px" height="60" viewBox="0 0 10 5"></svg>'
        self.assertEqual(image_size("logo.svg", sized), (120, 60))

    def test_unreadable(self):
        self.assertIsNone(image_size("logo.png", b"GIF89a"))
        self.assertIsNone(image_size("logo.svg", b"<html></html>"))
        self.assertIsNone(image_size("logo.svg", b'<svg width="100%"></svg>'))

    def test_logo_shown_56_px_high(self):
        logo = site_logo(b64encode_file("Logo de Namur.svg", SHIELD))
        self.assertEqual(
            logo,
            {
                "filename": "Logo de Namur.svg",
                "type": "image/svg+xml",
                "width": 168,
                "height": 56,
            },
        )


class TestHeaderBrand(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        alsoProvides(self.request, IImioWebsiteLayer)
        read_in("fr", self.request)
        api.portal.set_registry_record("plone.site_title", "Ville de Namur")

    def page(self):
        return lxml.html.fromstring(self.portal.restrictedTraverse("@@search")())

    def test_generated_mark_and_name_without_a_logo(self):
        tree = self.page()
        [link] = tree.cssselect("header .site-brand a")
        self.assertEqual(link.get("href"), "http://nohost/plone")
        [image] = link.cssselect("img")
        self.assertEqual(image.get("src"), "http://nohost/plone/@@commune-mark.svg")
        self.assertEqual(image.get("alt"), "Ville de Namur")
        self.assertEqual((image.get("width"), image.get("height")), ("56", "56"))
        self.assertEqual(link.text_content(), "Ville de Namur")
        [icon] = tree.cssselect("link[rel=icon]")
        self.assertEqual(icon.get("href"), "http://nohost/plone/@@commune-mark.svg")
        self.assertEqual(icon.get("type"), "image/svg+xml")
        self.assertNotIn("plone-logo", lxml.html.tostring(tree).decode())

    def test_mark_served_in_the_communes_colour(self):
        mark = self.portal.restrictedTraverse("@@commune-mark.svg")()
        self.assertIn(">N</text>", mark)
        self.assertEqual(
            self.request.response.getHeader("Content-Type"), "image/svg+xml"
        )
        favicon = self.portal.restrictedTraverse("favicon.ico")()
        self.assertEqual(favicon, mark)

    def test_the_communes_logo(self):
        api.portal.set_registry_record(
            "plone.site_logo", b64encode_file("Logo Namur été.png", png(300, 100))
        )
        tree = self.page()
        [image] = tree.cssselect("header .site-brand img")
        self.assertEqual(
            image.get("src"),
            "http://nohost/plone/@@site-logo/Logo%20Namur%20%C3%A9t%C3%A9.png",
        )
        self.assertEqual((image.get("width"), image.get("height")), ("168", "56"))
        [icon] = tree.cssselect("link[rel=icon]")
        self.assertEqual(icon.get("href"), image.get("src"))
        self.assertEqual(icon.get("type"), "image/png")
        self.assertEqual(self.portal.restrictedTraverse("favicon.ico")(), png(300, 100))

    def test_a_favicon_chosen_in_the_site_settings_stays(self):
        api.portal.set_registry_record(
            "plone.site_favicon", b64encode_file("commune.ico", b"\x00\x00\x01\x00")
        )
        tree = self.page()
        icons = tree.cssselect("link[rel=icon]")
        self.assertEqual(
            icons[0].get("href"), "http://nohost/plone/favicon.ico?name=commune.ico"
        )


class TestServedLogo(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_the_header_s_logo_and_favicon_are_served(self):
        portal = self.layer["portal"]
        api.portal.set_registry_record(
            "plone.site_logo", b64encode_file("Logo Namur été.svg", SHIELD)
        )
        transaction.commit()
        page = lxml.html.fromstring(
            requests.get(portal.absolute_url(), timeout=30).text
        )
        [logo] = page.cssselect("header .site-brand img")
        [icon] = page.cssselect("link[rel=icon]")
        for url in (logo.get("src"), icon.get("href")):
            with self.subTest(url=url):
                served = requests.get(url, timeout=30)
                self.assertEqual(served.status_code, 200)
                self.assertEqual(served.headers["Content-Type"], "image/svg+xml")
                self.assertEqual(served.content, SHIELD)

    def test_pages_shared_on_social_networks_show_the_communes_mark(self):
        portal = self.layer["portal"]
        api.portal.set_registry_record("plone.share_social_data", True)
        transaction.commit()
        text = requests.get(portal.absolute_url(), timeout=30).text
        self.assertNotIn("plone-logo", text)
        page = lxml.html.fromstring(text)
        [image] = page.cssselect("meta[property='og:image']")
        self.assertEqual(
            image.get("content"), f"{portal.absolute_url()}/@@commune-mark.svg"
        )
        [kind] = page.cssselect("meta[property='og:image:type']")
        self.assertEqual(kind.get("content"), "image/svg+xml")

    def test_a_shared_page_s_title_is_written_once(self):
        """An apostrophe or an ampersand reaches the social network as typed."""
        portal = self.layer["portal"]
        api.portal.set_registry_record("plone.share_social_data", True)
        with api.env.adopt_roles(["Manager"]):
            page = api.content.create(
                container=portal,
                type="Document",
                id="travaux",
                title="Travaux place d'Armes & rue de Fer",
            )
            api.content.transition(page, to_state="published")
        transaction.commit()
        tree = lxml.html.fromstring(requests.get(page.absolute_url(), timeout=30).text)
        titles = [tag.get("content") for tag in tree.cssselect("[property='og:title']")]
        self.assertEqual(titles, ["Travaux place d'Armes & rue de Fer"])

    def test_the_site_logo_without_a_logo_is_not_found(self):
        portal = self.layer["portal"]
        for url in ("@@site-logo", "@@site-logo/logo.png"):
            with self.subTest(url=url):
                served = requests.get(
                    f"{portal.absolute_url()}/{url}",
                    headers={"Accept": "*/*"},
                    timeout=30,
                )
                self.assertEqual(served.status_code, 404)
                self.assertIn("Page introuvable", served.text)
