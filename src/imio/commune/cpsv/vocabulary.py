"""Namespaces and the concepts the exports use, each declared with its labels.

SHACL checks the graph it is given: a concept used as a channel type or a
currency conforms only when the export says it is a skos:Concept.
"""

from imio.commune import _
from plone import api
from rdflib import Graph
from rdflib import Literal
from rdflib import Namespace
from rdflib import URIRef
from rdflib.namespace import DCAT
from rdflib.namespace import DCTERMS
from rdflib.namespace import FOAF
from rdflib.namespace import ORG
from rdflib.namespace import RDF
from rdflib.namespace import SKOS
from rdflib.namespace import TIME
from rdflib.namespace import XSD
from zope.i18n import translate


CPSV = Namespace("http://purl.org/vocab/cpsv#")
CV = Namespace("http://data.europa.eu/m8g/")
ELI = Namespace("http://data.europa.eu/eli/ontology#")
LOCN = Namespace("http://www.w3.org/ns/locn#")
AUTHORITY = "http://publications.europa.eu/resource/authority/"

PREFIXES = {
    "cpsv": CPSV,
    "cv": CV,
    "dcat": DCAT,
    "dct": DCTERMS,
    "eli": ELI,
    "foaf": FOAF,
    "locn": LOCN,
    "org": ORG,
    "rdf": RDF,
    "skos": SKOS,
    "time": TIME,
    "xsd": XSD,
}

# The Publications Office's authority tables, which every reader knows.
EURO = URIRef(f"{AUTHORITY}currency/EUR")
WEEKLY = URIRef(f"{AUTHORITY}frequency/WEEKLY")
AUTHORITY_LABELS = {
    EURO: _("euro"),
    WEEKLY: _("weekly"),
}

# Channel types: the site's own concept scheme, as CPSV-AP leaves it open.
CHANNEL_TYPES = {
    "in-person": _("At the counter"),
    "telephone": _("By telephone"),
    "email": _("By e-mail"),
    "online": _("Online"),
}


def languages() -> list[str]:
    """The site's languages, its main one first."""
    default = api.portal.get_registry_record("plone.default_language")
    others = api.portal.get_registry_record("plone.available_languages", default=[])
    return [default, *(each for each in others if each != default)]


def new_graph() -> Graph:
    graph = Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def translations(message, in_languages: list[str]) -> dict[str, str]:
    """A message in each of the languages."""
    return {
        language: translate(message, target_language=language)
        for language in in_languages
    }


def declare_concept(graph: Graph, concept: URIRef, labels: dict, scheme=None) -> URIRef:
    """The concept with its label in each language."""
    graph.add((concept, RDF.type, SKOS.Concept))
    for language, label in labels.items():
        graph.add((concept, SKOS.prefLabel, Literal(label, lang=language)))
    if scheme is not None:
        graph.add((concept, SKOS.inScheme, scheme))
    return concept
