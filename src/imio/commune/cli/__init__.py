"""``imio-commune``: create and keep commune sites in line with their profiles."""

from imio.commune.cli import deploy
from pathlib import Path

import argparse
import logging
import os
import sys


def default_zope_conf() -> Path:
    """The project's instance configuration, unless IMIO_ZOPE_CONF names another."""
    if "IMIO_ZOPE_CONF" in os.environ:
        return Path(os.environ["IMIO_ZOPE_CONF"])
    return (
        Path(os.environ.get("IMIO_HOME", Path.cwd())) / "instance" / "etc" / "zope.conf"
    )


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
        "-v",
        "--verbose",
        action="store_true",
        help="affiche aussi le journal de Zope et de Plone",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    deploy.add_arguments(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    args = build_parser().parse_args(argv)
    # Zope and Plone log their start-up at length; operators read our summary.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    zope_conf = args.zope_conf or default_zope_conf()
    return args.run(zope_conf, args)


if __name__ == "__main__":
    sys.exit(main())
