"""1009: the legal pages leave the main navigation for the footer.

Existing sites get the "Mentions légales" page, the footer's legal links and
the commune's social links setting, as a site created today.
"""

from imio.commune.answers import apply_legal_pages
from plone import api
from plone.registry import field
from plone.registry import Record


PROFILE = "profile-imio.commune:default"
SOCIAL_LINKS = "imio.commune.social_links"


def legal_pages_in_the_footer(setup_tool):
    """Legal pages out of the navigation, their links in the footer."""
    site = api.portal.get()
    with api.env.adopt_roles(["Manager"]):
        apply_legal_pages(site, site.Language() or "fr", [])
    setup_tool.runImportStepFromProfile(PROFILE, "actions", run_dependencies=False)
    registry = api.portal.get_tool("portal_registry")
    if SOCIAL_LINKS not in registry.records:
        registry.records[SOCIAL_LINKS] = Record(
            field.List(
                title="Social links of the commune",
                value_type=field.TextLine(),
                required=False,
            ),
            [],
        )
