"""`@@cpsv-ap`: JSON-LD or Turtle, as the client's Accept header asks."""

from imio.commune.cpsv.graph import CommuneGraph
from imio.commune.cpsv.graph import VIEW_NAME
from imio.commune.cpsv.vocabulary import PREFIXES
from plone import api
from plone.app.layout.viewlets import ViewletBase
from Products.Five.browser import BrowserView
from rdflib import Graph
from zope.component import getMultiAdapter

import html


JSON_LD = "application/ld+json"
TURTLE = "text/turtle"
# The prefixes inline, so that the JSON-LD reads without fetching a context.
CONTEXT = {prefix: str(namespace) for prefix, namespace in PREFIXES.items()}


def quality(accept: str, media_type: str) -> float:
    """The q the Accept header gives a media type, by name or by wildcard."""
    found = 0.0
    family = media_type.split("/")[0]
    for entry in accept.split(","):
        name, *parameters = (part.strip() for part in entry.split(";"))
        if name.lower() not in (media_type, f"{family}/*", "*/*"):
            continue
        q = 1.0
        for parameter in parameters:
            key, _equals, value = parameter.partition("=")
            if key.strip() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        found = max(found, q)
    return found


def negotiated(accept: str | None) -> str:
    """Turtle when the client prefers it, JSON-LD otherwise."""
    accept = accept or ""
    return TURTLE if quality(accept, TURTLE) > quality(accept, JSON_LD) else JSON_LD


def serialized(graph: Graph, media_type: str) -> str:
    if media_type == TURTLE:
        return graph.serialize(format="turtle")
    return graph.serialize(format="json-ld", context=CONTEXT, indent=2)


class CpsvApView(BrowserView):
    """The CPSV-AP export of a procedure or of the whole site."""

    def graph(self) -> Graph:
        export = CommuneGraph(api.portal.get())
        export.add_procedure(self.context)
        return export.graph

    def __call__(self) -> str:
        media_type = negotiated(self.request.getHeader("Accept"))
        response = self.request.response
        response.setHeader("Content-Type", f"{media_type}; charset=utf-8")
        response.setHeader("Vary", "Accept")
        return serialized(self.graph(), media_type)


class CatalogueView(CpsvApView):
    """Every published procedure of the site, which the visitor may see."""

    def procedures(self):
        brains = api.content.find(
            context=self.context,
            portal_type="Procedure",
            review_state="published",
            sort_on="sortable_title",
        )
        return (brain.getObject() for brain in brains)

    def graph(self) -> Graph:
        export = CommuneGraph(self.context)
        export.add_catalogue(self.procedures())
        return export.graph


class AlternateLinksViewlet(ViewletBase):
    """Links in the head to the page's CPSV-AP export, in both forms."""

    def render(self) -> str:
        # The item's own page, not the site's other pages (search, forms...).
        state = getMultiAdapter(
            (self.context, self.request), name="plone_context_state"
        )
        if not state.is_view_template():
            return ""
        url = html.escape(f"{self.context.absolute_url()}/{VIEW_NAME}", quote=True)
        return "".join(
            f'<link rel="alternate" type="{media_type}" href="{url}" />'
            for media_type in (JSON_LD, TURTLE)
        )
