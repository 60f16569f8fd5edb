"""`manage.py backup` then restore: every table's rows and every media file come back, with the keys.

Runs on SQLite and PostgreSQL (``DATABASE_URL=postgres://... pytest tests/security``); real
commits are needed (pg_dump and the SQLite backup see committed data), hence transactional_db.
"""

from __future__ import annotations

import json
import sqlite3
import tarfile
from io import StringIO
from pathlib import Path

import psycopg
import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection

from tests.factories import AttendeeFactory, CertificateFactory, LogEntryFactory, RegistrationFactory
from webinars.core.backup import BackupError, backup_restore

pytestmark = pytest.mark.django_db(transaction=True)


def _rows(cursor, table: str) -> list[tuple]:
    cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
    return sorted(tuple(str(v) for v in row) for row in cursor.fetchall())


def _populate(tmp_path, settings) -> list[str]:
    settings.MEDIA_ROOT = tmp_path / "media"
    from webinars.programme.demo import demo_programme_load

    demo_programme_load()
    registration = RegistrationFactory(name="Նարե Հակոբյան")
    AttendeeFactory(registration=registration, webinar=registration.webinar)
    CertificateFactory()
    LogEntryFactory()
    names = [
        default_storage.save("certificates/pdf/a.pdf", ContentFile(b"%PDF-1.4 fake")),
        default_storage.save("speakers/x.png", ContentFile(bytes(range(256)))),
    ]
    return names


def test_backup_round_trip_restores_every_row_every_file_and_the_keys(tmp_path, settings):
    media_names = _populate(tmp_path, settings)
    archive = tmp_path / "backup.tar.gz"
    out = StringIO()
    call_command("backup", "--output", str(archive), stdout=out)
    assert archive.exists() and oct(archive.stat().st_mode & 0o777) == "0o600"
    with tarfile.open(archive) as tar:
        keys = json.loads(tar.extractfile("keys.json").read())
        assert keys["secret_key"] == settings.SECRET_KEY
        assert keys["platform_secrets_key"] == settings.PLATFORM_SECRETS_KEY  # else the platforms' stored secrets are lost

    restored_media, restored_var = tmp_path / "restored-media", tmp_path / "restored-var"
    tables = connection.introspection.table_names()
    if connection.vendor == "sqlite":
        target = str(tmp_path / "restored.sqlite3")
        backup_restore(archive, database_target=target, media_root=restored_media, var_dir=restored_var)
        other = sqlite3.connect(target)
        restored = other.cursor()
    else:
        db = connection.settings_dict
        target = f"{db['NAME']}_restored"
        admin = psycopg.connect(
            host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname="postgres", autocommit=True
        )
        admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
        admin.execute(f'CREATE DATABASE "{target}"')
        backup_restore(archive, database_target=target, media_root=restored_media, var_dir=restored_var)
        other = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=target)
        restored = other.cursor()
    # The live database read the same way as the restored one (raw driver, no Django converters).
    if connection.vendor == "sqlite":
        source = sqlite3.connect(connection.settings_dict["NAME"])
    else:
        db = connection.settings_dict
        source = psycopg.connect(host=db["HOST"] or "127.0.0.1", port=db["PORT"] or 5432, user=db["USER"], dbname=db["NAME"])
    try:
        live = source.cursor()
        compared = 0
        for table in tables:
            assert _rows(live, table) == _rows(restored, table), table
            compared += 1
        assert compared >= 40
        live.execute("SELECT COUNT(*) FROM registrations_registration")
        assert live.fetchone()[0] >= 2
    finally:
        source.close()
        other.close()
        if connection.vendor != "sqlite":
            admin.execute(f'DROP DATABASE IF EXISTS "{target}"')
            admin.close()
    for name in media_names:
        assert (restored_media / name).read_bytes() == (Path(settings.MEDIA_ROOT) / name).read_bytes()
    assert sorted(p.relative_to(restored_media) for p in restored_media.rglob("*") if p.is_file()) == sorted(
        p.relative_to(settings.MEDIA_ROOT) for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()
    )
    assert (restored_var / "secret_key").read_text().strip() == settings.SECRET_KEY
    assert (restored_var / "pseudonym_key").read_text().strip() == settings.PSEUDONYM_KEY


def test_restore_refuses_an_installation_with_data(tmp_path, settings):
    _populate(tmp_path, settings)
    archive = tmp_path / "backup.tar.gz"
    call_command("backup", "--output", str(archive), stdout=StringIO())
    with pytest.raises(BackupError, match="already has data"):
        backup_restore(archive, media_root=tmp_path / "m", var_dir=tmp_path / "v")
