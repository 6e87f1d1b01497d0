"""``GET {site}/@eguichet-forms``: forms, with the JSON schema of their fields."""

from collective.easyform.api import get_schema
from collective.easyform.interfaces import IFieldExtender
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import is_open
from imio.eguichet.behaviors import needs_sign_in
from imio.eguichet.behaviors import sign_in_level
from imio.eguichet.cases import site_now
from plone import api
from plone.namedfile.interfaces import INamedField
from plone.namedfile.interfaces import INamedImageField
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from plone.restapi.types.utils import iter_fields
from plone.restapi.types.utils import get_fieldsets
from plone.restapi.types.utils import get_fieldset_infos
from plone.restapi.types.utils import get_jsonschema_properties
from zope.schema import getFieldsInOrder
from zope.schema.interfaces import IDatetime
from zope.schema.interfaces import IDate


class FormsGet(Service):
    """The open forms that the current user may view and submit."""

    def check_permission(self):
        # Like @submit, open without "Use REST API": the catalog only
        # returns the forms the user may view.
        return

    def reply(self):
        anonymous = api.user.is_anonymous()
        now = site_now()
        brains = api.content.find(
            context=self.context,
            object_provides=IEguichetForm.__identifier__,
            sort_on="sortable_title",
        )
        items = []
        for brain in brains:
            form = brain.getObject()
            settings = IEguichetForm(form)
            if anonymous and needs_sign_in(form):
                continue
            if not is_open(form, now):
                continue
            items.append(self.describe(brain, form, settings))
        return {
            "@id": f"{self.context.absolute_url()}/@eguichet-forms",
            "items": items,
            "items_total": len(items),
        }

    def describe(self, brain, form, settings) -> dict:
        url = brain.getURL()
        return {
            "@id": url,
            "id": brain.getId,
            "title": brain.Title,
            "description": brain.Description,
            "submit_url": f"{url}/@submit",
            "submitters": settings.submitters,
            "level": sign_in_level(form),
            "delay_days": settings.delay_days,
            "fee": str(settings.fee) if settings.fee is not None else None,
            "schema": self.json_schema(form),
        }

    def json_schema(self, form) -> dict:
        schema = get_schema(form)
        fieldsets = get_fieldsets(form, self.request, schema)
        properties = get_jsonschema_properties(form, self.request, fieldsets)
        for name, field in getFieldsInOrder(schema):
            if name in properties:
                properties[name].update(answer_format(field))
        # Choices' tokens may be bytes in a supermodel vocabulary.
        return json_compatible({
            "type": "object",
            "title": form.Title(),
            "properties": properties,
            "required": [
                field.field.getName()
                for field in iter_fields(fieldsets)
                if field.field.required
            ],
            "fieldsets": get_fieldset_infos(fieldsets),
        })


# What @submit reads, where it differs from how plone.restapi describes the
# field of a content item: files as base64 objects, dates as ISO 8601.
FILE_OBJECT = {
    "properties": {
        "data": {"type": "string", "contentEncoding": "base64"},
        "filename": {"type": "string"},
        "content-type": {"type": "string"},
    },
    "required": ["data"],
}


def answer_format(field) -> dict:
    """What @submit expects of ``field`` beyond plone.restapi's description."""
    described = {}
    if INamedField.providedBy(field):
        image = INamedImageField.providedBy(field)
        described = {"widget": "image" if image else "file", **FILE_OBJECT}
    elif IDatetime.providedBy(field):
        described = {"format": "date-time"}
    elif IDate.providedBy(field):
        described = {"format": "date"}
    validators = getattr(IFieldExtender(field), "validators", None)
    if validators:
        described["validators"] = list(validators)
    return described
