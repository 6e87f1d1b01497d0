"""The letters' pages: a form's template editor, producing and downloading."""

from imio.eguichet import _
from imio.eguichet import audit
from imio.eguichet.letters import letter_html
from imio.eguichet.letters import letter_values
from imio.eguichet.letters import render_pdf
from imio.eguichet.letters import service_function
from imio.eguichet.letters import site_language
from imio.eguichet.letters import state_decision
from imio.eguichet.letters import store_letter
from imio.eguichet.letters.templates import check_template
from imio.eguichet.letters.templates import default_template
from imio.eguichet.letters.templates import form_template
from imio.eguichet.letters.templates import PLACEHOLDERS
from imio.eguichet.letters.templates import reset_template
from imio.eguichet.letters.templates import save_template
from imio.eguichet.letters.templates import TemplateError
from imio.eguichet.reference import format_reference
from imio.eguichet.retention import is_anonymised
from plone import api
from plone.namedfile.utils import set_headers
from plone.namedfile.utils import stream_data
from plone.protect.authenticator import check
from Products.Five.browser import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from zExceptions import NotFound
from zope.i18n import translate

import logging


logger = logging.getLogger("imio.eguichet")

MAX_MOTIVATION = 10000
SAMPLE_MOTIVATION = _(
    "The lease attached to the request is not signed by the owner. Please send "
    "a new request with a signed lease."
)
ANONYMISED = _("This request is anonymised: it gets no new letter.")
NOT_RENDERED = _("The letter could not be produced from this template.")


class SampleCase:
    """A case of the form as the preview shows it: no real applicant's data."""

    applicant_name = "Marie Dupont"

    def __init__(self, form):
        self.form_uid = api.content.get_uuid(form)
        self.form_title = form.title
        self.service = getattr(form, "processing_service", None)

    def formatted_reference(self) -> str:
        return format_reference("K7QM4TZB")


class LetterTemplateView(BrowserView):
    """``@@modele-de-lettre``: the administrator writes, previews and resets."""

    template = ViewPageTemplateFile("template_editor.pt")
    error = None

    def __call__(self):
        self.request.response.setHeader("Cache-Control", "private, no-store")
        form = self.request.form
        if self.request.method == "POST":
            check(self.request)
            if form.get("reset"):
                reset_template(self.context)
                return self.done(_("The default letter template is back."))
            if self.valid():
                if form.get("preview"):
                    return self.preview()
                save_template(self.context, self.typed())
                return self.done(_("The letter template has been saved."))
            self.request.response.setStatus(400)
        return self.template()

    def typed(self) -> str:
        return str(self.request.form.get("letter_template") or "")

    def valid(self) -> bool:
        try:
            check_template(self.typed())
        except TemplateError as error:
            self.error = error.message
            return False
        return True

    def done(self, message):
        api.portal.show_message(message, request=self.request)
        url = f"{self.context.absolute_url()}/@@modele-de-lettre"
        return self.request.response.redirect(url, status=303)

    def preview(self):
        """The letter of a sample refusal, as the PDF an applicant would get."""
        case = SampleCase(self.context)
        motivation = translate(SAMPLE_MOTIVATION, context=self.request)
        values = letter_values(case, "refuse", motivation, service_function(case))
        try:
            pdf = render_pdf(letter_html(self.typed(), values))
        except Exception:
            # weasyprint's own limits (a layout it cannot break): said, not a 500.
            logger.exception("Letter template preview of %s", self.context.getId())
            self.error = NOT_RENDERED
            self.request.response.setStatus(400)
            return self.template()
        response = self.request.response
        response.setHeader("Content-Type", "application/pdf")
        response.setHeader("Content-Disposition", 'inline; filename="apercu.pdf"')
        return pdf

    def current(self) -> str:
        if self.request.method == "POST" and "letter_template" in self.request.form:
            return self.typed()
        return form_template(self.context) or default_template(site_language())

    def is_default(self) -> bool:
        return form_template(self.context) is None

    def placeholders(self) -> list[dict]:
        return [
            {"name": f"${{{name}}}", "meaning": meaning}
            for name, meaning in PLACEHOLDERS.items()
        ]


class ProduceLetterView(BrowserView):
    """``@@produire-la-lettre``: an agent produces the case's letter now."""

    def __call__(self):
        case_url = self.context.absolute_url()
        if self.request.method != "POST":
            return self.request.response.redirect(case_url, status=303)
        check(self.request)
        if is_anonymised(self.context):
            # Its applicant is erased: no letter is addressed to nobody.
            api.portal.show_message(ANONYMISED, request=self.request, type="error")
            return self.request.response.redirect(case_url, status=303)
        motivation = str(self.request.form.get("motivation") or "").strip()
        store_letter(
            self.context, state_decision(self.context), motivation[:MAX_MOTIVATION]
        )
        audit.record(self.context, "letter", self.request, detail="produced")
        api.portal.show_message(
            _("The letter has been produced."), request=self.request
        )
        return self.request.response.redirect(case_url, status=303)


class LetterDownloadView(BrowserView):
    """``@@lettre``: the case's letter, to whoever may view the case."""

    def __call__(self):
        letter = getattr(self.context, "letter", None)
        if letter is None:
            raise NotFound(self.context, "lettre", self.request)
        audit.record(self.context, "letter", self.request, detail="download")
        response = self.request.response
        set_headers(letter, response, filename=letter.filename)
        response.setHeader("Cache-Control", "private, no-store")
        return stream_data(letter)
