"""E-guichet forms: easyform's view, ending on the case's confirmation."""

from AccessControl import getSecurityManager
from collective.easyform.browser.view import EasyFormForm
from collective.easyform.browser.view import EasyFormFormWrapper
from DateTime import DateTime
from imio.eguichet.actions import submitted_case
from imio.eguichet.browser.follow import follow_url
from imio.eguichet.schema import form_schema
from plone import api
from Products.Five.browser.pagetemplatefile import ViewPageTemplateFile


class EguichetForm(EasyFormForm):
    """An easyform whose thank-you page tells the reference of the case."""

    confirmation_template = ViewPageTemplateFile("templates/confirmation.pt")
    case = None
    access_code = None

    @property
    def schema(self):
        return form_schema(self.context, self.request)

    def update(self):
        super().update()
        case, access_code = submitted_case(self.request)
        if self.thanksPage and case is not None:
            self.case, self.access_code = case, access_code
            self.template = self.confirmation_template

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


class EguichetFormView(EasyFormFormWrapper):
    form = EguichetForm
