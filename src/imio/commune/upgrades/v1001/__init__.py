"""1001: REST API closed to anonymous users, alerts in ETags, site profile page."""

from Products.GenericSetup.tool import DEPENDENCY_STRATEGY_NEW


PROFILE = "profile-imio.commune:default"


def reapply_policy(setup_tool):
    """Apply the policy again, installing the dependencies a site still lacks.

    Sites made before this version may lack plone.app.caching, which the
    policy's caching records need; each step of the policy is idempotent.
    """
    setup_tool.runAllImportStepsFromProfile(
        PROFILE, dependency_strategy=DEPENDENCY_STRATEGY_NEW
    )
