"""An editor reviews a library sheet the library changed, in Chromium.

The layer gives the demo commune a copy of a library sheet whose cost and
delay the commune replaced and the library changed since, as the sync leaves
it, while the instance is stopped; then serves it again.
"""

from imio.commune.cluster.processes import http_status
from plone.testing import Layer
from tests.browser import accessibility_violations
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import BIN
from tests.instance import ROOT
from tests.test_browser_editor import EDITOR
from tests.test_browser_editor import SITE_EDITOR

import json
import subprocess
import unittest


LOCAL_COST = "Gratuit pour les moins de 12 ans."
LIBRARY_DELAY = "Trois semaines à compter de la demande."
ADD_FLAGGED_COPY = """
from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.users import system
from imio.commune.library.copy import apply_entry
from imio.commune.library.copy import create_copy
from plone.app.textfield.value import RichTextValue
from zope.component.hooks import setSite
from zope.event import notify
from zope.lifecycleevent import ObjectModifiedEvent

import json
import transaction

setSite(app.demo)
newSecurityManager(None, system)
sections = {{
    "what_you_get": "<p>Une carte d'identité électronique.</p>",
    "who_may_ask": "<p>Tout Belge inscrit au registre de la population.</p>",
    "how_to_proceed": "<p>Présentez-vous au service Population.</p>",
    "cost": "<p>25 euros.</p>",
    "delay": "<p>Deux semaines.</p>",
}}
entry = {{
    "key": "carte-identite-electronique",
    "language": "fr",
    "version": 1,
    "withdrawn": False,
    "uid": "0123456789abcdef0123456789abcdef",
    "url": "http://127.0.0.1:8080/bibliotheque/fr/carte-identite-electronique",
    "title": "Carte d'identité électronique",
    "description": "Demander ou renouveler sa carte d'identité.",
    "sections": sections,
    "topics": [],
    "life_events": [],
    "audiences": [],
}}
copy = create_copy(app.demo["demarches"], entry)
# The commune's own cost and delay, as the edit form saves them.
copy.cost = RichTextValue("<p>{local_cost}</p>", "text/html", "text/x-html-safe")
copy.delay = RichTextValue("<p>Un jour.</p>", "text/html", "text/x-html-safe")
notify(ObjectModifiedEvent(copy))
changed = dict(entry, version=2, sections=dict(
    sections, cost="<p>30 euros.</p>", delay="<p>{library_delay}</p>"
))
assert apply_entry(copy, changed) == "flagged"
transaction.commit()
print(json.dumps({{"id": copy.getId()}}))
"""


class FlaggedCopyLayer(Layer):
    """The demo commune with a library copy to review."""

    defaultBases = (SITE_EDITOR,)

    def setUp(self):
        script = self["var"] / "add_flagged_copy.py"
        script.write_text(
            ADD_FLAGGED_COPY.format(local_cost=LOCAL_COST, library_delay=LIBRARY_DELAY)
        )
        process = self["process"]
        # A FileStorage has one writer: the instance pauses while the copy is made.
        process.stop()
        added = subprocess.run(
            [
                str(BIN / "zconsole"),
                "run",
                str(ROOT / "instance" / "etc" / "zope.conf"),
                str(script),
            ],
            env=self["env"],
            capture_output=True,
            text=True,
            timeout=300,
        )
        process.start()
        if added.returncode:
            raise RuntimeError(f"making the copy failed:\n{added.stderr}")
        process.wait_until(lambda: http_status(self["site_url"]) == 200)
        copy_id = json.loads(added.stdout.strip().splitlines()[-1])["id"]
        self["copy_url"] = f"{self['site_url']}/demarches/{copy_id}"

    def tearDown(self):
        del self["copy_url"]


FLAGGED_COPY = FlaggedCopyLayer(name="FlaggedLibraryCopy")


class TestLibraryReview(unittest.TestCase):
    layer = FLAGGED_COPY

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page
        self.url = self.layer["copy_url"]

    def tearDown(self):
        self.recorded.close()

    def log_in(self):
        self.page.goto(f"{self.layer['site_url']}/login")
        self.page.get_by_label("Identifiant").fill(EDITOR)
        self.page.get_by_label("Mot de passe").fill(self.layer["editor_password"])
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Se connecter").click()

    def choose(self, section: str, button: str):
        form = self.page.locator(f"section[aria-labelledby='review-{section}'] form")
        with self.page.expect_navigation():
            form.get_by_role("button", name=button).click()

    def test_editor_keeps_one_section_and_takes_the_other(self):
        self.log_in()
        self.page.goto(self.url)
        notice = self.page.locator(".library-notice")
        self.assertIn("Fiche de la bibliothèque (version 2)", notice.inner_text())
        self.assertIn("Sections remplacées", notice.inner_text())
        screenshot(self.page, "editeur-bibliotheque-01-a-revoir")
        with self.page.expect_navigation():
            notice.get_by_role("link", name="À revoir").click()
        self.assertEqual(self.page.url, f"{self.url}/@@library-review")
        diff = self.page.locator("section[aria-labelledby='review-cost'] .library-diff")
        self.assertIn("30", diff.locator("ins").all_inner_texts()[0])
        self.assertEqual(accessibility_violations(self.page), [])
        screenshot(self.page, "editeur-bibliotheque-02-revue", full_page=True)

        self.choose("cost", "Garder le texte local")
        self.assertIn("Le texte local est gardé.", self.page.inner_text("body"))
        self.assertEqual(
            self.page.locator("section[aria-labelledby='review-cost']").count(), 0
        )
        self.choose("delay", "Reprendre le texte de la bibliothèque")

        self.assertEqual(self.page.url.split("?")[0], self.url)
        content = self.page.locator("#content").inner_text()
        self.assertIn(LOCAL_COST, content)
        self.assertIn(LIBRARY_DELAY, content)
        self.assertNotIn("30 euros", content)
        self.assertNotIn("Un jour.", content)
        self.assertNotIn("À revoir", self.page.locator(".library-notice").inner_text())
        self.assertEqual(self.recorded.errors, [])
        screenshot(self.page, "editeur-bibliotheque-03-revue-faite")
        # Saving the edit form, the rich text editor's markup aside, changes
        # only what the editor changed: the title, no section.
        self.page.goto(f"{self.url}/edit")
        self.page.get_by_label("Titre").fill("Carte d'identité (eID)")
        with self.page.expect_navigation():
            self.page.get_by_role("button", name="Enregistrer").click()
        notice = self.page.locator(".library-notice").inner_text()
        self.assertIn("Sections remplacées: Coût\n", notice)
        self.assertIn("Sections héritées: Ce que vous obtenez", notice)
        self.assertIn("Délai", notice)
        self.page.goto(f"{self.url}/@@library-sections")
        self.assertTrue(
            self.page
            .get_by_role("group", name="Coût")
            .get_by_label("Remplacer par le texte de la commune")
            .is_checked()
        )
        self.assertEqual(accessibility_violations(self.page), [])
        # The personal bar's link to the report, which has nothing left.
        report = self.page.locator("a[href$='/@@library-report']").first
        self.assertEqual(
            report.get_attribute("href"), f"{self.layer['site_url']}/@@library-report"
        )
        self.page.goto(f"{self.layer['site_url']}/@@library-report")
        self.assertIn(
            "Aucune fiche à revoir", self.page.locator("#content").inner_text()
        )

        anonymous = RecordedPage(self.layer["browser"])
        try:
            anonymous.page.goto(f"{self.url}/@@library-review")
            self.assertIn("/login", anonymous.page.url)
            self.assertEqual(
                anonymous.page.locator(".library-review-section").count(), 0
            )
        finally:
            anonymous.close()
