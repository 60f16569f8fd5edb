"""Country names as the region reads them: sorted in the UI language's alphabet, in the nominative.

django-countries lists the names in the order of their English originals whatever the UI
language, and a few of its Russian names are in the genitive ("Либерии", "Новой Каледонии").
The English names below are marked for our own catalogue: the project's translations
(``LOCALE_PATHS``) take precedence over the package's, so our Russian (nominative) wins
everywhere a country is named — forms, admin filters, reports and exports alike.
"""

from __future__ import annotations

import re
import unicodedata

from django.utils.translation import gettext_noop

# Names whose Russian translation in django-countries is not the nominative (or not the
# region's usage: Kyrgyzstan calls itself «Кыргызстан» in Russian).
CORRECTED_NAMES = (
    gettext_noop("Kyrgyzstan"),
    gettext_noop("Liberia"),
    gettext_noop("Myanmar"),
    gettext_noop("New Caledonia"),
    gettext_noop("Palestine, State of"),
    gettext_noop("Saint Helena, Ascension and Tristan da Cunha"),
    gettext_noop("Saint Martin (French part)"),
    gettext_noop("San Marino"),
    gettext_noop("Sint Maarten (Dutch part)"),
)

_NOT_LETTERS = re.compile(r"[\W_]+")


def collation_key(name: str) -> tuple[str, str]:
    """Alphabetical order for Latin and Cyrillic names: case, accents and punctuation are
    secondary ("Кабо-Верде" between "Кабо" and "Кабул"); "ё" sorts with "е" as in Russian
    dictionaries. Without ICU, this is the primary level of the Unicode collation for these
    two scripts, whose letters Unicode already orders alphabetically."""
    primary = "".join(_base_letter(ch) for ch in name.casefold().replace("ё", "е"))
    return _NOT_LETTERS.sub("", primary), name


def _base_letter(char: str) -> str:
    if "\u0400" <= char <= "\u04ff":
        return char  # Cyrillic letters such as «й» are letters of their own, not accented ones
    return "".join(c for c in unicodedata.normalize("NFKD", char) if not unicodedata.combining(c))


def sorted_by_name(pairs):
    """(code, name) pairs in the alphabetical order of their names."""
    return sorted(pairs, key=lambda pair: collation_key(str(pair[1])))
