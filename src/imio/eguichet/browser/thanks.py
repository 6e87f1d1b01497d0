"""The confirmation's heading: a request was sent, not feedback given."""

from collective.easyform import easyformMessageFactory as easyform_
from imio.eguichet import _
from zope.i18n import translate


# What easyform stores as thanks when the form's editor writes none: a
# feedback form's ("Merci pour votre retour."), wrong for a request.
EASYFORM_THANKS_TITLE = easyform_("default_thankstitle", "Thank You")
EASYFORM_THANKS_TEXT = easyform_("default_thanksdescription", "Thanks for your input.")
THANKS_LANGUAGES = ("fr", "de", "nl", "en")
REQUEST_SENT = _("Your request has been sent")


def own_words(text, easyform_default):
    """A thanks text its form's editor wrote, or None for easyform's default."""
    defaults = {
        translate(easyform_default, target_language=language)
        for language in THANKS_LANGUAGES
    }
    return text if text and text not in defaults else None


def thanks_title(form) -> str:
    return own_words(form.thankstitle, EASYFORM_THANKS_TITLE) or REQUEST_SENT


def thanks_text(form):
    return own_words(form.thanksdescription, EASYFORM_THANKS_TEXT)
