"""Translatable content fields built on django-i18nfield.

django-i18nfield keeps every language of a field in one JSON column (as pretix and
pretalx do), so adding a language needs no migration; django-modeltranslation would add
a column per language and field (10 languages x ~12 fields here).
"""

from __future__ import annotations

import json
from typing import Any

import nh3
from django.conf import settings
from django.utils import translation
from i18nfield.fields import I18nCharField, I18nTextField
from i18nfield.forms import I18nFormField, I18nTextarea, I18nTextInput
from i18nfield.strings import LazyI18nString

from .languages import CONTENT_LANGUAGE_CODES, CONTENT_LANGUAGE_NAMES

# Tags and attributes organisers may use in rich descriptions; everything else
# (scripts, styles, event handlers, iframes) is removed before it is stored.
RICH_TEXT_TAGS = {
    "p",
    "br",
    "strong",
    "b",
    "em",
    "i",
    "u",
    "ul",
    "ol",
    "li",
    "a",
    "h2",
    "h3",
    "h4",
    "blockquote",
    "code",
    "pre",
    "span",
    "abbr",
    "sub",
    "sup",
    "hr",
}
RICH_TEXT_ATTRIBUTES = {"a": {"href", "title", "hreflang", "lang"}, "span": {"lang"}, "abbr": {"title"}, "p": {"lang"}}


def sanitize_html(html: str) -> str:
    """Return ``html`` with only the allowed tags, attributes and URL schemes."""
    return nh3.clean(
        html or "",
        tags=RICH_TEXT_TAGS,
        attributes=RICH_TEXT_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )


class _ContentLocalesMixin:
    """Form fields show one input per content language, labelled with its endonym."""

    def formfield(self, **kwargs: Any):
        kwargs.setdefault("locales", CONTENT_LANGUAGE_CODES)
        return super().formfield(**kwargs)


class ContentCharField(_ContentLocalesMixin, I18nCharField):
    """A short translatable text (title, role line)."""


class ContentTextField(_ContentLocalesMixin, I18nTextField):
    """A long translatable plain text (biography, audience)."""


class RichContentField(ContentTextField):
    """A translatable HTML text, sanitised with nh3 in every language before storage.

    Sanitising at the field means no path into the database (admin, API, import,
    shell) can store markup that would execute when the page is viewed.
    """

    def get_prep_value(self, value: Any) -> Any:
        if isinstance(value, LazyI18nString):
            value = value.data
        if isinstance(value, str) and value.lstrip().startswith("{"):
            # JSON text of all languages (as stored); anything else starting with "{" is plain HTML.
            try:
                value = json.loads(value)
            except ValueError:
                pass
        if isinstance(value, dict):
            value = {lang: sanitize_html(text) for lang, text in value.items() if text}
        elif isinstance(value, str) and value:
            value = sanitize_html(value)
        return super().get_prep_value(value)


def localize(value: LazyI18nString | str | None, language: str | None = None, original: str | None = None) -> tuple[str, str]:
    """Pick the text of ``value`` for ``language`` and say which language it is in.

    Falls back to the content's original language, then English, then any language
    with text, so a page never shows an empty title.
    """
    language = language or translation.get_language() or settings.LANGUAGE_CODE
    if value is None:
        return "", language
    data = value.data if isinstance(value, LazyI18nString) else value
    if not isinstance(data, dict):
        return str(data or ""), language
    for candidate in (language, language.split("-")[0], original, settings.LANGUAGE_CODE):
        if candidate and data.get(candidate):
            return data[candidate], candidate
    for lang, text in data.items():
        if text:
            return text, lang
    return "", language


def i18n_text(value: LazyI18nString | str | None, language: str | None = None, original: str | None = None) -> str:
    """Just the text of :func:`localize`."""
    return localize(value, language, original)[0]


def i18n_dict(value: LazyI18nString | None) -> dict[str, str]:
    """All languages of a content value as a plain dict (for the API)."""
    if value is None:
        return {}
    data = value.data if isinstance(value, LazyI18nString) else value
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v}
    return {settings.LANGUAGE_CODE: str(data)} if data else {}


__all__ = [
    "CONTENT_LANGUAGE_NAMES",
    "ContentCharField",
    "ContentTextField",
    "I18nFormField",
    "I18nTextInput",
    "I18nTextarea",
    "LazyI18nString",
    "RichContentField",
    "i18n_dict",
    "i18n_text",
    "localize",
    "sanitize_html",
]
