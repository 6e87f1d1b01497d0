"""Which page layout a view asks for, and what each layout shows.

A view names its purpose with a class attribute ``page_layout``:

- ``public`` (the default): the commune's site, with its header, main
  navigation, alerts, breadcrumbs, portlets and footer;
- ``transactional``: one task, as GOV.UK's question pages: the commune's name
  and sign-in or sign-out, a two-thirds column, the legal links only;
- ``workspace``: the agents' pages: the commune's name, the agent's name, the
  workspace's own navigation (portal_actions category ``imio_workspace``),
  the full width, no public navigation or footer.
"""

from dataclasses import dataclass


PUBLIC = "public"
TRANSACTIONAL = "transactional"
WORKSPACE = "workspace"
WORKSPACE_ACTIONS = "imio_workspace"
# Viewlets of the area above the content that only public pages show; the
# others there (a form's fee, for one) show in every layout.
BREADCRUMBS = "plone.path_bar"
PUBLIC_ONLY_ABOVE_CONTENT = frozenset({BREADCRUMBS, "imio.website.alerts"})


@dataclass(frozen=True)
class PageLayout:
    name: str
    main_navigation: bool = False
    search: bool = False
    languages: bool = False
    breadcrumbs_and_alerts: bool = False
    portlets: bool = False
    workspace_navigation: bool = False
    footer: str = ""  # "site", "legal" or "" (none)
    container_class: str = "container"


LAYOUTS = {
    PUBLIC: PageLayout(
        PUBLIC,
        main_navigation=True,
        search=True,
        languages=True,
        breadcrumbs_and_alerts=True,
        portlets=True,
        footer="site",
    ),
    TRANSACTIONAL: PageLayout(TRANSACTIONAL, footer="legal"),
    WORKSPACE: PageLayout(
        WORKSPACE, workspace_navigation=True, container_class="container-fluid"
    ),
}


def layout_name(view) -> str:
    """The layout a view asks for; a z3c.form wrapper asks through its form."""
    name = getattr(view, "page_layout", None)
    if name is None:
        name = getattr(getattr(view, "form_instance", None), "page_layout", None)
    return name if name in LAYOUTS else PUBLIC


def layout_for(view) -> PageLayout:
    return LAYOUTS[layout_name(view)]
