"""The searchable texts of each kind of object, one per language it has text in.

Pure functions of the objects: they read prefetched relations and return unsaved
``SearchDocument`` rows. Transcripts are cut into passages of about half a minute, so a hit
links to its moment and its snippet is what was said then.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.utils.html import strip_tags

from webinars.core.i18n import LazyI18nString, localize

from ..models import Caption, LibraryItem, SearchDocument
from .analysis import LANGUAGE_SCRIPT, text_script

PASSAGE_SECONDS = 30.0
PASSAGE_CHARS = 600


def _data(value: Any) -> dict[str, str]:
    data = value.data if isinstance(value, LazyI18nString) else value
    if isinstance(data, dict):
        return {k: v for k, v in data.items() if v}
    return {"": str(data)} if data else {}


def _languages(*values: Any) -> list[str]:
    found: dict[str, None] = {}
    for value in values:
        for language in _data(value):
            found[language] = None
    return [lang for lang in found if lang] or ["en"]


def _text(value: Any, language: str, original: str | None = None, *, fallback: bool = False) -> str:
    """The text in ``language``; with ``fallback``, else the one a page would show (titles and names)."""
    data = _data(value)
    if language in data:
        return data[language]
    return localize(value, language, original)[0] if data and fallback else ""


def _document(source: str, object_id: int, group_id: int, language: str, title: str, text: str, **extra: Any) -> SearchDocument:
    script = LANGUAGE_SCRIPT.get(language) or text_script(f"{title} {text}")
    return SearchDocument(
        source=source, object_id=object_id, group_id=group_id, language=language, script=script, title=title, text=text, **extra
    )


def item_documents(
    item: LibraryItem, *, themes: Sequence[Any] | None = None, speakers: Sequence[Any] | None = None
) -> list[SearchDocument]:
    """An item in each language of its title, description or text (themes and speakers named too).

    ``themes`` and ``speakers``, when given, are the item's (looked up in bulk by the indexer).
    """
    themes = list(item.themes.all()) if themes is None else themes
    speakers = list(item.speakers.all()) if speakers is None else speakers
    documents = []
    for language in _languages(item.title, item.description, item.body):
        title = _text(item.title, language, item.original_language, fallback=True)
        parts = [
            _text(item.description, language),
            strip_tags(_text(item.body, language)),
            _text(item.author, language, item.original_language, fallback=True),
            " ".join(_text(t.name, language, fallback=True) for t in themes),
            " ".join(_text(p.name, language, p.original_language, fallback=True) for p in speakers),
        ]
        documents.append(_document("item", item.pk, item.pk, language, title, "\n".join(p for p in parts if p)))
    return documents


def caption_documents(caption: Caption) -> list[SearchDocument]:
    """Passages of a transcript (cues joined until about 30 s or 600 characters)."""
    documents = []
    title = _text(caption.item.title, caption.language, caption.item.original_language, fallback=True)
    passage: list[str] = []
    start: float | None = None
    length = 0
    for cue_start, _cue_end, text in caption.cues:
        if start is not None and (cue_start - start >= PASSAGE_SECONDS or length >= PASSAGE_CHARS):
            documents.append(_passage(caption, title, start, passage))
            passage, start, length = [], None, 0
        if start is None:
            start = cue_start
        passage.append(text)
        length += len(text)
    if passage and start is not None:
        documents.append(_passage(caption, title, start, passage))
    return documents


def _passage(caption: Caption, title: str, start: float, texts: list[str]) -> SearchDocument:
    return _document("transcript", caption.pk, caption.item_id, caption.language, title, " ".join(texts), start_seconds=start)


def webinar_documents(webinar: Any) -> list[SearchDocument]:
    """A public webinar in each language it is described in, with its speakers' names."""
    speakers = [s.person for s in webinar.speakers.all()]
    documents = []
    for language in _languages(webinar.title, webinar.summary, webinar.description):
        title = _text(webinar.title, language, webinar.original_language, fallback=True)
        parts = [
            _text(webinar.summary, language),
            strip_tags(_text(webinar.description, language)),
            " ".join(_text(p.name, language, p.original_language, fallback=True) for p in speakers),
        ]
        documents.append(_document("webinar", webinar.pk, webinar.pk, language, title, "\n".join(p for p in parts if p)))
    return documents


def person_documents(person: Any) -> list[SearchDocument]:
    """A speaker in each language of their name, affiliation or biography."""
    documents = []
    for language in _languages(person.name, person.affiliation, person.bio):
        title = _text(person.name, language, person.original_language, fallback=True)
        parts = [_text(person.affiliation, language), strip_tags(_text(person.bio, language))]
        documents.append(_document("person", person.pk, person.pk, language, title, "\n".join(p for p in parts if p)))
    return documents


def flatten(groups: Iterable[list[SearchDocument]]) -> list[SearchDocument]:
    return [document for group in groups for document in group]
