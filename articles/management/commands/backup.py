"""manage.py backup: the database and every uploaded file in one .tar.gz (docs/operations.md).

The archive holds, in this order:

- ``manifest.json``: format version, database vendor, the latest applied migration of
  each app, counts of what is in it, creation time (``restore`` checks it first);
- ``database.sqlite3`` (a copy made with SQLite's online backup API, consistent while the
  site runs) or ``database.pgdump`` (``pg_dump --format=custom`` of one snapshot);
- ``media/…``: the MEDIA_ROOT tree (regular files only).

The counts and migrations in the manifest are read from the copy itself (SQLite) or from
the snapshot pg_dump dumps (PostgreSQL), so they describe exactly what was archived.
This module also holds what ``restore`` shares with it.
"""

import json
import os
import re
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from urllib.parse import quote, urlencode

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone

from articles.models import Article, Event, Organisation, Place, Topic

FORMAT = "portal-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
MEDIA = "media"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
VENDOR_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
#: What the manifest counts, by the name printed and stored.
COUNTED = {
    "stories": Article,
    "events": Event,
    "organisations": Organisation,
    "places": Place,
    "topics": Topic,
}
#: Folders a restore makes inside MEDIA_ROOT while it works; never backed up.
STAGING_PREFIXES = (".restore-", ".before-restore-")
#: Connection options libpq understands (Django's own, like isolation_level, are left out).
LIBPQ_OPTIONS = {
    "sslmode",
    "sslrootcert",
    "sslcert",
    "sslkey",
    "sslcrl",
    "connect_timeout",
    "application_name",
    "options",
    "target_session_attrs",
    "gssencmode",
    "channel_binding",
    "service",
    "passfile",
}


# --- Shared with restore ---------------------------------------------------------------


def database_state(cursor):
    """Counts and the latest applied migration per app, read through a DB-API cursor
    (a raw connection or Django's), so the same code reads a copy, a snapshot or the
    restored database."""
    counts = {}
    for name, model in COUNTED.items():
        cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(model._meta.db_table)}")
        counts[name] = cursor.fetchone()[0]
    cursor.execute("SELECT app, name FROM django_migrations")
    latest = {}
    for app, name in cursor.fetchall():
        if app not in latest or name > latest[app]:
            latest[app] = name
    return counts, dict(sorted(latest.items()))


def summarise(counts):
    return ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in counts.items())


def media_files(root):
    """Regular files under MEDIA_ROOT as (path, name in the archive, size), sorted; symbolic
    links and the folders of an unfinished restore are left out."""
    root = Path(root)
    if not root.is_dir():
        return []
    found = []
    for folder, dirs, files in os.walk(root):
        if Path(folder) == root:
            dirs[:] = [d for d in dirs if not d.startswith(STAGING_PREFIXES)]
        dirs[:] = [d for d in dirs if not os.path.islink(os.path.join(folder, d))]
        for name in files:
            path = Path(folder, name)
            try:
                if path.is_symlink() or not path.is_file():
                    continue
                size = path.stat().st_size
            except FileNotFoundError:  # deleted meanwhile
                continue
            found.append((path, f"{MEDIA}/{path.relative_to(root).as_posix()}", size))
    return sorted(found, key=lambda item: item[1])


def postgres_url(settings_dict):
    """A libpq URL for pg_dump and pg_restore, without the password (it goes in
    PGPASSWORD, so it is never on a command line that `ps` shows)."""
    user = quote(settings_dict.get("USER") or "", safe="")
    host = settings_dict.get("HOST") or ""
    port = str(settings_dict.get("PORT") or "")
    params = {
        key: str(value)
        for key, value in (settings_dict.get("OPTIONS") or {}).items()
        if key in LIBPQ_OPTIONS and isinstance(value, str | int)
    }
    if host.startswith("/"):  # a Unix socket folder
        params["host"], host = host, ""
    netloc = f"{user}@" if user else ""
    netloc += f"[{host}]" if ":" in host else host
    if port:
        netloc += f":{port}"
    query = f"?{urlencode(params)}" if params else ""
    return f"postgresql://{netloc}/{quote(settings_dict['NAME'], safe='')}{query}"


def postgres_env(settings_dict):
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return env


def describe_database(settings_dict, vendor):
    if vendor == "postgresql":
        return f"PostgreSQL database {postgres_url(settings_dict)}"
    return f"SQLite database {settings_dict['NAME']}"


def client_major(program):
    """The major version of pg_dump or pg_restore, or a clear error when it is missing."""
    if shutil.which(program) is None:
        raise CommandError(
            f"{program} is not installed; install the PostgreSQL client (Debian: "
            "postgresql-client) of the server's major version or newer."
        )
    output = subprocess.run(
        [program, "--version"], capture_output=True, text=True, check=True
    ).stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    if not match:
        raise CommandError(f"Cannot tell the version of {program} from {output!r}.")
    return int(match.group(1)), output.strip()


def run_client(command, env, what):
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    if result.returncode != 0:
        raise CommandError(f"{what} failed:\n{result.stderr.strip()[-3000:]}")
    return result


# --- The command ------------------------------------------------------------------------


class Command(BaseCommand):
    help = (
        "Write the database and every uploaded file (MEDIA_ROOT) into one .tar.gz archive "
        "that `manage.py restore` reads. Safe while the site runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            help=(
                "The archive to write, or a folder (an existing one, or a path ending in /) "
                "to write portal-YYYYmmdd-HHMMSS.tar.gz into. Default: var/backups/."
            ),
        )

    def handle(self, *args, output=None, **options):
        target = self.target(output)
        vendor = connection.vendor
        if vendor not in DATABASE_FILES:
            raise CommandError(f"Backups support SQLite and PostgreSQL, not {vendor}.")
        files = media_files(settings.MEDIA_ROOT)
        partial = target.with_name(f".{target.name}.partial")
        with tempfile.TemporaryDirectory(prefix="portal-backup-") as work:
            dump = Path(work, DATABASE_FILES[vendor])
            if vendor == "sqlite":
                database = self.copy_sqlite(dump)
            else:
                database = self.dump_postgres(dump)
            counts, migrations = database.pop("state")
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created_at": timezone.localtime().isoformat(timespec="seconds"),
                "database": database,
                "migrations": migrations,
                "counts": {**counts, "media_files": len(files)},
                "media_bytes": sum(size for _path, _name, size in files),
            }
            manifest_path = Path(work, MANIFEST)
            manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n")
            try:
                self.write_archive(partial, manifest_path, dump, files)
                os.replace(partial, target)
            finally:
                partial.unlink(missing_ok=True)
        size = target.stat().st_size / 1024 / 1024
        self.stdout.write(f"{summarise(manifest['counts'])} ({VENDOR_NAMES[vendor]}).")
        self.stdout.write(self.style.SUCCESS(f"Backup written ({size:.1f} MB): {target}"))

    def target(self, output):
        stamp = f"portal-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"
        if not output:
            path = Path(settings.BASE_DIR, "var", "backups", stamp)
        elif output.endswith(("/", os.sep)) or Path(output).is_dir():
            path = Path(output, stamp)
        else:
            path = Path(output)
        path = path.absolute()
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            raise CommandError(f"{path} exists already; choose another name.")
        return path

    def copy_sqlite(self, dump):
        """Copy the live database page by page with SQLite's online backup API, through
        Django's own connection: it works for a file and for an in-memory (test) database
        alike, and a writer in another process only waits for the copy."""
        connection.ensure_connection()
        copy = sqlite3.connect(dump)
        try:
            connection.connection.backup(copy)
            status = copy.execute("PRAGMA quick_check").fetchone()[0]
            if status != "ok":
                raise CommandError(f"The copy of the database is damaged: {status}")
            state = database_state(copy.cursor())
        finally:
            copy.close()
        return {
            "vendor": "sqlite",
            "file": dump.name,
            "sqlite_version": sqlite3.sqlite_version,
            "state": state,
        }

    def dump_postgres(self, dump):
        """pg_dump of one snapshot, which the manifest's counts are read from as well."""
        major, version = client_major("pg_dump")
        connection.ensure_connection()
        server = connection.pg_version // 10000
        if major < server:
            raise CommandError(
                f"{version} cannot dump a PostgreSQL {server} server: install the "
                f"PostgreSQL {server} client (or newer) and run the backup again."
            )
        settings_dict = connection.settings_dict
        raw = connection.Database.connect(**connection.get_connection_params())
        try:
            raw.autocommit = True
            cursor = raw.cursor()
            cursor.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            state = database_state(cursor)
            cursor.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
            tables = sorted(row[0] for row in cursor.fetchall())
            run_client(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--snapshot={snapshot}",
                    f"--file={dump}",
                    f"--dbname={postgres_url(settings_dict)}",
                ],
                postgres_env(settings_dict),
                "pg_dump",
            )
            cursor.execute("ROLLBACK")
        finally:
            raw.close()
        return {
            "vendor": "postgresql",
            "file": dump.name,
            "server_version": server,
            "pg_dump_version": major,
            "tables": tables,
            "state": state,
        }

    def write_archive(self, partial, manifest_path, dump, files):
        descriptor = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as raw:
            with tarfile.open(fileobj=raw, mode="w:gz") as tar:
                # The manifest first, so restore reads it without decompressing the rest.
                tar.add(manifest_path, arcname=MANIFEST)
                tar.add(dump, arcname=dump.name)
                for path, name, _size in files:
                    try:
                        tar.add(path, arcname=name, recursive=False)
                    except FileNotFoundError:  # deleted while the backup ran
                        self.stderr.write(f"Left out {name}: it was deleted during the backup.")
            raw.flush()
            os.fsync(raw.fileno())
