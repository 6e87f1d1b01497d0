"""The page of a person."""

from imio.website.content.person.content import FUNCTIONS
from plone import api
from Products.Five import BrowserView
from zope.i18n import translate


def function_label(value, request) -> str:
    """The translated name of a function, or an empty string."""
    if not value or value not in FUNCTIONS:
        return ""
    return translate(FUNCTIONS.getTerm(value).title, context=request)


class PersonView(BrowserView):
    """Function, group, powers, contact and the councils the person sits on."""

    def function(self) -> str:
        return function_label(self.context.position, self.request)

    def photo_url(self) -> str | None:
        if not self.context.photo:
            return None
        return f"{self.context.absolute_url()}/@@images/photo/preview"

    def councils(self) -> list[dict]:
        relations = api.relation.get(target=self.context, relationship="members")
        councils = [
            {
                "title": relation.from_object.Title(),
                "url": relation.from_object.absolute_url(),
            }
            for relation in relations
        ]
        return sorted(councils, key=lambda council: council["title"].lower())
