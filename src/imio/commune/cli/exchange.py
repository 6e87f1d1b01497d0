"""``imio-commune export`` and ``import``: move one site to another database."""

from imio.commune.cli.sites import committed
from imio.commune.cli.sites import select_sites
from pathlib import Path

import time
import transaction


def add_arguments(commands) -> None:
    export = commands.add_parser(
        "export", help="exporte un site, demandes comprises, dans un dossier"
    )
    export.add_argument("site", metavar="SITE")
    export.add_argument("directory", type=Path, metavar="DIR")
    export.set_defaults(run=run_export, needs_app=True)
    import_ = commands.add_parser(
        "import", help="recrée un site exporté dans cette base de données"
    )
    import_.add_argument("directory", type=Path, metavar="DIR")
    import_.add_argument(
        "--site-id",
        metavar="ID",
        help="identifiant du nouveau site (par défaut : celui de l'export)",
    )
    import_.set_defaults(run=run_import, needs_app=True)


def summary(site_id: str, inventory: dict, directory: Path, started: float) -> dict:
    types = inventory["types"]
    return {
        "site": site_id,
        "contenus": sum(types.values()),
        "demandes": types.get("Case", 0),
        "fichiers": len(inventory["blobs"]),
        "utilisateurs": len(inventory["users"]),
        "dossier": str(directory),
        "secondes": round(time.monotonic() - started, 2),
    }


COLUMNS = ["site", "contenus", "demandes", "fichiers", "utilisateurs", "dossier"]


def run_export(app, args, reporter) -> int:
    from imio.commune.exchange.site import ExchangeError
    from imio.commune.exchange.site import export_site

    started = time.monotonic()
    try:
        [site] = select_sites(app(), [args.site]).values()
    except KeyError as exc:
        reporter.fail(f"Site inconnu : {exc.args[0]}")
        return 2
    try:
        manifest = export_site(site, args.directory.resolve())
    except ExchangeError as exc:
        reporter.fail(f"Export refusé : {exc}")
        return 2
    finally:
        transaction.abort()
    row = summary(args.site, manifest["inventory"], args.directory, started)
    reporter.table("Export", COLUMNS, [row])
    return 0


def run_import(app, args, reporter) -> int:
    from imio.commune.exchange.site import ExchangeError
    from imio.commune.exchange.site import import_site
    from imio.commune.exchange.site import ImportIncomplete
    from imio.commune.exchange.site import read_manifest

    started = time.monotonic()
    directory = args.directory.resolve()
    try:
        manifest = read_manifest(directory)
        site_id = args.site_id or manifest["site_id"]
        _site, inventory = committed(import_site, app(), directory, site_id)
    except ImportIncomplete as exc:
        reporter.fail(
            f"Import annulé, rien n'a été écrit : {exc}\n" + "\n".join(exc.lines)
        )
        return 1
    except ExchangeError as exc:
        reporter.fail(f"Import refusé : {exc}")
        return 2
    except Exception as exc:  # rolled back: the database keeps no half site
        reporter.fail(f"Import annulé, rien n'a été écrit : {exc}")
        return 1
    reporter.table("Import", COLUMNS, [summary(site_id, inventory, directory, started)])
    return 0
