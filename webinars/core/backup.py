"""One archive with everything an installation needs: the database, the media files and the
installation's keys (``manage.py backup`` / ``manage.py restore``; README "Backups").

* SQLite: a consistent copy through SQLite's online backup API (writers may go on meanwhile).
* PostgreSQL: ``pg_dump --format=custom``, restored with ``pg_restore`` into an empty database.
* Media: every file under ``MEDIA_ROOT`` (certificate PDFs, images).
* Keys: ``SECRET_KEY`` and ``PSEUDONYM_KEY``. Without the same keys, self-service links stop
  working and reach reports count returning people anew, so the archive is as secret as the
  database: keep it encrypted and readable only by the operators.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection, connections
from django.utils import timezone

FORMAT_VERSION = 1
PG_DUMP = shutil.which("pg_dump") or "/usr/bin/pg_dump"
PG_RESTORE = shutil.which("pg_restore") or "/usr/bin/pg_restore"


class BackupError(Exception):
    pass


def _database() -> dict:
    return connections["default"].settings_dict


def _is_sqlite() -> bool:
    return connection.vendor == "sqlite"


def _pg_env(db: dict) -> tuple[list[str], dict[str, str]]:
    args = ["--host", db.get("HOST") or "127.0.0.1", "--port", str(db.get("PORT") or 5432), "--username", db.get("USER") or "postgres"]
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    return args, env


def database_dump(target: Path) -> str:
    """Write a consistent copy of the database to ``target``; returns the engine's name."""
    db = _database()
    if _is_sqlite():
        connection.ensure_connection()
        with sqlite3.connect(target) as copy:
            connection.connection.backup(copy)
        copy.close()
        return "sqlite"
    args, env = _pg_env(db)
    subprocess.run(  # noqa: S603 -- the PostgreSQL client found on PATH, arguments from settings
        [PG_DUMP, "--format=custom", "--no-owner", "--no-privileges", *args, "--file", str(target), db["NAME"]],
        check=True,
        env=env,
        capture_output=True,
    )
    return "postgresql"


def backup_create(output: Path) -> dict:
    """Write the archive to ``output`` (a .tar.gz); returns its manifest."""
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as work:
        dump = Path(work) / "database"
        engine = database_dump(dump)
        media = Path(settings.MEDIA_ROOT)
        media_files = sorted(p for p in media.rglob("*") if p.is_file()) if media.is_dir() else []
        manifest = {
            "format": FORMAT_VERSION,
            "engine": engine,
            "created_at": timezone.now().isoformat(),
            "media_files": len(media_files),
        }
        keys = {"secret_key": settings.SECRET_KEY, "pseudonym_key": settings.PSEUDONYM_KEY}
        if settings.PLATFORM_SECRETS_KEY:  # without it the meeting platforms' stored secrets cannot be read
            keys["platform_secrets_key"] = settings.PLATFORM_SECRETS_KEY
        aside = output.with_name(output.name + ".partial")
        fd = os.open(aside, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as handle, tarfile.open(fileobj=handle, mode="w:gz") as archive:
            _add_bytes(archive, "manifest.json", json.dumps(manifest, indent=2).encode())
            _add_bytes(archive, "keys.json", json.dumps(keys).encode())
            archive.add(dump, arcname=f"database.{engine}")
            for path in media_files:
                archive.add(path, arcname=f"media/{path.relative_to(media).as_posix()}")
        aside.replace(output)
    return manifest


def _add_bytes(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    info.mtime = int(dt.datetime.now().timestamp())
    info.mode = 0o600
    import io

    archive.addfile(info, io.BytesIO(data))


def installation_is_empty() -> bool:
    """No series and no registration yet (a fresh ``migrate``): safe to restore into."""
    tables = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for table in ("programme_series", "registrations_registration"):
            if table in tables:
                cursor.execute(f"SELECT 1 FROM {connection.ops.quote_name(table)} LIMIT 1")  # noqa: S608 -- fixed names
                if cursor.fetchone():
                    return False
    return True


def backup_restore(
    archive_path: Path, *, database_target: str | None = None, media_root: Path | None = None, var_dir: Path | None = None
) -> dict:
    """Restore the archive: the database (into ``database_target``: a SQLite file path or a
    PostgreSQL database name; by default the configured database, which must be empty), the
    media files and the keys (into ``var_dir``, read by the settings on the next start)."""
    media_root = Path(media_root or settings.MEDIA_ROOT)
    var_dir = Path(var_dir or settings.VAR_DIR)
    with tempfile.TemporaryDirectory() as work, tarfile.open(archive_path, "r:gz") as archive:
        archive.extractall(work, filter="data")
        root = Path(work)
        manifest = json.loads((root / "manifest.json").read_text())
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Unknown archive format {manifest.get('format')!r}")
        engine = manifest["engine"]
        if engine != ("sqlite" if _is_sqlite() else "postgresql"):
            raise BackupError(f"The archive holds a {engine} database; this installation uses {connection.vendor}.")
        if database_target is None and not installation_is_empty():
            raise BackupError("This installation already has data: restore into an empty one (a fresh `migrate`).")
        _restore_database(root / f"database.{engine}", database_target)
        restored_media = 0
        if (root / "media").is_dir():
            for path in (root / "media").rglob("*"):
                if path.is_file():
                    target = media_root / path.relative_to(root / "media")
                    target.parent.mkdir(parents=True, exist_ok=True)
                    shutil.copy2(path, target)
                    restored_media += 1
        keys = json.loads((root / "keys.json").read_text())
        var_dir.mkdir(parents=True, exist_ok=True)
        for name, value in keys.items():
            path = var_dir / name
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            with os.fdopen(fd, "w") as handle:
                handle.write(value + "\n")
    return {**manifest, "restored_media_files": restored_media}


def _restore_database(dump: Path, target: str | None) -> None:
    db = _database()
    if _is_sqlite():
        path = target or str(db["NAME"])
        connections.close_all()
        with sqlite3.connect(dump) as source, sqlite3.connect(path) as destination:
            source.backup(destination)
        return
    args, env = _pg_env(db)
    connections.close_all()
    subprocess.run(  # noqa: S603 -- the PostgreSQL client found on PATH, arguments from settings
        [PG_RESTORE, "--clean", "--if-exists", "--no-owner", "--no-privileges", *args, "--dbname", target or db["NAME"], str(dump)],
        check=True,
        env=env,
        capture_output=True,
    )
