"""Descriptions written in Markdown, stored as sanitised HTML for the public pages.

Organisers type Markdown (headings, lists, links, emphasis; raw HTML is allowed by Markdown
and then cleaned): the text is rendered with Python-Markdown and sanitised with nh3 by the
same rules as every rich text (:func:`webinars.core.i18n.sanitize_html`). The page's own
``<h1>`` is the title, so the text's top heading becomes ``<h2>`` (whether typed ``#`` or
``##``: headings must not skip a level) and deeper ones follow, down to ``<h4>``.
"""

from __future__ import annotations

import re
from typing import Any

import markdown

from .i18n import LazyI18nString, sanitize_html

_HEADING = re.compile(r"<(/?)h([1-6])(\s|>)")
_HEADING_OPEN = re.compile(r"<h([1-6])[\s>]")


def _headings_from_h2(html: str) -> str:
    """Move every heading so that the text's top level is ``<h2>`` (levels below kept, up to ``<h4>``)."""
    levels = [int(level) for level in _HEADING_OPEN.findall(html)]
    if not levels:
        return html
    shift = 2 - min(levels)

    def moved(match: re.Match[str]) -> str:
        level = max(2, min(int(match.group(2)) + shift, 4))
        return f"<{match.group(1)}h{level}{match.group(3)}"

    return _HEADING.sub(moved, html)


def markdown_to_html(text: str) -> str:
    """Sanitised HTML of one Markdown text ("" for an empty one)."""
    if not text or not text.strip():
        return ""
    html = markdown.markdown(text, extensions=["sane_lists"], output_format="html")
    return sanitize_html(_headings_from_h2(html))


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
