"""``imio-commune``: create, update, upgrade and report on commune sites."""

from imio.commune.cli import deploy
from imio.commune.cli import exchange
from imio.commune.cli import listing
from imio.commune.cli import new_profile
from imio.commune.cli import report
from imio.commune.cli import upgrade
from imio.commune.cli.output import Reporter
from imio.commune.cli.zope_app import LazyApp
from imio.commune.cli.zope_app import StorageUnavailable
from pathlib import Path

import argparse
import logging
import os
import sys


COMMANDS = (deploy, upgrade, listing, report, new_profile, exchange)


def default_zope_conf() -> Path:
    """The project's instance configuration, unless IMIO_ZOPE_CONF names another."""
    if "IMIO_ZOPE_CONF" in os.environ:
        return Path(os.environ["IMIO_ZOPE_CONF"])
    home = Path(os.environ.get("IMIO_HOME", Path.cwd()))
    return home / "instance" / "etc" / "zope.conf"


def build_parser() -> argparse.ArgumentParser:
    """Command line of the fleet tool."""
    parser = argparse.ArgumentParser(
        prog="imio-commune",
        description="Crée et met à jour les sites des communes selon leurs profils.",
    )
    parser.add_argument(
        "--zope-conf",
        type=Path,
        default=None,
        help="configuration Zope de l'instance (par défaut : instance/etc/zope.conf)",
    )
    parser.add_argument(
        "--json", action="store_true", help="résultats en JSON, pour les scripts"
    )
    parser.add_argument(
        "-v",
        "--verbose",
        action="store_true",
        help="affiche aussi le journal de Zope et de Plone",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    for command in COMMANDS:
        command.add_arguments(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    # Zope and Plone log their start-up at length; operators read our summary.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    reporter = Reporter(as_json=args.json)
    if not args.needs_app:
        return args.run(None, args, reporter)
    app = LazyApp(args.zope_conf or default_zope_conf())
    try:
        return args.run(app, args, reporter)
    except StorageUnavailable as exc:
        reporter.fail(str(exc))
        return 3
    finally:
        app.close()


if __name__ == "__main__":
    sys.exit(main())
