"""Import a meeting platform's attendance report for one webinar from the command line.

    manage.py import_attendance 42 report.csv --format zoom_webinar
    manage.py import_attendance 42 export.csv --format generic --map name=Participant,email=E-mail,minutes=Minutes

Shows progress on standard error (a bar on a terminal), then the summary. A file that
cannot be read stops with the line and column at fault and exit status 1; nothing is
stored then.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from webinars.attendance import services
from webinars.attendance.models import AttendanceImport
from webinars.attendance.parsers import MAPPING_KEYS, ParseError
from webinars.core.timezones import parse_time_zone
from webinars.programme.models import Webinar

STAGES = {"read": "reading", "match": "matching", "save": "saving"}


def parse_map(text: str) -> dict[str, str]:
    """ "name=Full name,email=E-mail" → {"name": "Full name", "email": "E-mail"}."""
    mapping: dict[str, str] = {}
    for part in (text or "").split(","):
        if not part.strip():
            continue
        key, sep, value = part.partition("=")
        if not sep or not value.strip():
            raise CommandError(f"--map: expected key=column, got {part.strip()!r}")
        mapping[key.strip()] = value.strip()
    return mapping


class Progress:
    """A progress bar on a terminal; on anything else, one line per step."""

    def __init__(self, stream, *, enabled: bool) -> None:
        self.stream = stream
        self.enabled = enabled
        self.tty = enabled and hasattr(stream, "isatty") and stream.isatty()
        self.stage = ""
        self.began = time.perf_counter()
        self.last_draw = 0.0

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        label = STAGES.get(stage, stage)
        now = time.perf_counter()
        if self.tty:
            if now - self.last_draw < 0.1 and done < total:
                return
            self.last_draw = now
            share = done / total if total else 1.0
            filled = int(share * 30)
            self.stream.write(f"\r{label:<9} [{'#' * filled}{'.' * (30 - filled)}] {share:4.0%}  {now - self.began:5.1f} s")
            if done >= total:
                self.stream.write("\n")
            self.stream.flush()
        elif done >= total and stage != self.stage:
            self.stream.write(f"{label}: done ({now - self.began:.1f} s)\n")
            self.stream.flush()
        if done >= total:
            self.stage = stage


class Command(BaseCommand):
    help = "Import a Zoom, Teams, BigBlueButton or generic CSV attendance report for a webinar."
    requires_system_checks: list[str] = []  # an import is a data operation; `manage.py check` is run elsewhere

    def add_arguments(self, parser) -> None:
        parser.add_argument("webinar_id", type=int)
        parser.add_argument("file", type=Path)
        parser.add_argument("--format", required=True, choices=AttendanceImport.Format.values, dest="fmt")
        parser.add_argument(
            "--map", default="", dest="column_map", help=f"Generic CSV: key=column pairs, comma-separated; keys: {', '.join(MAPPING_KEYS)}."
        )
        parser.add_argument("--tz", default="", help="Time zone of the report's times (default: the webinar's).")
        parser.add_argument("--user", default="", help="Username recorded as the uploader.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print the summary (and timings) as JSON.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, webinar_id: int, file: Path, fmt: str, column_map: str, tz: str, user: str, as_json: bool, **options):
        no_progress = options["no_progress"]
        webinar = Webinar.objects.select_related("series").filter(pk=webinar_id).first()
        if webinar is None:
            raise CommandError(f"No webinar with id {webinar_id}.")
        if tz and parse_time_zone(tz) is None:
            raise CommandError(f"Unknown time zone {tz!r}.")
        uploader = None
        if user:
            uploader = get_user_model().objects.filter(username=user).first()
            if uploader is None:
                raise CommandError(f"No user {user!r}.")
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        mapping = parse_map(column_map)
        progress = Progress(self.stderr._out if hasattr(self.stderr, "_out") else sys.stderr, enabled=not no_progress)
        previous = services.current_import(webinar)
        try:
            imported = services.import_attendance(
                webinar=webinar,
                data=data,
                file_name=file.name,
                fmt=fmt,
                column_mapping=mapping,
                actor=uploader,
                time_zone=tz or None,
                progress=progress,
            )
        except ParseError as exc:
            raise CommandError(f"{file.name}: {exc}. Nothing was imported.") from exc
        unchanged = previous is not None and previous.pk == imported.pk
        summary = imported.summary or {}
        if as_json:
            self.stdout.write(_json({"import_id": imported.pk, "unchanged": unchanged, "timings": imported.timings, **summary}))
            return
        if unchanged:
            self.stdout.write(f"Import {imported.pk}: the same file was imported already; nothing changed.")
            return
        self.stdout.write(
            f"Import {imported.pk}: {summary.get('rows', 0)} rows, {summary.get('attendees', 0)} people "
            f"({summary.get('staff', 0)} hosts/panelists apart); matched by e-mail {summary.get('matched_email', 0)}, "
            f"by name {summary.get('matched_name', 0)}; to review {summary.get('to_review', 0)}; "
            f"attended {summary.get('attended', 0)} (threshold {summary.get('threshold_minutes', 0):g} min)."
        )
        if summary.get("replaces"):
            self.stdout.write(f"It replaces import {summary['replaces']}.")


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
