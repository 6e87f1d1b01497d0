"""Scripts and style sheets: visitors get Plone's scripts only where used."""

from imio.website.browser.theme.resources import without_unused_bundles
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import lxml.html
import transaction
import unittest


def bundles(page: str) -> dict[str, list[str]]:
    """The bundles a page asks the browser to load, scripts and style sheets.

    A script run once the page is parsed is marked "(defer)".
    """
    document = lxml.html.document_fromstring(page)
    return {
        "scripts": [
            (script.get("data-bundle") or script.get("src"))
            + (" (defer)" if script.get("defer") is not None else "")
            for script in document.iter("script")
            if script.get("src")
        ],
        "styles": [
            link.get("data-bundle")
            for link in document.iter("link")
            if link.get("rel") == "stylesheet"
        ],
    }


class TestPageBundles(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def setUp(self):
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        portal.setLayout("commune-home")
        page = api.content.create(
            portal,
            "Document",
            id="stationnement",
            title="Stationnement",
            text=html("<p>La carte de riverain se demande au service mobilité.</p>"),
        )
        tabs = api.content.create(
            portal,
            "Document",
            id="horaires",
            title="Horaires",
            text=html(
                '<div class="pat-autotoc"><h2>Été</h2><p>9 h - 12 h</p>'
                "<h2>Hiver</h2><p>9 h - 16 h</p></div>"
            ),
        )
        for item in (page, tabs):
            api.content.transition(item, "publish")
        transaction.commit()
        self.portal_url = portal.absolute_url()

    def read(self, path: str = "", manager: bool = False) -> dict[str, list[str]]:
        response = browser(manager=manager).get(self.portal_url + path, timeout=30)
        self.assertEqual(response.status_code, 200, path)
        return bundles(response.text)

    def test_visitor_s_pages_without_patterns_load_no_script(self):
        for path in ("", "/stationnement", "/@@search"):
            with self.subTest(page=path or "/"):
                loaded = self.read(path)
                self.assertEqual(loaded["scripts"], [])
                self.assertEqual(
                    loaded["styles"][-3:],
                    ["imio-website-base", "imio-website", "imio-website-layout"],
                )
                self.assertNotIn("plone-fullscreen", loaded["styles"])

    def test_visitor_s_page_with_a_pattern_loads_plone_s_scripts_deferred(self):
        self.assertEqual(self.read("/horaires")["scripts"], ["plone (defer)"])
        self.assertEqual(self.read("/login")["scripts"], ["plone (defer)"])

    def test_signed_in_users_keep_every_bundle(self):
        loaded = self.read("/stationnement", manager=True)
        self.assertIn("plone", loaded["scripts"])
        self.assertIn("plone-fullscreen", loaded["scripts"])
        self.assertIn("plone-fullscreen", loaded["styles"])


PAGE = b"""<!DOCTYPE html>
<html><head>
<script data-bundle="plone-fullscreen" src="fullscreen.js"></script>
<script data-bundle="plone" integrity="sha384-x" src="bundle.min.js"></script>
<link data-bundle="imio-website" href="website.css" rel="stylesheet">
<link data-bundle="plone-fullscreen" href="fullscreen.css" rel="stylesheet">
</head>
<body class="userrole-anonymous" data-pat-plone-modal="{}" data-pat-pickadate="{}">
%s
</body></html>"""


class TestUnusedBundles(unittest.TestCase):
    def test_page_without_pattern(self):
        page = without_unused_bundles(PAGE % b'<p class="lead">Bienvenue</p>')
        self.assertNotIn(b"<script", page)
        self.assertNotIn(b"fullscreen.css", page)
        self.assertIn(b'href="website.css"', page)
        self.assertIn(b'<p class="lead">Bienvenue</p>', page)

    def test_pattern_or_bootstrap_component_keeps_plone_s_bundle_deferred(self):
        for body in (
            b'<a class="link pat-plone-modal" href="contact-info">Contact</a>',
            b"<form class='pat-validation'></form>",
            b'<button data-bs-toggle="collapse" data-bs-target="#plus">Plus</button>',
        ):
            with self.subTest(body=body):
                page = without_unused_bundles(PAGE % body)
                self.assertIn(
                    b'<script defer data-bundle="plone" integrity="sha384-x"'
                    b' src="bundle.min.js"></script>',
                    page,
                )
                self.assertNotIn(b"fullscreen", page)

    def test_inline_script_calling_the_bundle_keeps_it_blocking(self):
        page = without_unused_bundles(
            PAGE % b'<form class="pat-validation"></form>'
            b'<script>jQuery(".carte").hide();</script>'
        )
        self.assertIn(b'<script data-bundle="plone" integrity', page)
        self.assertNotIn(b"fullscreen", page)

    def test_words_about_patterns_are_not_patterns(self):
        page = without_unused_bundles(PAGE % b"<p>class=pat-autotoc, data-bs</p>")
        self.assertNotIn(b"<script", page)

    def test_page_without_bundles_is_left_alone(self):
        self.assertIsNone(without_unused_bundles(b"<html><body></body></html>"))
        self.assertIsNone(without_unused_bundles(b"%PDF-1.7"))
