"""Submissions at the same moment never conflict."""

from AccessControl.SecurityManagement import noSecurityManager
from collective.easyform.api import get_schema
from imio.belgium.testing import at
from imio.eguichet.cases import create_case
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.testing import add_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from plone import api
from plone.app.testing import logout
from plone.app.testing import PLONE_SITE_ID
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.testing.zope import addRequestContainer
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest

import collections
import threading
import transaction
import unittest


SUBMITTERS = 8
# A field index stores its first document for a value as a plain number and
# turns it into a set at the second, which two transactions cannot both do.
EARLIER_CASES = 2


def submission(number):
    return {"fullname": f"Citoyen {number}", "email": f"c{number}@example.org"}


class TestConcurrentSubmissions(unittest.TestCase):
    """Simultaneous transactions on one storage, as ZODB clients commit them.

    The site is in use: it already holds cases of the form. For the very
    first cases of a value (a form, a service, a minute of the creation
    date) the catalog turns a one-case entry into a set, which two
    transactions cannot both do, and Zope retries such a request. What this
    test proves is that a submission writes nothing that every other
    submission writes too: no counter, no list, not the container.
    """

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        # The catalog keys dates by the minute: the clock stands still in one.
        clock = at(2099, 6, 15, 10, 0)
        clock.start()
        self.addCleanup(clock.stop)
        portal = self.layer["portal"]
        setRoles(portal, TEST_USER_ID, ["Manager"])
        form = add_form(portal)
        self.form_id = form.getId()
        logout()
        for number in range(EARLIER_CASES):
            create_case(form, get_schema(form), submission(number))
        transaction.commit()

    def submit(self, number, barrier, references, errors, written):
        """One citizen's submission: own thread, connection and transaction."""
        connection = self.layer["zodbDB"].open()
        try:
            app = addRequestContainer(connection.root()["Application"])
            setRequest(app.REQUEST)
            portal = app[PLONE_SITE_ID]
            setSite(portal)
            noSecurityManager()
            form = portal[self.form_id]
            case, _code = create_case(form, get_schema(form), submission(number))
            reference = case.getId()
            written.append({
                obj._p_oid: type(obj)
                for obj in connection._registered_objects
                if obj._p_oid is not None
            })
            # Every transaction has written its case before any of them commits.
            barrier.wait(timeout=60)
            transaction.commit()
            references.append(reference)
        except Exception as error:
            errors.append(error)
            transaction.abort()
        finally:
            setSite(None)
            clearRequest()
            connection.close()

    def test_simultaneous_submissions_all_commit(self):
        barrier = threading.Barrier(SUBMITTERS)
        references, errors, written = [], [], []
        threads = [
            threading.Thread(
                target=self.submit,
                args=(number, barrier, references, errors, written),
            )
            for number in range(SUBMITTERS)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        # What two submissions both write must be merged by ZODB: BTree
        # buckets given different keys, Length counters. Anything else (a
        # plain persistent object, a list, a mapping) conflicts at any size
        # of the site: named by class here before the conflicts themselves.
        shared = collections.Counter(oid for oids in written for oid in oids)
        classes = {oid: cls for oids in written for oid, cls in oids.items()}
        unmerged = sorted(
            classes[oid].__name__
            for oid, times in shared.items()
            if times > 1 and not hasattr(classes[oid], "_p_resolveConflict")
        )
        self.assertEqual(unmerged, [])
        self.assertEqual(errors, [])
        self.assertEqual(len(set(references)), SUBMITTERS)

        transaction.begin()
        folder = get_cases_folder(self.layer["portal"])
        self.assertLessEqual(set(references), set(folder.objectIds()))
        self.assertEqual(len(folder.objectIds()), SUBMITTERS + EARLIER_CASES)
        catalog = api.portal.get_tool("portal_catalog")
        indexed = {
            brain.case_reference
            for brain in catalog.unrestrictedSearchResults(portal_type="Case")
        }
        self.assertLessEqual(set(references), indexed)
        self.assertEqual(len(indexed), SUBMITTERS + EARLIER_CASES)
