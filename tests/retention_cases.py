"""Cases of the demo commune for the retention command's tests.

Run inside the instance's configuration (``python -m tests.retention_cases``
with its environment): one library form keeps its cases for its retention
period, another one (its period removed) forever. The closing dates are far
in the past or a few days ago, so that which cases are due does not depend
on the day the tests run.
"""

from DateTime import DateTime
from imio.commune.cli.zope_app import open_app
from imio.eguichet.behaviors import IEguichetForm
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.reference import new_reference
from persistent.mapping import PersistentMapping
from plone import api
from plone.dexterity.utils import createContent
from tests.instance import ROOT
from zope.component.hooks import setSite

import json
import sys
import transaction


SITE = "demo"
LONG_AGO = DateTime("2001/03/14 10:00:00 Europe/Brussels")
# (form, closed on, how many): the first form's period is its library one.
CASES = (("kept", LONG_AGO, 5), ("kept", "recently", 1), ("kept", None, 1))
FOREVER = (("forever", LONG_AGO, 2),)


def retention_forms(site) -> tuple:
    """Two e-guichet forms of the site: one with a period, one made without."""
    forms = [
        brain.getObject()
        for brain in site.portal_catalog.unrestrictedSearchResults(
            portal_type="EasyForm", sort_on="id"
        )
        if getattr(IEguichetForm(brain.getObject(), None), "retention_months", None)
    ]
    kept, forever = forms[0], forms[1]
    IEguichetForm(forever).retention_months = None
    return kept, forever


def add_case(site, form, closed) -> str:
    folder = get_cases_folder(site)
    reference = new_reference()
    case = createContent(
        "Case",
        form_uid=api.content.get_uuid(form),
        form_title=form.Title(),
        values={"fullname": "Marie Dupont", "reason": "Inscription"},
        labels={"fullname": "Nom", "reason": "Motif"},
        attachments={},
        applicant_email="marie.dupont@example.org",
        applicant_name="Marie Dupont",
        messages=[{"date": "2001-01-02", "text": "Bonjour", "files": []}],
        internal_notes=[],
    )
    case.id = reference
    folder._setObject(reference, case, suppress_events=True)
    case = folder[reference]
    submitted = LONG_AGO - 30
    history = [
        {
            "action": None,
            "review_state": "submitted",
            "actor": "admin",
            "comments": "",
            "time": submitted,
        }
    ]
    if closed is not None:
        when = DateTime() - 3 if closed == "recently" else closed
        history.append({
            "action": "close",
            "review_state": "closed",
            "actor": "admin",
            "comments": "Dossier de Marie Dupont",
            "time": when,
        })
    case.workflow_history = PersistentMapping({"imio_case_workflow": tuple(history)})
    site.portal_catalog.catalog_object(case, "/".join(case.getPhysicalPath()))
    return reference


def main() -> None:
    app = open_app(ROOT / "instance" / "etc" / "zope.conf")
    site = app[SITE]
    setSite(site)
    kept, forever = retention_forms(site)
    made = {"kept": kept.Title(), "forever": forever.Title(), "cases": {}}
    for name, form in (("kept", kept), ("forever", forever)):
        for form_name, closed, count in CASES + FOREVER:
            if form_name == name:
                key = f"{name}-{closed if isinstance(closed, str) else bool(closed)}"
                made["cases"].setdefault(key, [])
                for _index in range(count):
                    made["cases"][key].append(add_case(site, form, closed))
    transaction.commit()
    app._p_jar.close()
    json.dump(made, sys.stdout)


if __name__ == "__main__":
    main()
