"""One archive holding the database and the media of a running site, and its restore into an empty install.

The archive is a gzipped tar:
- `manifest.json`: when, from which database vendor, how many media files, the latest migration of each app;
- `database.sqlite3` (SQLite's online backup API: a consistent copy while others write; in WAL mode it blocks
  no writer) or `database.pgdump` (`pg_dump --format=custom`: one transaction's snapshot);
- `media/...`: every file of the default storage (local disk or the bucket), taken *after* the database, so
  every file the database names is there (uploads get new names and are never rewritten in place; a file
  added meanwhile is only an extra).

Why not django-dbbackup (5.4): it writes the database and the media as two separate archives with two commands,
and its SQLite restore copies the file over a live database, leaving the old WAL beside it.
"""

import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from contextlib import suppress
from datetime import UTC, datetime
from pathlib import Path

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import connection, connections
from django.db.migrations.recorder import MigrationRecorder

from core.storage import PRIVATE_PREFIX

MANIFEST = "manifest.json"
MEDIA_DIR = "media"
PRIVATE_DIR = PRIVATE_PREFIX.rstrip("/")
FORMAT_VERSION = 1


class BackupError(Exception):
    pass


def media_files(storage=default_storage, path=""):
    """Every file name in `storage`, recursively, private media included (core.storage keeps it apart on local
    disk, so it is listed by its own prefix there)."""
    if path == "":
        directories, _ = storage.listdir("")
        if PRIVATE_DIR not in directories:
            with suppress(FileNotFoundError):
                yield from media_files(storage, PRIVATE_DIR)
    directories, files = storage.listdir(path)
    for name in files:
        yield f"{path}/{name}" if path else name
    for directory in directories:
        yield from media_files(storage, f"{path}/{directory}" if path else directory)


def postgres_environment(settings_dict):
    env = {**os.environ, "PGCONNECT_TIMEOUT": "10"}
    for variable, key in (("PGHOST", "HOST"), ("PGPORT", "PORT"), ("PGUSER", "USER"), ("PGPASSWORD", "PASSWORD")):
        if settings_dict.get(key):
            env[variable] = str(settings_dict[key])
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def dump_database(directory):
    """The database, consistently, into `directory`. Returns the file's name in the archive."""
    vendor = connection.vendor
    if vendor == "sqlite":
        connection.ensure_connection()
        target_path = directory / "database.sqlite3"
        target = sqlite3.connect(target_path)
        try:
            connection.connection.backup(target)  # one step: a consistent snapshot; WAL readers block no writer
        finally:
            target.close()
        return target_path.name
    if vendor == "postgresql":
        target_path = directory / "database.pgdump"
        command = ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", "--file", str(target_path)]
        completed = subprocess.run(
            command, env=postgres_environment(connection.settings_dict), capture_output=True, text=True, check=False
        )
        if completed.returncode:
            raise BackupError(f"pg_dump failed: {completed.stderr.strip()}")
        return target_path.name
    raise BackupError(f"Backups support SQLite and PostgreSQL, not {vendor}.")


def applied_migrations():
    latest = {}
    for app, name in MigrationRecorder(connection).migration_qs.order_by("id").values_list("app", "name"):
        latest[app] = name
    return latest


def create_backup(output_path, storage=default_storage):
    """Write the archive to `output_path` (written beside it, then renamed: never a half-written backup).
    Returns the manifest."""
    output_path = Path(output_path)
    output_path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
        work = Path(work)
        started = datetime.now(UTC)
        database_file = dump_database(work)
        manifest = {
            "format": FORMAT_VERSION,
            "created": started.isoformat(),
            "vendor": connection.vendor,
            "database": database_file,
            "migrations": applied_migrations(),
        }
        partial = output_path.with_name(output_path.name + ".partial")
        count = 0
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / database_file, arcname=database_file)
            for name in media_files(storage):
                with storage.open(name, "rb") as source:
                    info = tarfile.TarInfo(f"{MEDIA_DIR}/{name}")
                    info.size = storage.size(name)
                    archive.addfile(info, source)
                count += 1
            manifest["media_files"] = count
            data = json.dumps(manifest, indent=2).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
        partial.replace(output_path)
    return manifest


def database_is_empty():
    """Whether the database holds no table of ours: an empty install, the only place a restore goes."""
    with connection.cursor():
        return "django_migrations" not in connection.introspection.table_names()


def restore_backup(archive_path, storage=default_storage):
    """Restore the archive into this install, whose database must be empty. Returns the manifest."""
    with tarfile.open(archive_path, "r:gz") as archive:
        manifest = json.load(archive.extractfile(MANIFEST))
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"{archive_path} is not a backup this version can restore.")
        if manifest["vendor"] != connection.vendor:
            raise BackupError(
                f"This backup is of a {manifest['vendor']} database; this install uses {connection.vendor}."
            )
        if not database_is_empty():
            raise BackupError(
                "The database is not empty. Restore into an empty install: a new database (PostgreSQL: createdb; "
                "SQLite: a path that does not exist yet), with no `migrate` run."
            )
        with tempfile.TemporaryDirectory(prefix="portal-restore-") as work:
            work = Path(work)
            archive.extract(manifest["database"], work, filter="data")
            load_database(work / manifest["database"])
        for member in archive:
            if member.isfile() and member.name.startswith(f"{MEDIA_DIR}/"):
                name = member.name[len(MEDIA_DIR) + 1 :]
                if storage.exists(name):
                    storage.delete(name)
                saved = storage.save(name, File(archive.extractfile(member), name=name))
                if saved != name:
                    raise BackupError(f"The storage renamed {name} to {saved}: restore into empty media storage.")
    return manifest


def load_database(dump_path):
    vendor = connection.vendor
    settings_dict = connection.settings_dict
    if vendor == "sqlite":
        connections.close_all()
        target = Path(settings_dict["NAME"])
        for leftover in (target.with_name(target.name + "-wal"), target.with_name(target.name + "-shm")):
            with suppress(FileNotFoundError):
                leftover.unlink()
        shutil.copyfile(dump_path, target)
        return
    command = ["pg_restore", "--no-owner", "--no-privileges", "--exit-on-error", "--dbname", settings_dict["NAME"]]
    completed = subprocess.run(
        [*command, str(dump_path)], env=postgres_environment(settings_dict), capture_output=True, text=True, check=False
    )
    if completed.returncode:
        raise BackupError(f"pg_restore failed: {completed.stderr.strip()}")
