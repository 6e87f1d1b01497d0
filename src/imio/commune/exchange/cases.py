"""What a case holds beyond its schema's writable fields, out and back in.

On export, the case's payload gets one record with its submitted data, its
access code's hash, its attachments and its decision letter (written as files
beside it). On
import, the record is put back as it was; the review state comes back with
the workflow history, without running transitions that would e-mail the
applicant again.
"""

from datetime import date
from imio.eguichet.content.case.content import ICase
from plone import api
from plone.exportimport.deserializers.blob import load_blob
from plone.exportimport.serializers.blob import export_blob
from plone.namedfile.file import NamedBlobFile

import hashlib


CASE_KEY = "imio.commune.case"
CASE_FIELDS = (
    "form_uid",
    "form_title",
    "form_version",
    "values",
    "labels",
    "applicant_id",
    "applicant_email",
    "applicant_name",
    "service",
    "assignee",
    "due_date",
    "messages",
    "internal_notes",
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def blob_record(case, name: str, blob) -> dict:
    """A file of the case, written beside its payload, with its checksum."""
    path = export_blob(case, name, blob.filename, blob.data)
    return {
        "filename": blob.filename,
        "content-type": blob.contentType,
        "sha256": sha256(blob.data),
        "blob_path": path.as_posix(),
    }


def case_record(case) -> dict:
    """The case's data that the content payload does not carry."""
    due_date = case.due_date
    fields = {name: getattr(case, name, None) for name in CASE_FIELDS}
    fields["due_date"] = due_date.isoformat() if due_date else None
    attachments = {
        key: blob_record(case, f"attachments/{key}", blob)
        for key, blob in (case.attachments or {}).items()
    }
    letter = getattr(case, "letter", None)
    return {
        "fields": fields,
        "access_code_hash": case._access_code_hash,
        "attachments": attachments,
        "letter": blob_record(case, "letter", letter) if letter else None,
    }


def load_record_blob(obj, name: str, record: dict) -> NamedBlobFile:
    """A file of the case back from the export, refused if it was altered."""
    data = load_blob(record["blob_path"])
    if sha256(data) != record["sha256"]:
        raise ValueError(f"{obj.getId()}: pièce jointe {name} altérée")
    return NamedBlobFile(
        data=data, filename=record["filename"], contentType=record["content-type"]
    )


def add_case_record(data: dict, obj, config) -> dict:
    """Export data hook: the case's record in place of its raw fields."""
    if not ICase.providedBy(obj):
        return data
    for name in (*CASE_FIELDS, "attachments", "letter"):
        data.pop(name, None)
    data[CASE_KEY] = case_record(obj)
    return data


def keep_state_in_history(item: dict, config) -> dict:
    """Import data hook: a case's state comes from its history, not transitions."""
    if CASE_KEY in item:
        item.pop("review_state", None)
    return item


def restore_case(item: dict, obj):
    """Import object hook: put the case's record back."""
    record = item.get(CASE_KEY)
    if record is None:
        return obj
    fields = dict(record["fields"])
    if fields["due_date"]:
        fields["due_date"] = date.fromisoformat(fields["due_date"])
    for name, value in fields.items():
        setattr(obj, name, value)
    obj._access_code_hash = record["access_code_hash"]
    obj.attachments = {
        key: load_record_blob(obj, key, attachment)
        for key, attachment in record["attachments"].items()
    }
    if record.get("letter"):
        obj.letter = load_record_blob(obj, "letter", record["letter"])
    workflow = api.portal.get_tool("portal_workflow")
    for definition in workflow.getWorkflowsFor(obj):
        definition.updateRoleMappingsFor(obj)
    obj.reindexObject()
    return obj
