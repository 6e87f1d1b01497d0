"""Files attached to a web form: what they may be, checked on their content."""

from collective.easyform.fields import FieldExtenderValidator
from collective.easyform.fields import GroupFieldExtenderValidator
from collective.easyform.interfaces import IEasyFormForm
from imio.eguichet import _
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.uploads import allowed_types
from imio.eguichet.uploads import max_megabytes
from imio.eguichet.uploads import refusal
from imio.eguichet.uploads import type_names
from plone.namedfile.interfaces import INamed
from plone.namedfile.interfaces import INamedField
from plone.namedfile.interfaces import INamedImageField
from Products.Five import BrowserView
from z3c.form.interfaces import IGroup
from zope.component import adapter
from zope.i18n import translate
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


class AcceptedFiles(BrowserView):
    """``@@eguichet-accepted-files``: what a file field of the form accepts."""

    def __call__(self, field) -> str:
        settings = IEguichetForm(self.context, None)
        types = allowed_types(settings)
        if INamedImageField.providedBy(field):
            types = [kind for kind in types if kind.startswith("image/")] or types
        message = _(
            "Accepted types: ${types}. Largest size: ${size} MB.",
            mapping={"types": type_names(types), "size": max_megabytes(settings)},
        )
        return translate(message, context=self.request)
