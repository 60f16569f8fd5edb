"""BigBlueButton's learning dashboard "Download session data" CSV (BBB 2.4 and later).

The dashboard builds the file in the browser: UTF-8 without a BOM, CRLF, an unquoted
header, every value quoted::

    Name,Moderator,Activity Score,Talk Time,Webcam Time,Messages,Emojis,Raise Hands,Join,Left,Duration
    "Dinara Khalikova","FALSE","4.5","00:02:10","-","3","1","0","4/22/2021, 10:02:15 AM","4/22/2021, 11:30:02 AM","01:20:05"

Later versions say "Reactions" for "Emojis" and add "Poll Votes" before "Raise Hands";
each poll adds a column at the end, and a last "Anonymous" row holds anonymous poll
answers (every other cell empty). ``Join``/``Left`` are the first join and the last leave
formatted in the browser's locale ("-" when still present); ``Duration`` is the time online
summed over the user's sessions (HH:MM:SS), which is what counts here.

Moderators are read as participants: BigBlueButton rooms often make everyone a moderator.
When the dashboard was in another language the header is translated; the columns are
then found by position (name first, moderator second, then join, left and duration after
the counters).
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .base import EMPTY_VALUES, Context, CsvSource, Header, Join, ParseError, cell, is_blank

ANONYMOUS = {"anonymous", "анонимно", "аноним"}


def _positional(header: Header, first_row: list[str], ctx: Context) -> tuple[int, int, int, int, int]:
    """Name, moderator, join, left, duration of a translated header: join is the first date after the counters."""
    for join in range(7, min(len(first_row), 12)):
        if ctx.dates.parse(cell(first_row, join)) is not None:
            return 0, 1, join, join + 1, join + 2
    raise ParseError(_("the columns Name, Join, Left and Duration were not found"), line=header.line)


def parse_bigbluebutton(source: CsvSource, ctx: Context) -> Iterator[Join]:
    header: Header | None = None
    columns: tuple[int, int, int | None, int | None, int] | None = None
    for row in source.rows():
        line = source.line
        if is_blank(row):
            continue
        if header is None:
            header = Header(row, line=line)
            name = header.find("name", "user")
            duration = header.find("duration", "online time", "online")
            if name is not None and duration is not None:
                columns = (name, header.find("moderator"), header.find("join"), header.find("left"), duration)
            elif len(row) < 9:
                raise ParseError(
                    _("the column '%(column)s' is missing") % {"column": "Duration"},
                    line=line,
                )
            continue
        if columns is None:
            columns = _positional(header, row, ctx)
        name_i, moderator_i, join_i, left_i, duration_i = columns
        name = cell(row, name_i)
        if name.lower() in ANONYMOUS and not any(cell(row, i) for i in (join_i, left_i, duration_i) if i is not None):
            continue
        if not name:
            raise ParseError(_("the row names nobody (no name, no e-mail)"), line=line, column=header.label(name_i))
        seconds = ctx.duration(cell(row, duration_i), line=line, column=header.label(duration_i), plain_unit=60)
        start = ctx.time(cell(row, join_i), line=line, column=header.label(join_i), required=False) if join_i is not None else None
        left = cell(row, left_i)
        end = None
        if left_i is not None and left not in EMPTY_VALUES:
            end = ctx.time(left, line=line, column=header.label(left_i), required=False)
        ctx.span(start, end, line=line, column=header.label(left_i))
        if moderator_i is not None and cell(row, moderator_i).upper() == "TRUE":
            ctx.count("moderators")
        # One row per user of the session: two rows under one name are two people.
        yield Join(line, name, "", "", start, end, seconds, "", "", f"row {line}")
    if header is None:
        raise ParseError(_("the file is empty"), line=1)
