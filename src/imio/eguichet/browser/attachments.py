"""Files attached to a web form are checked on their content, next to the field."""

from collective.easyform.fields import FieldExtenderValidator
from collective.easyform.fields import GroupFieldExtenderValidator
from collective.easyform.interfaces import IEasyFormForm
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.uploads import refusal
from plone.namedfile.interfaces import INamed
from plone.namedfile.interfaces import INamedField
from z3c.form.interfaces import IGroup
from zope.component import adapter
from zope.interface import Interface
from zope.interface import Invalid


class AttachmentCheck:
    """Easyform's own checks, then the form's accepted types and size."""

    def validate(self, value):
        super().validate(value)
        if not INamed.providedBy(value):
            return
        message = refusal(value.data, IEguichetForm(self.context))
        if message is not None:
            raise Invalid(message)


@adapter(IEguichetForm, Interface, IEasyFormForm, INamedField, Interface)
class AttachmentValidator(AttachmentCheck, FieldExtenderValidator):
    __doc__ = AttachmentCheck.__doc__


@adapter(IEguichetForm, Interface, IGroup, INamedField, Interface)
class GroupAttachmentValidator(AttachmentCheck, GroupFieldExtenderValidator):
    __doc__ = AttachmentCheck.__doc__
