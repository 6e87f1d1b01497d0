"""Exporting one commune site to a directory, importing it into a database."""

from imio.commune.answers import ANSWERS_KEY
from imio.commune.answers import stored_answers
from imio.commune.exchange.cases import add_case_record
from imio.commune.exchange.cases import keep_state_in_history
from imio.commune.exchange.cases import restore_case
from imio.commune.exchange.inventory import differences
from imio.commune.exchange.inventory import site_inventory
from pathlib import Path
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite
from zope.globalrequest import getRequest
from zope.interface import alsoProvides

import json


MANIFEST = "commune.json"
CONTENT_EXPORTER = "plone.exporter.content"
CONTENT_IMPORTER = "plone.importer.content"
DISTRIBUTION = "commune"


class ExchangeError(Exception):
    """An export or import that cannot be done; the message says why."""


class ImportIncomplete(ExchangeError):
    """The imported site differs from the exported one: nothing was kept."""

    def __init__(self, lines: list[str]):
        super().__init__(f"{len(lines)} différence(s) après l'import")
        self.lines = lines


def _jsonable(data):
    return json.loads(json.dumps(data, default=str))


def _api_request():
    """plone.restapi's (de)serializers answer only on its request layer."""
    from plone.app.discussion.interfaces import IDiscussionLayer
    from plone.restapi.interfaces import IPloneRestapiLayer

    alsoProvides(getRequest(), IPloneRestapiLayer, IDiscussionLayer)


def export_site(site, directory: Path) -> dict:
    """Write the site to ``directory`` (new or empty); its inventory."""
    from plone.exportimport.exporters import get_exporter

    if directory.exists() and any(directory.iterdir()):
        raise ExchangeError(f"le dossier {directory} n'est pas vide.")
    directory.mkdir(parents=True, exist_ok=True)
    _api_request()
    setSite(site)
    try:
        for name, exporter in get_exporter(site).exporters.items():
            hooks = [add_case_record] if name == CONTENT_EXPORTER else None
            exporter.export_data(directory, data_hooks=hooks)
        inventory = _jsonable(site_inventory(site))
    finally:
        setSite(None)
    manifest = {
        "site_id": site.getId(),
        "answers": _jsonable(stored_answers(site) or {}),
        "inventory": inventory,
    }
    (directory / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return manifest


def read_manifest(directory: Path) -> dict:
    path = directory / MANIFEST
    if not path.is_file():
        raise ExchangeError(f"{directory} n'est pas un export de site communal.")
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise ExchangeError(f"{path} illisible : {exc}") from exc


def import_site(app, directory: Path, site_id: str | None = None):
    """Create the site from its answers, import its content, check it all.

    Runs in the caller's transaction and never commits: on any error or
    difference the caller aborts, and the database keeps no half site.
    """
    from plone.distribution.api import site as site_api
    from plone.exportimport.importers import get_importer

    manifest = read_manifest(directory)
    site_id = site_id or manifest["site_id"]
    if site_id in app.objectIds():
        raise ExchangeError(f"/{site_id} existe déjà dans cette base.")
    answers = {**manifest["answers"], "site_id": site_id}
    _api_request()
    site = site_api._create_site(app, DISTRIBUTION, dict(answers))
    setSite(site)
    try:
        for name, importer in get_importer(site).importers.items():
            importer.intermediate_commits = False
            if name == CONTENT_IMPORTER:
                importer.import_data(
                    directory,
                    data_hooks=[keep_state_in_history],
                    obj_hooks=[restore_case],
                )
            else:
                importer.import_data(directory)
        IAnnotations(site)[ANSWERS_KEY] = answers
        found = _jsonable(site_inventory(site))
    finally:
        setSite(None)
    lines = differences(manifest["inventory"], found)
    if lines:
        raise ImportIncomplete(lines)
    return site, found
