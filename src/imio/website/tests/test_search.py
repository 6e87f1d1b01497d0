"""The search page: French full text, facets with counts, "open now" for services."""

from imio.belgium.testing import at
from imio.website.testing import IMIO_WEBSITE_FUNCTIONAL_TESTING
from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from imio.website.tests.helpers import browser
from imio.website.tests.helpers import html
from imio.website.tests.helpers import read_in
from plone import api
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID

import html as markup
import re
import transaction
import unittest


def complete() -> dict:
    """The mandatory sections, so that the procedure can be published."""
    return {
        "what_you_get": html("<p>Une inscription.</p>"),
        "who_may_ask": html("<p>Tout habitant.</p>"),
        "cost": html("<p>Gratuit.</p>"),
    }


def build(portal) -> list:
    setRoles(portal, TEST_USER_ID, ["Manager"])
    procedure = api.content.create(
        portal,
        "Procedure",
        id="demenagement",
        title="Déclarer un déménagement",
        how_to_proceed=html("<p>Présentez-vous au guichet de la population.</p>"),
        **complete(),
        taxonomy_audience=["nouvel-habitant"],
        taxonomy_life_event=["demenagement"],
    )
    identity_card = api.content.create(
        portal,
        "Procedure",
        id="carte-identite",
        title="Carte d'identité",
        **{
            **complete(),
            "what_you_get": html("<p>Une carte eID valable dix ans.</p>"),
            "how_to_proceed": html("<p>Sur rendez-vous.</p>"),
        },
        taxonomy_audience=["citoyen"],
    )
    service = api.content.create(
        portal,
        "Service",
        id="population",
        title="Service Population",
        description="Domiciliations et cartes d'identité.",
        monday="08:30-12:00",
        taxonomy_audience=["citoyen", "nouvel-habitant"],
    )
    news = api.content.create(
        portal,
        "News Item",
        id="nouveaux-habitants",
        title="Accueil des nouveaux habitants",
        taxonomy_audience=["nouvel-habitant"],
    )
    return [procedure, identity_card, service, news]


def squash(page: str) -> str:
    """The page on one line, without the spaces templates leave before ">"."""
    return re.sub(r"\s+>", ">", " ".join(page.split()))


class TestSearchPage(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]
        read_in("fr", self.request)
        build(self.portal)

    def search(self, **form) -> str:
        self.request.form.update(form)
        with at(2025, 11, 17, 10, 15):
            return squash(self.portal.restrictedTraverse("@@recherche")())

    def titles(self, page: str) -> list[str]:
        return re.findall(r'class="search-result-title" href="[^"]*">([^<]*)</a>', page)

    def facet_counts(self, page: str, index: str) -> dict:
        pattern = rf'for="facet-{index}-\d+">([^<]*)<span class="facet-count">\((\d+)\)'
        return {label.strip(): int(count) for label, count in re.findall(pattern, page)}

    def test_full_text_ignores_accents_case_and_small_words(self):
        page = self.search(SearchableText="DEMENAGEMENT")
        self.assertEqual(self.titles(page), ["Déclarer un déménagement"])
        page = self.search(SearchableText="la carte d'identite")
        self.assertEqual(
            sorted(self.titles(page)), ["Carte d'identité", "Service Population"]
        )

    def test_words_inside_the_sections_are_found(self):
        page = self.search(SearchableText="guichet")
        self.assertEqual(self.titles(page), ["Déclarer un déménagement"])

    def test_facet_counts(self):
        page = self.search(**{"taxonomy_audience": ["nouvel-habitant"]})
        self.assertEqual(
            self.facet_counts(page, "portal_type"),
            {"Démarche": 1, "Service communal": 1, "Actualité": 1},
        )
        self.assertEqual(
            self.facet_counts(page, "taxonomy_audience"),
            {"Nouvel habitant": 3, "Citoyen": 1},
        )
        self.assertIn('<span class="search-count">3</span>', page)

    def test_filter_by_type_and_life_event(self):
        page = self.search(
            portal_type=["Procedure"], taxonomy_life_event=["demenagement"]
        )
        self.assertEqual(self.titles(page), ["Déclarer un déménagement"])
        self.assertRegex(page, r'checked="checked"[^>]*value="Procedure"')

    def test_services_say_if_they_are_open(self):
        page = self.search(SearchableText="population")
        self.assertIn(
            '<span class="search-result-type badge bg-secondary">Service communal'
            "</span>",
            page,
        )
        self.assertIn(
            '<span class="search-result-status is-open">Ouvert actuellement</span>',
            page,
        )

    def test_every_field_has_a_visible_label(self):
        page = self.search(SearchableText="carte")
        inputs = re.findall(r'<input [^>]*id="([^"]+)"', page)
        self.assertIn("commune-search-text", inputs)
        for input_id in inputs:
            if input_id == "searchGadget":
                continue
            self.assertRegex(page, rf'<label [^>]*for="{input_id}"')

    def test_hostile_input_is_escaped_and_harmless(self):
        page = self.search(
            SearchableText='<script>alert(1)</script> "AND (',
            portal_type=["<b>", "Procedure"],
            b_start="moins-un",
        )
        self.assertNotIn("<script>alert(1)", page)
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", page)

    def test_without_criteria_nothing_is_listed(self):
        page = self.search()
        self.assertIn('<span class="search-count">0</span>', page)
        self.assertEqual(self.titles(page), [])


class TestSearchBox(unittest.TestCase):
    layer = IMIO_WEBSITE_FUNCTIONAL_TESTING

    def test_the_search_box_leads_to_the_faceted_page(self):
        portal = self.layer["portal"]
        for item in build(portal):
            api.content.transition(item, "publish")
        transaction.commit()
        session = browser()
        home = session.get(portal.absolute_url(), timeout=30).text
        action = re.search(r'id="searchGadget_form" action="([^"]+)"', home).group(1)
        page = session.get(action, params={"SearchableText": "carte"}, timeout=30)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Mots à rechercher", page.text)
        self.assertIn("Carte d'identité", markup.unescape(page.text))
