"""The activity log: one helper, namespaced codes, one display map, no personal data copied."""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from tests.factories import WebinarFactory
from tests.registrations.conftest import registration_data
from webinars.audit import display
from webinars.audit.models import LogEntry
from webinars.audit.selectors import log_entries_for, series_activity
from webinars.audit.services import log_action
from webinars.programme.models import Webinar
from webinars.programme.services import webinar_set_status
from webinars.registrations import services as registration_services
from webinars.registrations.models import Registration

ROOT = Path(__file__).resolve().parents[2]


LOGGING_CALLS = {"log_action", "new_entry", "_status_changed"}
CODE_HOLDERS = {"action", "STATUS_EVENTS"}


def _codes_in(statement: ast.stmt) -> set[str]:
    found = set()
    for node in ast.walk(statement):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            head, _, tail = node.value.partition(".")
            if head.isidentifier() and tail.isidentifier():
                found.add(node.value)
    return found


def _writes_a_code(statement: ast.stmt) -> bool:
    for node in ast.walk(statement):
        if isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in LOGGING_CALLS:
                return True
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store) and node.id in CODE_HOLDERS:
            return True
    return False


def _codes_written_by_the_code() -> set[str]:
    """Every literal code in a statement that logs (``log_action(...)``) or names a code (``action = ...``)."""
    codes = set()
    for path in (ROOT / "webinars").rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            simple = isinstance(node, ast.stmt) and not hasattr(node, "body")
            if simple and _writes_a_code(node):
                codes |= _codes_in(node)
    return codes


def test_every_code_the_services_write_has_a_sentence():
    written = _codes_written_by_the_code()
    assert {"registration.cancelled", "attendance.imported", "certificate.issued", "webinar.published"} <= written
    missing = written - set(display.ACTIONS)
    assert not missing, f"add these codes to audit/display.py ACTIONS: {sorted(missing)}"


def test_every_sentence_formats_with_its_data_and_in_russian():
    for code in display.ACTIONS:
        entry = LogEntry(action=code, data={"count": 3, "format": "xlsx", "people": 5, "attended": 4, "minutes": 50})
        for language in ("en", "ru"):
            with translation.override(language):
                text = display.describe(entry)
                assert text and "%(" not in text, (code, language, text)


def test_codes_must_be_namespaced(db):
    with pytest.raises(ValueError):
        log_action("cancelled")


@pytest.mark.django_db
def test_log_action_files_the_row_under_its_series_and_webinar():
    webinar = WebinarFactory()
    user = get_user_model().objects.create_user("organiser@example.org", "organiser@example.org", "x")
    entry = log_action("webinar.changed", actor=user, obj=webinar, data={"fields": ["title"]})
    assert (entry.series_id, entry.webinar_id, entry.actor) == (webinar.series_id, webinar.pk, user)
    assert list(log_entries_for(webinar)) == [entry]
    assert list(series_activity(series=webinar.series)) == [entry]
    # An anonymous visitor is recorded as nobody, not as a broken reference.
    assert log_action("webinar.changed", actor=AnonymousUser(), obj=webinar).actor is None


@pytest.mark.django_db
def test_a_registration_history_reads_in_the_ui_language_without_personal_data():
    webinar = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    result = registration_services.registration_create(webinar_id=webinar.pk, data=registration_data(email="asel@example.org"))
    registration = result.registrations[0]
    registration_services.registration_cancel(registration=registration)
    entries = list(log_entries_for(registration))
    assert [e.action for e in entries] == ["registration.created", "registration.cancelled"]
    assert entries[0].series_id == webinar.series_id and entries[0].webinar_id == webinar.pk
    with translation.override("ru"):
        assert display.describe(entries[1]) == "Регистрация отменена участником"
        assert display.details(entries[1]) == f"{Registration.Status.PENDING.label} → {Registration.Status.CANCELLED.label}"
    for entry in LogEntry.objects.all():
        assert "asel" not in str(entry.data) and "Динара" not in str(entry.data)


@pytest.mark.django_db
def test_webinar_status_changes_are_logged_once_with_the_actor():
    webinar = WebinarFactory(status=Webinar.Status.DRAFT)
    user = get_user_model().objects.create_user("editor@example.org", "editor@example.org", "x")
    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED, actor=user)
    webinar_set_status(webinar=webinar, status=Webinar.Status.PUBLISHED, actor=user)  # no change, no line
    webinar_set_status(webinar=webinar, status=Webinar.Status.CANCELLED, actor=user)
    assert [(e.action, e.actor) for e in log_entries_for(webinar)] == [("webinar.published", user), ("webinar.cancelled", user)]


@pytest.mark.django_db
def test_exports_of_personal_data_are_on_record_per_series():
    first = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=3))
    second = WebinarFactory(starts_at=timezone.now() + dt.timedelta(days=4))
    for webinar, email in ((first, "a@example.org"), (first, "b@example.org"), (second, "c@example.org")):
        registration_services.registration_create(webinar_id=webinar.pk, data=registration_data(email=email))
    user = get_user_model().objects.create_user("owner@example.org", "owner@example.org", "x")
    count = registration_services.registrations_export_record(
        queryset=Registration.objects.all(), fmt="xlsx", filters=["status=confirmed"], actor=user
    )
    assert count == 3
    rows = {e.series_id: e for e in LogEntry.objects.filter(action="export.registrations")}
    assert rows[first.series_id].data == {"format": "xlsx", "count": 2, "filters": ["status=confirmed"]}
    assert rows[second.series_id].actor == user
    assert display.describe(rows[first.series_id]) == "Registrations exported (xlsx, rows: 2)"
