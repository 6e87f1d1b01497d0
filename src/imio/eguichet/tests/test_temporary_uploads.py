"""Files attached to a form in two steps wait on the server, never in the page."""

from AccessControl.SecurityManagement import noSecurityManager
from datetime import timedelta
from imio.belgium.testing import at
from imio.eguichet.content.case_folder.content import get_cases_folder
from imio.eguichet.library import install_form
from imio.eguichet.testing import IMIO_EGUICHET_FUNCTIONAL_TESTING
from imio.eguichet.testing import phone_photo
from imio.eguichet import temporary_uploads
from imio.eguichet.temporary_uploads import STORAGE_KEY
from imio.eguichet.tests.library_helpers import Citizen
from imio.eguichet.tests.library_helpers import eguichet_folder
from imio.eguichet.tests.library_helpers import field_errors
from imio.eguichet.tests.library_helpers import VALID_ANSWERS
from lxml import html
from plone import api
from plone.app.testing import PLONE_SITE_ID
from plone.app.testing import setRoles
from plone.app.testing import TEST_USER_ID
from plone.app.testing import TEST_USER_NAME
from plone.app.testing import TEST_USER_PASSWORD
from plone.namedfile.file import NamedBlobImage
from plone.testing.zope import addRequestContainer
from zope.annotation.interfaces import IAnnotations
from zope.component.hooks import setSite
from zope.globalrequest import clearRequest
from zope.globalrequest import setRequest

import hashlib
import re
import threading
import transaction
import unittest


REFERENCE = re.compile(r'class="case-reference">([^<]+)<')
PHOTO_NAME = "Nid-de-poule rue de Fer à Namur, côté gare.jpg"
ANSWERS = VALID_ANSWERS["signalement-voirie"]
PHOTO_FIELD = "form.widgets.photo.file_upload_id"
FILE_LOST = (
    "Le fichier que vous aviez joint n'a pas été conservé (les fichiers "
    "attendent 2 heures au plus) : veuillez le choisir à nouveau."
)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class LibraryFormTestCase(unittest.TestCase):
    """The library's ``signalement-voirie``, installed as the demo installs it."""

    layer = IMIO_EGUICHET_FUNCTIONAL_TESTING

    def setUp(self):
        # Files wait two hours: the tests move the clock, from a fixed moment.
        travel = at(2099, 6, 15, 10, 0)
        self.clock = travel.start()
        self.addCleanup(travel.stop)
        self.portal = self.layer["portal"]
        setRoles(self.portal, TEST_USER_ID, ["Manager"])
        api.portal.set_registry_record("plone.default_language", "fr")
        folder = eguichet_folder(self.portal)
        self.form = install_form(folder, "signalement-voirie")
        transaction.commit()
        self.url = self.form.absolute_url()
        self.citizen = Citizen()

    def tearDown(self):
        self.citizen.close()

    def case(self, page):
        transaction.begin()
        reference = REFERENCE.search(page.text).group(1)
        return get_cases_folder(self.portal)[reference.replace("-", "")]

    def count_cases(self) -> int:
        transaction.begin()
        return len(get_cases_folder(self.portal))

    def entries(self) -> list:
        """What the site's temporary uploads hold, sent or not."""
        transaction.begin()
        return list(IAnnotations(self.portal).get(STORAGE_KEY, {}).values())

    def kept_files(self) -> int:
        """How many files wait for their form to be sent."""
        return sum(entry.file is not None for entry in self.entries())


class TestPhonePhoto(LibraryFormTestCase):
    def test_a_phone_photo_is_sent_through_both_steps(self):
        photo = phone_photo()
        self.assertGreater(len(photo), 3 * 1024 * 1024)
        summary = self.citizen.fill(
            self.url, ANSWERS, {"photo": (PHOTO_NAME, photo, "image/jpeg")}
        )
        self.assertEqual(summary.status_code, 200)
        self.assertIn("Vérifiez vos réponses", summary.text)
        self.assertIn(PHOTO_NAME, html.fromstring(summary.text).text_content())
        sent = self.citizen.press(summary, "send")
        self.assertEqual(sent.status_code, 200, sent.text[:500])
        # The photo waited on the server: the summary is the size of a page.
        self.assertLess(len(summary.content), 100_000)
        case = self.case(sent)
        self.assertEqual(case.attachments["photo"].filename, PHOTO_NAME)
        self.assertEqual(sha256(case.attachments["photo"].data), sha256(photo))


class KeptFilesTestCase(LibraryFormTestCase):
    """A photo sent to the summary, then tokens changed, expired or sent."""

    def setUp(self):
        super().setUp()
        self.photo = phone_photo(size=(800, 600))

    def other_citizen(self) -> Citizen:
        citizen = Citizen()
        self.addCleanup(citizen.close)
        return citizen

    def summary(self, citizen=None, name=PHOTO_NAME):
        citizen = citizen or self.citizen
        page = citizen.fill(
            self.url, ANSWERS, {"photo": (name, self.photo, "image/jpeg")}
        )
        self.assertIn("Vérifiez vos réponses", page.text)
        return page

    def send_with(self, summary, token, citizen=None):
        """Press Envoyer on the summary, its photo's token replaced."""
        form = html.fromstring(summary.text).xpath(
            "//div[@class='eguichet-check-answers']//form"
        )[0]
        data = [
            (field.name, token if field.name == PHOTO_FIELD else field.value)
            for field in form.xpath(".//input[@type='hidden']")
        ]
        data.append(("form.buttons.send", "send"))
        citizen = citizen or self.citizen
        return citizen.session.post(form.action, data=data, timeout=30)

    def token(self, summary) -> str:
        tree = html.fromstring(summary.text)
        return tree.xpath(f"//input[@name='{PHOTO_FIELD}']")[0].get("value")

    def assert_asked_again(self, page):
        """The form again, its answers kept, the photo asked for in French."""
        self.assertEqual(page.status_code, 200)
        self.assertNotIn("Vérifiez vos réponses", page.text)
        self.assertIsNone(REFERENCE.search(page.text))
        self.assertEqual(field_errors(page).get("photo"), FILE_LOST)
        tree = html.fromstring(page.text)
        # Above the form, and next to the field.
        self.assertEqual(tree.text_content().count(FILE_LOST), 2)
        for name in ("location", "postal_code", "fullname", "email"):
            widget = tree.xpath(f"//input[@name='form.widgets.{name}']")[0]
            self.assertEqual(widget.value, ANSWERS[name])
        self.assertEqual(self.count_cases(), 0)

    def choose_again_and_send(self, page):
        """Choose the photo again in the form shown, Continuer, then Envoyer."""
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = dict(form.form_values())
        data["form.buttons.continue"] = "Continuer"
        summary = self.citizen.session.post(
            form.action,
            data=data,
            files={"form.widgets.photo": (PHOTO_NAME, self.photo, "image/jpeg")},
            timeout=30,
        )
        self.assertIn("Vérifiez vos réponses", summary.text)
        sent = self.citizen.press(summary, "send")
        case = self.case(sent)
        self.assertEqual(sha256(case.attachments["photo"].data), sha256(self.photo))
        return case


class TestChangedTokens(KeptFilesTestCase):
    def test_a_changed_token_asks_for_the_file_again(self):
        summary = self.summary()
        key, expires, signature = self.token(summary).split(".")
        later = str(int(expires) + 24 * 3600)
        other = "0" if signature[-1] != "0" else "1"
        # Another last letter of the key, whatever its own (one in 64 is "A").
        other_key = key[:-1] + ("A" if key[-1] != "A" else "B")
        for token in (
            f"{key}.{expires}.{signature[:-1]}{other}",
            f"{key}.{later}.{signature}",
            f"{other_key}.{expires}.{signature}",
            "pas-un-jeton",
            "",
        ):
            with self.subTest(token=token):
                self.assert_asked_again(self.send_with(summary, token))
        self.assertEqual(self.kept_files(), 1)
        self.choose_again_and_send(self.send_with(summary, "pas-un-jeton"))

    def test_a_token_given_to_a_member_is_not_anyone_s(self):
        member = Citizen(auth=(TEST_USER_NAME, TEST_USER_PASSWORD))
        self.addCleanup(member.close)
        token = self.token(self.summary(member))
        page = self.send_with(self.summary(), token)
        self.assert_asked_again(page)

    def test_modify_keeps_the_photo_on_the_server(self):
        summary = self.summary()
        page = self.citizen.press(summary, "modify")
        self.assertIn(PHOTO_NAME, html.fromstring(page.text).text_content())
        self.assertLess(len(page.content), 100_000)
        form = html.fromstring(page.text).xpath("//form[@id='form']")[0]
        data = dict(form.form_values())
        self.assertEqual(data["form.widgets.photo.action"], "nochange")
        data["form.buttons.continue"] = "Continuer"
        summary = self.citizen.session.post(form.action, data=data, timeout=30)
        self.assertIn(PHOTO_NAME, html.fromstring(summary.text).text_content())
        sent = self.citizen.press(summary, "send")
        case = self.case(sent)
        self.assertEqual(sha256(case.attachments["photo"].data), sha256(self.photo))
        self.assertEqual(self.kept_files(), 0)


class TestExpiry(KeptFilesTestCase):
    def test_an_expired_token_asks_for_the_file_again(self):
        summary = self.summary()
        self.clock.shift(timedelta(hours=2, seconds=1))
        page = self.citizen.press(summary, "send")
        self.assert_asked_again(page)
        # The file is let go as its token comes back.
        self.assertEqual(self.kept_files(), 0)
        self.choose_again_and_send(page)

    def test_a_token_within_its_time_sends_the_photo(self):
        summary = self.summary()
        self.clock.shift(timedelta(hours=1, minutes=59))
        sent = self.citizen.press(summary, "send")
        case = self.case(sent)
        self.assertEqual(sha256(case.attachments["photo"].data), sha256(self.photo))
        self.assertEqual(self.kept_files(), 0)

    def test_abandoned_files_are_removed(self):
        abandoned = self.summary()
        self.assertEqual(self.kept_files(), 1)
        self.clock.shift(timedelta(hours=1))
        waiting = self.summary(self.other_citizen(), name="trottoir.jpg")
        self.assertEqual(self.kept_files(), 2)
        # The next file kept two hours after the first sweeps it away.
        self.clock.shift(timedelta(hours=1, minutes=1))
        self.summary(self.other_citizen(), name="avaloir.jpg")
        self.assertEqual(len(self.entries()), 2)
        self.assertEqual(self.kept_files(), 2)
        self.assert_asked_again(self.citizen.press(abandoned, "send"))
        # The file of the citizen still checking the answers is there.
        sent = self.other_citizen().press(waiting, "send")
        self.assertEqual(self.case(sent).attachments["photo"].filename, "trottoir.jpg")
        self.assertEqual(self.kept_files(), 1)
        # The entry of the file sent goes at the next sweep, ten minutes on.
        self.assertEqual(len(self.entries()), 2)
        self.clock.shift(timedelta(minutes=10))
        self.summary(self.other_citizen(), name="lampadaire.jpg")
        self.assertEqual(len(self.entries()), 2)
        self.assertEqual(self.kept_files(), 2)


class TestSimultaneousUploads(LibraryFormTestCase):
    """Citizens attaching or sending files at the same moment never conflict."""

    CITIZENS = 8

    def in_own_transaction(self, work, barrier, results, errors):
        """``work(form)`` in a connection and transaction of its own, as a
        request of another instance would run it, committed once every
        other one has written too."""
        connection = self.layer["zodbDB"].open()
        try:
            app = addRequestContainer(connection.root()["Application"])
            setRequest(app.REQUEST)
            portal = app[PLONE_SITE_ID]
            setSite(portal)
            noSecurityManager()
            result = work(portal["e-guichet"]["signalement-voirie"])
            barrier.wait(timeout=60)
            transaction.commit()
            results.append(result)
        except Exception as error:
            errors.append(error)
            transaction.abort()
        finally:
            setSite(None)
            clearRequest()
            connection.close()

    def all_at_once(self, works) -> list:
        barrier = threading.Barrier(len(works))
        results, errors = [], []
        threads = [
            threading.Thread(
                target=self.in_own_transaction, args=(work, barrier, results, errors)
            )
            for work in works
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        self.assertEqual([repr(e) + str(e) for e in errors], [])
        return results

    def test_simultaneous_uploads_and_sendings_all_commit(self):
        photo = phone_photo(size=(800, 600))
        # A site in use: a citizen's file already waits.
        self.citizen.fill(
            self.url, ANSWERS, {"photo": (PHOTO_NAME, photo, "image/jpeg")}
        )

        def upload(number):
            def work(form):
                image = NamedBlobImage(data=photo, filename=f"photo-{number}.jpg")
                return temporary_uploads.keep(form, "photo", image)[0]

            return work

        keys = self.all_at_once([upload(n) for n in range(self.CITIZENS)])
        self.assertEqual(len(set(keys)), self.CITIZENS)
        self.assertEqual(self.kept_files(), self.CITIZENS + 1)

        def send(key):
            return lambda form: temporary_uploads.discard(key)

        self.all_at_once([send(key) for key in keys])
        self.assertEqual(self.kept_files(), 1)
