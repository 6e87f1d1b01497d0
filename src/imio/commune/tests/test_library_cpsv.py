"""The library's CPSV-AP catalogue: its sheets, the intercommunale competent."""

from imio.commune.library.testing import LIBRARY_FUNCTIONAL_TESTING
from imio.commune.library.testing import LIBRARY_SITE_ID
from imio.commune.tests.test_cpsv_ap import CV
from imio.commune.tests.test_cpsv_ap import CPSV
from imio.commune.tests.test_cpsv_ap import violations
from rdflib import Graph
from rdflib import Literal
from rdflib import URIRef
from rdflib.namespace import DCTERMS
from rdflib.namespace import RDF
from rdflib.namespace import SKOS

import requests
import unittest


class TestLibraryCatalogue(unittest.TestCase):
    layer = LIBRARY_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][LIBRARY_SITE_ID]
        self.root = (
            f"http://{self.layer['host']}:{self.layer['port']}/{LIBRARY_SITE_ID}"
        )

    def export(self, url: str) -> Graph:
        response = requests.get(
            f"{url}/@@cpsv-ap", headers={"Accept": "text/turtle"}, timeout=120
        )
        self.assertEqual(response.status_code, 200, url)
        return Graph().parse(data=response.text, format="turtle", publicID=url)

    def test_catalogue_conforms_to_the_official_shapes(self):
        catalogue = self.export(self.root)
        self.assertEqual(violations(catalogue), [])
        services = set(catalogue.subjects(RDF.type, CPSV.PublicService))
        sheets = len(self.site["fr"].objectIds()) + len(self.site["de"].objectIds())
        self.assertEqual(len(services), sheets)
        french = URIRef(f"{self.root}/fr/carte-identite/@@cpsv-ap#service")
        german = URIRef(f"{self.root}/de/carte-identite/@@cpsv-ap#service")
        self.assertIn(
            Literal("Carte d'identité électronique (eID)", lang="fr"),
            set(catalogue.objects(french, DCTERMS.title)),
        )
        self.assertIn(
            Literal("Elektronischer Personalausweis (eID)", lang="de"),
            set(catalogue.objects(german, DCTERMS.title)),
        )

    def test_the_intercommunale_is_the_competent_authority(self):
        graph = self.export(self.root)
        service = URIRef(f"{self.root}/fr/permis-urbanisme/@@cpsv-ap#service")
        authority = graph.value(service, CV.hasCompetentAuthority)
        labels = set(graph.objects(authority, SKOS.prefLabel))
        self.assertIn(
            Literal("iMio, intercommunale informatique des communes", lang="fr"),
            labels,
        )
        territory = graph.value(authority, DCTERMS.spatial)
        self.assertEqual(graph.value(territory, DCTERMS.identifier), Literal("03000"))
        catalogue = URIRef(f"{self.root}/@@cpsv-ap#catalogue")
        self.assertIn(
            Literal("Bibliothèque des démarches", lang="fr"),
            set(graph.objects(catalogue, DCTERMS.title)),
        )

    def test_a_sheets_own_export_conforms(self):
        self.assertEqual(
            violations(self.export(f"{self.root}/de/changement-adresse")), []
        )
