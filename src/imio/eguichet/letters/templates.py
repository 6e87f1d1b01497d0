"""A form's letter template: HTML with placeholders, stored on the form.

A template is the letter's body, written in HTML (and CSS in a ``<style>``
element) by the site's administrator. Placeholders (``${reference}``) are
replaced by the case's values, escaped: what an applicant or an agent typed
never becomes markup. A form without its own template uses the default one,
written in the site's language.
"""

from html import escape
from html.parser import HTMLParser
from imio.eguichet import _
from zope.annotation.interfaces import IAnnotations
from zope.i18n import translate
from zope.i18nmessageid import Message

import re


ANNOTATION = "imio.eguichet.letter_template"
MAX_LENGTH = 100_000
# What each placeholder stands for, as the template editor lists them.
PLACEHOLDERS = {
    "reference": _("the request's reference"),
    "applicant": _("the applicant's name"),
    "decision": _("the decision, in one sentence"),
    "motivation": _("the agent's motivation"),
    "legal_basis": _(
        "for a refusal, the legal basis (the form's, else the commune's rules)"
    ),
    "appeal": _("for a refusal, the appeal routes"),
    "date": _("the date of the letter"),
    "function": _("the agent's function: the processing service"),
    "commune": _("the commune's name"),
    "form": _("the form's title"),
}
PLACEHOLDER = re.compile(r"\$\{([^{}]*)\}")
# HTML elements without content, and those whose end tag may be left out.
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
    "source", "track", "wbr",
}  # fmt: skip
OPTIONAL_END = {
    "p", "li", "dt", "dd", "tr", "td", "th", "thead", "tbody", "tfoot",
    "option", "colgroup", "caption", "html", "head", "body",
}  # fmt: skip

UNKNOWN_PLACEHOLDER = _(
    "Unknown placeholder: ${names}. Use only the placeholders listed below."
)
UNCLOSED_PLACEHOLDER = _('A placeholder is not closed: write "${example}".')
UNBALANCED = _("The HTML cannot be read: ${problem}.")
STRAY_END = _("the end tag </${tag}> closes no element")
UNCLOSED = _("the element <${tag}> is not closed")
REFERENCE = _("Reference: ${reference}")
SUBJECT = _('Your request "${form}"')
GREETING = _("Hello ${name},")
TOO_LONG = _("The template is too long.")
EMPTY = _("The template is empty.")


class TemplateError(ValueError):
    """Why a template cannot be used: a message for the administrator."""

    def __init__(self, message: Message):
        super().__init__(message)
        self.message = message


def default_template(language: str) -> str:
    """The letter every form has until its administrator writes its own."""

    def text(message, **mapping):
        placeholders = {name: f"${{{value}}}" for name, value in mapping.items()}
        return escape(
            translate(Message(message, mapping=placeholders), target_language=language),
            quote=False,
        )

    reference = text(REFERENCE, reference="reference")
    subject = text(SUBJECT, form="form")
    greeting = text(GREETING, name="applicant")
    return "\n".join((
        '<p class="applicant">${applicant}</p>',
        '<p class="date">${date}</p>',
        f"<p>{reference}</p>",
        f"<p><strong>{subject}</strong></p>",
        f"<p>{greeting}</p>",
        '<p class="decision">${decision}</p>',
        '<p class="motivation">${motivation}</p>',
        '<p class="appeal">${legal_basis}</p>',
        '<p class="appeal">${appeal}</p>',
        '<p class="signature">${function}</p>',
    ))


def form_template(form) -> str | None:
    """The form's own template, or None when it uses the default."""
    return IAnnotations(form).get(ANNOTATION)


def template_for(form, language: str) -> str:
    own = form_template(form) if form is not None else None
    return own or default_template(language)


def save_template(form, text: str) -> None:
    """Keep the form's template; raises TemplateError when it cannot be used."""
    check_template(text)
    IAnnotations(form)[ANNOTATION] = text


def reset_template(form) -> None:
    """Back to the default template."""
    IAnnotations(form).pop(ANNOTATION, None)


def check_template(text: str) -> None:
    """Raise TemplateError for an unknown placeholder or HTML that cannot be read."""
    if not text.strip():
        raise TemplateError(EMPTY)
    if len(text) > MAX_LENGTH:
        raise TemplateError(TOO_LONG)
    unknown = sorted(set(PLACEHOLDER.findall(text)) - set(PLACEHOLDERS))
    if unknown:
        names = ", ".join(f"${{{name}}}" for name in unknown)
        raise TemplateError(_(UNKNOWN_PLACEHOLDER, mapping={"names": names}))
    if "${" in PLACEHOLDER.sub("", text):
        raise TemplateError(
            _(UNCLOSED_PLACEHOLDER, mapping={"example": "${reference}"})
        )
    problem = _html_problem(text)
    if problem is not None:
        raise TemplateError(_(UNBALANCED, mapping={"problem": problem}))


def fill(template: str, values: dict) -> str:
    """The template with each placeholder replaced by its value, escaped.

    Line breaks of a value (a motivation in several paragraphs) are kept.
    """

    def value(match):
        text = escape(str(values.get(match.group(1)) or ""))
        return text.replace("\n", "<br />")

    return PLACEHOLDER.sub(value, template)


class _Balance(HTMLParser):
    """Finds end tags that close nothing and elements left open."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.open = []
        self.problem = None

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        pass

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        if tag not in self.open:
            self.problem = self.problem or _(STRAY_END, mapping={"tag": tag})
            return
        while self.open:
            closed = self.open.pop()
            if closed == tag:
                return
            if closed not in OPTIONAL_END:
                self.problem = self.problem or _(UNCLOSED, mapping={"tag": closed})


def _html_problem(text: str):
    parser = _Balance()
    parser.feed(text)
    parser.close()
    left = [tag for tag in parser.open if tag not in OPTIONAL_END]
    if parser.problem is None and left:
        return _(UNCLOSED, mapping={"tag": left[-1]})
    return parser.problem
