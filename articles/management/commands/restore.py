"""manage.py restore PATH: put an archive of `manage.py backup` back (docs/operations.md).

Everything that can refuse does so before anything changes: the archive's manifest, the
kind of database (a PostgreSQL dump never goes into SQLite, nor the reverse), migrations
this version of the portal does not know, the PostgreSQL client's version, then the
operator's confirmation. Then:

1. the archive is unpacked beside its destinations (the SQLite file in the database's
   folder, the media in a hidden folder inside MEDIA_ROOT);
2. the database is replaced in one step: ``os.replace`` of the SQLite file, or
   ``pg_restore --clean --if-exists --single-transaction`` into the configured database;
3. MEDIA_ROOT's content is moved aside and the archive's put in its place;
4. ``migrate`` brings an older backup up to this version;
5. the content version is bumped, so no page or count cached before is served again;
6. only then are the old media removed, and the counts of the archive and of the
   restored database are printed side by side.
"""

import json
import os
import shutil
import sqlite3
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, connection
from django.db.migrations.loader import MigrationLoader

from articles.models import ContentVersion

from .backup import (
    COUNTED,
    DATABASE_FILES,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    MEDIA,
    STAGING_PREFIXES,
    VENDOR_NAMES,
    client_major,
    database_state,
    describe_database,
    media_files,
    postgres_env,
    postgres_url,
    run_client,
    summarise,
)


class Command(BaseCommand):
    help = (
        "Restore an archive made by `manage.py backup` into the configured database "
        "(DATABASE_URL, or the SQLite default) and MEDIA_ROOT, replacing what is there; "
        "then migrate and bump the content version. Asks first unless --yes."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path, help="The .tar.gz archive to restore.")
        parser.add_argument(
            "--yes", action="store_true", help="Do not ask for confirmation (for scripts)."
        )

    def handle(self, *args, path, yes=False, **options):
        manifest = read_manifest(path)
        vendor = manifest["database"]["vendor"]
        settings_dict = connection.settings_dict
        target = describe_database(settings_dict, connection.vendor)
        if vendor != connection.vendor:
            raise CommandError(
                f"{path} holds a {VENDOR_NAMES[vendor]} database, but the configured "
                f"database is the {target}. A backup can only be restored into the same kind "
                f"of database: set DATABASE_URL to a {VENDOR_NAMES[vendor]} database. "
                "Nothing was changed."
            )
        check_migrations(manifest["migrations"])
        if vendor == "sqlite":
            check_sqlite_target(settings_dict)
        else:
            check_postgres_target(manifest, target)
        media_root = Path(settings.MEDIA_ROOT).absolute()
        counts = manifest["counts"]
        self.stdout.write(f"{path} was made {manifest['created_at']}: {summarise(counts)}.")
        self.stdout.write(f"Restoring it replaces everything in the {target} and in {media_root}.")
        if not yes and not confirmed():
            raise CommandError("Restore cancelled: nothing was changed.")

        media_root.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIXES[0], dir=media_root))
        work = Path(tempfile.mkdtemp(prefix="portal-restore-"))
        database = None
        try:
            if vendor == "sqlite":
                folder = Path(settings_dict["NAME"]).absolute().parent
                handle, name = tempfile.mkstemp(prefix=".restore-", suffix=".sqlite3", dir=folder)
                os.close(handle)
                database = Path(name)
            else:
                database = work / DATABASE_FILES[vendor]
            unpack(path, manifest, database, staging)
            self.stdout.write(f"Unpacked {path}; restoring the database.")
            if vendor == "sqlite":
                replace_sqlite(database, Path(settings_dict["NAME"]))
            else:
                restore_postgres(database, settings_dict)
            aside = swap_media(media_root, staging)
            try:
                call_command(
                    "migrate",
                    interactive=False,
                    verbosity=options["verbosity"],
                    stdout=self.stdout,
                )
                ContentVersion.bump()
            except Exception as error:
                raise CommandError(
                    f"The database and media were restored, but then this failed: {error}. "
                    f"The media from before the restore are kept in {aside}."
                ) from error
            shutil.rmtree(aside)
        finally:
            shutil.rmtree(work, ignore_errors=True)
            shutil.rmtree(staging, ignore_errors=True)
            if vendor == "sqlite" and database is not None:
                database.unlink(missing_ok=True)
        self.report(counts, media_root)

    def report(self, counts, media_root):
        with connection.cursor() as cursor:
            restored, _migrations = database_state(cursor)
        restored["media_files"] = len(media_files(media_root))
        self.stdout.write(f"{'':<16}{'archive':>10}{'restored':>10}")
        differ = []
        for name in [*COUNTED, "media_files"]:
            label = name.replace("_", " ")
            self.stdout.write(f"{label:<16}{counts.get(name, '?'):>10}{restored[name]:>10}")
            if counts.get(name) != restored[name]:
                differ.append(label)
        if differ:
            self.stderr.write(
                "The restored counts differ from the archive's for: "
                + ", ".join(differ)
                + " (a migration may have changed them; check the site)."
            )
        self.stdout.write(
            self.style.SUCCESS(
                "Restored. Migrations applied and the content version bumped: no page "
                "cached before the restore will be served."
            )
        )


def read_manifest(path):
    """The manifest, the archive's first member, read without unpacking the rest."""
    if not path.is_file():
        raise CommandError(f"{path}: no such file.")
    try:
        with tarfile.open(path, "r:gz") as tar:
            member = tar.next()
            if member is None or member.name != MANIFEST or not member.isfile():
                raise CommandError(f"{path} is not a backup of this portal (no {MANIFEST}).")
            manifest = json.load(tar.extractfile(member))
    except (tarfile.TarError, OSError, EOFError, ValueError) as error:
        raise CommandError(f"{path} is not a readable backup archive: {error}") from error
    if manifest.get("format") != FORMAT:
        raise CommandError(f"{path} is not a backup of this portal.")
    if manifest.get("format_version", 0) > FORMAT_VERSION:
        raise CommandError(
            f"{path} was written by a newer version of the portal (archive format "
            f"{manifest['format_version']}); restore it with that version."
        )
    if manifest.get("database", {}).get("vendor") not in DATABASE_FILES:
        raise CommandError(f"{path}: the manifest names no database this portal restores.")
    return manifest


def check_migrations(migrations):
    """Refuse a backup made by a newer version: its schema is ahead of this code's."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    unknown = [
        f"{app} {name}"
        for app, name in migrations.items()
        if app in loader.migrated_apps and (app, name) not in loader.disk_migrations
    ]
    if unknown:
        raise CommandError(
            "The backup was made by a newer version of the portal: this version does not "
            f"know the migrations {', '.join(unknown)}. Deploy that version (or newer) "
            "first, then restore. Nothing was changed."
        )


def check_sqlite_target(settings_dict):
    name = str(settings_dict["NAME"])
    if name == ":memory:" or "mode=memory" in name:
        raise CommandError("The configured SQLite database is in memory; restore into a file.")


def check_postgres_target(manifest, target):
    major, version = client_major("pg_restore")
    made_with = manifest["database"].get("pg_dump_version", 0)
    if major < made_with:
        raise CommandError(
            f"The dump was made with pg_dump {made_with}; {version} cannot read it. "
            f"Install the PostgreSQL {made_with} client (or newer)."
        )
    try:
        with connection.cursor():
            pass
        existing = set(connection.introspection.table_names())
    except DatabaseError as error:
        raise CommandError(
            f"Cannot connect to the {target}: {error}".strip()
            + "\nCreate the database first (createdb), then restore into it."
        ) from error
    ours = set(connection.introspection.django_table_names())
    extra = sorted((existing & ours) - set(manifest["database"].get("tables", [])))
    if extra:
        raise CommandError(
            f"The {target} has tables the backup does not: {', '.join(extra)} (made by "
            "migrations newer than the backup). pg_restore would leave them in place and "
            "migrate would then fail. Restore into a new, empty database (createdb) and "
            "point DATABASE_URL at it, or drop those tables first. Nothing was changed."
        )


def confirmed():
    try:
        answer = input('Type "yes" to replace them: ')
    except EOFError:
        return False
    return answer.strip().lower() == "yes"


def unpack(path, manifest, database, staging):
    """One pass through the archive: the database to ``database``, media under
    ``staging``. Only regular files and folders inside media/ are accepted."""
    expected = manifest["database"]["file"]
    found = False
    with tarfile.open(path, "r|gz") as tar:
        for member in tar:
            if member.name == MANIFEST or (member.name.rstrip("/") == MEDIA and member.isdir()):
                continue
            if member.name == expected and member.isfile():
                copy_member(tar, member, database)
                found = True
                continue
            relative = media_name(member)
            if member.isdir():
                (staging / relative).mkdir(parents=True, exist_ok=True)
            else:
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                copy_member(tar, member, staging / relative)
    if not found:
        raise CommandError(f"{path} holds no {expected}: it is incomplete. Nothing was changed.")


def media_name(member):
    parts = PurePosixPath(member.name).parts
    if (
        len(parts) < 2
        or parts[0] != MEDIA
        or any(part in ("", ".", "..") or "\\" in part for part in parts)
        or not (member.isfile() or member.isdir())
    ):
        raise CommandError(
            f"Unexpected entry {member.name!r} in the archive; it was not made by "
            "`manage.py backup`. Nothing was changed."
        )
    return Path(*parts[1:])


def copy_member(tar, member, destination):
    with tar.extractfile(member) as source, open(destination, "wb") as out:
        shutil.copyfileobj(source, out, 1024 * 1024)
    os.utime(destination, (member.mtime, member.mtime))


def replace_sqlite(copy, target):
    """Check the unpacked copy, then put it in place with one rename."""
    check = sqlite3.connect(copy)
    try:
        status = check.execute("PRAGMA quick_check").fetchone()[0]
    finally:
        check.close()
    if status != "ok":
        raise CommandError(f"The database in the archive is damaged: {status}")
    connection.close()
    if target.exists():
        # Settle the old file's journal or write-ahead log, which SQLite finds by file
        # name and would otherwise apply to the new file.
        old = sqlite3.connect(target, timeout=20)
        try:
            old.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            old.execute("SELECT COUNT(*) FROM sqlite_master").fetchone()
        finally:
            old.close()
        os.chmod(copy, target.stat().st_mode & 0o777)
    else:
        os.chmod(copy, 0o644)
    os.replace(copy, target)


def restore_postgres(dump, settings_dict):
    connection.close()
    run_client(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            f"--dbname={postgres_url(settings_dict)}",
            str(dump),
        ],
        postgres_env(settings_dict),
        "pg_restore (the database is unchanged: it ran in one transaction)",
    )


def swap_media(media_root, staging):
    """Move MEDIA_ROOT's content into a hidden folder inside it (the same file system,
    so every move is a rename, and MEDIA_ROOT may be a mount point), then move the
    archive's media in. Returns the folder holding the old media."""
    aside = Path(tempfile.mkdtemp(prefix=STAGING_PREFIXES[1], dir=media_root))
    moved = []
    try:
        for entry in sorted(media_root.iterdir()):
            if entry.name.startswith(STAGING_PREFIXES):
                continue
            os.replace(entry, aside / entry.name)
            moved.append(entry.name)
        for entry in sorted(staging.iterdir()):
            os.replace(entry, media_root / entry.name)
    except OSError as error:
        for entry in sorted(media_root.iterdir()):
            if not entry.name.startswith(STAGING_PREFIXES):
                os.replace(entry, staging / entry.name)
        for name in moved:
            os.replace(aside / name, media_root / name)
        aside.rmdir()
        raise CommandError(
            f"Could not put the media in place ({error}). The database was restored; the "
            "media are as before."
        ) from error
    return aside
