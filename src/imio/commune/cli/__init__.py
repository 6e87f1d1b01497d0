"""``imio-commune``: create, update, upgrade and report on commune sites."""

from imio.commune.cli import deploy
from imio.commune.cli import exchange
from imio.commune.cli import listing
from imio.commune.cli import new_profile
from imio.commune.cli import region_sync
from imio.commune.cli import report
from imio.commune.cli import retention
from imio.commune.cli import sync
from imio.commune.cli import upgrade
from imio.commune.cli.output import Reporter
from imio.commune.cli.zope_app import LazyApp
from imio.commune.cli.zope_app import StorageUnavailable
from pathlib import Path

import argparse
import logging
import os
import sys


COMMANDS = (
    deploy,
    upgrade,
    listing,
    report,
    new_profile,
    exchange,
    sync,
    region_sync,
    retention,
)


ZOPE_CONF = Path("instance") / "etc" / "zope.conf"


class UsageError(Exception):
    """The command cannot start; the message says what to do in one line."""


def installed_home() -> Path:
    """The project directory the command runs in, else the one it was installed from."""
    if (Path.cwd() / ZOPE_CONF).is_file():
        return Path.cwd()
    source = Path(__file__).resolve().parents[4]
    if (source / ZOPE_CONF).is_file():
        return source
    return Path(sys.prefix).resolve().parent


def default_zope_conf() -> Path:
    """The project's instance configuration, unless IMIO_ZOPE_CONF names another."""
    if "IMIO_ZOPE_CONF" in os.environ:
        return Path(os.environ["IMIO_ZOPE_CONF"])
    home = Path(os.environ.get("IMIO_HOME", installed_home()))
    return home / ZOPE_CONF


def instance_conf(path: Path | None) -> Path:
    """The zope.conf to open, given --instance (the file or its directory)."""
    if path is None:
        conf = default_zope_conf()
    else:
        conf = path / "zope.conf" if path.is_dir() else path
    if not conf.is_file():
        raise UsageError(
            f"Configuration Zope introuvable : {conf} ; indiquez le fichier "
            "zope.conf de l'instance avec --instance."
        )
    return conf.resolve()


def set_instance_defaults(conf: Path, given: bool = False) -> None:
    """What zope.conf reads from the environment, where the operator left it unset.

    The project directory holds instance/etc/zope.conf; data live in its var/,
    made at the first run; a data directory named in IMIO_VAR must exist.
    A configuration given on the command line sets the project directory; one
    that reads no IMIO_ variable (a buildout's) is left alone.
    """
    if "$(IMIO_" not in conf.read_text(encoding="utf-8"):
        return
    home = conf.parents[2] if conf.parent.parent.name == "instance" else conf.parent
    if given or "IMIO_HOME" not in os.environ:
        os.environ["IMIO_HOME"] = str(home)
    if "IMIO_VAR" not in os.environ:
        os.environ["IMIO_VAR"] = str(Path(os.environ["IMIO_HOME"]) / "var")
        Path(os.environ["IMIO_VAR"]).mkdir(exist_ok=True)
    os.environ.setdefault("IMIO_STORAGE", "filestorage")
    os.environ.setdefault("IMIO_INSTANCE_NAME", "instance1")
    os.environ.setdefault("zope_i18n_compile_mo_files", "true")
    var = Path(os.environ["IMIO_VAR"])
    if not var.is_dir():
        raise UsageError(
            f"Dossier de données introuvable : {var} ; créez-le ou indiquez "
            "le bon dossier dans IMIO_VAR."
        )
    for folder in ("filestorage", "blobstorage", "log", "cache"):
        (var / folder).mkdir(exist_ok=True)


def build_parser() -> argparse.ArgumentParser:
    """Command line of the fleet tool."""
    parser = argparse.ArgumentParser(
        prog="imio-commune",
        description="Crée et met à jour les sites des communes selon leurs profils.",
    )
    parser.add_argument(
        "--instance",
        "--zope-conf",
        dest="zope_conf",
        type=Path,
        default=None,
        help="configuration Zope de l'instance, le fichier ou son dossier "
        "(par défaut : instance/etc/zope.conf du projet installé)",
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


def run(args, reporter: Reporter) -> int:
    """The command, with the instance opened when it needs it."""
    if not args.needs_app:
        return args.run(None, args, reporter)
    try:
        conf = instance_conf(args.zope_conf)
        set_instance_defaults(conf, given=args.zope_conf is not None)
    except UsageError as exc:
        reporter.fail(str(exc))
        return 2
    except OSError as exc:
        reporter.fail(
            f"Dossier de l'instance inaccessible : {exc.filename} "
            f"({exc.strerror}) ; vérifiez ses droits ou indiquez IMIO_VAR."
        )
        return 2
    app = LazyApp(conf)
    try:
        return args.run(app, args, reporter)
    except StorageUnavailable as exc:
        reporter.fail(str(exc))
        return 3
    finally:
        app.close()


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script: an error is one line, never a traceback."""
    args = build_parser().parse_args(argv)
    # Zope and Plone log their start-up at length; operators read our summary.
    logging.basicConfig(level=logging.INFO if args.verbose else logging.ERROR)
    reporter = Reporter(as_json=args.json)
    try:
        return run(args, reporter)
    except KeyboardInterrupt:
        reporter.fail("Interrompu ; relancez la commande pour la terminer.")
        return 130
    except OSError as exc:
        if args.verbose:
            raise
        reporter.fail(
            f"Fichier ou dossier inaccessible : {exc.filename or exc} "
            f"({exc.strerror}) ; vérifiez le chemin et ses droits."
        )
        return 1
    except Exception as exc:
        if args.verbose:
            raise
        message = " ".join(str(exc).split())
        reporter.fail(
            f"Erreur inattendue ({type(exc).__name__} : {message}) ; "
            "relancez avec -v pour le détail."
        )
        return 1


if __name__ == "__main__":
    sys.exit(main())
