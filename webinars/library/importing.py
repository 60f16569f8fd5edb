"""Bulk import of library items from a CSV file (``manage.py import_library_items``).

Columns (UTF-8, a header row; only ``title_<lang>`` of one language is required):
``title_en``, ``title_ru``, … ``description_<lang>``, ``kind``, ``languages`` (codes separated
by spaces, commas or semicolons), ``themes`` (theme slugs), ``countries`` (ISO codes),
``author``, ``licence``, ``date`` (YYYY-MM-DD), ``url``, ``webinars`` (ids), ``speakers``
(person slugs), ``status`` (draft or published). Every problem is reported as
"line N, column: message"; one problem and nothing is stored.

In the organisers' workspace the file is imported into one series: ``webinars`` must name
webinars of that series, and rows naming none are linked to the webinars chosen on the form
(an item belongs to the series of its webinars).
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _
from django_countries import countries as all_countries

from webinars.core.errors import DomainError
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.programme.models import Person, Series, Webinar

from .models import LibraryItem, Theme

SPLIT_RE = re.compile(r"[\s,;]+")
MAX_ROWS = 10_000


class ImportFileError(DomainError):
    """The file cannot be imported; ``problems`` lists every line and column at fault."""

    code = "invalid_import"

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("\n".join(problems[:50]) + (f"\n… ({len(problems)})" if len(problems) > 50 else ""), field="file")


@dataclass
class ItemRow:
    line: int
    item: LibraryItem
    themes: list[Theme] = field(default_factory=list)
    webinars: list[Webinar] = field(default_factory=list)
    speakers: list[Person] = field(default_factory=list)


def _codes(value: str) -> list[str]:
    return [v for v in SPLIT_RE.split(value.strip()) if v]


def parse(data: bytes, *, series: Series | None = None, default_webinars: list[Webinar] | None = None) -> list[ItemRow]:
    """Read and check the whole file; :class:`ImportFileError` with every problem, or the rows.

    ``series``: only its webinars may be named; rows naming none get ``default_webinars``
    (and without those, the row is refused: the item would belong to no series).
    """
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise ImportFileError([_("Line %(line)d: the file is not UTF-8 text.") % {"line": data[: error.start].count(b"\n") + 1}]) from error
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    reader.fieldnames = header
    if not any(h.startswith("title_") and h[6:] in CONTENT_LANGUAGE_CODES for h in header):
        raise ImportFileError([_("Line 1: no title column (title_en, title_ru, …).")])
    themes = {t.slug: t for t in Theme.objects.all()}
    speakers = {p.slug: p for p in Person.objects.all()}
    validate_url = URLValidator(schemes=["http", "https"])
    problems: list[str] = []
    rows: list[ItemRow] = []

    at_fault: set[tuple[int, str]] = set()

    def problem(line: int, column: str, message: str) -> None:
        at_fault.add((line, column))
        problems.append(_("Line %(line)d, %(column)s: %(message)s") % {"line": line, "column": column, "message": message})

    def problems_in(line: int, column: str) -> bool:
        return (line, column) in at_fault

    webinar_ids: set[int] = set()
    raw_rows = []
    for record in reader:
        line = reader.line_num
        if len(raw_rows) >= MAX_ROWS:
            problem(line, "-", _("more than %(max)d rows; split the file.") % {"max": MAX_ROWS})
            break
        raw_rows.append((line, {k: (v or "").strip() for k, v in record.items() if k}))
        for value in _codes(record.get("webinars") or ""):
            if value.isdigit():
                webinar_ids.add(int(value))
    webinar_rows = Webinar.objects.all() if series is None else Webinar.objects.filter(series=series)
    webinars = webinar_rows.in_bulk(list(webinar_ids))

    for line, record in raw_rows:
        title = {h[6:]: v for h, v in record.items() if h.startswith("title_") and h[6:] in CONTENT_LANGUAGE_CODES and v}
        description = {h[12:]: v for h, v in record.items() if h.startswith("description_") and h[12:] in CONTENT_LANGUAGE_CODES and v}
        if not title:
            problem(line, "title", _("every item needs a title in at least one language."))
        kind = record.get("kind") or LibraryItem.Kind.LINK
        if kind not in LibraryItem.Kind.values:
            problem(
                line,
                "kind",
                _("unknown kind %(value)s (one of %(choices)s).") % {"value": kind, "choices": ", ".join(LibraryItem.Kind.values)},
            )
        languages = _codes(record.get("languages", ""))
        for code in languages:
            if code not in CONTENT_LANGUAGE_CODES:
                problem(line, "languages", _("unknown language code %(value)s.") % {"value": code})
        countries = [c.upper() for c in _codes(record.get("countries", ""))]
        for code in countries:
            if code not in all_countries:
                problem(line, "countries", _("unknown country code %(value)s.") % {"value": code})
        date = None
        if record.get("date"):
            try:
                date = dt.date.fromisoformat(record["date"])
            except ValueError:
                problem(line, "date", _("write the date as YYYY-MM-DD."))
        url = record.get("url", "")
        if url:
            try:
                validate_url(url)
            except ValidationError:
                problem(line, "url", _("not a web address (http:// or https://)."))
        status = record.get("status") or LibraryItem.Status.DRAFT
        if status not in LibraryItem.Status.values:
            problem(line, "status", _("status is draft or published."))
        row_themes = []
        for slug in _codes(record.get("themes", "")):
            if slug in themes:
                row_themes.append(themes[slug])
            else:
                problem(line, "themes", _("unknown theme %(value)s.") % {"value": slug})
        row_webinars = []
        for value in _codes(record.get("webinars", "")):
            found: Any = webinars.get(int(value)) if value.isdigit() else None
            if found is None:
                problem(line, "webinars", _("no webinar with id %(value)s.") % {"value": value})
            else:
                row_webinars.append(found)
        if series is not None and not row_webinars and not problems_in(line, "webinars"):
            if default_webinars:
                row_webinars = list(default_webinars)
            else:
                problem(line, "webinars", _("name a webinar of this series (its id), or choose one on the form."))
        row_speakers = []
        for slug in _codes(record.get("speakers", "")):
            if slug in speakers:
                row_speakers.append(speakers[slug])
            else:
                problem(line, "speakers", _("no speaker %(value)s.") % {"value": slug})
        item = LibraryItem(
            title=title,
            description=description,
            kind=kind,
            languages=languages,
            original_language=next(iter(title), "en"),
            countries=countries,
            author=record.get("author", ""),
            licence=record.get("licence", "")[:120],
            date=date,
            url=url,
            status=status,
        )
        rows.append(ItemRow(line, item, row_themes, row_webinars, row_speakers))
    if problems:
        raise ImportFileError(problems)
    if not rows:
        raise ImportFileError([_("Line 2: the file has no rows.")])
    return rows
