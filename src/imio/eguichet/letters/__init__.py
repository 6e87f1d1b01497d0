"""Decision letters: the applicant's written decision, as a PDF/A.

PDF/A-3b: the archival profile that weasyprint renders completely (fonts
embedded, colours in sRGB, XMP metadata) and that, unlike PDF/A-2b, lets a
later version embed the case's answers as an attached file.

The body comes from the form's template (see ``templates``), under the
commune's letterhead (see ``letterhead``). A letter reads no file and no
address on the network: only data: URIs (the logo) are fetched.

A case keeps one letter: producing a new one (a decision, or an agent's
"Produce the letter") replaces the previous one, which the applicant had by
e-mail when it was a decision.
"""

from chameleon import PageTemplateFile
from imio.eguichet import _
from imio.eguichet.cases import site_now
from imio.eguichet.display import format_date
from imio.eguichet.letters.letterhead import current_letterhead
from imio.eguichet.letters.templates import fill
from imio.eguichet.letters.templates import template_for
from pathlib import Path
from plone import api
from plone.app.uuid.utils import uuidToObject
from plone.namedfile.file import NamedBlobFile
from zope.i18n import translate
from zope.i18nmessageid import Message


SHELL = PageTemplateFile(str(Path(__file__).parent / "letter.pt"))
PDF_VARIANT = "pdf/a-3b"
# The only addresses a letter may read: the logo, given as a data: URI.
ALLOWED_PROTOCOLS = ("data",)

DECISIONS = {
    "accept": _("Your request has been accepted."),
    "refuse": _("Your request has been refused."),
}
# A letter produced on request: the decision the state stands for, if any.
STATE_DECISIONS = {"accepted": "accept", "refused": "refuse"}
STATUS = _("Your request is now: ${state}.")
LEGAL_BASIS = _("Legal basis: ${legal_basis}")
# When the form names none; a commune writes its own in the form's settings.
DEFAULT_LEGAL_BASIS = _("the rules of the commune applicable to this request.")
APPEAL = _(
    "You may ask the Collège communal to review this decision, or lodge an "
    "appeal with the Conseil d'État, within 60 days of receiving this letter."
)


def letter_name(case) -> str:
    return f"lettre-{case.getId()}.pdf"


def case_form(case):
    """The case's e-guichet form, or None when it no longer exists."""
    uid = getattr(case, "form_uid", None)
    return uuidToObject(uid, unrestricted=True) if uid else None


def site_language() -> str:
    return api.portal.get_registry_record("plone.default_language", default="fr")


def letter_values(case, decision: str | None, motivation: str, function: str):
    """Each placeholder's value for this case, as plain text."""
    language = site_language()

    def text(message, **mapping):
        return translate(Message(message, mapping=mapping), target_language=language)

    if decision in DECISIONS:
        decided = text(DECISIONS[decision])
    else:
        workflow = api.portal.get_tool("portal_workflow")
        state = workflow.getTitleForStateOnType(api.content.get_state(case), "Case")
        decided = text(STATUS, state=text(Message(state, domain="imio.eguichet")))
    refused = decision == "refuse"
    form = case_form(case)
    basis = (getattr(form, "legal_basis", None) or "").strip() if form else ""
    return {
        "reference": case.formatted_reference(),
        "applicant": case.applicant_name or "",
        "decision": decided,
        "motivation": motivation or "",
        "legal_basis": text(LEGAL_BASIS, legal_basis=basis or text(DEFAULT_LEGAL_BASIS))
        if refused
        else "",
        "appeal": text(APPEAL) if refused else "",
        "date": format_date(site_now().date(), language),
        "function": function or "",
        "commune": current_letterhead().name,
        "form": case.form_title or "",
    }


def letter_html(template: str, values: dict) -> str:
    """The whole letter: the letterhead, then the template filled in."""
    return SHELL(
        language=site_language(),
        title=f"{values.get('form', '')} {values.get('reference', '')}".strip(),
        letterhead=current_letterhead(),
        body=fill(template, values),
    )


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML
    from weasyprint.urls import URLFetcher

    fetcher = URLFetcher(allowed_protocols=ALLOWED_PROTOCOLS, allow_redirects=False)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(pdf_variant=PDF_VARIANT)


def render_letter(case, decision, motivation: str, function: str) -> bytes:
    """The letter for a decision ("accept", "refuse"), or the case's state."""
    template = template_for(case_form(case), site_language())
    values = letter_values(case, decision, motivation, function)
    return render_pdf(letter_html(template, values))


def service_function(case) -> str:
    """The agent's function: the title of the case's processing service."""
    group = api.group.get(groupname=case.service) if case.service else None
    return (group.getProperty("title") if group else "") or case.service or ""


def store_letter(case, decision, motivation: str):
    """Render the letter, keep it on the case (in place of any) and return it."""
    data = render_letter(case, decision, motivation, service_function(case))
    case.letter = NamedBlobFile(
        data=data, contentType="application/pdf", filename=letter_name(case)
    )
    return case.letter


def state_decision(case) -> str | None:
    """The decision a case's state stands for: "accept", "refuse" or None."""
    return STATE_DECISIONS.get(api.content.get_state(case))
