"""``GET {site}/@eguichet-forms``: forms, with the JSON schema of their fields."""

from collective.easyform.api import get_schema
from imio.eguichet.behaviors import CITIZENS
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.behaviors import is_open
from imio.eguichet.cases import site_now
from plone import api
from plone.restapi.serializer.converters import json_compatible
from plone.restapi.services import Service
from plone.restapi.types.utils import get_fieldset_infos
from plone.restapi.types.utils import get_fieldsets
from plone.restapi.types.utils import get_jsonschema_properties
from plone.restapi.types.utils import iter_fields


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
            if anonymous and settings.submitters == CITIZENS:
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
            "delay_days": settings.delay_days,
            "fee": str(settings.fee) if settings.fee is not None else None,
            "schema": self.json_schema(form),
        }

    def json_schema(self, form) -> dict:
        fieldsets = get_fieldsets(form, self.request, get_schema(form))
        # Choices' tokens may be bytes in a supermodel vocabulary.
        return json_compatible({
            "type": "object",
            "title": form.Title(),
            "properties": get_jsonschema_properties(form, self.request, fieldsets),
            "required": [
                field.field.getName()
                for field in iter_fields(fieldsets)
                if field.field.required
            ],
            "fieldsets": get_fieldset_infos(fieldsets),
        })
