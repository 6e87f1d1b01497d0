"""What a site holds, in terms that survive a move: compared after an import."""

from collections import Counter
from imio.commune.answers import stored_answers
from imio.commune.exchange.cases import sha256
from imio.eguichet.content.case.content import ICase
from plone import api
from plone.dexterity.utils import iterSchemata
from plone.namedfile.interfaces import INamedField
from zope.schema import getFields


def content_blobs(obj) -> dict[str, str]:
    """sha256 of each file of the object, by field (attachments by key)."""
    blobs = {}
    for schema in iterSchemata(obj):
        for name, field in getFields(schema).items():
            value = getattr(obj, name, None) if INamedField.providedBy(field) else None
            if value is not None:
                blobs[name] = sha256(value.data)
    if ICase.providedBy(obj):
        for key, blob in (obj.attachments or {}).items():
            blobs[f"attachments/{key}"] = sha256(blob.data)
    return blobs


def case_summary(case) -> dict:
    """What must not change in a case when its site moves."""
    history = case.workflow_history.get("imio_case_workflow", ())
    return {
        "state": api.content.get_state(case),
        "history": [(entry["action"], entry["review_state"]) for entry in history],
        "access_code_hash": case._access_code_hash,
        "local_roles": sorted(
            (principal, sorted(roles)) for principal, roles in case.get_local_roles()
        ),
        "service": case.service,
        "values": case.values,
        "messages": len(case.messages or ()),
        "internal_notes": len(case.internal_notes or ()),
    }


def site_inventory(site) -> dict:
    """Counts per type, files, cases, groups and answers of a site."""
    catalog = api.portal.get_tool("portal_catalog")
    site_path = "/".join(site.getPhysicalPath())
    brains = catalog.unrestrictedSearchResults(path=site_path)
    types = Counter(brain.portal_type for brain in brains)
    blobs, cases = {}, {}
    for brain in brains:
        obj = brain._unrestrictedGetObject()
        relative = brain.getPath()[len(site_path) :]
        for name, digest in content_blobs(obj).items():
            blobs[f"{relative}:{name}"] = digest
        if ICase.providedBy(obj):
            cases[obj.getId()] = case_summary(obj)
    answers = dict(stored_answers(site) or {})
    answers.pop("site_id", None)
    return {
        "types": dict(sorted(types.items())),
        "blobs": dict(sorted(blobs.items())),
        "cases": cases,
        "groups": sorted(group.getId() for group in api.group.get_groups()),
        "users": sorted(user.getId() for user in api.user.get_users()),
        "answers": answers,
    }


def differences(expected: dict, found: dict) -> list[str]:
    """What the imported site lacks or holds differently, one line each."""
    lines = []
    for kind, wanted in expected.items():
        got = found.get(kind)
        if isinstance(wanted, dict) and isinstance(got, dict):
            for key in sorted(set(wanted) | set(got), key=str):
                before, after = wanted.get(key), got.get(key)
                if before != after:
                    lines.append(f"{kind} {key}: {before!r} ≠ {after!r}")
        elif wanted != got:
            missing = sorted(set(wanted) - set(got or ()))
            lines.append(f"{kind}: manquent {', '.join(missing) or '(ordre)'}")
    return lines
