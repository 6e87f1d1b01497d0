"""One RDF graph of the commune, its procedures and the services that receive them.

Procedures are cpsv:PublicService, their responsible services cv:ContactPoint
and channels, the commune the cv:PublicOrganisation competent for them.
"""

from collective.taxonomy.interfaces import ITaxonomy
from imio.belgium import get_commune
from imio.commune import _
from imio.commune.answers import stored_answers
from imio.commune.cpsv.vocabulary import AUTHORITY_LABELS
from imio.commune.cpsv.vocabulary import CHANNEL_TYPES
from imio.commune.cpsv.vocabulary import CPSV
from imio.commune.cpsv.vocabulary import CV
from imio.commune.cpsv.vocabulary import declare_concept
from imio.commune.cpsv.vocabulary import ELI
from imio.commune.cpsv.vocabulary import EURO
from imio.commune.cpsv.vocabulary import languages
from imio.commune.cpsv.vocabulary import LOCN
from imio.commune.cpsv.vocabulary import new_graph
from imio.commune.cpsv.vocabulary import translations
from imio.commune.cpsv.vocabulary import WEEKLY
from imio.commune.library.site import is_library
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import WEEKDAYS
from lxml import html
from plone import api
from rdflib import BNode
from rdflib import Graph
from rdflib import Literal
from rdflib import URIRef
from rdflib.namespace import DCAT
from rdflib.namespace import DCTERMS
from rdflib.namespace import FOAF
from rdflib.namespace import ORG
from rdflib.namespace import RDF
from rdflib.namespace import SKOS
from rdflib.namespace import TIME
from rdflib.namespace import XSD
from zope.component import queryUtility
from zope.i18n import translate

import re


VIEW_NAME = "@@cpsv-ap"
# A library is the intercommunale's: competent for its sheets in every commune.
INTERCOMMUNALE = _("iMio, the IT intercommunale of the communes")
INTERCOMMUNALE_URL = "https://www.imio.be"
LIBRARY_TITLE = _("Procedure library")
WALLONIA_REFNIS = "03000"
WALLONIA = {"fr": "Région wallonne", "de": "Wallonische Region"}
# An amount in euros as editors write it: "25 €", "12,50 EUR", "€ 5".
AMOUNT = re.compile(r"(\d+(?:[.,]\d{1,2})?)\s*(?:€|EUR\b|euros?\b)", re.IGNORECASE)
WEB_ADDRESS = re.compile(r'https?://[^\s<>"{}|\\^`]+')
FREE = re.compile(r"\b(gratuit|gratuite|kostenlos|gebührenfrei)\b", re.IGNORECASE)
TIME_DAYS = (
    TIME.Monday,
    TIME.Tuesday,
    TIME.Wednesday,
    TIME.Thursday,
    TIME.Friday,
    TIME.Saturday,
    TIME.Sunday,
)


def plain_text(rich) -> str:
    """The words of a rich text, without its markup."""
    raw = getattr(rich, "raw", None) or ""
    if not raw.strip():
        return ""
    return " ".join(html.fromstring(f"<div>{raw}</div>").text_content().split())


def list_items(rich) -> list[str]:
    """The items of the lists in a rich text, or its text as one item."""
    raw = getattr(rich, "raw", None) or ""
    if not raw.strip():
        return []
    items = html.fromstring(f"<div>{raw}</div>").xpath("//li")
    found = [" ".join(item.text_content().split()) for item in items]
    text = plain_text(rich)
    return [each for each in found if each] or ([text] if text else [])


def first_link(rich) -> str | None:
    """The first web address a rich text links to, when it is a usable IRI."""
    raw = getattr(rich, "raw", None) or ""
    if not raw.strip():
        return None
    links = html.fromstring(f"<div>{raw}</div>").xpath("//a/@href")
    return next((link for link in links if WEB_ADDRESS.fullmatch(link)), None)


def single_amount(text: str) -> float | None:
    """The fee when the text names one amount, 0 when it says free, else None."""
    amounts = {float(each.replace(",", ".")) for each in AMOUNT.findall(text)}
    if len(amounts) == 1:
        return amounts.pop()
    if not amounts and FREE.search(text):
        return 0.0
    return None


def life_event_labels(in_languages: list[str]) -> dict[str, dict[str, str]]:
    """The labels of each life event of the site's taxonomy, by language."""
    taxonomy = queryUtility(ITaxonomy, name="collective.taxonomy.life_event")
    if taxonomy is None:
        return {}
    return {
        term.value: {
            language: label
            for language in in_languages
            if (label := taxonomy.translate(term.value, target_language=language))
        }
        for term in taxonomy.makeVocabulary(in_languages[0])
    }


def related(relation):
    """The target of a relation when the visitor may see it."""
    if relation is None or relation.isBroken():
        return None
    target = relation.to_object
    if target is None or not api.user.has_permission("View", obj=target):
        return None
    return target


class CommuneGraph:
    """The graph that the exports of one site write."""

    def __init__(self, site):
        self.site = site
        self.graph: Graph = new_graph()
        self.base = f"{site.absolute_url()}/{VIEW_NAME}"
        self.languages = languages()
        self.language = self.languages[0]
        # Concepts already declared with their labels, so as to translate once.
        self.concepts: set[URIRef] = set()
        self.organisation = self.add_organisation()
        self.life_events = life_event_labels(self.languages)

    def iri(self, fragment: str, base: str | None = None) -> URIRef:
        return URIRef(f"{base or self.base}#{fragment}")

    def text(self, value: str, language: str | None = None) -> Literal:
        return Literal(value, lang=language or self.language)

    def add(self, subject, predicate, value) -> None:
        self.graph.add((subject, predicate, value))

    def document(self, url: str) -> URIRef:
        page = URIRef(url)
        self.add(page, RDF.type, FOAF.Document)
        return page

    def add_organisation(self) -> URIRef:
        """The commune, competent authority for all its procedures."""
        organisation = self.iri("organisation")
        for kind in (CV.PublicOrganisation, ORG.Organization, FOAF.Agent):
            self.add(organisation, RDF.type, kind)
        territory = self.iri("territory")
        self.add(territory, RDF.type, DCTERMS.Location)
        self.add(organisation, DCTERMS.spatial, territory)
        if is_library(self.site):
            return self.add_intercommunale(organisation, territory)
        self.add(organisation, SKOS.prefLabel, self.text(self.site.Title()))
        self.add(organisation, DCTERMS.title, self.text(self.site.Title()))
        self.add(organisation, FOAF.homepage, self.document(self.site.absolute_url()))
        refnis = (stored_answers(self.site) or {}).get("refnis")
        if refnis:
            # The NIS (REFNIS) code Statbel gives each commune.
            self.add(organisation, DCTERMS.identifier, Literal(refnis))
            self.add(territory, DCTERMS.identifier, Literal(refnis))
            commune = get_commune(refnis)
            for language in self.languages:
                name = self.text(commune.name_in(language), language)
                self.add(territory, LOCN.geographicName, name)
        return organisation

    def add_intercommunale(self, organisation, territory) -> URIRef:
        """A library's sheets are the intercommunale's, for all of Wallonia."""
        for language, name in translations(INTERCOMMUNALE, self.languages).items():
            self.add(organisation, SKOS.prefLabel, self.text(name, language))
            self.add(organisation, DCTERMS.title, self.text(name, language))
        self.add(organisation, FOAF.homepage, self.document(INTERCOMMUNALE_URL))
        self.add(organisation, DCTERMS.identifier, Literal(INTERCOMMUNALE_URL))
        # The NIS (REFNIS) code Statbel gives the Walloon Region.
        self.add(territory, DCTERMS.identifier, Literal(WALLONIA_REFNIS))
        for language, name in WALLONIA.items():
            if language in self.languages:
                self.add(territory, LOCN.geographicName, self.text(name, language))
        return organisation

    def concept(self, concept: URIRef, message, scheme=None) -> URIRef:
        """A concept labelled with a message of ours, in each language."""
        if concept not in self.concepts:
            labels = translations(message, self.languages)
            declare_concept(self.graph, concept, labels, scheme)
            self.concepts.add(concept)
        return concept

    def channel_type(self, name: str) -> URIRef:
        scheme = self.iri("channel-types")
        self.add(scheme, RDF.type, SKOS.ConceptScheme)
        return self.concept(
            self.iri(f"channel-type-{name}"), CHANNEL_TYPES[name], scheme
        )

    # Procedures

    def add_procedure(self, procedure) -> URIRef:
        base = f"{procedure.absolute_url()}/{VIEW_NAME}"
        service = URIRef(f"{base}#service")
        language = procedure.Language() or self.language
        self.add(service, RDF.type, CPSV.PublicService)
        self.add(service, DCTERMS.identifier, Literal(procedure.UID()))
        self.add(service, DCTERMS.title, self.text(procedure.Title(), language))
        description = (
            procedure.Description()
            or plain_text(getattr(procedure, "what_you_get", None))
            or procedure.Title()
        )
        self.add(service, DCTERMS.description, self.text(description, language))
        self.add(service, CV.hasCompetentAuthority, self.organisation)
        self.add(service, DCAT.landingPage, self.document(procedure.absolute_url()))
        evidences = self.add_evidences(procedure, service, base, language)
        self.add_cost(procedure, service, base, language)
        self.add_legal_resource(procedure, service, base, language)
        self.add_life_events(procedure, service)
        responsible = related(getattr(procedure, "responsible_service", None))
        if responsible is not None:
            contact = self.add_contact_point(responsible)
            self.add(service, CV.contactPoint, contact)
            self.add_service_channels(responsible, service, base, evidences)
        self.add_online_channel(procedure, service, base, evidences)
        return service

    def add_evidences(self, procedure, service, base, language) -> list[URIRef]:
        """The documents to bring, one cv:Evidence each."""
        evidences = []
        items = list_items(getattr(procedure, "documents", None))
        for number, title in enumerate(items, start=1):
            evidence = URIRef(f"{base}#evidence-{number}")
            self.add(evidence, RDF.type, CV.Evidence)
            self.add(
                evidence, DCTERMS.identifier, Literal(f"{procedure.UID()}-{number}")
            )
            self.add(evidence, DCTERMS.title, self.text(title, language))
            self.add(service, CPSV.hasInput, evidence)
            evidences.append(evidence)
        return evidences

    def add_cost(self, procedure, service, base, language) -> None:
        text = plain_text(getattr(procedure, "cost", None))
        if not text:
            return
        cost = URIRef(f"{base}#cost")
        self.add(cost, RDF.type, CV.Cost)
        self.add(cost, DCTERMS.identifier, Literal(f"{procedure.UID()}-cost"))
        self.add(cost, DCTERMS.description, self.text(text, language))
        self.add(cost, CV.isDefinedBy, self.organisation)
        amount = single_amount(text)
        if amount is not None:
            self.add(cost, CV.hasValue, Literal(amount, datatype=XSD.double))
            self.add(cost, CV.currency, self.concept(EURO, AUTHORITY_LABELS[EURO]))
        self.add(service, CV.hasCost, cost)

    def add_legal_resource(self, procedure, service, base, language) -> None:
        legal_basis = getattr(procedure, "legal_basis", None)
        text = plain_text(legal_basis)
        if not text:
            return
        link = first_link(legal_basis)
        resource = URIRef(link) if link else URIRef(f"{base}#legal-resource")
        self.add(resource, RDF.type, ELI.LegalResource)
        self.add(resource, DCTERMS.title, self.text(text, language))
        self.add(service, CV.hasLegalResource, resource)

    def add_life_events(self, procedure, service) -> None:
        labels = self.life_events
        scheme = self.iri("life-events")
        for term in getattr(procedure, "taxonomy_life_event", None) or ():
            if term not in labels:
                continue
            event = self.iri(f"life-event-{term}")
            kind = self.iri(f"life-event-type-{term}")
            self.add(scheme, RDF.type, SKOS.ConceptScheme)
            declare_concept(self.graph, kind, labels[term], scheme)
            for each in (CV.Event, CV.LifeEvent):
                self.add(event, RDF.type, each)
            self.add(event, DCTERMS.identifier, Literal(term))
            self.add(event, DCTERMS.type, kind)
            for label in self.graph.objects(kind, SKOS.prefLabel):
                self.add(event, DCTERMS.title, label)
            self.add(event, CV.hasRelatedService, service)
            self.add(service, CV.isGroupedBy, event)

    # Services: contact points, channels and opening hours

    def add_contact_point(self, responsible) -> URIRef:
        url = responsible.absolute_url()
        contact = URIRef(f"{url}#contact-point")
        if (contact, RDF.type, CV.ContactPoint) in self.graph:
            return contact
        self.add(contact, RDF.type, CV.ContactPoint)
        self.add(contact, CV.contactPage, self.document(url))
        for phone in getattr(responsible, "phones", None) or ():
            self.add(contact, CV.telephone, Literal(phone))
        for email in getattr(responsible, "emails", None) or ():
            self.add(contact, CV.email, Literal(email))
        for period in self.opening_hours(responsible):
            self.add(contact, CV.openingHours, period)
        for period in self.closures(responsible):
            self.add(contact, CV.specialOpeningHoursSpecification, period)
        return contact

    def instant(self, day: int | None = None, clock=None, date=None) -> BNode:
        moment = BNode()
        description = BNode()
        self.add(moment, RDF.type, TIME.Instant)
        if date is not None:
            self.add(moment, TIME.inXSDDate, Literal(date, datatype=XSD.date))
            return moment
        self.add(moment, TIME.inDateTime, description)
        self.add(description, RDF.type, TIME.DateTimeDescription)
        self.add(description, TIME.unitType, TIME.unitMinute)
        self.add(description, TIME.dayOfWeek, TIME_DAYS[day])
        self.add(
            description, TIME.hour, Literal(clock.hour, datatype=XSD.nonNegativeInteger)
        )
        self.add(
            description,
            TIME.minute,
            Literal(clock.minute, datatype=XSD.nonNegativeInteger),
        )
        return moment

    def opening_hours(self, responsible) -> list[URIRef]:
        """One weekly period for each opening range of each day."""
        hours = OpeningHours.of(responsible)
        periods = []
        url = responsible.absolute_url()
        for day in sorted(hours.week):
            name, title = WEEKDAYS[day]
            for number, each in enumerate(hours.week[day], start=1):
                period = URIRef(f"{url}#opening-hours-{name}-{number}")
                self.add(period, RDF.type, TIME.TemporalEntity)
                self.add(
                    period, CV.frequency, self.concept(WEEKLY, AUTHORITY_LABELS[WEEKLY])
                )
                for language in self.languages:
                    day_name = translate(title, target_language=language)
                    self.add(
                        period,
                        DCTERMS.description,
                        self.text(f"{day_name} {each}", language),
                    )
                self.add(period, TIME.hasBeginning, self.instant(day, each.start))
                self.add(period, TIME.hasEnd, self.instant(day, each.end))
                periods.append(period)
        return periods

    def closures(self, responsible) -> list[URIRef]:
        periods = []
        url = responsible.absolute_url()
        closures = OpeningHours.of(responsible).closures
        for number, closure in enumerate(closures, start=1):
            period = URIRef(f"{url}#closure-{number}")
            self.add(period, RDF.type, TIME.TemporalEntity)
            if closure.reason:
                self.add(period, DCTERMS.description, self.text(closure.reason))
            self.add(period, TIME.hasBeginning, self.instant(date=closure.first))
            self.add(period, TIME.hasEnd, self.instant(date=closure.last))
            periods.append(period)
        return periods

    def add_channel(self, service, base, kind: str, evidences) -> URIRef:
        channel = URIRef(f"{base}#channel-{kind}")
        self.add(channel, RDF.type, CV.Channel)
        self.add(channel, DCTERMS.identifier, Literal(f"{base}#channel-{kind}"))
        self.add(channel, DCTERMS.type, self.channel_type(kind))
        self.add(channel, CV.ownedBy, self.organisation)
        for evidence in evidences:
            self.add(channel, CPSV.hasInput, evidence)
        self.add(service, CV.hasChannel, channel)
        return channel

    def add_service_channels(self, responsible, service, base, evidences) -> None:
        """At the counter in its opening hours, by telephone, by e-mail."""
        contact = URIRef(f"{responsible.absolute_url()}#contact-point")
        periods = list(self.graph.objects(contact, CV.openingHours))
        if periods or getattr(responsible, "street", None):
            channel = self.add_channel(service, base, "in-person", evidences)
            self.add(channel, DCTERMS.description, self.text(responsible.Title()))
            for period in periods:
                self.add(channel, CV.openingHours, period)
        if getattr(responsible, "phones", None):
            self.add_channel(service, base, "telephone", ())
        if getattr(responsible, "emails", None):
            self.add_channel(service, base, "email", ())

    def add_online_channel(self, procedure, service, base, evidences) -> None:
        form = related(getattr(procedure, "online_form", None))
        url = form.absolute_url() if form is not None else None
        url = url or getattr(procedure, "online_form_url", None)
        if not url:
            return
        channel = self.add_channel(service, base, "online", evidences)
        self.add(channel, FOAF.page, self.document(url))

    # The site-wide catalogue

    def add_catalogue(self, procedures) -> URIRef:
        """Every published procedure as a part of one dcat:Dataset."""
        catalogue = self.iri("catalogue")
        self.add(catalogue, RDF.type, DCAT.Dataset)
        self.add(catalogue, DCTERMS.identifier, Literal(self.base))
        title = _("Procedures of ${commune}", mapping={"commune": self.site.Title()})
        if is_library(self.site):
            title = LIBRARY_TITLE
        for language in self.languages:
            text = translate(title, target_language=language)
            self.add(catalogue, DCTERMS.title, self.text(text, language))
        description = self.site.Description() or translate(
            title, target_language=self.language
        )
        self.add(catalogue, DCTERMS.description, self.text(description))
        self.add(catalogue, DCTERMS.publisher, self.organisation)
        self.add(catalogue, DCAT.landingPage, self.document(self.site.absolute_url()))
        self.add(catalogue, DCTERMS.spatial, self.iri("territory"))
        latest = None
        for procedure in procedures:
            service = self.add_procedure(procedure)
            self.add(catalogue, DCTERMS.hasPart, service)
            self.add(service, DCTERMS.isPartOf, catalogue)
            modified = procedure.modified()
            latest = modified if latest is None or modified > latest else latest
        if latest is not None:
            self.add(catalogue, DCTERMS.modified, Literal(latest.asdatetime()))
        return catalogue
