"""The audiences, life events and topics shipped by the profile."""

from imio.website.testing import IMIO_WEBSITE_INTEGRATION_TESTING
from plone.behavior.interfaces import IBehavior
from zope.component import getUtility
from zope.component import queryUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory

import unittest


def labels(portal, request, name, language):
    """Term titles of a taxonomy as a reader of `language` sees them."""
    request["LANGUAGE"] = language
    factory = getUtility(IVocabularyFactory, name=f"collective.taxonomy.{name}")
    return {
        term.value: translate(term.title, context=request) for term in factory(portal)
    }


class TestTaxonomies(unittest.TestCase):
    layer = IMIO_WEBSITE_INTEGRATION_TESTING

    def setUp(self):
        self.portal = self.layer["portal"]
        self.request = self.layer["request"]

    def test_audiences_in_french_and_german(self):
        french = labels(self.portal, self.request, "audience", "fr")
        german = labels(self.portal, self.request, "audience", "de")
        for identifier in (
            "citoyen",
            "nouvel-habitant",
            "parent",
            "jeune",
            "senior",
            "entreprise",
            "association",
            "touriste",
        ):
            self.assertIn(identifier, french)
        self.assertEqual(french["nouvel-habitant"], "Nouvel habitant")
        self.assertEqual(german["nouvel-habitant"], "Neubürger")
        self.assertEqual(french.keys(), german.keys())

    def test_life_events_in_french_and_german(self):
        french = labels(self.portal, self.request, "life_event", "fr")
        german = labels(self.portal, self.request, "life_event", "de")
        self.assertEqual(french["demenagement"], "Déménagement")
        self.assertEqual(french["mariage-et-cohabitation"], "Mariage et cohabitation")
        self.assertEqual(french["perdre-ses-documents"], "Perdre ses documents")
        self.assertEqual(german["deces"], "Todesfall")
        for identifier in ("naissance", "construire-et-renover", "emploi"):
            self.assertIn(identifier, french)
        self.assertEqual(french.keys(), german.keys())

    def test_topics_in_french_and_german(self):
        french = labels(self.portal, self.request, "topic", "fr")
        german = labels(self.portal, self.request, "topic", "de")
        self.assertEqual(french["urbanisme-et-logement"], "Urbanisme et logement")
        self.assertEqual(german["urbanisme-et-logement"], "Städtebau und Wohnen")
        self.assertEqual(french.keys(), german.keys())

    def test_behaviors_indexes_and_translated_field_labels(self):
        catalog = self.portal.portal_catalog
        expected = {
            "audience": ("Publics (Je suis)", "Zielgruppen (Ich bin)"),
            "life_event": ("Événements de vie (Je trouve)", "Lebenslagen (Ich suche)"),
            "topic": ("Thématiques", "Themen"),
        }
        for name, (french, german) in expected.items():
            behavior = queryUtility(
                IBehavior, name=f"collective.taxonomy.generated.{name}"
            )
            self.assertIsNotNone(behavior, name)
            self.assertIn(f"taxonomy_{name}", catalog.indexes())
            self.assertIn(f"taxonomy_{name}", catalog.schema())
            field = behavior.interface[f"taxonomy_{name}"]
            self.assertEqual(translate(field.title, target_language="fr"), french)
            self.assertEqual(translate(field.title, target_language="de"), german)
