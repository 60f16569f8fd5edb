"""Look for personal data anywhere it could survive: every text column of every table, the
sessions, the mail folder (`var/mail/`, decoded) and the media folder (PDFs read as text)."""

from __future__ import annotations

import email
import email.policy
import json
from pathlib import Path

from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection

TEXT_TYPES = {"CharField", "TextField", "JSONField", "EmailField", "SlugField", "URLField", "GenericIPAddressField"}


def _forms(needle: str) -> set[str]:
    """The needle as it may be stored: in several casings (SQLite's LIKE and LOWER fold ASCII
    only), plain and JSON-escaped (SQLite keeps JSON with \\u escapes)."""
    casings = {needle, needle.lower(), needle.upper(), needle.title()}
    return casings | {json.dumps(c)[1:-1] for c in casings}


def text_columns() -> list[tuple[str, str]]:
    """(table, column) of every text-like column of every table of the database."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            for column in connection.introspection.get_table_description(cursor, table):
                try:
                    kind = connection.introspection.get_field_type(column.type_code, column)
                except KeyError:
                    continue
                if kind in TEXT_TYPES:
                    found.append((table, column.name))
    return found


def in_database(needles: list[str]) -> list[str]:
    hits = []
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        for table, column in text_columns():
            for needle in needles:
                for form in _forms(needle):
                    value = f"CAST({quote(column)} AS TEXT)"
                    if connection.vendor == "postgresql":  # UPPER folds every script there
                        value, form = f"UPPER({value})", form.upper()
                    cursor.execute(f"SELECT COUNT(*) FROM {quote(table)} WHERE {value} LIKE %s", [f"%{form}%"])  # noqa: S608
                    if cursor.fetchone()[0]:
                        hits.append(f"{table}.{column} holds {needle!r}")
    for session in Session.objects.all():
        decoded = json.dumps(SessionStore().decode(session.session_data), ensure_ascii=False).lower()
        hits += [f"session {session.pk} holds {n!r}" for n in needles if n.lower() in decoded]
    return hits


def _mail_text(path: Path) -> str:
    """Every message of a file of Django's file e-mail backend, headers and parts decoded."""
    texts = []
    for chunk in path.read_bytes().split(b"-" * 79):
        if not chunk.strip():
            continue
        message = email.message_from_bytes(chunk.strip(), policy=email.policy.default)
        texts += [f"{k}: {v}" for k, v in message.items()]
        for part in message.walk():
            payload = part.get_payload(decode=True)
            if payload:
                texts.append(payload.decode("utf-8", "replace"))
    return "\n".join(texts)


def _media_text(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith(b"%PDF"):
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return data.decode("utf-8", "replace")


def in_files(needles: list[str], *, mail_dir: Path, media_dir: Path) -> list[str]:
    hits = []
    for folder, read in ((mail_dir, _mail_text), (media_dir, _media_text)):
        if not folder.exists():
            continue
        for path in folder.rglob("*"):
            if path.is_file():
                text = read(path).lower()
                hits += [f"{path} holds {n!r}" for n in needles if n.lower() in text]
    return hits


def everywhere(needles: list[str]) -> list[str]:
    return in_database(needles) + in_files(needles, mail_dir=Path(settings.EMAIL_FILE_PATH), media_dir=Path(settings.MEDIA_ROOT))
