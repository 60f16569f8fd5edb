"""Certificate codes: 80 random bits, typed by people, printed on paper.

A code is 16 symbols of Crockford's base32 (digits and capital letters without I, L, O
and U, so nothing is mistaken for something else) in groups of four after "MW-":
``MW-7KQ2-XD9P-4HTM-ZC3F``. 16 x 5 = 80 bits from ``secrets``: guessing one among a
million issued certificates takes about 10^18 tries, against a rate limit of 30 a minute.

Typed codes are read leniently: any case, with or without the prefix, spaces, dashes or
dots anywhere, O for 0 and I or L for 1, and Cyrillic letters that look like Latin ones
(people of the region often type with a Russian keyboard layout).
"""

from __future__ import annotations

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
PREFIX = "MW"
SYMBOLS = 16
BITS = SYMBOLS * 5
GROUP = 4

# Crockford's reading of confusable letters, and Cyrillic letters that look like Latin ones.
_LOOKALIKES = str.maketrans(
    {
        "O": "0",
        "I": "1",
        "L": "1",
        "А": "A",
        "В": "B",
        "Е": "E",
        "К": "K",
        "М": "M",
        "Н": "H",
        "О": "0",
        "Р": "P",
        "С": "C",
        "Т": "T",
        "Х": "X",
        "З": "3",
    }
)


def format_code(symbols: str) -> str:
    """``MW-`` and the symbols in groups of four."""
    return PREFIX + "-" + "-".join(symbols[i : i + GROUP] for i in range(0, len(symbols), GROUP))


def new_code() -> str:
    """A fresh random code (80 bits)."""
    value = secrets.randbits(BITS)
    return format_code("".join(ALPHABET[(value >> (5 * i)) & 31] for i in range(SYMBOLS)))


def normalise_code(typed: str | None) -> str | None:
    """The canonical form of a typed code, or None when it cannot be a code at all."""
    if not typed or len(typed) > 100:
        return None
    cleaned = "".join(ch for ch in typed.upper().translate(_LOOKALIKES) if ch.isalnum())
    if len(cleaned) == SYMBOLS + len(PREFIX) and cleaned.startswith(PREFIX):
        cleaned = cleaned[len(PREFIX) :]
    if len(cleaned) != SYMBOLS or any(ch not in ALPHABET for ch in cleaned):
        return None
    return format_code(cleaned)
