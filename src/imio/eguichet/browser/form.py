"""E-guichet forms: easyform's view, ending on the case's confirmation.

A submission that became a case is answered with a redirection (303) to the
form's confirmation page: reloading that page, or going back to it, shows the
confirmation again and never sends the form a second time. The page learns
which case to confirm from a cookie of an hour, signed by the site and sent
back only to the form's address; for an anonymous applicant it also carries
the access code, encrypted (see ``imio.eguichet.access_codes``), which the
page shows once more beside the reference.
"""

from AccessControl import getSecurityManager
from Acquisition import aq_parent
from collective.easyform.browser.view import EasyFormForm
from collective.easyform.browser.view import EasyFormFormWrapper
from DateTime import DateTime
from imio.eguichet import _
from imio.eguichet.access_codes import seal
from imio.eguichet.access_codes import unseal
from imio.eguichet.actions import submitted_case
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import sign_in_level
from imio.eguichet.behaviors.levels import shortfall
from imio.eguichet.behaviors.levels import sign_in_url
from imio.eguichet.behaviors.levels import TOO_LOW
from imio.eguichet.browser.follow import case_by_reference
from imio.eguichet.browser.follow import FOLLOW_VIEW
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.browser.thanks import thanks_text
from imio.eguichet.browser.thanks import thanks_title
from imio.eguichet.display import format_amount
from imio.eguichet.identity import current_identity
from imio.eguichet.schema import form_schema
from imio.eguichet.sign_in_answers import FIXED
from imio.eguichet.sign_in_answers import fixed_answers
from imio.eguichet.sign_in_answers import identity_answers
from plone import api
from plone.formwidget.namedfile.interfaces import INamedFileWidget
from plone.memoize.view import memoize
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile
from z3c.form.interfaces import DISPLAY_MODE
from z3c.form.interfaces import ISelectWidget
from zope.i18n import translate

from urllib.parse import urlsplit

import time


CONFIRMATION_VIEW = "demande-envoyee"
SENT_COOKIE = "imio_eguichet_sent"
SENT_COOKIE_SECONDS = 3600
# The layout of the pages a citizen goes through to send a request.
TRANSACTIONAL = "transactional"
# The buttons that take the citizen a step further: easyform's and ours.
PRIMARY_ACTIONS = ("submit", "continue", "send")


def page_text(message, request) -> str:
    """``message`` in the page's language, for the page's title."""
    return translate(
        message, context=request, target_language=request.get("LANGUAGE") or None
    )


def sent_cookie(case, access_code) -> str:
    """The cookie's value: the case's reference, then its time and code sealed."""
    reference = case.getId()
    sealed = seal(f"{int(time.time())} {access_code or ''}", bound=reference)
    return f"{reference}.{sealed}"


def read_sent_cookie(form, value) -> tuple:
    """The case (of this form) and access code a cookie names; (None, None)."""
    if not isinstance(value, str):
        return None, None
    reference, _dot, sealed = value.partition(".")
    content = unseal(sealed, bound=reference) if sealed.count(".") == 1 else None
    issued, _space, access_code = (content or "").partition(" ")
    # The browser forgets the cookie after an hour; the site does too.
    if not issued.isdecimal() or time.time() - int(issued) > SENT_COOKIE_SECONDS:
        return None, None
    case = case_by_reference(api.portal.get(), reference)
    if case is None or case.form_uid != api.content.get_uuid(form):
        return None, None
    return case, access_code or None


class CaseConfirmation:
    """What the confirmation says about ``self.case``."""

    confirmation = ViewPageTemplateFile("templates/confirmation.pt")
    case = None
    access_code = None

    def reference(self):
        return self.case.formatted_reference()

    def due_date(self):
        if not self.case.due_date:
            return None
        return api.portal.get_localized_time(DateTime(self.case.due_date.isoformat()))

    def case_url(self):
        """The case's page for a logged-in applicant, else the follow-up page."""
        if getSecurityManager().checkPermission("View", self.case):
            return self.case.absolute_url()
        return follow_url(self.case)


class EguichetForm(CaseConfirmation, EasyFormForm):
    """An easyform whose submission ends on the confirmation of the case."""

    form_template = ViewPageTemplateFile("templates/form.pt")
    page_layout = TRANSACTIONAL
    # The page starts at its top: the introduction is read before the fields.
    enable_autofocus = False

    @property
    def page_title(self) -> str:
        title = self.context.Title()
        if self.error_summary():
            # Said first, as a screen reader reads the title of a new page.
            return page_text(_("Error: ${page}", mapping={"page": title}), self.request)
        return title

    @property
    def schema(self):
        return form_schema(self.context, self.request)

    def updateActions(self):
        super().updateActions()
        self.empty_prompts()
        self.style_actions()
        self.fill_from_identity()

    @memoize
    def identity(self):
        return current_identity(self.request)

    def fill_from_identity(self):
        """A signed-in citizen's answers from their sign-in.

        Prefilled when the form is first shown, and theirs to change; the
        national number is shown, never asked (see sign_in_answers).
        Widgets are complete here, before the buttons are handled.
        """
        widgets = self.all_widgets().values()
        given = identity_answers(
            self.identity(), [widget.field.__name__ for widget in widgets]
        )
        for widget in widgets:
            name = widget.field.__name__
            if name not in given:
                continue
            if name in FIXED:
                widget.mode = DISPLAY_MODE
                widget.value = given[name]
                # Shown as text, not in a box that looks like a field to fill.
                widget.klass = "eguichet-from-sign-in"
            elif self.request.method != "POST" and not widget.value:
                widget.value = given[name]

    def extractData(self, setErrors=True):
        data, errors = super().extractData(setErrors=setErrors)
        data.update(fixed_answers(self.identity(), list(self.schema)))
        return data, errors

    def empty_prompts(self):
        """A required choice's "Choisissez..." is an option without value.

        HTML asks it of a required select's first option; z3c.form reads an
        empty value as no choice, as it reads its own ``--NOVALUE--``.
        """
        for widget in self.all_widgets().values():
            if ISelectWidget.providedBy(widget) and widget.required and widget.prompt:
                widget.noValueToken = ""

    def style_actions(self):
        """One primary button, big; the other actions secondary."""
        for name, action in self.actions.items():
            primary = name in PRIMARY_ACTIONS
            action.addClass(
                "btn btn-primary btn-lg" if primary else "btn btn-secondary btn-lg"
            )

    def render(self):
        # The errors are summarised above the form, with links to the fields:
        # Plone's message above the form would say it a second time.
        if self.error_summary():
            self.status = ""
        return super().render()

    # What the citizen reads before the first field

    def shows_introduction(self) -> bool:
        """Whether this page is the form itself, after its introduction."""
        return not self.thanksPage

    def introduction(self) -> dict:
        """What the citizen needs, how long it takes, cost, delay, their data."""
        settings = IEguichetForm(self.context)
        language = self.request.get("LANGUAGE") or api.portal.get_default_language()
        return {
            "documents": [
                line.strip()
                for line in (getattr(settings, "documents", None) or "").splitlines()
                if line.strip()
            ],
            "duration": getattr(settings, "duration_minutes", None),
            "fee": settings.fee is not None and format_amount(settings.fee, language),
            "delay": settings.delay_days,
            "sign_in": sign_in_level(self.context),
            "service": self.service_title(settings.processing_service),
            "commune": api.portal.get().Title(),
            "retention": settings.retention_months,
        }

    def service_title(self, group_id) -> str | None:
        group = api.group.get(groupname=group_id) if group_id else None
        if group is None:
            return None
        return group.getProperty("title") or group_id

    @memoize
    def sign_in_shortfall(self) -> str | None:
        """What the visitor's sign-in lacks to send this form, or None."""
        return shortfall(self.context, self.request)

    def must_sign_in(self) -> bool:
        """Whether signing in comes first: the fields are for after it."""
        return self.sign_in_shortfall() is not None

    def must_sign_in_again(self) -> bool:
        """Signed in, below the form's level: eID or itsme this time."""
        return self.sign_in_shortfall() == TOO_LOW

    def sign_in_url(self) -> str:
        """The sign-in at the form's level, bringing the citizen back to it."""
        return sign_in_url(self.context, self.form_url())

    def form_url(self) -> str:
        return self.request.get("ACTUAL_URL") or self.context.absolute_url()

    def back_url(self) -> str:
        """Before the first step: the page that leads to the form."""
        return aq_parent(self.context).absolute_url()

    # Errors, summarised above the form and repeated at each field

    def all_widgets(self) -> dict:
        widgets = dict(self.widgets.items())
        for group in self.groups:
            widgets.update(group.widgets.items())
        return widgets

    @staticmethod
    def control_id(widget) -> str:
        """The id of the control a widget's label names (and errors link to)."""
        if INamedFileWidget.providedBy(widget):
            # The widget's own id is its wrapper's; the file input is apart.
            return f"{widget.id}-input"
        return widget.id

    def error_summary(self) -> list[dict]:
        """Each field in error: its label, the message, the link to the field."""
        summary = [
            {
                "label": translate(widget.label, context=self.request),
                "message": translate(widget.error.message, context=self.request),
                "anchor": f"#{self.control_id(widget)}",
            }
            for widget in self.all_widgets().values()
            if widget.error is not None and widget.mode == "input"
        ]
        # The errors of the whole form (two fields that disagree): no link.
        summary.extend(
            {"label": None, "message": translate(error.message, context=self.request)}
            for error in self.widgets.errors
            if getattr(error, "widget", None) is None
        )
        return summary

    def update(self):
        super().update()
        case, access_code = submitted_case(self.request)
        if self.thanksPage and case is not None:
            self.confirm(case, access_code)

    def confirm(self, case, access_code):
        """Answer with a redirection to the confirmation page of ``case``."""
        url = self.context.absolute_url()
        response = self.request.response
        response.setCookie(
            SENT_COOKIE,
            sent_cookie(case, access_code),
            path=urlsplit(url).path or "/",
            max_age=SENT_COOKIE_SECONDS,
            http_only=True,
            same_site="Lax",
            secure=self.request.get("SERVER_URL", "").startswith("https://"),
        )
        response.redirect(f"{url}/@@{CONFIRMATION_VIEW}", status=303)


class EguichetFormView(EasyFormFormWrapper):
    form = EguichetForm
    index = ViewPageTemplateFile("templates/form_layout.pt")
    page_layout = TRANSACTIONAL

    @property
    def page_title(self) -> str:
        form = getattr(self, "form_instance", None)
        return form.page_title if form is not None else self.context.Title()


class ConfirmationView(CaseConfirmation, BrowserView):
    """``{form}/@@demande-envoyee``: the reference, the code, what comes next."""

    template = ViewPageTemplateFile("templates/confirmation_page.pt")
    page_layout = TRANSACTIONAL

    @property
    def page_title(self) -> str:
        return page_text(
            _("Request sent — ${form}", mapping={"form": self.context.Title()}),
            self.request,
        )

    def __call__(self):
        self.case, self.access_code = read_sent_cookie(
            self.context, self.request.cookies.get(SENT_COOKIE)
        )
        # The page is the applicant's own: never kept by a cache.
        self.request.response.setHeader("Cache-Control", "private, no-store")
        # The end of a journey: the request in full width, no side portlets.
        self.request.set("disable_plone.leftcolumn", True)
        self.request.set("disable_plone.rightcolumn", True)
        return self.template()

    def title(self):
        return thanks_title(self.context)

    def description(self):
        return thanks_text(self.context)

    def follow_page_url(self):
        return f"{api.portal.get().absolute_url()}/@@{FOLLOW_VIEW}"
