"""Test layers of imio.eguichet: integration, and functional over a WSGI server."""

from aiosmtpd.controller import Controller
from email.policy import default
from plone import api
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE

import email
import io
import random
import socket


def supermodel(*fields) -> str:
    """The supermodel XML of fields given as (name, type, title[, required])."""
    lines = []
    for name, field_type, title, *required in fields:
        lines.append(f'    <field name="{name}" type="{field_type}">')
        lines.append(f"      <title>{title}</title>")
        if required and not required[0]:
            lines.append("      <required>False</required>")
        lines.append("    </field>")
    body = "\n".join(lines)
    return (
        '<model xmlns="http://namespaces.plone.org/supermodel/schema">\n'
        f"  <schema>\n{body}\n  </schema>\n</model>\n"
    )


FULLNAME = ("fullname", "zope.schema.TextLine", "Nom et prénom")
EMAIL = ("email", "plone.schema.email.Email", "Adresse e-mail")
REASON = ("reason", "zope.schema.Text", "Motif de la demande", False)
DOCUMENT = ("document", "plone.namedfile.field.NamedBlobFile", "Pièce jointe", False)
CREATE_CASE = ("create_case", "imio.eguichet.actions.CreateCase", "Créer une demande")

FORM_MODEL = supermodel(FULLNAME, EMAIL, REASON, DOCUMENT)
ACTIONS_MODEL = supermodel(CREATE_CASE)

SERVICE = "etat_civil"
SENDER = "guichet@namur.example"


def add_form(container, form_id="certificat-residence", **settings):
    """An e-guichet form whose submissions become cases of the Etat civil."""
    form = api.content.create(
        container=container,
        type="EasyForm",
        id=form_id,
        title="Certificat de résidence",
        fields_model=FORM_MODEL,
        actions_model=ACTIONS_MODEL,
    )
    settings.setdefault("processing_service", SERVICE)
    settings.setdefault("delay_days", 10)
    for name, value in settings.items():
        setattr(form, name, value)
    api.content.transition(form, "publish")
    return form


def phone_photo(seed: int = 0, size: tuple[int, int] = (4032, 3024)) -> bytes:
    """A JPEG as a phone takes it: 4032x3024, about 4.4 MB, with EXIF.

    A gradient under grain of a fixed seed: the same bytes at each call.
    """
    from PIL import Image
    from PIL.ExifTags import Base

    grain = random.Random(seed).randbytes(size[0] * size[1] * 3)  # noqa: S311
    picture = Image.blend(
        Image.linear_gradient("L").resize(size).convert("RGB"),
        Image.frombytes("RGB", size, grain),
        0.25,
    )
    exif = Image.Exif()
    exif[Base.Make] = "Fairphone"
    exif[Base.Model] = "FP5"
    exif[Base.DateTime] = "2026:11:18 10:04:12"
    exif[Base.Orientation] = 1
    output = io.BytesIO()
    picture.save(output, "JPEG", quality=85, exif=exif)
    return output.getvalue()


class Inbox:
    """aiosmtpd handler keeping every message received."""

    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=default)
        self.messages.append(message)
        return "250 Message accepted for delivery"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ImioEguichetLayer(PloneSandboxLayer):
    """A Plone site with imio.eguichet, a service group, and a real SMTP server.

    The server listens on loopback; ``layer["inbox"].messages`` holds what it
    received.
    """

    defaultBases = (PLONE_FIXTURE,)

    def setUp(self):
        self.inbox = Inbox()
        self.smtp = Controller(self.inbox, hostname="127.0.0.1", port=free_port())
        self.smtp.start()
        self["inbox"] = self.inbox
        super().setUp()

    def tearDown(self):
        super().tearDown()
        self.smtp.stop()
        del self["inbox"]

    def setUpZope(self, app, configurationContext):
        import imio.eguichet

        self.loadZCML(package=imio.eguichet)

    def setUpPloneSite(self, portal):
        # As on a real site, content is private until published.
        portal.portal_workflow.setDefaultChain("simple_publication_workflow")
        applyProfile(portal, "imio.eguichet:default")
        api.group.create(groupname=SERVICE, title="État civil")
        # Plone's mailer reads the registry, the MailHost tool shows it.
        api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
        api.portal.set_registry_record("plone.smtp_port", self.smtp.port)
        portal.MailHost.smtp_host = "127.0.0.1"
        portal.MailHost.smtp_port = self.smtp.port
        api.portal.set_registry_record("plone.email_from_address", SENDER)
        api.portal.set_registry_record("plone.email_from_name", "Commune de Namur")
        # Tests submit many cases from one address; the limit has its own tests.
        api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)


IMIO_EGUICHET_FIXTURE = ImioEguichetLayer()

IMIO_EGUICHET_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_EGUICHET_FIXTURE,),
    name="ImioEguichet:Integration",
)

IMIO_EGUICHET_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_EGUICHET_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioEguichet:Functional",
)
