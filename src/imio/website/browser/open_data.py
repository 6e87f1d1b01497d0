"""Open data: published services with their address, contacts and hours."""

from imio.website.opening_hours import OpeningHours
from imio.website.opening_hours import WEEKDAYS
from imio.website.browser import opening_hours as page
from plone import api
from Products.Five import BrowserView

import csv
import io
import json


DAYS = [name for name, _title in WEEKDAYS]
COLUMNS = [
    "title",
    "url",
    "street",
    "postal_code",
    "city",
    "latitude",
    "longitude",
    "phones",
    "emails",
    *DAYS,
    "closures",
]


def published_services() -> list[dict]:
    """One record per published service, by title."""
    records = []
    brains = api.content.find(
        portal_type="Service", review_state="published", sort_on="sortable_title"
    )
    for brain in brains:
        service = brain.getObject()
        hours = brain.opening_hours or {}
        records.append({
            "title": brain.Title,
            "url": brain.getURL(),
            "street": service.street or "",
            "postal_code": service.postal_code or "",
            "city": service.city or "",
            "latitude": service.latitude,
            "longitude": service.longitude,
            "phones": list(service.phones or []),
            "emails": list(service.emails or []),
            **{day: hours.get(day, "") for day in DAYS},
            "closures": list(hours.get("closures", [])),
            "open_now": OpeningHours.of_fields(hours).is_open(page.now()),
        })
    return records


class ServicesJson(BrowserView):
    """``@@services.json``: the services as a JSON list."""

    def __call__(self):
        response = self.request.response
        response.setHeader("Content-Type", "application/json; charset=utf-8")
        response.setHeader("Access-Control-Allow-Origin", "*")
        return json.dumps(
            {"@id": self.request["ACTUAL_URL"], "items": published_services()},
            ensure_ascii=False,
            indent=2,
        )


class ServicesCsv(BrowserView):
    """``@@services.csv``: the services, one line each, lists joined by " | "."""

    def __call__(self):
        output = io.StringIO()
        writer = csv.writer(output, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for record in published_services():
            writer.writerow([cell(record[column]) for column in COLUMNS])
        response = self.request.response
        response.setHeader("Content-Type", "text/csv; charset=utf-8")
        response.setHeader("Content-Disposition", 'attachment; filename="services.csv"')
        return output.getvalue()


def cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return " | ".join(value)
    return str(value)
