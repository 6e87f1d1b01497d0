"""Sphinx configuration of the commune distribution's documentation."""

project = "Communes de Wallonie"
author = "iMio"
copyright = "iMio"  # noqa: A001
language = "fr"

extensions = ["myst_parser"]
source_suffix = {".md": "markdown"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3

exclude_patterns = ["_build"]
html_theme = "alabaster"
html_static_path = []
