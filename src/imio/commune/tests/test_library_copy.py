"""A commune's copy of a library sheet: inherit, override, append, review."""

from imio.commune.library.copy import apply_entry
from imio.commune.library.copy import copy_state
from imio.commune.library.copy import create_copy
from imio.commune.library.copy import detach
from imio.commune.library.copy import resolve
from imio.commune.library.copy import sections_view
from imio.commune.library.copy import set_mode
from imio.commune.library.interfaces import ILibraryCopy
from imio.commune.testing import COMMUNE_SITE_ID
from imio.commune.testing import IMIO_COMMUNE_INTEGRATION_TESTING
from imio.website.content.procedure.content import SECTIONS
from plone import api
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import copy
import transaction
import unittest


def entry(version=1, **sections) -> dict:
    """A feed entry of the library, as its change feed gives it."""
    texts = dict.fromkeys(SECTIONS, "")
    texts.update(
        what_you_get="<p>Une carte d'identité électronique.</p>",
        who_may_ask="<p>Tout Belge inscrit dans la commune.</p>",
        how_to_proceed="<p>Présentez-vous au guichet de la population.</p>",
        cost="<p>25 euros.</p>",
    )
    texts.update(sections)
    return {
        "key": "carte-identite",
        "language": "fr",
        "version": version,
        "withdrawn": False,
        "uid": "0123456789abcdef0123456789abcdef",
        "url": "http://127.0.0.1:8080/bibliotheque/fr/carte-identite",
        "title": "Carte d'identité électronique",
        "description": "Demander ou renouveler sa carte d'identité.",
        "sections": texts,
        "topics": [],
        "life_events": [],
        "audiences": [],
        "modified": "2026-12-01T10:00:00+00:00",
    }


def edit(obj, **sections) -> None:
    """What the edit form does: set fields, then notify the change."""
    for name, html in sections.items():
        setattr(obj, name, RichTextValue(html, "text/html", "text/x-html-safe"))
    notify(ObjectModifiedEvent(obj))


class TestLibraryCopy(unittest.TestCase):
    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def setUp(self):
        self.site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(self.site)
        self.roles = api.env.adopt_roles(["Manager"])
        self.roles.__enter__()
        self.folder = self.site["demarches"]
        self.copy = create_copy(self.folder, entry())

    def tearDown(self):
        self.roles.__exit__(None, None, None)

    def review_flags(self) -> list:
        brains = api.content.find(UID=self.copy.UID())
        return [brain.library_review for brain in brains]

    def test_create_from_a_feed_entry(self):
        obj = self.copy
        self.assertEqual(obj.getId(), "carte-identite")
        self.assertTrue(ILibraryCopy.providedBy(obj))
        self.assertEqual(api.content.get_state(obj), "published")
        self.assertEqual(obj.title, "Carte d'identité électronique")
        self.assertEqual(obj.cost.raw, "<p>25 euros.</p>")
        self.assertIsNone(obj.delay)
        state = copy_state(obj)
        self.assertEqual(state["version"], 1)
        self.assertEqual(set(state["modes"].values()), {"inherit"})
        self.assertEqual(state["pending"], {})
        self.assertFalse(state["withdrawn"])
        self.assertEqual(self.review_flags(), [False])
        self.assertEqual(
            [row["mode"] for row in sections_view(obj)], ["inherit"] * len(SECTIONS)
        )
        self.assertIsNone(copy_state(self.folder))

    def test_a_local_procedure_keeps_its_id(self):
        second = create_copy(self.folder, dict(entry(), key="carte-identite"))
        self.assertEqual(second.getId(), "carte-identite-2")

    def test_inherited_section_follows_a_new_entry(self):
        result = apply_entry(self.copy, entry(2, cost="<p>30 euros.</p>"))
        self.assertEqual(result, "updated")
        self.assertEqual(self.copy.cost.raw, "<p>30 euros.</p>")
        self.assertEqual(copy_state(self.copy)["version"], 2)
        self.assertEqual(self.review_flags(), [False])

    def test_overridden_section_is_kept_and_flagged(self):
        edit(self.copy, cost="<p>Gratuit pour les moins de 12 ans.</p>")
        self.assertEqual(copy_state(self.copy)["modes"]["cost"], "override")
        result = apply_entry(
            self.copy,
            entry(2, cost="<p>30 euros.</p>", delay="<p>Trois semaines.</p>"),
        )
        self.assertEqual(result, "flagged")
        self.assertEqual(self.copy.cost.raw, "<p>Gratuit pour les moins de 12 ans.</p>")
        self.assertEqual(self.copy.delay.raw, "<p>Trois semaines.</p>")
        self.assertEqual(copy_state(self.copy)["pending"], {"cost": "<p>30 euros.</p>"})
        self.assertEqual(self.review_flags(), [True])
        pending = [row["name"] for row in sections_view(self.copy) if row["pending"]]
        self.assertEqual(pending, ["cost"])

    def test_append_keeps_the_note_after_the_new_master_text(self):
        note = "<p>À Gesves : le mercredi jusqu'à 19 h.</p>"
        set_mode(self.copy, "how_to_proceed", "append", note=note)
        self.assertEqual(
            self.copy.how_to_proceed.raw,
            "<p>Présentez-vous au guichet de la population.</p>" + note,
        )
        apply_entry(self.copy, entry(2, how_to_proceed="<p>Prenez rendez-vous.</p>"))
        self.assertEqual(
            self.copy.how_to_proceed.raw, "<p>Prenez rendez-vous.</p>" + note
        )
        self.assertEqual(copy_state(self.copy)["modes"]["how_to_proceed"], "append")

    def test_editing_the_note_of_an_appended_section_keeps_append(self):
        set_mode(self.copy, "cost", "append", note="<p>Ancienne note.</p>")
        edit(self.copy, cost="<p>25 euros.</p><p>Nouvelle note.</p>")
        state = copy_state(self.copy)
        self.assertEqual(state["modes"]["cost"], "append")
        self.assertEqual(state["notes"]["cost"], "<p>Nouvelle note.</p>")

    def test_withdrawn_entry_flags_and_never_deletes(self):
        gone = {"key": "carte-identite", "language": "fr", "withdrawn": True}
        self.assertEqual(apply_entry(self.copy, gone), "withdrawn")
        self.assertIn("carte-identite", self.folder)
        self.assertTrue(copy_state(self.copy)["withdrawn"])
        self.assertEqual(self.copy.cost.raw, "<p>25 euros.</p>")
        self.assertEqual(self.review_flags(), [True])
        self.assertEqual(apply_entry(self.copy, gone), "unchanged")

    def test_editors_edit_turns_a_section_to_override_and_back(self):
        edit(self.copy, who_may_ask="<p>Tout habitant de Gesves.</p>")
        self.assertEqual(copy_state(self.copy)["modes"]["who_may_ask"], "override")
        self.assertEqual(copy_state(self.copy)["modes"]["cost"], "inherit")
        # Spaces, entities and <br /> as a rich text widget writes them back
        # are not an edit.
        edit(
            self.copy,
            who_may_ask="<p>Tout Belge inscrit dans la commune.</p>\n",
            cost="<p>25&nbsp;euros.</p>\n",
        )
        self.assertEqual(copy_state(self.copy)["modes"]["who_may_ask"], "inherit")
        self.assertEqual(copy_state(self.copy)["modes"]["cost"], "inherit")

    def test_editors_title_is_kept_the_librarys_followed_otherwise(self):
        self.copy.title = "Carte d'identité (eID)"
        notify(ObjectModifiedEvent(self.copy))
        changed = dict(entry(2), title="Carte eID", description="Nouvelle.")
        apply_entry(self.copy, changed)
        self.assertEqual(self.copy.title, "Carte d'identité (eID)")
        self.assertEqual(self.copy.description, "Nouvelle.")

    def test_resolve_keep(self):
        edit(self.copy, cost="<p>Gratuit.</p>")
        apply_entry(self.copy, entry(2, cost="<p>30 euros.</p>"))
        resolve(self.copy, "cost", "keep")
        state = copy_state(self.copy)
        self.assertEqual(state["pending"], {})
        self.assertEqual(state["modes"]["cost"], "override")
        self.assertEqual(self.copy.cost.raw, "<p>Gratuit.</p>")
        self.assertEqual(self.review_flags(), [False])
        # The same library text does not flag the section again.
        apply_entry(self.copy, entry(3, cost="<p>30 euros.</p>"))
        self.assertEqual(copy_state(self.copy)["pending"], {})

    def test_resolve_take(self):
        edit(self.copy, cost="<p>Gratuit.</p>")
        apply_entry(self.copy, entry(2, cost="<p>30 euros.</p>"))
        resolve(self.copy, "cost", "take")
        state = copy_state(self.copy)
        self.assertEqual(state["pending"], {})
        self.assertEqual(state["modes"]["cost"], "inherit")
        self.assertEqual(self.copy.cost.raw, "<p>30 euros.</p>")
        self.assertEqual(self.review_flags(), [False])

    def test_bad_section_mode_or_choice(self):
        with self.assertRaises(ValueError):
            set_mode(self.copy, "cost", "ignore")
        with self.assertRaises(ValueError):
            set_mode(self.copy, "title", "inherit")
        with self.assertRaises(ValueError):
            resolve(self.copy, "cost", "both")

    def test_detach(self):
        apply_entry(self.copy, {"key": "carte-identite", "withdrawn": True})
        detach(self.copy)
        self.assertFalse(ILibraryCopy.providedBy(self.copy))
        self.assertIsNone(copy_state(self.copy))
        self.assertEqual(self.copy.cost.raw, "<p>25 euros.</p>")
        brains = api.content.find(UID=self.copy.UID())
        # Neither True nor False: not a copy any more.
        self.assertNotIn(brains[0].library_review, (True, False))
        self.assertEqual(len(api.content.find(library_review=True)), 0)
        with self.assertRaises(ValueError):
            apply_entry(self.copy, entry(2))

    def test_same_entry_twice_writes_nothing(self):
        second = entry(2, cost="<p>30 euros.</p>")
        self.assertEqual(apply_entry(self.copy, second), "updated")
        transaction.savepoint(optimistic=True)
        state = copy_state(self.copy)
        before = copy.deepcopy(dict(state))
        self.assertFalse(self.copy._p_changed)
        self.assertFalse(state._p_changed)
        self.assertEqual(apply_entry(self.copy, copy.deepcopy(second)), "unchanged")
        self.assertFalse(self.copy._p_changed)
        self.assertFalse(state._p_changed)
        self.assertEqual(dict(copy_state(self.copy)), before)

    def test_script_in_an_entry_never_reaches_the_page(self):
        hostile = entry(
            2,
            what_you_get='<p>Une carte.</p><script>alert("x")</script>'
            '<img src="x" onerror="alert(1)">',
        )
        apply_entry(self.copy, hostile)
        self.assertNotIn("<script", self.copy.what_you_get.output)
        self.assertNotIn("onerror", self.copy.what_you_get.output)
        page = self.copy.restrictedTraverse("@@view")()
        self.assertIn("Une carte.", page)
        self.assertNotIn('alert("x")', page)
        self.assertNotIn("onerror", page)


class TestUpgradeTo1011(unittest.TestCase):
    """A site of profile 1010 gets the library_review index and column."""

    layer = IMIO_COMMUNE_INTEGRATION_TESTING

    def test_upgrade_adds_the_index_and_keeps_its_entries(self):
        from imio.commune.cli.upgrade import upgrade_site

        site = self.layer["app"][COMMUNE_SITE_ID]
        setSite(site)
        catalog = site["portal_catalog"]
        with api.env.adopt_roles(["Manager"]):
            flagged = create_copy(site["demarches"], entry())
            apply_entry(flagged, {"key": "carte-identite", "withdrawn": True})
            catalog.delIndex("library_review")
            catalog.delColumn("library_review")
            site["portal_setup"].setLastVersionForProfile(
                "imio.commune:default", "1010"
            )
            upgrade_site(site)
            self.assertIn("library_review", catalog.indexes())
            self.assertIn("library_review", catalog.schema())
            self.assertEqual(
                [brain.getObject() for brain in catalog(library_review=True)],
                [flagged],
            )
            # Upgrading again keeps what the index holds.
            site["portal_setup"].setLastVersionForProfile(
                "imio.commune:default", "1010"
            )
            upgrade_site(site)
            self.assertEqual(len(catalog(library_review=True)), 1)
