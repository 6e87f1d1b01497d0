"""Backups and restores of a commune instance's database and blobs.

FileStorage (and the ZEO server's FileStorage): repozo, full then
incremental, and a dated archive of the blobs. RelStorage: pg_dump of the
database, blobs included. ``python -m imio.commune.backup backup|restore``
reads the instance's environment (IMIO_STORAGE, IMIO_VAR, IMIO_PG_DSN).
"""

from imio.commune.cluster.postgres import postgres_bindir
from imio.commune.cluster.processes import BIN
from pathlib import Path

import argparse
import datetime
import os
import shutil
import subprocess
import sys
import tarfile


class BackupError(Exception):
    """A backup or restore that could not be done; the message says why."""


def timestamp() -> str:
    return datetime.datetime.now(datetime.UTC).strftime("%Y%m%dT%H%M%S")


def run(args: list[str], **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run(args, capture_output=True, text=True, **kwargs)  # noqa: S603
    if result.returncode:
        raise BackupError(f"{Path(args[0]).name}: {result.stderr.strip()}")
    return result


class FileStorageBackup:
    """repozo for Data.fs, tar archives for the blobs."""

    def __init__(self, var: Path, repository: Path):
        self.data_fs = var / "filestorage" / "Data.fs"
        self.blobs = var / "blobstorage"
        self.repository = repository

    def backup(self, full: bool = False) -> list[Path]:
        if not self.data_fs.exists():
            raise BackupError(f"Aucune base à sauvegarder : {self.data_fs}")
        zodb = self.repository / "filestorage"
        zodb.mkdir(parents=True, exist_ok=True)
        run(
            [str(BIN / "repozo"), "-B", "-z", "-r", str(zodb), "-f", str(self.data_fs)]
            + (["-F"] if full else [])
        )
        archive = self.repository / "blobstorage" / f"blobs-{timestamp()}.tar.gz"
        archive.parent.mkdir(parents=True, exist_ok=True)
        with tarfile.open(archive, "w:gz") as tar:
            tar.add(self.blobs, arcname="blobstorage")
        return [zodb, archive]

    def restore(self) -> None:
        zodb = self.repository / "filestorage"
        archives = sorted((self.repository / "blobstorage").glob("blobs-*.tar.gz"))
        if not zodb.is_dir() or not archives:
            raise BackupError(f"Aucune sauvegarde dans {self.repository}")
        self.data_fs.parent.mkdir(parents=True, exist_ok=True)
        for stale in self.data_fs.parent.glob("Data.fs*"):
            stale.unlink()
        run([str(BIN / "repozo"), "-R", "-r", str(zodb), "-o", str(self.data_fs)])
        shutil.rmtree(self.blobs, ignore_errors=True)
        with tarfile.open(archives[-1], "r:gz") as tar:
            tar.extractall(self.blobs.parent, filter="data")


class PostgresBackup:
    """pg_dump in PostgreSQL's custom format: tables and blobs together."""

    def __init__(self, dsn: str, repository: Path):
        self.dsn = dsn
        self.repository = repository
        self.bindir = postgres_bindir()

    def backup(self, full: bool = True) -> list[Path]:
        self.repository.mkdir(parents=True, exist_ok=True)
        dump = self.repository / f"relstorage-{timestamp()}.dump"
        run([str(self.bindir / "pg_dump"), "-Fc", "-f", str(dump), "-d", self.dsn])
        return [dump]

    def restore(self) -> None:
        dumps = sorted(self.repository.glob("relstorage-*.dump"))
        if not dumps:
            raise BackupError(f"Aucune sauvegarde dans {self.repository}")
        run([
            str(self.bindir / "pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "-d",
            self.dsn,
            str(dumps[-1]),
        ])


def backend(storage: str, var: Path, repository: Path, dsn: str):
    if storage == "relstorage":
        return PostgresBackup(dsn, repository)
    return FileStorageBackup(var, repository)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m imio.commune.backup")
    parser.add_argument("action", choices=["backup", "restore"])
    parser.add_argument("--full", action="store_true", help="sauvegarde complète")
    args = parser.parse_args(argv)
    var = Path(os.environ.get("IMIO_VAR", "var"))
    storage = os.environ.get("IMIO_STORAGE", "filestorage")
    repository = Path(os.environ.get("IMIO_BACKUP_DIR", var / "backups"))
    target = backend(storage, var, repository, os.environ.get("IMIO_PG_DSN", ""))
    try:
        if args.action == "backup":
            for path in target.backup(full=args.full):
                print(f"Sauvegardé : {path}")
        else:
            target.restore()
            print(f"Restauré depuis {repository}")
    except BackupError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
