"""``GET {library}/@library-changes``: the sheets changed since a cursor.

Anonymous clients (the communes' sync) read it: only published sheets are
shown in full; a sheet unpublished, moved out or deleted is a withdrawn entry
with its key alone. The ETag is computed from the change log alone, so that a
client up to date costs one annotation read and no catalog search.
"""

from datetime import UTC
from imio.commune.library.changelog import change_log
from imio.commune.library.sheets import TAXONOMY_FIELDS
from imio.website.content.procedure.content import SECTIONS
from plone import api
from plone.restapi.services import Service


DEFAULT_LIMIT = 200
MAX_LIMIT = 1000


class BadParameter(ValueError):
    """A parameter the feed cannot use; the message is French."""


def site_languages() -> list[str]:
    default = api.portal.get_registry_record("plone.default_language")
    available = api.portal.get_registry_record("plone.available_languages") or []
    return [default, *(each for each in available if each != default)]


def whole_number(name: str, value: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise BadParameter(
            f"le paramètre {name} doit être un nombre entier positif, "
            f"pas « {value[:40]} »."
        )
    return int(value)


def cursor_and_limit(form) -> tuple[int | None, int]:
    """A change feed's ``since`` (None when absent) and ``limit`` parameters."""
    since = form.get("since")
    if since is not None and not isinstance(since, str):
        raise BadParameter("le paramètre since ne peut être donné qu'une fois.")
    since = whole_number("since", since) if since else None
    limit = form.get("limit")
    if limit is not None and not isinstance(limit, str):
        raise BadParameter("le paramètre limit ne peut être donné qu'une fois.")
    limit = whole_number("limit", limit) if limit else DEFAULT_LIMIT
    if not 1 <= limit <= MAX_LIMIT:
        raise BadParameter(
            f"le paramètre limit doit être compris entre 1 et {MAX_LIMIT}."
        )
    return since, limit


def rich_html(sheet, name: str) -> str:
    return getattr(getattr(sheet, name, None), "raw", None) or ""


def entry(sheet, brain, key: str, language: str) -> dict:
    """Everything a commune copies of a published sheet."""
    return {
        "key": key,
        "language": language,
        "version": getattr(sheet, "library_version", 1),
        "withdrawn": False,
        "uid": brain.UID,
        "url": brain.getURL(),
        "title": sheet.title or "",
        "description": sheet.description or "",
        "sections": {name: rich_html(sheet, name) for name in SECTIONS},
        **{
            name: list(getattr(sheet, field, None) or ())
            for name, (_taxonomy, field) in TAXONOMY_FIELDS.items()
        },
        "modified": sheet.modified().asdatetime().astimezone(UTC).isoformat(),
    }


def withdrawn(key: str, language: str) -> dict:
    return {"key": key, "language": language, "withdrawn": True}


class LibraryChangesGet(Service):
    """The changes of one language's sheets after a cursor, a page at a time."""

    def check_permission(self):
        # Open to anonymous clients like the published sheets themselves:
        # viewing the library is the check, not "Use REST API".
        return

    def parameters(self) -> tuple[str, int | None, int]:
        form = self.request.form
        languages = site_languages()
        language = form.get("language") or languages[0]
        if not isinstance(language, str) or language not in languages:
            raise BadParameter(
                f"langue inconnue ; les langues de la bibliothèque sont : "
                f"{', '.join(languages)}."
            )
        return (language, *cursor_and_limit(form))

    def refuse(self, message: str) -> dict:
        self.request.response.setStatus(400)
        return {"error": message}

    def reply(self):
        try:
            language, since, limit = self.parameters()
        except BadParameter as exc:
            return self.refuse(str(exc))
        log = change_log(self.context)
        last = log.last_of(language) if log is not None else 0
        if since is not None and since > (log.last if log is not None else 0):
            return self.refuse(
                f"le curseur {since} est plus récent que le dernier changement "
                "de la bibliothèque : reprenez sans since."
            )
        response = self.request.response
        etag = f'"{last}-{language}-{"" if since is None else since}"'
        response.setHeader("ETag", etag)
        response.setHeader("Cache-Control", "max-age=0, must-revalidate")
        if etag in self.request_etags():
            return self.reply_no_content(status=304)
        return self.page(log, language, since, limit)

    def request_etags(self) -> set[str]:
        header = self.request.getHeader("If-None-Match") or ""
        return {each.strip().removeprefix("W/") for each in header.split(",")}

    def published(self, language: str) -> dict:
        """The brains of the language's published sheets, by key."""
        folder = "/".join(self.context.getPhysicalPath()) + f"/{language}"
        brains = api.portal.get_tool("portal_catalog")(
            portal_type="Procedure",
            review_state="published",
            path={"query": folder, "depth": 1},
        )
        return {brain.getId: brain for brain in brains}

    def page(self, log, language: str, since: int | None, limit: int) -> dict:
        published = self.published(language)
        changes = []
        cursor = since or 0
        more = False
        for sequence, key in log.since(language, since or 0) if log else ():
            if len(changes) == limit:
                more = True
                break
            cursor = sequence
            brain = published.get(key)
            if brain is not None:
                changes.append(entry(brain.getObject(), brain, key, language))
            elif since is not None:
                changes.append(withdrawn(key, language))
        return {"cursor": str(cursor), "more": more, "changes": changes}
