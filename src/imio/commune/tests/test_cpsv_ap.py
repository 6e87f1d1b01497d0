"""CPSV-AP 3.2.0 exports of the demo commune, validated against the official shapes."""

from imio.commune.cpsv.graph import first_link
from imio.commune.cpsv.graph import list_items
from imio.commune.cpsv.graph import single_amount
from imio.commune.cpsv.view import negotiated
from imio.commune.tests.test_demo_content import DEMO_CONTENT_FUNCTIONAL_TESTING
from imio.commune.tests.test_demo_content import DEMO_SITE_ID
from lxml import html
from pathlib import Path
from plone import api
from plone.app.textfield.value import RichTextValue
from pyshacl import validate
from rdflib import Graph
from rdflib import Literal
from rdflib import Namespace
from rdflib import URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCAT
from rdflib.namespace import DCTERMS
from rdflib.namespace import RDF
from rdflib.namespace import SKOS
from rdflib.namespace import XSD
from zope.component.hooks import setSite

import re
import requests
import shutil
import subprocess
import sys
import tempfile
import transaction
import unittest


SHAPES_FILE = Path(__file__).parent / "cpsv_ap" / "cpsv-ap-SHACL.ttl"
SHAPES = Graph().parse(SHAPES_FILE)
DOCS = Path(__file__).parents[4] / "docs" / "developers" / "cpsv-ap.md"
DEMO_SITE = "http://localhost:8080/demo"
BLOCK = re.compile(r"^```shell\n(.*?)^```$", re.MULTILINE | re.DOTALL)
CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
SH = Namespace("http://www.w3.org/ns/shacl#")
EURO = URIRef("http://publications.europa.eu/resource/authority/currency/EUR")


def violations(graph: Graph) -> list[str]:
    """What the official shapes find wrong, one line each."""
    _conforms, report, _text = validate(graph, shacl_graph=SHAPES)
    return [
        f"{report.value(result, SH.focusNode)} {report.value(result, SH.resultPath)}: "
        f"{report.value(result, SH.resultMessage)}"
        for result in report.subjects(RDF.type, SH.ValidationResult)
    ]


class TestNegotiation(unittest.TestCase):
    def test_turtle_when_asked_before_json_ld(self):
        self.assertEqual(negotiated("text/turtle"), "text/turtle")
        self.assertEqual(
            negotiated("application/ld+json;q=0.5, text/turtle"), "text/turtle"
        )

    def test_json_ld_by_default_and_for_browsers(self):
        self.assertEqual(negotiated(None), "application/ld+json")
        self.assertEqual(negotiated("*/*"), "application/ld+json")
        self.assertEqual(
            negotiated("text/html,application/xhtml+xml,*/*;q=0.8"),
            "application/ld+json",
        )
        self.assertEqual(
            negotiated("text/turtle;q=0.2, application/ld+json"),
            "application/ld+json",
        )


class TestFees(unittest.TestCase):
    def test_one_amount_is_the_fee(self):
        self.assertEqual(single_amount("25 € en procédure normale"), 25.0)
        self.assertEqual(single_amount("12,50 EUR par copie"), 12.5)

    def test_several_amounts_or_none_give_no_value(self):
        self.assertIsNone(single_amount("75 € pour un adulte, 41 € pour un mineur"))
        self.assertIsNone(single_amount("Selon le tarif fédéral en vigueur."))

    def test_free(self):
        self.assertEqual(single_amount("Gratuit."), 0.0)


def rich(text: str) -> RichTextValue:
    return RichTextValue(text, "text/html", "text/x-html-safe")


class TestSections(unittest.TestCase):
    def test_documents_to_bring_one_evidence_per_item(self):
        documents = rich(
            "<p>Apportez :</p><ul><li>la carte</li><li> </li><li>une photo</li></ul>"
        )
        self.assertEqual(list_items(documents), ["la carte", "une photo"])
        self.assertEqual(
            list_items(rich("<p>Aucun document.</p>")), ["Aucun document."]
        )
        self.assertEqual(list_items(rich("<p> </p>")), [])

    def test_legal_basis_link_only_when_a_web_address(self):
        self.assertEqual(
            first_link(
                rich(
                    '<a href="/lois">Loi</a> et '
                    '<a href="https://www.ejustice.just.fgov.be/eli/loi/1991/07/19/1991000530/justel">'
                    "loi du 19 juillet 1991</a>"
                )
            ),
            "https://www.ejustice.just.fgov.be/eli/loi/1991/07/19/1991000530/justel",
        )
        self.assertIsNone(first_link(rich('<a href="https://exemple.be/a b">loi</a>')))
        self.assertIsNone(first_link(rich("Loi du 19 juillet 1991")))


class TestCpsvApExports(unittest.TestCase):
    layer = DEMO_CONTENT_FUNCTIONAL_TESTING

    def setUp(self):
        self.site = self.layer["app"][DEMO_SITE_ID]
        self.root = f"http://{self.layer['host']}:{self.layer['port']}/{DEMO_SITE_ID}"
        self.session = requests.Session()

    def tearDown(self):
        setSite(self.layer["portal"])

    def export(self, url: str, accept: str = "application/ld+json") -> Graph:
        response = self.session.get(
            f"{url}/@@cpsv-ap", headers={"Accept": accept}, timeout=60
        )
        self.assertEqual(response.status_code, 200, url)
        self.assertEqual(response.headers["Content-Type"], f"{accept}; charset=utf-8")
        self.assertIn("Accept", response.headers["Vary"])
        kind = "turtle" if accept == "text/turtle" else "json-ld"
        return Graph().parse(data=response.text, format=kind, publicID=url)

    def published_procedure_urls(self) -> list[str]:
        setSite(self.site)
        brains = api.content.find(
            context=self.site, portal_type="Procedure", review_state="published"
        )
        paths = [brain.getPath().split("/", 2)[2] for brain in brains]
        return [f"{self.root}/{path}" for path in paths]

    def test_catalogue_conforms_to_the_official_shapes(self):
        catalogue = self.export(self.root)
        self.assertEqual(violations(catalogue), [])
        urls = self.published_procedure_urls()
        self.assertGreaterEqual(len(urls), 20)
        services = set(catalogue.subjects(RDF.type, CPSV.PublicService))
        self.assertEqual(services, {URIRef(f"{url}/@@cpsv-ap#service") for url in urls})
        dataset = catalogue.value(predicate=RDF.type, object=DCAT.Dataset)
        self.assertEqual(set(catalogue.objects(dataset, DCTERMS.hasPart)), services)
        self.assertEqual(
            catalogue.value(dataset, DCTERMS.title, any=True),
            Literal("Démarches de Ville de Namur", lang="fr"),
        )

    def test_every_procedure_conforms_to_the_official_shapes(self):
        for url in self.published_procedure_urls():
            with self.subTest(url):
                self.assertEqual(violations(self.export(url)), [])

    def test_commune_is_the_competent_authority_with_its_nis_code(self):
        graph = self.export(f"{self.root}/demarches/carte-identite")
        service = URIRef(f"{self.root}/demarches/carte-identite/@@cpsv-ap#service")
        commune = graph.value(service, CV.hasCompetentAuthority)
        self.assertIn((commune, RDF.type, CV.PublicOrganisation), graph)
        self.assertEqual(
            graph.value(commune, SKOS.prefLabel), Literal("Ville de Namur", lang="fr")
        )
        self.assertEqual(graph.value(commune, DCTERMS.identifier), Literal("92094"))

    def test_cost_evidence_legal_basis_and_life_event(self):
        # Like the demo commune, in French and German.
        setSite(self.site)
        api.portal.set_registry_record("plone.available_languages", ["fr", "de"])
        transaction.commit()
        url = f"{self.root}/demarches/carte-identite"
        graph = self.export(url)
        service = URIRef(f"{url}/@@cpsv-ap#service")
        cost = graph.value(service, CV.hasCost)
        self.assertEqual(
            graph.value(cost, CV.hasValue), Literal(25.0, datatype=XSD.double)
        )
        self.assertEqual(graph.value(cost, CV.currency), EURO)
        self.assertEqual(
            set(graph.objects(EURO, SKOS.prefLabel)),
            {Literal("euro", lang="fr"), Literal("Euro", lang="de")},
        )
        self.assertIn(
            Literal("votre convocation ou l'ancienne carte", lang="fr"),
            {
                graph.value(each, DCTERMS.title)
                for each in graph.objects(service, CPSV.hasInput)
            },
        )
        legal = graph.value(service, CV.hasLegalResource)
        self.assertIn((legal, RDF.type, ELI.LegalResource), graph)
        self.assertIn("19 juillet 1991", graph.value(legal, DCTERMS.title))
        event = graph.value(service, CV.isGroupedBy)
        self.assertIn((event, RDF.type, CV.LifeEvent), graph)
        self.assertEqual(
            graph.value(event, DCTERMS.identifier), Literal("perdre-ses-documents")
        )
        self.assertEqual(
            set(graph.objects(event, DCTERMS.title)),
            {
                Literal("Perdre ses documents", lang="fr"),
                Literal("Verlust von Dokumenten", lang="de"),
            },
        )

    def test_service_as_contact_point_and_channels_with_opening_hours(self):
        url = f"{self.root}/demarches/carte-identite"
        graph = self.export(url)
        service = URIRef(f"{url}/@@cpsv-ap#service")
        contact = graph.value(service, CV.contactPoint)
        self.assertEqual(
            contact, URIRef(f"{self.root}/services/population-etat-civil#contact-point")
        )
        self.assertTrue(list(graph.objects(contact, CV.telephone)))
        descriptions = {
            str(text)
            for period in graph.objects(contact, CV.openingHours)
            for text in graph.objects(period, DCTERMS.description)
            if text.language == "fr"
        }
        self.assertTrue(
            any(re.fullmatch(r"Lundi 08:30\u201312:00", each) for each in descriptions)
        )
        types = {
            graph.value(channel, DCTERMS.type)
            for channel in graph.objects(service, CV.hasChannel)
        }
        labels = {str(graph.value(kind, SKOS.prefLabel)) for kind in types}
        self.assertIn("Au guichet", labels)
        for kind in types:
            self.assertIn((kind, RDF.type, SKOS.Concept), graph)

    def test_turtle_and_json_ld_hold_the_same_graph(self):
        for url in (self.root, f"{self.root}/demarches/carte-identite"):
            with self.subTest(url):
                turtle = self.export(url, "text/turtle")
                json_ld = self.export(url)
                self.assertGreater(len(turtle), 100)
                self.assertEqual(len(turtle), len(json_ld))
                self.assertTrue(isomorphic(turtle, json_ld))

    def test_private_procedure_neither_served_nor_listed(self):
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            api.content.create(
                container=self.site["demarches"],
                type="Procedure",
                id="projet-prive",
                title="Projet de démarche",
                cost=RichTextValue("10 €", "text/html", "text/x-html-safe"),
            )
        transaction.commit()
        url = f"{self.root}/demarches/projet-prive"
        response = self.session.get(
            f"{url}/@@cpsv-ap", timeout=30, allow_redirects=False
        )
        self.assertIn(response.status_code, (302, 401, 403))
        self.assertNotIn("Projet de démarche", response.text)
        catalogue = self.export(self.root)
        self.assertNotIn(
            URIRef(f"{url}/@@cpsv-ap#service"),
            set(catalogue.subjects(RDF.type, CPSV.PublicService)),
        )

    def test_newly_published_procedure_in_the_next_catalogue(self):
        self.export(self.root)
        setSite(self.site)
        with api.env.adopt_roles(["Manager"]):
            procedure = api.content.create(
                container=self.site["demarches"],
                type="Procedure",
                id="permis-de-location",
                title="Permis de location",
                description="Louer un petit logement ou un kot.",
                what_you_get=rich("<p>Un permis de location valable 5 ans.</p>"),
                who_may_ask=rich("<p>Les propriétaires du logement.</p>"),
                how_to_proceed=rich("<p>Envoyez le formulaire au service.</p>"),
                cost=rich("<p>125 € par logement.</p>"),
            )
            api.content.transition(procedure, to_state="published")
        transaction.commit()
        catalogue = self.export(self.root)
        service = URIRef(f"{self.root}/demarches/permis-de-location/@@cpsv-ap#service")
        self.assertEqual(
            catalogue.value(service, DCTERMS.title),
            Literal("Permis de location", lang="fr"),
        )
        self.assertEqual(
            catalogue.value(catalogue.value(service, CV.hasCost), CV.hasValue),
            Literal(125.0, datatype=XSD.double),
        )
        self.assertEqual(violations(catalogue), [])

    def test_pages_link_to_their_export(self):
        for url in (self.root, f"{self.root}/demarches/carte-identite"):
            page = html.fromstring(self.session.get(url, timeout=30).content)
            for media_type in ("application/ld+json", "text/turtle"):
                links = page.xpath(
                    "//head/link[@rel='alternate'][@type=$type]/@href", type=media_type
                )
                self.assertEqual(links, [f"{url}/@@cpsv-ap"], media_type)

    def test_other_pages_of_the_site_do_not_link_to_the_catalogue(self):
        page = html.fromstring(
            self.session.get(f"{self.root}/@@search", timeout=30).content
        )
        self.assertEqual(page.xpath("//head/link[@type='text/turtle']"), [])


class TestCpsvApDocs(unittest.TestCase):
    """The shell examples of docs/developers/cpsv-ap.md, run as a user types them."""

    layer = DEMO_CONTENT_FUNCTIONAL_TESTING

    def setUp(self):
        self.root = f"http://{self.layer['host']}:{self.layer['port']}/{DEMO_SITE_ID}"
        self.folder = tempfile.TemporaryDirectory()
        shutil.copy(SHAPES_FILE, self.folder.name)

    def tearDown(self):
        self.folder.cleanup()

    def run_example(self, code: str) -> str:
        # pySHACL as make install puts it, next to the tests' Python.
        path = f"{Path(sys.executable).parent}:/usr/bin:/bin"
        done = subprocess.run(
            ["/bin/sh", "-c", code.replace(DEMO_SITE, self.root)],
            cwd=self.folder.name,
            env={"PATH": path, "HOME": self.folder.name, "LANG": "C.UTF-8"},
            capture_output=True,
            text=True,
            timeout=300,
        )
        self.assertEqual(done.returncode, 0, done.stdout + done.stderr)
        return done.stdout

    def test_examples(self):
        examples = [
            code for code in BLOCK.findall(DOCS.read_text()) if DEMO_SITE in code
        ]
        self.assertEqual(len(examples), 3)
        catalogue = Graph().parse(data=self.run_example(examples[0]), format="json-ld")
        self.assertGreaterEqual(
            len(set(catalogue.subjects(RDF.type, CPSV.PublicService))), 20
        )
        procedure = Graph().parse(data=self.run_example(examples[1]), format="turtle")
        self.assertEqual(
            procedure.value(predicate=RDF.type, object=CPSV.PublicService),
            URIRef(f"{self.root}/demarches/carte-identite/@@cpsv-ap#service"),
        )
        self.assertIn("Conforms: True", self.run_example(examples[2]))
