"""The sync finds the copies a change concerns without waking every copy."""

from imio.commune.library.sync import possible_keys
from imio.commune.testing import IMIO_COMMUNE_FUNCTIONAL_TESTING
from imio.commune.tests.test_library_sync import entry
from imio.commune.tests.test_library_sync import page
from imio.commune.tests.test_library_sync import TestLibrarySync
from plone import api

import transaction
import unittest


class TestCopyLookup(unittest.TestCase):
    layer = IMIO_COMMUNE_FUNCTIONAL_TESTING
    # The feed server and the helpers of the sync's tests, not their tests.
    subscribe = TestLibrarySync.subscribe
    sync = TestLibrarySync.sync
    copies = TestLibrarySync.copies

    def setUp(self):
        TestLibrarySync.setUp(self)
        self.feed.pages = {
            None: page("1", entry("mariage"), entry("permis"), entry("permis-2")),
            "1": page("1"),
        }
        self.assertEqual(self.sync()["créées"], 3)
        transaction.commit()

    def change(self, key: str) -> dict:
        changed = entry(key, version=2, cost="<p>10 euros.</p>")
        self.feed.pages = {"1": page("2", changed), "2": page("2")}
        return self.sync()

    def test_one_change_wakes_one_copy(self):
        copies = self.copies()
        transaction.commit()
        self.site._p_jar.cacheMinimize()
        row = self.change("mariage")
        self.assertEqual((row["mises à jour"], row["créées"]), (1, 0))
        self.assertEqual(copies["mariage"].cost.raw, "<p>10 euros.</p>")
        # The other copies were never read from the database.
        self.assertEqual(copies["permis"]._p_status, "ghost")
        self.assertEqual(copies["permis-2"]._p_status, "ghost")

    def test_a_copy_an_editor_renamed_still_follows(self):
        folder = self.site["demarches"]
        with api.env.adopt_roles(["Manager"]):
            api.content.rename(obj=folder["mariage"], new_id="se-marier")
        transaction.commit()
        row = self.change("mariage")
        self.assertEqual((row["mises à jour"], row["créées"]), (1, 0))
        self.assertEqual(folder["se-marier"].cost.raw, "<p>10 euros.</p>")
        self.assertNotIn("mariage", folder)

    def test_a_key_that_looks_like_a_numbered_id(self):
        # permis-2 is a sheet of its own, not the second copy of permis.
        row = self.change("permis-2")
        self.assertEqual(row["mises à jour"], 1)
        copies = self.copies()
        self.assertEqual(copies["permis-2"].cost.raw, "<p>10 euros.</p>")
        self.assertEqual(copies["permis"].cost.raw, "<p>Gratuit.</p>")

    def test_possible_keys(self):
        self.assertEqual(possible_keys("permis-2"), {"permis-2", "permis"})
        self.assertEqual(possible_keys("carte-identite"), {"carte-identite"})
