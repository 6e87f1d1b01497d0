"""Site search with facets by type, audience, life event and topic; no JavaScript."""

from imio.website import _
from imio.website.browser import opening_hours as page
from plone import api
from plone.base.utils import munge_search_term
from plone.batching import Batch
from Products.Five import BrowserView
from urllib.parse import urlencode
from zope.component import queryUtility
from zope.i18n import translate
from zope.schema.interfaces import IVocabularyFactory

import re


BATCH_SIZE = 20
TAXONOMIES = (
    ("taxonomy_audience", _("Audience"), "audience"),
    ("taxonomy_life_event", _("Life event"), "life_event"),
    ("taxonomy_topic", _("Topic"), "topic"),
)
# Elided articles and prepositions ("l'état", "d'identité") and the small words
# that every French sentence has: searching for them finds nothing useful.
ELISION = re.compile(r"\b(?:[cdjlmnst]|qu)['\u2019]", re.IGNORECASE)
STOP_WORDS = frozenset([
    "à",
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "dans",
    "de",
    "des",
    "du",
    "en",
    "et",
    "la",
    "le",
    "les",
    "ma",
    "mon",
    "ou",
    "par",
    "pour",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "un",
    "une",
])


# Parentheses, operators and the like would be read as query syntax.
NOT_A_WORD = re.compile(r"[^\w\s'\u2019-]")


def french_query(text: str) -> str:
    """The words that matter, each a prefix, all required."""
    words = [
        word.strip("-")
        for word in ELISION.sub(" ", NOT_A_WORD.sub(" ", text)).split()
        if word.strip("-") and word.lower() not in STOP_WORDS
    ]
    return munge_search_term(" ".join(words)) if words else ""


class SearchView(BrowserView):
    """Results of a full-text search, narrowed with facets from the catalog."""

    def __init__(self, context, request):
        super().__init__(context, request)
        self.text = self.single("SearchableText")
        self.selected = {
            "portal_type": self.several("portal_type"),
            **{index: self.several(index) for index, _title, _name in TAXONOMIES},
        }

    def _(self, message) -> str:
        return translate(message, context=self.request)

    @property
    def page_title(self) -> str:
        if self.text:
            return self._(_("Search: ${terms}", mapping={"terms": self.text}))
        return self._(_("Site search"))

    def single(self, name: str) -> str:
        value = self.request.form.get(name, "")
        if isinstance(value, list):
            value = " ".join(each for each in value if isinstance(each, str))
        return value.strip() if isinstance(value, str) else ""

    def several(self, name: str) -> list[str]:
        value = self.request.form.get(name, [])
        values = value if isinstance(value, list) else [value]
        return [each for each in values if isinstance(each, str) and each]

    def url(self) -> str:
        return f"{self.context.absolute_url()}/@@{self.__name__}"

    def searchable_types(self) -> list[str]:
        friendly = api.portal.get_tool("plone_utils").getUserFriendlyTypes()
        hidden = api.portal.get_registry_record("plone.types_not_searched", default=())
        return [name for name in friendly if name not in hidden]

    def query(self) -> dict:
        types = self.searchable_types()
        query = {
            "path": "/".join(
                api.portal.get_navigation_root(self.context).getPhysicalPath()
            ),
            "portal_type": [
                name for name in self.selected["portal_type"] if name in types
            ]
            or types,
        }
        for index, _title, _name in TAXONOMIES:
            if self.selected[index]:
                query[index] = {"query": self.selected[index], "operator": "and"}
        words = french_query(self.text)
        if words:
            query["SearchableText"] = words
        else:
            query["sort_on"] = "sortable_title"
        return query

    def searched(self) -> bool:
        return bool(self.text or any(self.selected.values()))

    def brains(self):
        if not hasattr(self, "_brains"):
            self._brains = api.content.find(**self.query()) if self.searched() else []
        return self._brains

    def facets(self) -> list[dict]:
        """Each facet with its values and how many results carry each."""
        counts = {"portal_type": {}, **{index: {} for index, _t, _n in TAXONOMIES}}
        for brain in self.brains():
            counts["portal_type"][brain.portal_type] = (
                counts["portal_type"].get(brain.portal_type, 0) + 1
            )
            for index, _title, _name in TAXONOMIES:
                for value in getattr(brain, index, None) or ():
                    counts[index][value] = counts[index].get(value, 0) + 1
        types = api.portal.get_tool("portal_types")
        facets = [
            self.facet(
                "portal_type",
                self._(_("Type")),
                {name: self._(types[name].Title()) for name in self.searchable_types()},
                counts["portal_type"],
            )
        ]
        for index, title, name in TAXONOMIES:
            factory = queryUtility(IVocabularyFactory, f"collective.taxonomy.{name}")
            terms = {}
            if factory is not None:
                terms = {
                    term.value: self._(term.title) for term in factory(self.context)
                }
            facets.append(self.facet(index, self._(title), terms, counts[index]))
        return [facet for facet in facets if facet["options"]]

    def facet(self, index: str, title: str, labels: dict, counts: dict) -> dict:
        selected = self.selected[index]
        options = [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "checked": value in selected,
                "id": f"facet-{index}-{position}",
            }
            for position, (value, label) in enumerate(labels.items())
            if counts.get(value) or value in selected
        ]
        options.sort(key=lambda option: (-option["count"], option["label"].lower()))
        return {"index": index, "title": title, "options": options}

    def batch(self):
        if not hasattr(self, "_batch"):
            try:
                start = max(int(self.request.form.get("b_start", 0)), 0)
            except (TypeError, ValueError):
                start = 0
            self._batch = Batch(self.brains(), BATCH_SIZE, start)
        return self._batch

    def previous_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_previous:
            return None
        return self.page_url(max(batch.first - BATCH_SIZE, 0))

    def next_url(self) -> str | None:
        batch = self.batch()
        if not batch.has_next:
            return None
        return self.page_url(batch.first + BATCH_SIZE)

    def page_url(self, start: int) -> str:
        params = [("SearchableText", self.text)] if self.text else []
        for index, values in self.selected.items():
            params.extend((index, value) for value in values)
        params.append(("b_start", start))
        return f"{self.url()}?{urlencode(params)}"

    def results(self) -> list[dict]:
        types = api.portal.get_tool("portal_types")
        now = page.now()
        results = []
        for brain in self.batch():
            results.append({
                "title": brain.Title,
                "description": brain.Description,
                "url": brain.getURL(),
                "type": self._(types[brain.portal_type].Title())
                if brain.portal_type in types
                else brain.portal_type,
                "status": page.status_of(brain.opening_hours, now, self.request)
                if brain.portal_type == "Service"
                else None,
            })
        return results
