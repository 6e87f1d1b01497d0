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
from collective.easyform.browser.view import EasyFormForm
from collective.easyform.browser.view import EasyFormFormWrapper
from DateTime import DateTime
from imio.eguichet.access_codes import seal
from imio.eguichet.access_codes import unseal
from imio.eguichet.actions import submitted_case
from imio.eguichet.browser.follow import case_by_reference
from imio.eguichet.browser.follow import FOLLOW_VIEW
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.browser.thanks import thanks_text
from imio.eguichet.browser.thanks import thanks_title
from imio.eguichet.schema import form_schema
from plone import api
from Products.Five import BrowserView
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile

from urllib.parse import urlsplit

import time


CONFIRMATION_VIEW = "demande-envoyee"
SENT_COOKIE = "imio_eguichet_sent"
SENT_COOKIE_SECONDS = 3600


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

    @property
    def schema(self):
        return form_schema(self.context, self.request)

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


class ConfirmationView(CaseConfirmation, BrowserView):
    """``{form}/@@demande-envoyee``: the reference, the code, what comes next."""

    template = ViewPageTemplateFile("templates/confirmation_page.pt")

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
