"""Every page type of the demo commune at 1280 and 390 px, as a citizen or an agent.

For each page: its title ("<page> — Ville de Namur"), nothing wider than the
screen, a cumulative layout shift under 0.1 measured in the page, axe without
a serious or critical violation, and nothing of Plone's branding (logo,
"Powered by Plone"). Public pages also read without an English word left, in
French and in German.
"""

from tests.browser import accessibility_violations
from tests.browser import DESKTOP
from tests.browser import LAYOUT_SHIFT
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.eguichet_layer import AGENT
from tests.eguichet_layer import CITIZEN
from tests.test_browser_eguichet import ANSWERS
from tests.test_browser_eguichet import EguichetBrowserTestCase

import re


COMMUNE = "Ville de Namur"
FORM = "declaration-perte-document"
MAX_LAYOUT_SHIFT = 0.1
# name, path, title of the page (before " — Ville de Namur"), who reads it, status
PAGES = [
    ("accueil", "", None, None, 200),
    ("section", "/demarches", "Démarches", None, 200),
    (
        "demarche",
        "/demarches/carte-identite",
        "Carte d'identité électronique",
        None,
        200,
    ),
    (
        "service",
        "/services/population-etat-civil",
        "Population et État civil",
        None,
        200,
    ),
    (
        "personne",
        "/vie-politique/mandataires/anne-dumont",
        "Anne Dumont",
        None,
        200,
    ),
    (
        "actualite",
        "/actualites/nouveau-calendrier-des-collectes",
        "Le nouveau calendrier des collectes est arrivé",
        None,
        200,
    ),
    ("evenement", "/agenda/marche-hebdomadaire", "Marché hebdomadaire", None, 200),
    ("lieu", "/ma-commune/lieux/hotel-de-ville", "Hôtel de ville", None, 200),
    (
        "publication",
        "/ma-commune/publications/bulletin-communal",
        "Bulletin communal",
        None,
        200,
    ),
    ("recherche", "/@@search?SearchableText=carte", "Recherche : carte", None, 200),
    ("je-trouve", "/@@je-trouve/demenagement", "Déménagement", None, 200),
    ("je-suis", "/@@je-suis/nouvel-habitant", "Nouvel habitant", None, 200),
    ("contact", "/contact", "Contact", None, 200),
    ("introuvable", "/page-disparue", "Page introuvable", None, 404),
    ("connexion", "/login", "Se connecter", None, 200),
    (
        "formulaire",
        "/e-guichet/certificat-de-residence",
        "Certificat de résidence",
        None,
        200,
    ),
    ("mes-demarches", "/@@mes-demarches", "Mes démarches", CITIZEN, 200),
    ("tableau-de-bord", "/@@demandes-dashboard", "Demandes", AGENT, 200),
    ("statistiques", "/@@demandes-statistiques", "Statistiques", AGENT, 200),
]
SCREENS = {"1280": DESKTOP, "390": PHONE}
# Plone's own branding: its logo and its footer.
PLONE_BRANDING = """() => ({
  logos: [...document.querySelectorAll("img, svg image")]
    .map(image => image.getAttribute("src") || image.getAttribute("href") || "")
    .filter(src => /plone-logo|logo\\.png|@@site-logo/.test(src)),
  text: document.body.innerText,
})"""
# What the reader sees and what assistive technologies read out.
READABLE_TEXT = """() => {
  const texts = [document.title, document.body.innerText];
  for (const element of document.querySelectorAll(
      "[aria-label], [title], [placeholder], [alt], input[type=submit]")) {
    for (const name of ["aria-label", "title", "placeholder", "alt", "value"]) {
      if (element.hasAttribute(name)) texts.push(element.getAttribute(name));
    }
  }
  return texts.join("\\n");
}"""
ENGLISH = re.compile(
    r"\b(Close|Error|Allowed types|Required|Search|Submit|Cancel|Log in"
    r"|Skip to content|Powered by)\b"
)
# The pages where Plone's templates, widgets and scripts speak to citizens.
TRANSLATED_PAGES = [
    "",
    "/demarches/carte-identite",
    "/@@search?SearchableText=carte",
    "/e-guichet/certificat-de-residence",
    "/e-guichet/occupation-domaine-public",
    "/e-guichet/reservation-salle",
    "/page-disparue",
    "/login",
]


class TestEveryPageType(EguichetBrowserTestCase):
    """Each page type at 1280 and 390 px."""

    def open_as(self, member, viewport):
        screen = RecordedPage(self.layer["browser"], viewport=viewport)
        self.addCleanup(screen.close)
        if member is not None:
            self.log_in(member, screen.page)
        return screen.page

    def check(self, name, path, title, member, status):
        if member is not None:
            # Mes démarches and the agents' pages as they are used: not empty.
            self.citizen_submits()
        for width, viewport in SCREENS.items():
            with self.subTest(page=name, width=width):
                page = self.open_as(member, viewport)
                response = page.goto(self.site_url + path, wait_until="networkidle")
                self.assertEqual(response.status, status)
                self.assertWellShown(page, name, width, title)

    def assertWellShown(self, page, name: str, width: str, title: str | None):
        """Title, layout shift, width, no Plone branding, axe; a screenshot."""
        # The widths once the site's fonts have replaced the fallback.
        page.evaluate("document.fonts.ready.then(() => true)")
        self.assertEqual(page.title(), f"{title} — {COMMUNE}" if title else COMMUNE)
        shift = page.evaluate(LAYOUT_SHIFT)
        print(f" layout shift of {name} at {width} px: {shift:.4f}", end="")
        self.assertLess(shift, MAX_LAYOUT_SHIFT)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        self.assertLessEqual(scroll_width, int(width))
        branding = page.evaluate(PLONE_BRANDING)
        self.assertEqual(branding["logos"], [])
        self.assertNotIn("Powered by Plone", branding["text"])
        self.assertNotIn("Plone", branding["text"])
        self.assertEqual(accessibility_violations(page), [])
        screenshot(page, f"page-{name}-{width}")

    def test_check_answers_and_confirmation(self):
        """The steps after the form: titled after it, as well shown."""
        form = "Déclaration de perte ou de vol d'un document d'identité"
        for width, viewport in SCREENS.items():
            with self.subTest(width=width):
                page = self.open_as(CITIZEN, viewport)
                page.goto(f"{self.site_url}/e-guichet/{FORM}")
                self.fill_form(ANSWERS[FORM], page)
                with page.expect_navigation(wait_until="networkidle"):
                    page.click("#form-buttons-continue")
                self.assertWellShown(
                    page, "verification", width, f"Vérifiez vos réponses — {form}"
                )
                with page.expect_navigation(wait_until="networkidle"):
                    page.get_by_role("button", name="Envoyer").click()
                self.assertWellShown(
                    page, "confirmation", width, f"Demande envoyée — {form}"
                )


for _page in PAGES:

    def _test(self, page=_page):
        self.check(*page)

    _test.__doc__ = f"{_page[0]}: title, width, layout shift, axe, no Plone."
    setattr(TestEveryPageType, f"test_{_page[0].replace('-', '_')}", _test)


class TestNoEnglishLeft(EguichetBrowserTestCase):
    """Home, procedure, search, forms, 404 and login in French and German."""

    def english_words(self, language: str) -> dict:
        page = self.page
        page.goto(f"{self.site_url}?set_language={language}")
        found = {}
        for path in TRANSLATED_PAGES:
            page.goto(self.site_url + path, wait_until="networkidle")
            self.assertEqual(page.evaluate("document.documentElement.lang"), language)
            words = sorted(set(ENGLISH.findall(page.evaluate(READABLE_TEXT))))
            if words:
                found[path] = words
        return found

    def test_french(self):
        self.assertEqual(self.english_words("fr"), {})

    def test_german(self):
        self.assertEqual(self.english_words("de"), {})
