"""Import a meeting platform's attendance report for one webinar from the command line.

    manage.py import_attendance 42 report.csv                       # format recognised from the file
    manage.py import_attendance 42 report.csv --dry-run --json      # what it would do; nothing stored
    manage.py import_attendance 42 export.csv --format generic --map name=Participant,email=E-mail,minutes=Minutes

Shows progress on standard error (a bar on a terminal), then the summary and the warnings.
``--json`` prints ``{"attendees": [{"name", "email", "minutes", "joins", "match",
"registration_email", "candidates"}], "warnings": [...], "errors": [...]}`` (``match``: email,
name, registrant, review, unmatched or host; ``candidates``: addresses proposed for review,
best first), the same with and without ``--dry-run``. A file that cannot be read, or a report
of a session that does not overlap the webinar (without ``--accept-other-date``), stops with
exit status 1 and the reason (with ``--json``, also in ``errors``); nothing is stored then.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from webinars.attendance import planning, services
from webinars.attendance.models import AttendanceImport
from webinars.attendance.parsers import AUTO, MAPPING_KEYS, ParseError
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
        parser.add_argument(
            "--format", default=AUTO, choices=[AUTO, *AttendanceImport.Format.values], dest="fmt", help="Default: recognised from the file."
        )
        parser.add_argument("--dry-run", action="store_true", help="Read and match, print what would be imported, store nothing.")
        parser.add_argument(
            "--accept-other-date",
            action="store_true",
            help="Import a report whose session does not overlap the webinar's date (you confirm it belongs to this webinar).",
        )
        parser.add_argument(
            "--host-email",
            action="append",
            default=[],
            dest="host_emails",
            help="An organiser's address: their rows are hosts (repeatable).",
        )
        parser.add_argument(
            "--map", default="", dest="column_map", help=f"Generic CSV: key=column pairs, comma-separated; keys: {', '.join(MAPPING_KEYS)}."
        )
        parser.add_argument("--tz", default="", help="Time zone of the report's times (default: the webinar's).")
        parser.add_argument("--user", default="", help="Username recorded as the uploader.")
        parser.add_argument("--json", action="store_true", dest="as_json", help="Print every attendee, warnings and errors as JSON.")
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
        options_in = {
            "webinar": webinar,
            "data": data,
            "fmt": fmt,
            "column_mapping": mapping,
            "time_zone": tz or None,
            "progress": progress,
            "accept_other_date": options["accept_other_date"],
            "host_emails": options["host_emails"],
        }
        try:
            if options["dry_run"]:
                plan = planning.plan_import(**options_in)
                imported = None
            else:
                previous = services.current_import(webinar)
                imported = services.import_attendance(**options_in, file_name=file.name, actor=uploader)
                plan = imported.plan
                if plan is None and not as_json:
                    self.stdout.write(f"Import {imported.pk}: the same file was imported already; nothing changed.")
                    return
                if plan is None:  # the same file again: --json shows what it holds, as --dry-run would
                    plan = planning.plan_import(**{**options_in, "progress": None})
                    plan.warnings.insert(0, "The same file was imported already; nothing changed.")
                elif imported.summary.get("carried_over"):
                    plan.warnings.append(f"{imported.summary['carried_over']} decisions carried over from the replaced import.")
        except ParseError as exc:
            if as_json:
                self.stdout.write(_json({"attendees": [], "warnings": [], "errors": [str(exc)]}))
            raise CommandError(f"{file.name}: {exc}. Nothing was imported.") from exc
        if options["verbosity"] >= 2 and imported is not None:
            self.stderr.write(f"timings: {_json(imported.timings)}")
        if as_json:
            self.stdout.write(_json(plan.as_json()))
            return
        self._print_summary(plan, imported, previous=None if imported is None else previous)

    def _print_summary(self, plan: planning.ImportPlan, imported: AttendanceImport | None, *, previous: AttendanceImport | None) -> None:
        counts: dict[str, int] = {}
        for entry in plan.as_json()["attendees"]:
            counts[entry["match"]] = counts.get(entry["match"], 0) + 1
        people = sum(n for kind, n in counts.items() if kind != "host")
        line = (
            f"{plan.report.rows} rows, {people} people ({counts.get('host', 0)} hosts/panelists apart); "
            f"matched by registration id {counts.get('registrant', 0)}, by e-mail {counts.get('email', 0)}, "
            f"by name {counts.get('name', 0)}; to review {counts.get('review', 0) + counts.get('unmatched', 0)}"
        )
        if imported is None:
            self.stdout.write(f"Dry run ({plan.format}): {line}. Nothing was stored.")
        elif previous is not None and previous.pk == imported.pk:
            self.stdout.write(f"Import {imported.pk}: the same file was imported already; nothing changed.")
        else:
            summary = imported.summary or {}
            self.stdout.write(
                f"Import {imported.pk} ({plan.format}): {line}; attended {summary.get('attended', 0)} "
                f"(threshold {summary.get('threshold_minutes', 0):g} min)."
            )
            if summary.get("replaces"):
                self.stdout.write(f"It replaces import {summary['replaces']}.")
        for warning in plan.warnings:
            self.stdout.write(f"Warning: {warning}")


def _json(data: dict) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)
