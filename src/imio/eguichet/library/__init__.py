"""Ready-made e-guichet forms that a commune installs in one step.

Each form's fields are a supermodel file ``<form id>.xml`` beside this module;
``actions.xml`` holds the actions every library form runs: create a case,
then mail the answers to the commune as easyform's forms do.
"""

from dataclasses import dataclass
from decimal import Decimal
from imio.eguichet.behaviors import ANYONE
from imio.eguichet.behaviors import CITIZENS
from lxml import etree
from pathlib import Path
from plone import api


HERE = Path(__file__).parent
SCHEMA = "{http://namespaces.plone.org/supermodel/schema}"
# The view that shows the answers for checking before the case is created.
CHECKED_LAYOUT = "demande"


@dataclass(frozen=True)
class LibraryForm:
    """A ready form: its fields file, and the e-guichet settings it starts with."""

    id: str
    title: str
    description: str
    audience: str
    submitters: str = ANYONE
    delay_days: int | None = None
    fee: Decimal | None = None
    retention_months: int = 24

    @property
    def fields_model(self) -> str:
        return (HERE / f"{self.id}.xml").read_text(encoding="utf-8")

    def actions_model(self, recipient: str | None) -> str:
        """Create the case, then mail the answers to ``recipient`` if any.

        The form is often created by the operators' tools, with no member
        owning it whose address easyform could fall back on: without an
        address of the commune, the mailer is left out rather than failing
        each submission.
        """
        model = etree.fromstring((HERE / "actions.xml").read_bytes())
        mailer = model.find(f"{SCHEMA}schema/{SCHEMA}field[@name='mailer']")
        if recipient:
            etree.SubElement(mailer, f"{SCHEMA}recipient_email").text = recipient
        else:
            mailer.getparent().remove(mailer)
        return etree.tostring(model, encoding="unicode")


FORMS = (
    LibraryForm(
        id="certificat-de-residence",
        title="Certificat de résidence",
        description="Demander un certificat de résidence, avec ou sans "
        "l'historique de vos adresses.",
        audience="Habitants inscrits dans la commune",
        submitters=CITIZENS,
        delay_days=2,
        fee=Decimal("3.00"),
        retention_months=12,
    ),
    LibraryForm(
        id="composition-de-menage",
        title="Composition de ménage",
        description="Demander un certificat de composition de ménage.",
        audience="Habitants inscrits dans la commune",
        submitters=CITIZENS,
        delay_days=2,
        fee=Decimal("3.00"),
        retention_months=12,
    ),
    LibraryForm(
        id="extrait-acte",
        title="Extrait d'acte de naissance, de mariage ou de décès",
        description="Demander un extrait ou une copie d'un acte de l'état civil "
        "établi dans la commune.",
        audience="Personnes concernées par l'acte, leurs proches, notaires",
        delay_days=5,
        fee=Decimal("5.00"),
        retention_months=12,
    ),
    LibraryForm(
        id="declaration-perte-document",
        title="Déclaration de perte ou de vol d'un document d'identité",
        description="Déclarer la perte ou le vol de votre carte d'identité, "
        "passeport, permis de conduire ou titre de séjour.",
        audience="Habitants inscrits dans la commune",
        submitters=CITIZENS,
        delay_days=1,
        retention_months=60,
    ),
    LibraryForm(
        id="reservation-salle",
        title="Réservation d'une salle communale",
        description="Demander la location d'une salle communale pour une fête, "
        "une activité ou une réunion.",
        audience="Habitants, associations, entreprises",
        delay_days=10,
        fee=Decimal("150.00"),
        retention_months=24,
    ),
    LibraryForm(
        id="signalement-voirie",
        title="Signaler un problème sur la voie publique",
        description="Nid-de-poule, éclairage en panne, dépôt clandestin : "
        "signalez-le au service des travaux, avec une photo.",
        audience="Tout le monde",
        delay_days=15,
        retention_months=24,
    ),
    LibraryForm(
        id="occupation-domaine-public",
        title="Occupation temporaire de la voie publique",
        description="Demander l'autorisation de placer un conteneur, un "
        "échafaudage ou un monte-meubles sur la voie publique.",
        audience="Habitants, entreprises",
        delay_days=15,
        fee=Decimal("25.00"),
        retention_months=36,
    ),
    LibraryForm(
        id="inscription-stage",
        title="Inscription à un stage pour enfants",
        description="Inscrire votre enfant à un stage organisé pendant les "
        "vacances scolaires.",
        audience="Parents",
        delay_days=5,
        retention_months=24,
    ),
    LibraryForm(
        id="carte-stationnement-riverain",
        title="Carte de stationnement pour riverains",
        description="Demander la carte qui vous permet de stationner dans votre "
        "quartier en zone réglementée.",
        audience="Habitants des zones de stationnement réglementé",
        submitters=CITIZENS,
        delay_days=10,
        fee=Decimal("10.00"),
        retention_months=36,
    ),
)
FORM_IDS = tuple(form.id for form in FORMS)


def available_forms() -> tuple[LibraryForm, ...]:
    """Every form of the library, in the order a commune's menu lists them."""
    return FORMS


def get_library_form(form_id: str) -> LibraryForm:
    """The library form with this id; KeyError when there is none."""
    for form in FORMS:
        if form.id == form_id:
            return form
    raise KeyError(form_id)


def install_form(container, form_id: str):
    """Add the library form ``form_id`` to ``container`` and return it.

    A form already there under that id is returned as it is: editors may
    have changed it since. The answers are mailed to the site's address
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
        delay_days=ready.delay_days,
        fee=ready.fee,
        retention_months=ready.retention_months,
    )
    form.setLayout(CHECKED_LAYOUT)
    _publish(form)
    return form


def _publish(form):
    # Citizens see the form at once; without a publication workflow it
    # already follows its container.
    workflow = api.portal.get_tool("portal_workflow")
    if "publish" in {move["id"] for move in workflow.getTransitionsFor(form)}:
        api.content.transition(form, "publish")
