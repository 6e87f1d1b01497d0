"""Answers and amounts as a French or German reader expects them.

One format wherever a value is shown (case page, check-your-answers page,
e-mail): "4 mai 2016", "Oui" and "Non", "5,00 €". Month names and number
signs come from zope.i18n's locales, in the language asked for.
"""

from datetime import date
from datetime import datetime
from decimal import Decimal
from imio.eguichet import _
from zope.i18n import translate
from zope.i18n.locales import locales

import re


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(
    r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([+-]\d{2}:\d{2})?"
)
NO_BREAK_SPACE = "\u00a0"


def _locale(language: str | None):
    try:
        return locales.getLocale((language or "fr").split("-")[0], None, None)
    except Exception:
        return locales.getLocale("fr", None, None)


def format_date(value, language: str | None) -> str:
    """``4 mai 2016`` in French, ``4. Mai 2016`` in German; times as 14:05."""
    if isinstance(value, str):
        value = _parse(value)
        if isinstance(value, str):
            return value
    formatter = _locale(language).dates.getFormatter("date", "long")
    text = formatter.format(value)
    if isinstance(value, datetime):
        text = f"{text}, {value:%H:%M}"
    return text


def _parse(text: str):
    try:
        if ISO_DATE.fullmatch(text):
            return date.fromisoformat(text)
        if ISO_DATETIME.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    return text


def format_boolean(value: bool, language: str | None) -> str:
    return translate(_("Yes") if value else _("No"), target_language=language)


def format_amount(value: Decimal, language: str | None) -> str:
    """``1 500,00 €`` in French, ``1.500,00 €`` in German."""
    symbols = _locale(language).numbers.symbols
    whole, cents = f"{Decimal(value):,.2f}".split(".")
    whole = whole.replace(",", symbols["group"])
    return f"{whole}{symbols['decimal']}{cents}{NO_BREAK_SPACE}€"


def format_answer(value, language: str | None) -> str:
    """A stored answer as text: dates, yes or no, lists, file names."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return format_boolean(value, language)
    if isinstance(value, (date, datetime, str)):
        # Dates are stored as ISO text (cases.jsonable).
        return format_date(value, language)
    if isinstance(value, dict) and "filename" in value:
        return value["filename"]
    if isinstance(value, (list, tuple)):
        return ", ".join(format_answer(item, language) for item in value)
    return str(value)
