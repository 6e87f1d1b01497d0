"""The page of a municipal service."""

from imio.website.address import address_lines
from plone import api
from Products.Five import BrowserView


def link(item) -> dict:
    return {"title": item.Title(), "url": item.absolute_url()}


def phone_links(phones) -> list[dict]:
    """Phone numbers as written, with a tel: link without spaces."""
    return [
        {"label": phone, "href": "tel:" + "".join(phone.split())}
        for phone in phones or []
    ]


class ServiceView(BrowserView):
    """Address, contacts, hours, people and the procedures the service handles."""

    def address(self) -> list[str]:
        return address_lines(self.context)

    def phones(self) -> list[dict]:
        return phone_links(self.context.phones)

    def emails(self) -> list[str]:
        return list(self.context.emails or [])

    def people(self) -> list[dict]:
        people = []
        for relation in self.context.people or []:
            person = None if relation.isBroken() else relation.to_object
            if person is not None and api.user.has_permission("View", obj=person):
                people.append(link(person))
        return people

    def procedures(self) -> list[dict]:
        """Procedures that name this service as responsible, by title."""
        relations = api.relation.get(
            target=self.context, relationship="responsible_service"
        )
        procedures = [link(relation.from_object) for relation in relations]
        return sorted(procedures, key=lambda procedure: procedure["title"].lower())
