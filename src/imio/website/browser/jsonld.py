"""schema.org JSON-LD in the head of procedure, service, event, news, person pages."""

from imio.website.behaviors.event_details import event_place
from imio.website.content.person.content import FUNCTIONS
from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import WEEKDAYS
from plone import api
from plone.app.layout.viewlets import ViewletBase
from zope.i18n import translate

import json


SCHEMA = "https://schema.org"
DAY_NAMES = {index: name.capitalize() for index, (name, _title) in enumerate(WEEKDAYS)}


def script_tag(data: dict) -> str:
    """A script element whose text cannot close it early, whatever editors type."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True)
    text = text.replace("</", "<\\/").replace("<!--", "<\\!--")
    return f'<script type="application/ld+json">{text}</script>'


def compact(data: dict) -> dict:
    """Leave out what is empty: search engines prefer no value to a blank one."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def basics(context, schema_type: str) -> dict:
    return {
        "@context": SCHEMA,
        "@type": schema_type,
        "name": context.Title(),
        "description": context.Description(),
        "url": context.absolute_url(),
    }


def related(relation):
    if relation is None or relation.isBroken():
        return None
    target = relation.to_object
    if target is None or not api.user.has_permission("View", obj=target):
        return None
    return target


def postal_address(context) -> dict | None:
    address = compact({
        "@type": "PostalAddress",
        "streetAddress": getattr(context, "street", None),
        "postalCode": getattr(context, "postal_code", None),
        "addressLocality": getattr(context, "city", None),
    })
    if len(address) == 1:
        return None
    address["addressCountry"] = "BE"
    return address


def geo(context) -> dict | None:
    latitude = getattr(context, "latitude", None)
    longitude = getattr(context, "longitude", None)
    if latitude is None or longitude is None:
        return None
    return {"@type": "GeoCoordinates", "latitude": latitude, "longitude": longitude}


def opening_hours_specification(context) -> list[dict]:
    hours = OpeningHours.of(context)
    return [
        {
            "@type": "OpeningHoursSpecification",
            "dayOfWeek": f"{SCHEMA}/{DAY_NAMES[index]}",
            "opens": f"{each.start:%H:%M}",
            "closes": f"{each.end:%H:%M}",
        }
        for index in sorted(hours.week)
        for each in hours.week[index]
    ]


def closures_specification(context) -> list[dict]:
    """Closed days, which schema.org writes as opening and closing at midnight."""
    return [
        compact({
            "@type": "OpeningHoursSpecification",
            "validFrom": closure.first.isoformat(),
            "validThrough": closure.last.isoformat(),
            "opens": "00:00",
            "closes": "00:00",
            "description": closure.reason,
        })
        for closure in OpeningHours.of(context).closures
    ]


def place_data(place) -> dict:
    return compact({
        "@type": "Place",
        "name": place.Title(),
        "url": place.absolute_url(),
        "address": postal_address(place),
        "geo": geo(place),
    })


def procedure(context, request) -> dict:
    data = basics(context, "GovernmentService")
    service = related(getattr(context, "responsible_service", None))
    if service is not None:
        data["provider"] = compact({
            "@type": "GovernmentOffice",
            "name": service.Title(),
            "url": service.absolute_url(),
        })
    data["areaServed"] = api.portal.get().Title()
    return compact(data)


def service(context, request) -> dict:
    data = basics(context, "GovernmentOffice")
    data.update({
        "address": postal_address(context),
        "geo": geo(context),
        "telephone": (context.phones or [None])[0],
        "email": (context.emails or [None])[0],
        "openingHoursSpecification": opening_hours_specification(context),
        "specialOpeningHoursSpecification": closures_specification(context),
    })
    return compact(data)


def event(context, request) -> dict:
    data = basics(context, "Event")
    data["startDate"] = context.start and context.start.isoformat()
    data["endDate"] = context.end and context.end.isoformat()
    place = event_place(context)
    if place is not None and api.user.has_permission("View", obj=place):
        data["location"] = place_data(place)
    elif getattr(context, "location", None):
        data["location"] = {"@type": "Place", "name": context.location}
    online_link = getattr(context, "online_link", None)
    price = getattr(context, "price", None)
    if price or online_link:
        data["offers"] = compact({
            "@type": "Offer",
            "description": price,
            "url": online_link,
        })
    if getattr(context, "reduced_mobility_access", False):
        data["accessibilityFeature"] = ["wheelchairAccessible"]
    return compact(data)


def news_item(context, request) -> dict:
    data = basics(context, "NewsArticle")
    data["headline"] = context.Title()
    published = context.effective_date or context.created()
    data["datePublished"] = published.ISO8601()
    data["dateModified"] = context.modified().ISO8601()
    if getattr(context, "image", None):
        data["image"] = f"{context.absolute_url()}/@@images/image"
    data["publisher"] = {
        "@type": "GovernmentOrganization",
        "name": api.portal.get().Title(),
        "url": api.portal.get().absolute_url(),
    }
    return compact(data)


def person(context, request) -> dict:
    data = basics(context, "Person")
    if context.position:
        data["jobTitle"] = translate(
            FUNCTIONS.getTerm(context.position).title, context=request
        )
    if context.party:
        data["affiliation"] = {"@type": "Organization", "name": context.party}
    data["telephone"] = context.phone
    data["email"] = context.email
    if context.photo:
        data["image"] = f"{context.absolute_url()}/@@images/photo"
    data["worksFor"] = {
        "@type": "GovernmentOrganization",
        "name": api.portal.get().Title(),
        "url": api.portal.get().absolute_url(),
    }
    return compact(data)


BUILDERS = {
    "Procedure": procedure,
    "Service": service,
    "Event": event,
    "News Item": news_item,
    "Person": person,
}


class JsonLdViewlet(ViewletBase):
    """The page's content described for search engines."""

    def render(self) -> str:
        builder = BUILDERS.get(getattr(self.context, "portal_type", None))
        if builder is None:
            return ""
        return script_tag(builder(self.context, self.request))
