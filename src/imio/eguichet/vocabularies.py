"""Vocabularies of imio.eguichet."""

from collective.easyform.api import get_schema
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from plone import api
from plone.namedfile.interfaces import INamedField
from zope.interface import provider
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IVocabularyFactory
from zope.schema.vocabulary import SimpleTerm
from zope.schema.vocabulary import SimpleVocabulary


ATTACHMENT_TYPES = {
    "application/pdf": _("PDF document"),
    "image/jpeg": _("JPEG image"),
    "image/png": _("PNG image"),
    "application/vnd.oasis.opendocument.text": _("OpenDocument text"),
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": _(
        "Word document"
    ),
}


# What a form may collect, as the register of processing lists it.
DATA_CATEGORIES = {
    "identity": _("Identity (name, first name, date of birth)"),
    "contact": _("Contact details (address, e-mail, phone)"),
    "national_number": _("National register number"),
    "family": _("Family composition"),
    "health": _("Health data"),
    "financial": _("Financial data (bank account, income)"),
    "photos": _("Photos and images"),
    "documents": _("Documents sent by the applicant"),
    "vehicle": _("Vehicle and number plate"),
    "property": _("Property and housing"),
}


@provider(IVocabularyFactory)
def data_categories(context):
    """Categories of personal data a form collects (GDPR article 30)."""
    return SimpleVocabulary([
        SimpleTerm(name, title=title) for name, title in DATA_CATEGORIES.items()
    ])


@provider(IVocabularyFactory)
def attachment_types(context):
    """File types a form may accept as attachments."""
    return SimpleVocabulary([
        SimpleTerm(mimetype, title=title)
        for mimetype, title in ATTACHMENT_TYPES.items()
    ])


@provider(IVocabularyFactory)
def eguichet_forms(context):
    """The site's e-guichet forms, as objects: a relation field's choices."""
    brains = api.content.find(
        object_provides=IEguichetForm.__identifier__, sort_on="sortable_title"
    )
    return SimpleVocabulary([
        SimpleTerm(brain.getObject(), token=brain.UID, title=brain.Title)
        for brain in brains
    ])


@provider(IVocabularyFactory)
def form_fields(context):
    """The fields of the form being edited, files left out: always erased."""
    form = getattr(context, "context", context)
    if getattr(form, "portal_type", None) != "EasyForm":
        return SimpleVocabulary([])
    return SimpleVocabulary([
        SimpleTerm(name, title=field.title or name)
        for name, field in getFieldsInOrder(get_schema(form))
        if not INamedField.providedBy(field)
    ])
