"""A form as JSON without a 500 for whoever may read it.

collective.easyform's serializer asks ``api.user.has_permission`` for its
saved-data permission by its ZCML id, which plone.api only knows by its title:
every GET of a form through the REST API failed. Same output, right name.
"""

from collective.easyform.interfaces import IEasyForm
from collective.easyform.serializer import SerializeToJson
from imio.eguichet.interfaces import IImioEguichetLayer
from plone import api
from plone.restapi.interfaces import ISerializeToJson
from plone.restapi.serializer.dxcontent import SerializeToJson as DXContentToJson
from zope.component import adapter
from zope.interface import implementer


DOWNLOAD_SAVED_INPUT = "collective.easyform: Download Saved Input"


@implementer(ISerializeToJson)
@adapter(IEasyForm, IImioEguichetLayer)
class SerializeFormToJson(SerializeToJson):
    def __call__(self, version=None, include_items=True):
        result = DXContentToJson.__call__(self, version, include_items)
        if api.user.has_permission(DOWNLOAD_SAVED_INPUT, obj=self.context):
            self.serializeSavedData(result)
        return result
