"""Any CSV with a header line, read through a column mapping chosen by the organiser.

The mapping names the header of each column (case does not matter) or its position
counted from 1: ``name``, ``email``, ``join``, ``leave``, ``minutes`` (a number of minutes,
or a duration like ``1:02:03`` or ``1h 2m``), optionally ``first_name``/``last_name``
instead of ``name``, and ``registration_id`` (this site's registration id, or a platform's
registrant id, for exact matching). It needs a name or an e-mail column, and join + leave or minutes.
One row per join or one per person: rows of the same person are added up either way.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.utils.translation import gettext as _

from .base import Context, CsvSource, Header, Join, ParseError, cell, header_key, is_blank

MAPPING_KEYS = ("name", "email", "join", "leave", "minutes", "first_name", "last_name", "registration_id")


def check_mapping(mapping: dict) -> dict[str, str]:
    """The mapping without empty entries; a ParseError says what is missing or unknown."""
    clean = {str(k).strip(): str(v).strip() for k, v in (mapping or {}).items() if str(v or "").strip()}
    unknown = sorted(set(clean) - set(MAPPING_KEYS))
    if unknown:
        values = {"keys": ", ".join(unknown), "allowed": ", ".join(MAPPING_KEYS)}
        raise ParseError(_("unknown mapping keys: %(keys)s (use %(allowed)s)") % values)
    if not ({"name", "email", "first_name", "last_name"} & set(clean)):
        raise ParseError(_("the column mapping needs a name or an e-mail column"))
    if "minutes" not in clean and not {"join", "leave"} <= set(clean):
        raise ParseError(_("the column mapping needs join and leave columns, or a minutes column"))
    return clean


def _index(header: Header, wanted: str) -> int:
    if wanted.isdigit():
        index = int(wanted) - 1
        if 0 <= index < len(header.cells):
            return index
    else:
        key = header_key(wanted)
        if key in header.raw_keys:  # the organiser names the header as the file has it, in any language
            return header.raw_keys.index(key)
        found = header.find(key)
        if found is not None:
            return found
    raise ParseError(_("the column '%(column)s' is not in the header") % {"column": wanted}, line=header.line)


def parse_generic(source: CsvSource, ctx: Context) -> Iterator[Join]:
    mapping = check_mapping(ctx.column_mapping)
    header: Header | None = None
    idx: dict[str, int] = {}
    for row in source.rows():
        line = source.line
        if is_blank(row):
            continue
        if header is None:
            header = Header(row, line=line)
            idx = {key: _index(header, wanted) for key, wanted in mapping.items()}
            continue
        name = cell(row, idx.get("name"))
        alt = " ".join(p for p in (cell(row, idx.get("first_name")), cell(row, idx.get("last_name"))) if p)
        if not name:
            name, alt = alt, ""
        email = cell(row, idx.get("email"))
        registrant = cell(row, idx.get("registration_id"))
        if not name and not email:
            column = header.label(idx.get("name", idx.get("email")))
            raise ParseError(_("the row names nobody (no name, no e-mail)"), line=line, column=column)
        start = end = seconds = None
        if "join" in idx:
            start = ctx.time(cell(row, idx["join"]), line=line, column=header.label(idx["join"]), required="minutes" not in idx)
        if "leave" in idx:
            end = ctx.time(cell(row, idx["leave"]), line=line, column=header.label(idx["leave"]), required=False)
        if "minutes" in idx:
            seconds = ctx.duration(cell(row, idx["minutes"]), line=line, column=header.label(idx["minutes"]), required=end is None)
        ctx.span(start, end, line=line, column=header.label(idx.get("leave")))
        if start is not None and end is None and seconds is not None:
            end, seconds = start + seconds, None
        # The organisers' addresses (``--host-email``, a platform's host) mark hosts, as in the platforms' own formats.
        role = "host" if email and email.lower() in ctx.host_emails else ""
        if start is not None and end is not None and seconds is None:
            yield Join(line, name, email, role, start, end, None, alt, registrant)
        elif seconds is not None:
            yield Join(line, name, email, role, start, end, seconds, alt, registrant)
        else:
            raise ParseError(_("no leave time and no minutes for a join"), line=line, column=header.label(idx.get("leave")))
    if header is None:
        raise ParseError(_("the file is empty"), line=1)
