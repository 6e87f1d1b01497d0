"""Write-only fields of the e-guichet behavior: the webhook's secret and URL."""

from plone import api
from plone.app.z3cform.interfaces import IPasswordWidget
from plone.app.z3cform.widgets.password import PasswordWidget
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from z3c.form.converter import BaseDataConverter
from z3c.form.interfaces import IFieldWidget
from z3c.form.interfaces import NOT_CHANGED
from z3c.form.widget import FieldWidget
from zope import schema
from zope.component import adapter
from zope.interface import implementer
from zope.interface import implementer_only
from zope.interface import Interface
from zope.schema.interfaces import IPassword


class ISecret(IPassword):
    """A password that is written, never read back."""


@implementer(ISecret)
class Secret(schema.Password):
    """A secret shared with another application."""


class ISecretWidget(IPasswordWidget):
    """A password widget that never shows the stored value."""


@implementer_only(ISecretWidget)
class SecretWidget(PasswordWidget):
    """Always empty; left empty, the stored secret stays."""


@implementer(IFieldWidget)
def SecretFieldWidget(field, request):
    return FieldWidget(field, SecretWidget(request))


@adapter(ISecret, ISecretWidget)
class SecretConverter(BaseDataConverter):
    """Nothing goes to the page; an empty input changes nothing."""

    def toWidgetValue(self, value):
        return ""

    def toFieldValue(self, value):
        return value or NOT_CHANGED


@adapter(ISecret, Interface, Interface)
@implementer(IFieldSerializer)
class SecretSerializer(DefaultFieldSerializer):
    """The REST API never returns a secret."""

    def __call__(self):
        return None


class IEditorsOnly(Interface):
    """A field the REST API shows to those who may edit the content only."""


@adapter(IEditorsOnly, Interface, Interface)
@implementer(IFieldSerializer)
class EditorsOnlySerializer(DefaultFieldSerializer):
    """Empty for those who may not edit the content."""

    def __call__(self):
        if not api.user.has_permission("Modify portal content", obj=self.context):
            return None
        return super().__call__()
