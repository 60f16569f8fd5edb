"""Dates and numbers in the UI language's conventions (Babel's CLDR data).

English here is the English of Europe and Asia ("26 Nov 2026", never "11/26/2026");
Russian writes "26 нояб. 2026 г." and "1 234,5".
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_decimal
from django.utils import translation

# The CLDR locale of each UI language: British conventions for English (day before month).
CLDR_LOCALES = {"en": "en_GB", "ru": "ru"}


def cldr_locale(language: str | None = None) -> str:
    code = (language or translation.get_language() or "en").split("-")[0]
    return CLDR_LOCALES.get(code, code)


def local_date(value: dt.date | None, language: str | None = None, *, style: str = "medium") -> str:
    """ "26 Nov 2026" / "26 нояб. 2026 г." (``style="short"``: "26/11/2026" / "26.11.2026")."""
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return format_date(value, style, locale=cldr_locale(language))


def local_number(value: float | int | None, language: str | None = None, *, decimals: int = 0) -> str:
    """ "1,234" / "1 234"; with ``decimals`` "75.0" / "75,0". None is "–"."""
    if value is None:
        return "–"
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=cldr_locale(language))
