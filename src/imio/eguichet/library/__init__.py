"""Ready-made e-guichet forms that a commune installs in one step.

Each form's fields are a supermodel file ``<form id>.xml`` beside this module;
``actions.xml`` holds the actions every library form runs: create a case,
then tell the commune, with no answer in the mail (see actions.notify).

Each form names the communal service that processes it; the site that
installs it gives the group of that service's agents.
"""

from dataclasses import dataclass
from decimal import Decimal
from imio.eguichet.behaviors import ANYONE
from imio.eguichet.behaviors import CITIZENS
from imio.eguichet.behaviors import CITIZENS_HIGH
from lxml import etree
from pathlib import Path
from plone import api


HERE = Path(__file__).parent
SCHEMA = "{http://namespaces.plone.org/supermodel/schema}"
CREATE_CASE = "imio.eguichet.actions.CreateCase"
MAILER = "collective.easyform.actions.Mailer"
# The view that shows the answers for checking before the case is created.
CHECKED_LAYOUT = "demande"
# The communal services that process the library's forms.
POPULATION = "population-etat-civil"
SECRETARIAT = "secretariat"
WORKS = "travaux"
# What a citizen needs to sign in to the forms that ask for it.
ELECTRONIC_ID = (
    "Votre carte d'identité électronique et son code PIN, pour vous connecter"
)


@dataclass(frozen=True)
class LibraryForm:
    """A ready form: its fields file, and the e-guichet settings it starts with."""

    id: str
    title: str
    description: str
    audience: str
    service: str
    submitters: str = ANYONE
    delay_days: int | None = None
    fee: Decimal | None = None
    retention_months: int = 24
    # What the citizen needs at hand, one per line, and minutes to fill in.
    documents: str = ""
    duration_minutes: int | None = None
    # The register of processing (GDPR article 30): why, on which legal
    # basis, and which categories of personal data the form collects.
    purpose: str = ""
    legal_basis: str = ""
    data_categories: tuple[str, ...] = ()

    @property
    def fields_model(self) -> str:
        return (HERE / f"{self.id}.xml").read_text(encoding="utf-8")

    def actions_model(self, recipient: str | None) -> str:
        """Create the case, then tell ``recipient`` of it, if any.

        The form is often created by the operators' tools, with no member
        owning it whose address easyform could fall back on: without an
        address of the commune, the mailer is left out rather than failing
        each submission.
        """
        model = etree.fromstring((HERE / "actions.xml").read_bytes())
        mailer = model.find(f"{SCHEMA}schema/{SCHEMA}field[@name='notify_service']")
        if recipient:
            etree.SubElement(mailer, f"{SCHEMA}recipient_email").text = recipient
        else:
            mailer.getparent().remove(mailer)
        return etree.tostring(model, encoding="unicode")


# The population registers' certificates rest on the same texts.
POPULATION_REGISTERS = (
    "Loi du 19 juillet 1991 relative aux registres de la population, aux "
    "cartes d'identité, aux cartes des étrangers et aux documents de séjour ; "
    "arrêté royal du 16 juillet 1992 relatif à la communication des "
    "informations contenues dans les registres de la population et dans le "
    "registre des étrangers ; RGPD, article 6.1.e (mission d'intérêt public)."
)


FORMS = (
    LibraryForm(
        id="certificat-de-residence",
        title="Certificat de résidence",
        description="Demander un certificat de résidence, avec ou sans "
        "l'historique de vos adresses.",
        audience="Habitants inscrits dans la commune",
        service=POPULATION,
        submitters=CITIZENS_HIGH,
        delay_days=2,
        fee=Decimal("3.00"),
        retention_months=12,
        documents=ELECTRONIC_ID,
        duration_minutes=5,
        purpose="Délivrer au demandeur un certificat de résidence, avec ou sans "
        "l'historique de ses adresses, extrait du registre de la population.",
        legal_basis=POPULATION_REGISTERS,
        data_categories=("identity", "contact", "national_number"),
    ),
    LibraryForm(
        id="composition-de-menage",
        title="Composition de ménage",
        description="Demander un certificat de composition de ménage.",
        audience="Habitants inscrits dans la commune",
        service=POPULATION,
        submitters=CITIZENS_HIGH,
        delay_days=2,
        fee=Decimal("3.00"),
        retention_months=12,
        documents=ELECTRONIC_ID,
        duration_minutes=5,
        purpose="Délivrer au demandeur un certificat de composition de ménage extrait "
        "du registre de la population.",
        legal_basis=POPULATION_REGISTERS,
        data_categories=("identity", "contact", "national_number", "family"),
    ),
    LibraryForm(
        id="extrait-acte",
        title="Extrait d'acte de naissance, de mariage ou de décès",
        description="Demander un extrait ou une copie d'un acte de l'état civil "
        "établi dans la commune.",
        audience="Personnes concernées par l'acte, leurs proches, notaires",
        service=POPULATION,
        delay_days=5,
        fee=Decimal("5.00"),
        retention_months=12,
        documents="La date et le lieu de l'acte (naissance, mariage ou décès)\n"
        "Les noms des personnes concernées",
        duration_minutes=5,
        purpose="Délivrer un extrait ou une copie d'un acte de l'état civil aux "
        "personnes que la loi y autorise.",
        legal_basis=(
            "Ancien Code civil, livre Ier, titre II « Des actes de l'état civil », "
            "tel que modifié par la loi du 18 juin 2018 (banque de données des actes "
            "de l'état civil) ; RGPD, article 6.1.c (obligation légale)."
        ),
        data_categories=("identity", "contact", "family"),
    ),
    LibraryForm(
        id="declaration-perte-document",
        title="Déclaration de perte ou de vol d'un document d'identité",
        description="Déclarer la perte ou le vol de votre carte d'identité, "
        "passeport, permis de conduire ou titre de séjour.",
        audience="Habitants inscrits dans la commune",
        service=POPULATION,
        submitters=CITIZENS,
        delay_days=1,
        retention_months=60,
        documents="Le numéro du document perdu ou volé, s'il vous est connu\n"
        "Le numéro du procès-verbal de la police, en cas de vol",
        duration_minutes=10,
        purpose="Enregistrer la déclaration de perte ou de vol d'un document "
        "d'identité ou de voyage et faire annuler ce document.",
        legal_basis=(
            "Loi du 19 juillet 1991 relative aux registres de la population, aux "
            "cartes d'identité, aux cartes des étrangers et aux documents de séjour ; "
            "arrêté royal du 25 mars 2003 relatif aux cartes d'identité ; Code "
            "consulaire du 21 décembre 2013 (passeports) ; RGPD, article 6.1.c "
            "(obligation légale)."
        ),
        data_categories=("identity", "contact", "national_number", "documents"),
    ),
    LibraryForm(
        id="reservation-salle",
        title="Réservation d'une salle communale",
        description="Demander la location d'une salle communale pour une fête, "
        "une activité ou une réunion.",
        audience="Habitants, associations, entreprises",
        service=SECRETARIAT,
        delay_days=10,
        fee=Decimal("150.00"),
        retention_months=24,
        documents="Les dates et heures souhaitées\nLe nombre de personnes attendues",
        duration_minutes=10,
        purpose="Traiter la demande de location d'une salle communale et conclure le "
        "contrat de location.",
        legal_basis="Code de la démocratie locale et de la décentralisation, article "
        "L1122-30 (gestion des biens communaux), et le règlement communal "
        "d'occupation des salles ; RGPD, article 6.1.b (contrat de location).",
        data_categories=("identity", "contact"),
    ),
    LibraryForm(
        id="signalement-voirie",
        title="Signaler un problème sur la voie publique",
        description="Nid-de-poule, éclairage en panne, dépôt clandestin : "
        "signalez-le au service des travaux, avec une photo.",
        audience="Tout le monde",
        service=WORKS,
        delay_days=15,
        retention_months=24,
        documents="L'adresse ou l'endroit précis du problème\n"
        "Une photo, si vous en avez une (facultatif)",
        duration_minutes=5,
        purpose="Recevoir et traiter les signalements de problèmes sur la voie "
        "publique, et tenir informée la personne qui signale.",
        legal_basis=(
            "Nouvelle loi communale, article 135, § 2 (propreté, salubrité, sûreté "
            "et commodité du passage dans les rues) ; RGPD, article 6.1.e (mission "
            "d'intérêt public)."
        ),
        data_categories=("identity", "contact", "photos"),
    ),
    LibraryForm(
        id="occupation-domaine-public",
        title="Occupation temporaire de la voie publique",
        description="Demander l'autorisation de placer un conteneur, un "
        "échafaudage ou un monte-meubles sur la voie publique.",
        audience="Habitants, entreprises",
        service=WORKS,
        delay_days=15,
        fee=Decimal("25.00"),
        retention_months=36,
        documents="L'adresse et les dates de l'occupation\n"
        "La surface occupée (en mètres carrés)",
        duration_minutes=10,
        purpose="Autoriser l'occupation temporaire de la voie publique (conteneur, "
        "échafaudage, monte-meubles) et en contrôler le respect.",
        legal_basis=(
            "Nouvelle loi communale, articles 119 et 135, § 2 ; règlement communal "
            "de police relatif à l'occupation de la voie publique ; RGPD, article "
            "6.1.e (mission d'intérêt public)."
        ),
        data_categories=("identity", "contact", "documents"),
    ),
    LibraryForm(
        id="inscription-stage",
        title="Inscription à un stage pour enfants",
        description="Inscrire votre enfant à un stage organisé pendant les "
        "vacances scolaires.",
        audience="Parents",
        service=SECRETARIAT,
        delay_days=5,
        retention_months=24,
        documents="Les nom, prénom et date de naissance de l'enfant\n"
        "Les coordonnées d'une personne à contacter en cas d'urgence",
        duration_minutes=10,
        purpose="Inscrire un enfant à un stage communal de vacances, l'accueillir en "
        "sécurité (santé, personne à contacter) et facturer le stage.",
        legal_basis=(
            "Décret de la Communauté française du 17 mai 1999 relatif aux centres de "
            "vacances ; Code de la démocratie locale et de la décentralisation, "
            "article L1122-30 ; RGPD, articles 6.1.b (inscription) et 9.2.a (données "
            "de santé de l'enfant, avec le consentement du parent)."
        ),
        data_categories=("identity", "contact", "family", "health", "photos"),
    ),
    LibraryForm(
        id="carte-stationnement-riverain",
        title="Carte de stationnement pour riverains",
        description="Demander la carte qui vous permet de stationner dans votre "
        "quartier en zone réglementée.",
        audience="Habitants des zones de stationnement réglementé",
        service=POPULATION,
        submitters=CITIZENS,
        delay_days=10,
        fee=Decimal("10.00"),
        retention_months=36,
        documents=f"{ELECTRONIC_ID}\nLe certificat d'immatriculation de votre véhicule",
        duration_minutes=5,
        purpose="Délivrer la carte de riverain qui permet de stationner dans une zone "
        "réglementée, et en contrôler les conditions (domicile, véhicule).",
        legal_basis=(
            "Loi du 16 mars 1968 relative à la police de la circulation routière ; "
            "arrêté ministériel du 9 janvier 2007 concernant la carte de riverain ; "
            "règlement complémentaire communal de circulation ; RGPD, article 6.1.e "
            "(mission d'intérêt public)."
        ),
        data_categories=(
            "identity",
            "contact",
            "national_number",
            "vehicle",
            "documents",
        ),
    ),
)
FORM_IDS = tuple(form.id for form in FORMS)
SERVICES = tuple(sorted({form.service for form in FORMS}))


def available_forms() -> tuple[LibraryForm, ...]:
    """Every form of the library, in the order a commune's menu lists them."""
    return FORMS


def get_library_form(form_id: str) -> LibraryForm:
    """The library form with this id; KeyError when there is none."""
    for form in FORMS:
        if form.id == form_id:
            return form
    raise KeyError(form_id)


def install_form(container, form_id: str, processing_service: str | None = None):
    """Add the library form ``form_id`` to ``container`` and return it.

    ``processing_service`` is the group whose agents process its cases. A
    form already there under that id is returned as it is: editors may have
    changed it since. The commune is told of each case at the site's address
    as it is now; editors may change the recipient on the form's actions.
    """
    ready = get_library_form(form_id)
    if form_id in container.objectIds():
        return container[form_id]
    form = api.content.create(
        container=container,
        type="EasyForm",
        id=ready.id,
        title=ready.title,
        description=ready.description,
        fields_model=ready.fields_model,
        actions_model=ready.actions_model(
            api.portal.get_registry_record("plone.email_from_address", default="")
        ),
        submitters=ready.submitters,
        processing_service=processing_service,
        delay_days=ready.delay_days,
        fee=ready.fee,
        retention_months=ready.retention_months,
        documents=ready.documents or None,
        duration_minutes=ready.duration_minutes,
        purpose=ready.purpose or None,
        legal_basis=ready.legal_basis or None,
        data_categories=list(ready.data_categories),
    )
    form.setLayout(CHECKED_LAYOUT)
    _publish(form)
    return form


def notify_without_answers(form, fallback: str = "") -> bool:
    """Replace the mailer that sends the answers to the commune; whether done.

    Forms installed before the commune was told of its cases without the
    answers mailed them with easyform's mailer. That mailer, when it writes
    to a fixed address (the commune) on a form that creates cases, becomes
    the notice with the reference and a link; a mailer to an address typed
    in the form (the applicant's copy) stays as editors set it.
    """
    model = etree.fromstring((form.actions_model or "").encode("utf-8"))
    fields = model.findall(f"{SCHEMA}schema/{SCHEMA}field")
    if not any(field.get("type") == CREATE_CASE for field in fields):
        return False
    replaced = False
    for field in fields:
        if field.get("type") != MAILER or field.find(f"{SCHEMA}to_field") is not None:
            continue
        recipient = field.findtext(f"{SCHEMA}recipient_email") or fallback
        notice = _notify_service_field(recipient)
        if notice is None:
            field.getparent().remove(field)
        else:
            field.getparent().replace(field, notice)
        replaced = True
    if replaced:
        form.actions_model = etree.tostring(model, encoding="unicode")
    return replaced


def _notify_service_field(recipient: str):
    model = etree.fromstring(FORMS[0].actions_model(recipient))
    return model.find(f"{SCHEMA}schema/{SCHEMA}field[@name='notify_service']")


def _publish(form):
    # Citizens see the form at once; without a publication workflow it
    # already follows its container.
    workflow = api.portal.get_tool("portal_workflow")
    if "publish" in {move["id"] for move in workflow.getTransitionsFor(form)}:
        api.content.transition(form, "publish")
