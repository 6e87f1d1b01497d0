"""The "site profile" page of the control panel: answers and profile versions."""

from imio.commune.answers import stored_answers
from imio.commune.cli.sites import PROFILES
from plone.distribution.api import distribution as dist_api
from Products.Five.browser import BrowserView

import json


class SiteProfileView(BrowserView):
    """What the site was built from, for its administrator and the operators."""

    def report(self):
        return dist_api.get_creation_report(self.context)

    def answers(self) -> list[dict]:
        """The answers of the last deploy, as label and readable value."""
        answers = stored_answers(self.context) or {}
        return [
            {"name": name, "value": readable(value)}
            for name, value in sorted(answers.items())
            if name != "site_logo"
        ]

    def versions(self) -> list[dict]:
        setup = self.context["portal_setup"]
        rows = []
        for profile in PROFILES:
            installed = setup.getLastVersionForProfile(profile)
            available = setup.getVersionForProfile(profile)
            rows.append({
                "profile": profile,
                "installed": ".".join(installed) if installed else "",
                "available": available,
                "pending": bool(setup.listUpgrades(profile)),
            })
        return rows


def readable(value) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)
