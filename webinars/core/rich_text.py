"""Descriptions written in Markdown, stored as sanitised HTML for the public pages.

Organisers type Markdown (headings, lists, links, emphasis; raw HTML is allowed by Markdown
and then cleaned): the text is rendered with Python-Markdown and sanitised with nh3 by the
same rules as every rich text (:func:`webinars.core.i18n.sanitize_html`). The page's own
``<h1>`` is the title, so ``#`` headings become ``<h2>`` and deeper ones stop at ``<h4>``.
"""

from __future__ import annotations

import re
from typing import Any

import markdown

from .i18n import LazyI18nString, sanitize_html

_HEADING = re.compile(r"<(/?)h([1-6])(\s|>)")


def _shift_heading(match: re.Match[str]) -> str:
    level = min(int(match.group(2)) + 1, 4)
    return f"<{match.group(1)}h{level}{match.group(3)}"


def markdown_to_html(text: str) -> str:
    """Sanitised HTML of one Markdown text ("" for an empty one)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return sanitize_html(_HEADING.sub(_shift_heading, html))


def _as_dict(value: Any) -> dict[str, str]:
    data = value.data if isinstance(value, LazyI18nString) else value
    if isinstance(data, dict):
        return {lang: text for lang, text in data.items() if text}
    return {}


def markdown_per_language(source: Any) -> dict[str, str]:
    """``{language: html}`` for a ``{language: markdown}`` value (empty languages dropped)."""
    return {lang: html for lang, text in _as_dict(source).items() if (html := markdown_to_html(text))}


def markdown_for_editing(source: Any, html: Any) -> dict[str, str]:
    """What the form shows for each language: the Markdown typed in the workspace when it still
    makes the stored HTML, else the stored HTML itself (edited elsewhere, e.g. in the admin;
    Markdown keeps HTML blocks as they are)."""
    typed, stored = _as_dict(source), _as_dict(html)
    shown = {}
    for lang in {*typed, *stored}:
        text = typed.get(lang, "")
        shown[lang] = text if text and markdown_to_html(text) == stored.get(lang, "") else stored.get(lang, "")
    return {lang: text for lang, text in shown.items() if text}
