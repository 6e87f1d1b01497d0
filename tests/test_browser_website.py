"""The communal website in Chromium: a citizen's keyboard journey, every page type.

The journey goes from the home page to a service's opening hours with the
keyboard alone. Each page type is then read without JavaScript, on a phone,
and checked with axe-core.
"""

from datetime import date
from datetime import datetime
from datetime import time
from pathlib import Path
from tests.browser import accessibility_violations
from tests.browser import PHONE
from tests.browser import RecordedPage
from tests.browser import screenshot
from tests.instance import DEMO_BROWSER
from zoneinfo import ZoneInfo

import unittest
import yaml


ROOT = Path(__file__).resolve().parent.parent
DEMO_SERVICES = ROOT / "src/imio/commune/demo/content/services.yaml"
BRUSSELS = ZoneInfo("Europe/Brussels")
WEEKDAYS = (
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
)
DAY_NAMES = ("Lundi", "Mardi", "Mercredi", "Jeudi", "Vendredi", "Samedi", "Dimanche")

# The element that has the keyboard focus, and how it is drawn.
FOCUSED = """() => {
  const element = document.activeElement;
  const style = getComputedStyle(element);
  return {
    text: element.textContent.trim().replace(/\\s+/g, " "),
    outline: style.outlineStyle,
    width: parseFloat(style.outlineWidth) || 0,
  };
}"""


def demo_service(service_id: str) -> dict:
    """A service as the demo content file describes it, with its yearly closures."""
    content = yaml.safe_load(DEMO_SERVICES.read_text())
    service = next(item for item in content["items"] if item["id"] == service_id)
    return {**service, "closures": service.get("closures", {}).get("yearly", [])}


def timetable(service: dict) -> list[str]:
    """The weekly hours as the page shows them, one row a day, with an en dash."""
    rows = []
    for day, name in zip(WEEKDAYS, DAY_NAMES, strict=True):
        spans = (service.get(day) or "").split()
        hours = ", ".join(span.replace("-", "\N{EN DASH}") for span in spans)
        rows.append(f"{name}\t{hours or 'Fermé'}")
    return rows


def closed_on(day: date, closures: list[str]) -> bool:
    """Whether an exceptional closure ("dd/mm" or "dd/mm-dd/mm: why") covers day."""
    for closure in closures:
        period = closure.split(":")[0].strip()
        first, _, last = period.partition("-")
        start = datetime.strptime(first, "%d/%m").date().replace(year=day.year)
        end = datetime.strptime(last or first, "%d/%m").date().replace(year=day.year)
        if start <= end and start <= day <= end:
            return True
        # A period over New Year: 31/12-02/01.
        if start > end and (day >= start or day <= end):
            return True
    return False


def open_at(service: dict, moment: datetime) -> bool:
    """Whether the service's weekly hours have it open at that moment."""
    if closed_on(moment.date(), service.get("closures", [])):
        return False
    hours = service.get(WEEKDAYS[moment.weekday()]) or ""
    for span in hours.split():
        opens, closes = (time.fromisoformat(clock) for clock in span.split("-"))
        if opens <= moment.time() < closes:
            return True
    return False


class TestCitizenJourneyByKeyboard(unittest.TestCase):
    """Home page, "Je trouve", a procedure, its service: Tab and Enter only."""

    layer = DEMO_BROWSER

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"])
        self.page = self.recorded.page

    def tearDown(self):
        self.recorded.close()

    def tab_to(self, text: str, limit: int = 250) -> dict:
        """Press Tab until the link or button named text has the focus."""
        for _ in range(limit):
            self.page.keyboard.press("Tab")
            focused = self.page.evaluate(FOCUSED)
            if focused["text"] == text:
                return focused
        self.fail(f"{text!r} cannot be reached with Tab on {self.page.url}")

    def follow(self, text: str, step: str) -> None:
        """Reach a link with Tab, check its focus ring, show it, press Enter."""
        focused = self.tab_to(text)
        self.assertNotEqual(focused["outline"], "none", f"no focus ring on {text!r}")
        self.assertGreaterEqual(focused["width"], 2, f"thin focus ring on {text!r}")
        screenshot(self.page, step)
        with self.page.expect_navigation():
            self.page.keyboard.press("Enter")

    def assert_accessible(self):
        self.assertEqual(accessibility_violations(self.page), [])

    def test_from_home_page_to_opening_hours(self):
        self.page.goto(self.layer["site_url"])
        self.assert_accessible()
        self.follow("Déménagement", "citoyen-01-accueil")

        self.assertEqual(self.page.locator("h1").inner_text(), "Déménagement")
        self.assert_accessible()
        self.follow(
            "Changement d'adresse (domiciliation)", "citoyen-02-je-trouve-demenagement"
        )

        self.assertEqual(
            self.page.locator("h1").inner_text(), "Changement d'adresse (domiciliation)"
        )
        self.assertIn("dans les 8 jours", self.page.locator("#content").inner_text())
        self.assert_accessible()
        # The demo instance keeps the machine's clock: the page says what
        # the hours say at a moment between these two.
        before = datetime.now(BRUSSELS)
        self.follow("Population et État civil", "citoyen-03-demarche")
        after = datetime.now(BRUSSELS)

        self.assertEqual(
            self.page.locator("h1").inner_text(), "Population et État civil"
        )
        self.assert_accessible()
        hours = self.page.locator(".opening-timetable")
        service = demo_service("population-etat-civil")
        self.assertEqual(hours.locator("tr").all_inner_texts(), timetable(service))
        status = self.page.locator(".opening-status").inner_text()
        said_open = "Ouvert actuellement" in status
        self.assertIn(said_open, {open_at(service, before), open_at(service, after)})
        if said_open:
            self.assertIn("jusqu'à", status)
        else:
            self.assertIn("Fermé actuellement", status)
            self.assertIn("Prochaine ouverture", status)
        hours.scroll_into_view_if_needed()
        screenshot(self.page, "citoyen-04-service-horaires")
        self.assertEqual(self.recorded.errors, [])


# Each page type: its address under the site, its title, a sentence of its content.
PAGES = {
    "home": ("", "Ville de Namur", "Je trouve"),
    "life_events": ("/@@je-trouve", "Je trouve", "Déménagement"),
    "life_event": (
        "/@@je-trouve/demenagement",
        "Déménagement",
        "Changement d'adresse (domiciliation)",
    ),
    "audiences": ("/@@je-suis", "Je suis", "Nouvel habitant"),
    "audience": (
        "/@@je-suis/nouvel-habitant",
        "Nouvel habitant",
        "Changement d'adresse (domiciliation)",
    ),
    "procedure": (
        "/demarches/domiciliation",
        "Changement d'adresse (domiciliation)",
        "Déclarez votre nouvelle adresse au guichet Population",
    ),
    "service": (
        "/services/population-etat-civil",
        "Population et État civil",
        "Heures d'ouverture",
    ),
    "person": ("/vie-politique/mandataires/anne-dumont", "Anne Dumont", "Bourgmestre"),
    "council": ("/vie-politique/conseil-communal", "Conseil communal", "Séances"),
    "sitting": (
        "/vie-politique/conseil-communal/prochaine-seance",
        "Séance du Conseil communal",
        "Ordre du jour",
    ),
    "place": (
        "/ma-commune/lieux/bibliotheque",
        "Bibliothèque communale",
        "Accessibilité",
    ),
    "publication": (
        "/ma-commune/publications/bulletin-communal",
        "Bulletin communal",
        "Bulletin communal (PDF)",
    ),
    "alert": (
        "/actualites/calendrier-des-collectes",
        "Collectes des déchets : nouveau calendrier",
        "Gravité",
    ),
    "news_item": (
        "/actualites/stages-vacances",
        "Stages de vacances pour les 3 à 14 ans",
        "Stages de vacances",
    ),
    "event": ("/agenda/marche-hebdomadaire", "Marché hebdomadaire", "Place communale"),
    "agenda": ("/agenda", "Agenda", "Marché hebdomadaire"),
    "news": ("/actualites", "Actualités", "Réaménagement de la place communale"),
    "search": (
        "/@@recherche?SearchableText=carte",
        "Rechercher",
        "Carte d'identité électronique",
    ),
    "contact": ("/contact-info", "Formulaire de contact", "Envoyer"),
}


class TestPageTypes(unittest.TestCase):
    """Without JavaScript, on a phone, and for axe-core: every page type."""

    layer = DEMO_BROWSER

    def check(self, path: str, title: str, sentence: str) -> None:
        url = self.layer["site_url"] + path
        browser = self.layer["browser"]

        without_script = RecordedPage(browser, javascript=False)
        try:
            page = without_script.page
            self.assertEqual(page.goto(url).status, 200)
            self.assertEqual(page.locator("h1").first.inner_text(), title)
            self.assertIn(sentence, page.locator("#content").inner_text())
        finally:
            without_script.close()

        phone = RecordedPage(browser, viewport=PHONE)
        try:
            page = phone.page
            page.goto(url, wait_until="networkidle")
            self.assertLessEqual(
                page.evaluate("document.documentElement.scrollWidth"),
                PHONE["width"],
                f"horizontal scroll on a phone: {url}",
            )
            self.assertEqual(accessibility_violations(page), [])
            self.assertEqual(phone.errors, [])
        finally:
            phone.close()

        desktop = RecordedPage(browser)
        try:
            desktop.page.goto(url, wait_until="networkidle")
            self.assertEqual(accessibility_violations(desktop.page), [])
        finally:
            desktop.close()


def _page_type_test(path: str, title: str, sentence: str):
    def test(self):
        self.check(path, title, sentence)

    return test


for _name, _page in PAGES.items():
    setattr(TestPageTypes, f"test_{_name}", _page_type_test(*_page))


class TestSearchFacets(unittest.TestCase):
    """The search page narrows the results with its facets, without JavaScript."""

    layer = DEMO_BROWSER

    def setUp(self):
        self.recorded = RecordedPage(self.layer["browser"], javascript=False)
        self.page = self.recorded.page

    def tearDown(self):
        self.recorded.close()

    def test_facet_narrows_results(self):
        self.page.goto(self.layer["site_url"] + "/@@recherche?SearchableText=carte")
        content = self.page.locator("#content")
        self.assertIn("Permis de conduire", content.inner_text())
        form = self.page.locator("form.commune-search-form")
        form.get_by_label("Déménagement").check()
        with self.page.expect_navigation():
            form.get_by_role("button", name="Rechercher").click()
        self.assertTrue(form.get_by_label("Déménagement").is_checked())
        self.assertIn("Changement d'adresse (domiciliation)", content.inner_text())
        self.assertNotIn("Permis de conduire", content.inner_text())
        screenshot(self.page, "recherche-facettes")
