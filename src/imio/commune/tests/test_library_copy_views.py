"""The editors' pages of a library copy: notice, review, sections, report."""

from imio.commune.library.copy import apply_entry
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import create_copy
from imio.commune.library.interfaces import ILibraryCopy
from imio.commune.library.copies_browser.review import word_diff
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.tests.test_library_copy import edit
from imio.commune.tests.test_library_copy import entry
from plone import api
from plone.app.testing import SITE_OWNER_NAME
from plone.app.testing import SITE_OWNER_PASSWORD
from zope.component.hooks import setSite

import re
import requests
import transaction
import unittest


def token(page: str) -> str:
    return re.search(r'name="_authenticator"\s+value="([^"]+)"', page).group(1)


class TestWordDiff(unittest.TestCase):
    def test_removed_and_added_words_are_marked_and_escaped(self):
        diff = word_diff(
            "<p>25 euros &amp; plus.</p>",
            "<p>30 euros <b>&lt;cash&gt;</b> plus.</p>",
            "Retiré :",
            "Ajouté :",
        )
        self.assertIn(
            '<del><span class="visually-hidden">Retiré : </span>25</del>', diff
        )
        self.assertIn("<ins>", diff)
        self.assertIn("30", diff)
        self.assertIn("&lt;cash&gt;", diff)
        self.assertNotIn("<b>", diff)


class TestLibraryPages(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            self.copy = create_copy(self.site["demarches"], entry())
            edit(self.copy, cost="<p>Gratuit.</p>", delay="<p>Un jour.</p>")
            apply_entry(
                self.copy,
                entry(2, cost="<p>30 euros.</p>", delay="<p>Trois semaines.</p>"),
            )
        transaction.commit()
        self.url = self.copy.absolute_url()
        self.anonymous = requests.Session()
        self.editor = requests.Session()
        self.editor.auth = (SITE_OWNER_NAME, SITE_OWNER_PASSWORD)

    def test_anonymous_gets_the_login_page(self):
        for url in (
            f"{self.url}/@@library-review",
            f"{self.url}/@@library-sections",
            f"{self.site.absolute_url()}/@@library-report",
        ):
            with self.subTest(url=url):
                response = self.anonymous.get(url)
                self.assertIn("login", response.url)
                self.assertNotIn("Garder le texte local", response.text)
        page = self.anonymous.get(self.url, headers={"Accept-Language": "fr"}).text
        self.assertNotIn("library-notice", page)
        forged = self.anonymous.post(
            f"{self.url}/@@library-review", data={"section": "cost", "choice": "take"}
        )
        self.assertNotEqual(forged.status_code, 500)
        transaction.begin()
        self.assertIn("cost", copy_state(self.copy)["pending"])

    def test_editor_reviews_keeps_and_takes(self):
        page = self.editor.get(self.url, headers={"Accept-Language": "fr"}).text
        self.assertIn("Fiche de la bibliothèque (version 2)", page)
        self.assertIn("À revoir", page)
        section = self.editor.get(
            f"{self.site.absolute_url()}/demarches", headers={"Accept-Language": "fr"}
        ).text
        self.assertIn("Fiches de la bibliothèque à revoir : 1", section)
        self.assertIn(f"{self.site.absolute_url()}/@@library-report", section)
        self.assertNotIn(
            "library-to-review",
            self.anonymous.get(f"{self.site.absolute_url()}/demarches").text,
        )
        report = self.editor.get(
            f"{self.site.absolute_url()}/@@library-report",
            headers={"Accept-Language": "fr"},
        ).text
        self.assertIn(
            "Carte d&#x27;identité électronique", report.replace("'", "&#x27;")
        )
        self.assertIn("@@library-review", report)
        review = self.editor.get(
            f"{self.url}/@@library-review", headers={"Accept-Language": "fr"}
        )
        self.assertEqual(review.status_code, 200)
        self.assertIn("Garder le texte local", review.text)
        self.assertIn("<ins>", review.text)
        # Without the authenticator, nothing changes.
        refused = self.editor.post(
            f"{self.url}/@@library-review", data={"section": "cost", "choice": "take"}
        )
        self.assertEqual(refused.status_code, 403)
        authenticator = token(review.text)
        bad = self.editor.post(
            f"{self.url}/@@library-review",
            data={
                "section": "title",
                "choice": "take",
                "_authenticator": authenticator,
            },
        )
        self.assertEqual(bad.status_code, 400)
        for section, choice in (("cost", "keep"), ("delay", "take")):
            self.editor.post(
                f"{self.url}/@@library-review",
                data={
                    "section": section,
                    "choice": choice,
                    "_authenticator": authenticator,
                },
            )
        transaction.begin()
        state = copy_state(self.copy)
        self.assertEqual(state["pending"], {})
        self.assertEqual(self.copy.cost.raw, "<p>Gratuit.</p>")
        self.assertEqual(self.copy.delay.raw, "<p>Trois semaines.</p>")
        self.assertEqual(state["modes"]["delay"], "inherit")

    def test_editor_completes_a_section(self):
        form = self.editor.get(f"{self.url}/@@library-sections").text
        data = {
            f"mode.{row}": mode for row, mode in copy_state(self.copy)["modes"].items()
        }
        data["mode.how_to_proceed"] = "append"
        data["note.how_to_proceed"] = "Le mercredi jusqu'à 19 h <script>x</script>"
        data["_authenticator"] = token(form)
        self.editor.post(f"{self.url}/@@library-sections", data=data)
        transaction.begin()
        self.assertEqual(copy_state(self.copy)["modes"]["how_to_proceed"], "append")
        self.assertIn(
            "<p>Le mercredi jusqu&#x27;à 19 h &lt;script&gt;x&lt;/script&gt;</p>",
            self.copy.how_to_proceed.raw,
        )
        data["mode.cost"] = "bogus"
        response = self.editor.post(f"{self.url}/@@library-sections", data=data)
        self.assertEqual(response.status_code, 400)

    def test_withdrawn_sheet_becomes_a_local_procedure(self):
        with api.env.adopt_roles(["Manager"]):
            apply_entry(self.copy, {"key": "carte-identite", "withdrawn": True})
        transaction.commit()
        review = self.editor.get(
            f"{self.url}/@@library-review", headers={"Accept-Language": "fr"}
        ).text
        self.assertIn("Cette fiche a été retirée de la bibliothèque", review)
        self.editor.post(
            f"{self.url}/@@library-review",
            data={"detach": "1", "_authenticator": token(review)},
        )
        transaction.begin()
        self.assertFalse(ILibraryCopy.providedBy(self.copy))
