"""Vocabularies of imio.eguichet."""

from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from plone import api
from zope.interface import provider
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
