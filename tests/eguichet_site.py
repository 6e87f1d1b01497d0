"""Run with the instance's zope.conf: the demo site's mail, sign-in, agents, citizen.

``zconsole run instance/etc/zope.conf tests/eguichet_site.py`` with
``IMIO_TEST_SETTINGS`` holding the JSON that tests/eguichet_layer.py writes.
"""

from plone import api
from zope.component.hooks import setSite

import json
import os
import transaction


settings = json.loads(os.environ["IMIO_TEST_SETTINGS"])
site = app[settings["site_id"]]  # noqa: F821 - zconsole's global
setSite(site)

api.portal.set_registry_record("plone.smtp_host", "127.0.0.1")
api.portal.set_registry_record("plone.smtp_port", settings["smtp_port"])
site.MailHost.smtp_host = "127.0.0.1"
site.MailHost.smtp_port = settings["smtp_port"]
# The tests submit every form from one address; the limit has its own tests.
api.portal.set_registry_record("imio.eguichet.submissions_per_hour_per_ip", 0)

# Citizens sign in at the test's OpenID provider, whatever the profile says.
for name, value in settings.get("identity", {}).items():
    api.portal.set_registry_record(f"imio.eguichet.identity.{name}", value)

for member in settings["members"]:
    api.user.create(
        username=member["id"],
        email=member["email"],
        password=member["password"],
        properties={"fullname": member["fullname"]},
    )
    for group_id in member.get("groups", ()):
        api.group.add_user(groupname=group_id, username=member["id"])
    if member.get("roles"):
        api.user.grant_roles(username=member["id"], roles=member["roles"])

transaction.commit()
