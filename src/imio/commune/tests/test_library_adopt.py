"""A commune that wrote a procedure itself, then subscribes to the library.

Its page and the library's sheet have the same name: the sync does not add a
second page beside it. The commune's page becomes the copy: its own texts
stay, each section where it differs from the library waits for the editor's
review, and its service and online form stay.
"""

from imio.commune.library.copy import adopt_procedure
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import resolve
from imio.commune.library.interfaces import ILibraryCopy
from imio.commune.library.sync import apply_changes
from imio.commune.library.sync import new_row
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.commune.tests.test_library_copy import entry
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite

import transaction
import unittest


LOCAL_COST = "<p>20 euros, 10 euros pour les moins de 12 ans.</p>"


class TestAdoptLocalProcedure(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.roles = api.env.adopt_roles(["Manager"])
        self.roles.__enter__()
        self.folder = self.site["demarches"]
        self.local = api.content.create(
            container=self.folder,
            type="Procedure",
            id="carte-identite",
            title="Carte d'identité (eID)",
        )
        # Same words as the library, the spaces of the editor's widget aside.
        self.local.what_you_get = RichTextValue(
            "<p>Une carte d'identité  électronique.</p>",
            "text/html",
            "text/x-html-safe",
        )
        self.local.cost = RichTextValue(LOCAL_COST, "text/html", "text/x-html-safe")
        self.local.online_form_url = "https://www.example.org/eid"

    def tearDown(self):
        self.roles.__exit__(None, None, None)
        transaction.abort()

    def sync(self, *entries) -> dict:
        row = new_row(self.site)
        apply_changes(self.site, {"sheets": "all"}, "fr", list(entries), row)
        return row

    def test_the_sync_adopts_the_page_instead_of_adding_a_second(self):
        row = self.sync(entry())
        self.assertEqual(sorted(self.folder.objectIds()).count("carte-identite-2"), 0)
        self.assertTrue(ILibraryCopy.providedBy(self.local))
        self.assertEqual((row["créées"], row["à revoir"]), (0, 1))
        state = copy_state(self.local)
        self.assertEqual(state["modes"]["cost"], "override")
        self.assertEqual(state["pending"], {"cost": "<p>25 euros.</p>"})
        self.assertEqual(state["modes"]["what_you_get"], "inherit")
        # An empty section takes the library's text.
        self.assertEqual(state["modes"]["who_may_ask"], "inherit")
        self.assertIn("Tout Belge", self.local.who_may_ask.raw)
        # What the commune wrote stays: cost, title, the external form.
        self.assertEqual(self.local.cost.raw, LOCAL_COST)
        self.assertEqual(self.local.title, "Carte d'identité (eID)")
        self.assertEqual(self.local.online_form_url, "https://www.example.org/eid")
        catalog = api.portal.get_tool("portal_catalog")
        [brain] = catalog(library_review=True)
        self.assertEqual(brain.getId, "carte-identite")

    def test_taking_the_library_text_after_adoption(self):
        self.sync(entry())
        resolve(self.local, "cost", "take")
        self.assertEqual(self.local.cost.raw, "<p>25 euros.</p>")
        self.assertEqual(copy_state(self.local)["pending"], {})
        # The next version of the sheet then reaches the cost.
        self.sync(entry(version=2, cost="<p>30 euros.</p>"))
        self.assertEqual(self.local.cost.raw, "<p>30 euros.</p>")

    def test_a_second_sync_of_the_same_version_changes_nothing(self):
        self.sync(entry())
        row = self.sync(entry())
        self.assertEqual(
            [row[name] for name in ("créées", "mises à jour", "à revoir")], [0, 0, 0]
        )

    def test_other_content_of_that_name_is_not_adopted(self):
        api.content.delete(self.local)
        api.content.create(
            container=self.folder, type="Document", id="carte-identite", title="Note"
        )
        self.sync(entry())
        self.assertIn("carte-identite-2", self.folder.objectIds())
        self.assertFalse(ILibraryCopy.providedBy(self.folder["carte-identite"]))

    def test_adopt_refuses_a_copy(self):
        self.sync(entry())
        with self.assertRaises(ValueError):
            adopt_procedure(self.local, entry())
