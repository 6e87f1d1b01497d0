"""A case in plone.restapi: its formatted reference beside its fields."""

from imio.eguichet.content.case.content import ICase
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson
from zope.component import adapter
from zope.interface import implementer
from zope.interface import Interface


@implementer(ISerializeToJson)
@adapter(ICase, Interface)
class CaseSerializer(SerializeToJson):
    def __call__(self, *args, **kwargs):
        result = super().__call__(*args, **kwargs)
        result["reference"] = self.context.formatted_reference()
        return result
