"""The easyform action that turns each valid submission into a case."""

from collective.easyform.actions import Action
from collective.easyform.actions import ActionFactory
from collective.easyform.api import get_context
from collective.easyform.config import FORM_ERROR_MARKER
from collective.easyform.interfaces import IAction
from imio.eguichet import _
from imio.eguichet.cases import create_case
from imio.eguichet.cases import SubmissionRefused
from imio.eguichet.schema import form_schema
from plone.supermodel.exportimport import BaseHandler
from zope.annotation.interfaces import IAnnotations
from zope.interface import implementer


SUBMITTED_CASE = "imio.eguichet.submitted_case"


class ICreateCase(IAction):
    """Creates a case (Demande) from each valid submission."""


@implementer(ICreateCase)
class CreateCase(Action):
    __doc__ = ICreateCase.__doc__

    def onSuccess(self, fields, request):
        form = get_context(self)
        try:
            case, access_code = create_case(form, form_schema(form, request), fields)
        except SubmissionRefused as refusal:
            request.response.setStatus(refusal.status)
            return {FORM_ERROR_MARKER: refusal.args[0]}
        IAnnotations(request)[SUBMITTED_CASE] = (case, access_code)


def submitted_case(request):
    """The case and access code created while handling this request."""
    return IAnnotations(request).get(SUBMITTED_CASE, (None, None))


CreateCaseAction = ActionFactory(
    CreateCase,
    _("Create a case"),
    "imio.eguichet.AddCaseAction",
)
CreateCaseHandler = BaseHandler(CreateCase)
