"""Serializing a case for an export."""

from imio.eguichet.content.case.content import ICase
from plone.exportimport.interfaces import IExportImportRequestMarker
from plone.restapi.interfaces import IFieldSerializer
from plone.restapi.serializer.dxfields import DefaultFieldSerializer
from zope.component import adapter
from zope.interface import implementer
from zope.schema.interfaces import IDict


@adapter(IDict, ICase, IExportImportRequestMarker)
@implementer(IFieldSerializer)
class CaseDictFieldSerializer(DefaultFieldSerializer):
    """The attachments are left to the case's own record, with their blobs."""

    def __call__(self):
        if self.field.__name__ == "attachments":
            return None
        return super().__call__()
