"""A case in plone.restapi: its formatted reference beside its fields."""

from imio.eguichet import audit
from imio.eguichet.content.case.content import ICase
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface
from zope.schema.interfaces import IDict


@implementer(ISerializeToJson)
@adapter(ICase, Interface)
class CaseSerializer(SerializeToJson):
    def __call__(self, *args, **kwargs):
        result = super().__call__(*args, **kwargs)
        result["reference"] = self.context.formatted_reference()
        # The case's personal data read through the API, as on its page.
        audit.record(self.context, "view", self.request, detail="API")
        return result


@implementer(IFieldSerializer)
@adapter(IDict, ICase, Interface)
class CaseDictSerializer(DefaultFieldSerializer):
    """The attachments as what they are and where to download them."""

    def __call__(self):
        if self.field.getName() != "attachments":
            return super().__call__()
        url = self.context.absolute_url()
        return {
            name: {
                "filename": attached.filename,
                "content-type": attached.contentType,
                "size": attached.getSize(),
                "download": f"{url}/@@attachment/{name}",
            }
            for name, attached in (self.get_value() or {}).items()
        }
