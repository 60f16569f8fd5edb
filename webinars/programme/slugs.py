"""Addresses made from titles and names in any script: "Музейная педагогика" -> "muzeinaia-pedagogika".

anyascii transliterates every script of the region (Cyrillic with Kazakh letters, Armenian,
Georgian); a number is added when the slug is taken ("…-2").
"""

from __future__ import annotations

from collections.abc import Callable

from anyascii import anyascii
from django.utils.text import slugify

from webinars.core.i18n import localize


def slug_from_text(text: str, *, max_length: int, fallback: str) -> str:
    slug = slugify(anyascii(text or ""))[:max_length].strip("-")
    return slug or fallback


def slug_for(value, *, original: str | None, max_length: int, fallback: str, taken: Callable[[str], bool]) -> str:  # type: ignore[no-untyped-def]
    """A free slug from a content value (its original language first), "-2", "-3"… when taken."""
    base = slug_from_text(localize(value, original or "en", original)[0], max_length=max_length - 4, fallback=fallback)
    candidate, number = base, 1
    while taken(candidate):
        number += 1
        candidate = f"{base}-{number}"
    return candidate
