"""Decision letters: the applicant's written decision, as a PDF/A.

PDF/A-3b: the archival profile that weasyprint renders completely (fonts
embedded, colours in sRGB, XMP metadata) and that, unlike PDF/A-2b, lets a
later version embed the case's answers as an attached file.
"""

from chameleon import PageTemplateFile
from datetime import datetime
from imio.eguichet import _
from imio.eguichet.display import format_date
from pathlib import Path
from plone.namedfile.file import NamedBlobFile
from plone import api
from zope.i18n import translate
from zope.i18nmessageid import Message
from zoneinfo import ZoneInfo


TEMPLATE = PageTemplateFile(str(Path(__file__).parent / "letter.pt"))
PDF_VARIANT = "pdf/a-3b"

DECISIONS = {
    "accept": _("Your request has been accepted."),
    "refuse": _("Your request has been refused."),
}
# The default text for a refusal; a commune may edit it to its own rules.
APPEAL = _(
    "Legal basis: the rules of the commune applicable to this request. "
    "You may ask the Collège communal to review this decision, or lodge an "
    "appeal with the Conseil d'État, within 60 days of receiving this letter."
)


def letter_name(case) -> str:
    return f"lettre-{case.getId()}.pdf"


def render_letter(case, decision: str, motivation: str, function: str) -> bytes:
    """The letter for a decision ("accept", "refuse") with the agent's words."""
    from weasyprint import HTML

    language = api.portal.get_registry_record("plone.default_language", default="fr")
    zone = api.portal.get_registry_record("plone.portal_timezone", default=None)

    def text(message, **mapping):
        return translate(Message(message, mapping=mapping), target_language=language)

    today = datetime.now(ZoneInfo(zone or "Europe/Brussels")).date()
    html = TEMPLATE(
        language=language,
        commune=api.portal.get().Title(),
        date=format_date(today, language),
        applicant=case.applicant_name or "",
        reference_label=text(
            _("Reference: ${reference}"), reference=case.formatted_reference()
        ),
        subject=text(_('Your request "${form}"'), form=case.form_title),
        greeting=text(_("Hello ${name},"), name=case.applicant_name or ""),
        decision=text(DECISIONS.get(decision, DECISIONS["accept"])),
        motivation=motivation,
        appeal=text(APPEAL) if decision == "refuse" else "",
        function=function,
    )
    return HTML(string=html).write_pdf(pdf_variant=PDF_VARIANT)


def service_function(case) -> str:
    """The agent's function: the title of the case's processing service."""
    group = api.group.get(groupname=case.service) if case.service else None
    return (group.getProperty("title") if group else "") or case.service or ""


def store_letter(case, decision: str, motivation: str):
    """Render the letter, keep it on the case and return it."""
    data = render_letter(case, decision, motivation, service_function(case))
    case.letter = NamedBlobFile(
        data=data, contentType="application/pdf", filename=letter_name(case)
    )
    return case.letter
