"""The e-guichet behavior of collective.easyform's forms."""

from datetime import datetime
from decimal import Decimal
from imio.eguichet import _
from imio.eguichet.behaviors.secret import IEditorsOnly
from imio.eguichet.behaviors.secret import Secret
from imio.eguichet.behaviors.secret import SecretFieldWidget
from imio.eguichet.webhook_targets import refused_at_once
from plone.autoform import directives
from plone.autoform.interfaces import IFormFieldProvider
from plone.supermodel import model
from zope import schema
from urllib.parse import urlsplit
from zope.interface import alsoProvides
from zope.interface import Invalid
from zope.interface import invariant
from zope.interface import provider
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


ANYONE = "anyone"
CITIZENS = "citizens"
# Signed in with the identity card (eID) or itsme: FAS's high assurance levels.
CITIZENS_HIGH = "citizens_high"

SUBMITTERS = SimpleVocabulary([
    SimpleTerm(ANYONE, title=_("Anyone, without logging in")),
    SimpleTerm(CITIZENS, title=_("Logged-in citizens only")),
    SimpleTerm(
        CITIZENS_HIGH, title=_("Citizens signed in with their identity card or itsme")
    ),
])


# The sign-in each choice asks of the sender, as the REST API names it.
SIGN_IN_LEVELS = {ANYONE: "none", CITIZENS: "signed-in", CITIZENS_HIGH: "high"}


WEBHOOK_PERMISSION = "cmf.ManagePortal"


def http_address(value: str) -> bool:
    """Only http and https, and not the internal network (see webhook_targets)."""
    address = urlsplit(value)
    if address.scheme not in ("http", "https") or not address.hostname:
        raise Invalid(_("Give an address starting with http:// or https://."))
    try:
        port = address.port or (443 if address.scheme == "https" else 80)
    except ValueError:
        raise Invalid(_("Give an address starting with http:// or https://.")) from None
    if refused_at_once(address.hostname, port):
        raise Invalid(
            _(
                "This address leads to this server or to an internal network: "
                "a webhook may not call it. The site's operators can allow it."
            )
        )
    return True


@provider(IFormFieldProvider)
class IEguichetForm(model.Schema):
    """An e-procedure form: who submits it and who processes its cases."""

    model.fieldset(
        "eguichet",
        label=_("E-guichet"),
        fields=[
            "submitters",
            "processing_service",
            "delay_days",
            "fee",
            "documents",
            "duration_minutes",
            "retention_months",
            "opening_date",
            "closing_date",
            "max_attachment_mb",
            "allowed_attachment_types",
            "webhook_url",
            "webhook_secret",
        ],
    )
    # What the register of processing (GDPR article 30) and the letters say.
    model.fieldset(
        "data_protection",
        label=_("Data protection"),
        fields=["purpose", "legal_basis", "data_categories", "kept_fields"],
    )

    submitters = schema.Choice(
        title=_("Who may submit"),
        vocabulary=SUBMITTERS,
        default=ANYONE,
    )
    processing_service = schema.Choice(
        title=_("Processing service"),
        description=_("The group whose agents process the cases of this form."),
        vocabulary="plone.app.vocabularies.Groups",
        required=False,
    )
    delay_days = schema.Int(
        title=_("Processing delay (days)"),
        description=_("The due date of a case is its submission date plus this."),
        min=0,
        required=False,
    )
    fee = schema.Decimal(
        title=_("Fee (EUR)"),
        description=_("Shown to the citizen; not charged online."),
        min=Decimal(0),
        required=False,
    )
    documents = schema.Text(
        title=_("What the citizen needs"),
        description=_(
            "The documents or information to have at hand, one per line; "
            "shown before the form's first field."
        ),
        required=False,
    )
    duration_minutes = schema.Int(
        title=_("Time to fill in the form (minutes)"),
        min=1,
        required=False,
    )
    retention_months = schema.Int(
        title=_("Retention period (months)"),
        description=_("How long a closed case is kept."),
        min=1,
        required=False,
    )
    opening_date = schema.Datetime(title=_("Open from"), required=False)
    closing_date = schema.Datetime(title=_("Open until"), required=False)
    max_attachment_mb = schema.Int(
        title=_("Maximum size of an attachment (MB)"),
        min=1,
        default=10,
        required=False,
    )
    allowed_attachment_types = schema.List(
        title=_("Allowed attachment types"),
        description=_("Leave empty to accept the types listed here."),
        value_type=schema.Choice(vocabulary="imio.eguichet.AttachmentTypes"),
        required=False,
        default=[],
    )

    # Where the cases go and how they are signed: the site's managers only.
    directives.write_permission(
        webhook_url=WEBHOOK_PERMISSION, webhook_secret=WEBHOOK_PERMISSION
    )
    webhook_url = schema.URI(
        title=_("Webhook address"),
        description=_(
            "The commune's software that is told of each step of this form's "
            "cases, by a signed POST request. Leave empty for none."
        ),
        constraint=http_address,
        required=False,
    )
    directives.widget("webhook_secret", SecretFieldWidget)
    webhook_secret = Secret(
        title=_("Webhook secret"),
        description=_(
            "Shared with that software, which checks the signature with it. "
            "Never shown again: leave empty to keep the current one."
        ),
        required=False,
    )

    purpose = schema.Text(
        title=_("Purpose of the processing"),
        description=_(
            "Why the commune collects these answers, as the register of "
            "processing says it."
        ),
        required=False,
    )
    legal_basis = schema.Text(
        title=_("Legal basis"),
        description=_(
            "The law or regulation the decision rests on; written in the "
            "register of processing and in the decision letters."
        ),
        required=False,
    )
    data_categories = schema.List(
        title=_("Categories of personal data"),
        value_type=schema.Choice(vocabulary="imio.eguichet.DataCategories"),
        required=False,
        default=[],
    )
    kept_fields = schema.List(
        title=_("Answers kept after the retention period"),
        description=_(
            "Answers that say nothing of a person (a category, a number of "
            "participants), kept for statistics. Every other answer is erased "
            "when the retention period ends."
        ),
        value_type=schema.Choice(vocabulary="imio.eguichet.FormFields"),
        required=False,
        default=[],
    )

    @invariant
    def open_before_closed(data):
        opening, closing = data.opening_date, data.closing_date
        if opening and closing and opening >= closing:
            raise Invalid(_("The form must open before it closes."))


alsoProvides(IEguichetForm["webhook_url"], IEditorsOnly)


def sign_in_level(form) -> str:
    """The sign-in the form asks of its sender: "none", "signed-in" or "high"."""
    return SIGN_IN_LEVELS.get(IEguichetForm(form).submitters or ANYONE, "none")


def needs_sign_in(form) -> bool:
    """Whether only a signed-in sender may send the form."""
    return sign_in_level(form) != "none"


def is_open(form, now: datetime) -> bool:
    """Whether the form accepts submissions at ``now`` (aware, site time zone)."""
    settings = IEguichetForm(form)
    opening = _aware(settings.opening_date, now.tzinfo)
    closing = _aware(settings.closing_date, now.tzinfo)
    if opening and now < opening:
        return False
    return not (closing and now >= closing)


def _aware(value, tz):
    # The date widget stores naive times, meant in the site's time zone.
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=tz)
