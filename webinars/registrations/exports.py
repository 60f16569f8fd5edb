"""CSV and XLSX files of registrations for organisers.

Both formats have the same layout: first a line naming the filters the list was made
with ("Filters: status=confirmed; series=..."), optionally a line about a hand-made
selection, then the header row (``selectors.EXPORT_COLUMNS``) and one row per
registration (``selectors.registration_export_rows``).

* CSV is UTF-8 with a byte-order mark, so that Excel opens names in Cyrillic, Armenian
  or Georgian correctly, and is streamed: a list of any size never sits in memory.
* XLSX is written with openpyxl's write-only mode into a temporary file and streamed
  from there.
* Registrants typed these values. A cell that begins with ``=``, ``+``, ``-`` or ``@``
  would be run as a formula by spreadsheet programs, so CSV cells starting so get a
  leading apostrophe, and XLSX cells are stored as text, never as formulas.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import tempfile
from collections.abc import Iterable, Iterator, Sequence

from django.http import FileResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from .selectors import EXPORT_COLUMNS

BOM = "\ufeff"
# Full-width forms too (＝＋－＠): some spreadsheet programs fold them to the ASCII ones.
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
CSV_CHUNK_ROWS = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"


def header_row() -> list[str]:
    return [_(label) for _key, label in EXPORT_COLUMNS]


def preamble(filters: Sequence[str], *, selection: str = "") -> list[list[str]]:
    """The rows before the header: the filters applied and, if any, the selection made."""
    rows = [[_("Filters: %(filters)s") % {"filters": "; ".join(filters) if filters else _("none")}]]
    if selection:
        rows.append([selection])
    return rows


def filename(extension: str, *, now: dt.datetime | None = None) -> str:
    stamp = (now or timezone.now()).astimezone(dt.UTC).strftime("%Y%m%d-%H%M")
    return f"registrations-{stamp}.{extension}"


def csv_cell(value: object) -> str:
    """The text of a CSV cell, defused if a spreadsheet would read it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_TRIGGERS) else text


def csv_chunks(rows: Iterable[Sequence[object]], *, head: Sequence[Sequence[object]]) -> Iterator[str]:
    """The CSV file as text chunks: byte-order mark, ``head`` rows, header, then ``rows``."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def take() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    for row in head:
        writer.writerow([csv_cell(v) for v in row])
    writer.writerow(header_row())
    yield BOM + take()
    pending = 0
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
        pending += 1
        if pending >= CSV_CHUNK_ROWS:
            yield take()
            pending = 0
    if pending:
        yield take()


def csv_response(rows: Iterable[Sequence[object]], *, head: Sequence[Sequence[object]], name: str | None = None) -> StreamingHttpResponse:
    response = StreamingHttpResponse((chunk.encode("utf-8") for chunk in csv_chunks(rows, head=head)), content_type=CSV_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{name or filename("csv")}"'
    response["Cache-Control"] = "no-store"
    return response


def xlsx_cell(sheet, value: object, *, bold: bool = False):
    """A write-only XLSX cell: strings always text (never formulas), dates as dates."""
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
    from openpyxl.styles import Font

    if isinstance(value, str):
        value = ILLEGAL_CHARACTERS_RE.sub("", value)
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # text, even when it starts with "=": never a formula
    if isinstance(value, dt.date):
        cell.number_format = "yyyy-mm-dd"
    if bold:
        cell.font = Font(bold=True)
    return cell


def xlsx_file(rows: Iterable[Sequence[object]], *, head: Sequence[Sequence[object]]):
    """The workbook in a temporary file, positioned at its start (the caller closes it)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Registrations")[:31])
    for row in head:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    sheet.append([xlsx_cell(sheet, v, bold=True) for v in header_row()])
    for row in rows:
        sheet.append([xlsx_cell(sheet, v) for v in row])
    output = tempfile.TemporaryFile()  # FileResponse closes it when the response is done
    workbook.save(output)
    output.seek(0)
    return output


def xlsx_response(rows: Iterable[Sequence[object]], *, head: Sequence[Sequence[object]], name: str | None = None) -> FileResponse:
    response = FileResponse(
        xlsx_file(rows, head=head), as_attachment=True, filename=name or filename("xlsx"), content_type=XLSX_CONTENT_TYPE
    )
    response["Cache-Control"] = "no-store"
    return response


RESPONSES = {"csv": csv_response, "xlsx": xlsx_response}
