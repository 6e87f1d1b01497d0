"""Test layers of imio.eguichet: integration, and functional over a WSGI server."""

from plone import api
from plone.app.testing import applyProfile
from plone.app.testing import FunctionalTesting
from plone.app.testing import IntegrationTesting
from plone.app.testing import PLONE_FIXTURE
from plone.app.testing import PloneSandboxLayer
from plone.testing.zope import WSGI_SERVER_FIXTURE


FORM_MODEL = """\
<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="fullname" type="zope.schema.TextLine">
      <title>Nom et prénom</title>
    </field>
    <field name="email" type="plone.schema.email.Email">
      <title>Adresse e-mail</title>
    </field>
    <field name="reason" type="zope.schema.Text">
      <title>Motif de la demande</title>
      <required>False</required>
    </field>
    <field name="document" type="plone.namedfile.field.NamedBlobFile">
      <title>Pièce jointe</title>
      <required>False</required>
    </field>
  </schema>
</model>
"""

ACTIONS_MODEL = """\
<model xmlns="http://namespaces.plone.org/supermodel/schema">
  <schema>
    <field name="create_case" type="imio.eguichet.actions.CreateCase">
      <title>Créer une demande</title>
    </field>
  </schema>
</model>
"""

SERVICE = "etat_civil"


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


class ImioEguichetLayer(PloneSandboxLayer):
    """A Plone site with imio.eguichet installed and a service group."""

    defaultBases = (PLONE_FIXTURE,)

    def setUpZope(self, app, configurationContext):
        import imio.eguichet

        self.loadZCML(package=imio.eguichet)

    def setUpPloneSite(self, portal):
        # As on a real site, content is private until published.
        portal.portal_workflow.setDefaultChain("simple_publication_workflow")
        applyProfile(portal, "imio.eguichet:default")
        api.group.create(groupname=SERVICE, title="État civil")


IMIO_EGUICHET_FIXTURE = ImioEguichetLayer()

IMIO_EGUICHET_INTEGRATION_TESTING = IntegrationTesting(
    bases=(IMIO_EGUICHET_FIXTURE,),
    name="ImioEguichet:Integration",
)

IMIO_EGUICHET_FUNCTIONAL_TESTING = FunctionalTesting(
    bases=(IMIO_EGUICHET_FIXTURE, WSGI_SERVER_FIXTURE),
    name="ImioEguichet:Functional",
)
