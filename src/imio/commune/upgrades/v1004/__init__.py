"""1004: no events portlet; colour and profile pages for site admins; contact page."""

from imio.commune.answers import apply_section_layouts
from imio.commune.portlets import remove_root_portlets
from plone import api


def remove_portlets(setup_tool):
    """Remove the root's events portlet, as a site created today has none."""
    remove_root_portlets(api.portal.get(), [])


def update_controlpanel(setup_tool):
    """The site profile and colour configlets, for site administrators too."""
    setup_tool.runImportStepFromProfile(
        "profile-imio.commune:default", "controlpanel", run_dependencies=False
    )


def contact_page(setup_tool):
    """The contact section shows the administration and the services."""
    apply_section_layouts(api.portal.get(), [])
