"""Fill a commune site with what an export must carry, in a real FileStorage.

Run as ``python tests/exchange_content.py SITE`` with the instance's
environment (IMIO_VAR...): pages, a service, news, an e-guichet form and
cases with attachments in several states, from an anonymous applicant and
from a logged-in citizen. With an access code as second argument, print
instead what the site's cases show (JSON), to compare two databases.
"""

from AccessControl.SecurityManagement import newSecurityManager
from AccessControl.SecurityManagement import noSecurityManager
from AccessControl.users import system
from imio.commune.cli import default_zope_conf
from imio.commune.cli.zope_app import open_app
from imio.eguichet.testing import ACTIONS_MODEL
from imio.eguichet.testing import DOCUMENT
from imio.eguichet.testing import EMAIL
from imio.eguichet.testing import FULLNAME
from imio.eguichet.testing import supermodel
from zope.component.hooks import setSite

import sys
import transaction


FORM_MODEL = supermodel(
    FULLNAME,
    EMAIL,
    ("birth_date", "zope.schema.Date", "Date de naissance", False),
    DOCUMENT,
)
CITIZEN_PASSWORD = "un mot de passe solide"  # noqa: S105 - a test user's
PDF = (
    b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
)
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def published(container, portal_type, item_id, title, **fields):
    from plone import api

    item = api.content.create(
        container=container, type=portal_type, id=item_id, title=title, **fields
    )
    api.content.transition(item, "publish")
    return item


def fill(site):
    from collective.easyform.api import get_schema
    from datetime import date
    from imio.eguichet.cases import create_case
    from imio.eguichet.content.case.messages import add_message
    from plone import api
    from plone.app.textfield.value import RichTextValue
    from plone.namedfile.file import NamedBlobFile

    published(
        site["ma-commune"],
        "Document",
        "histoire",
        "Histoire de la commune",
        text=RichTextValue("<p>Fondée au <strong>XIIe</strong> siècle.</p>"),
    )
    published(
        site["services"],
        "Service",
        "population",
        "Service Population",
        street="Rue de la Gare 1",
        postal_code="5340",
        city="Gesves",
        phones=["+32 83 67 02 11"],
        monday="08:30-12:00",
    )
    published(site["actualites"], "News Item", "travaux-rue", "Travaux rue Haute")
    form = published(
        site["e-guichet"],
        "EasyForm",
        "certificat-residence",
        "Certificat de résidence",
        fields_model=FORM_MODEL,
        actions_model=ACTIONS_MODEL,
    )
    form.processing_service = "agents-population-etat-civil"
    form.delay_days = 10
    api.user.create(
        email="marie@example.org",
        username="marie",
        password=CITIZEN_PASSWORD,
        properties={"fullname": "Marie Dupont"},
    )
    api.user.create(email="agent@example.org", username="agent", password="x" * 12)
    api.group.add_user(groupname="agents-population-etat-civil", username="agent")
    transaction.commit()

    schema = get_schema(form)
    noSecurityManager()
    anonymous, code = create_case(
        form,
        schema,
        {
            "fullname": "Jean Martin",
            "email": "jean@example.org",
            "birth_date": date(1980, 5, 17),
            "document": NamedBlobFile(PDF, "application/pdf", "preuve.pdf"),
        },
    )
    newSecurityManager(None, system)
    with api.env.adopt_user(username="marie"):
        asked, _code = create_case(
            form,
            schema,
            {
                "fullname": "Marie Dupont",
                "email": "marie@example.org",
                "document": NamedBlobFile(PNG, "image/png", "carte d'identité.png"),
            },
        )
        accepted, _code = create_case(
            form, schema, {"fullname": "Marie Dupont", "email": "marie@example.org"}
        )
    for transition in ("receive", "start"):
        api.content.transition(asked, transition)
    api.content.transition(asked, "ask_info", comment="Photo illisible.")
    add_message(
        asked, "Voici une photo nette.", True, [("photo.png", "image/png", PNG)]
    )
    asked.internal_notes = [
        {"date": "2026-01-05", "author": "agent", "text": "À revoir"}
    ]
    asked.assignee = "agent"
    for transition in ("receive", "start", "accept"):
        api.content.transition(accepted, transition)
    for case in (anonymous, asked, accepted):
        case.reindexObject()
    transaction.commit()
    print(anonymous.getId(), code)


def facts(site, access_code: str) -> None:
    """Print as JSON what applicants and agents find in the site's cases."""
    from imio.commune.exchange.cases import sha256
    from plone import api

    import json

    cases = {}
    for case in site["demandes"].objectValues():
        cases[case.getId()] = {
            "state": api.content.get_state(case),
            "title": case.Title(),
            "follows_with_code": case.check_access_code(access_code),
            "attachments": {
                key: [blob.filename, sha256(blob.data)]
                for key, blob in case.attachments.items()
            },
            "letter": [case.letter.filename, sha256(case.letter.data)]
            if case.letter
            else None,
            "agents": sorted(case.users_with_local_role("CaseAgent")),
            "messages": [message["text"] for message in case.messages],
            "notes": [note["text"] for note in case.internal_notes],
            "due_date": str(case.due_date),
            "history": [
                entry.get("comments", "")
                for entry in case.workflow_history["imio_case_workflow"]
            ],
        }
    request = site.REQUEST
    print(
        json.dumps({
            "cases": cases,
            "marie_logs_in": bool(
                site.acl_users.authenticate("marie", CITIZEN_PASSWORD, request)
            ),
            "form_service": site["e-guichet"][
                "certificat-residence"
            ].processing_service,
            "page": site["ma-commune"]["histoire"].text.raw,
        })
    )


def main(site_id: str, access_code: str = "") -> None:
    app = open_app(default_zope_conf())
    site = app[site_id]
    setSite(site)
    try:
        facts(site, access_code) if access_code else fill(site)
    finally:
        transaction.abort()
        setSite(None)
        app._p_jar.close()


if __name__ == "__main__":
    main(*sys.argv[1:])
