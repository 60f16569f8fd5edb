"""Keeping the index right: what is public is indexed, what is not is not.

The library's services call :func:`item_reindex` inside their transaction, so an item and
its index change together. Changes to the programme arrive as its domain event
``content_changed`` (``receivers``); they are collected per transaction and indexed once
when it commits (:func:`schedule`), so an admin save of a webinar with ten inlines indexes
it once. ``manage.py rebuild_search_index`` builds everything again (:func:`rebuild`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any

from django.db import transaction
from django.db.models import Prefetch

from webinars.programme.models import Person, Webinar, WebinarSpeaker

from ..models import Caption, LibraryItem, SearchDocument, Theme
from . import documents as docs
from .analysis import document_terms
from .backends import IndexRow, backend

BATCH = 2000

ITEM_SOURCES = ("item", "transcript")


def _rows(saved: Sequence[SearchDocument]) -> tuple[list[IndexRow], set[str]]:
    rows = []
    terms: set[str] = set()
    for document in saved:
        title_native, title_latin = document_terms(document.title, document.language)
        body_native, body_latin = document_terms(document.text, document.language)
        rows.append(
            IndexRow(document.pk, document.source, document.script, document.group_id, title_native, body_native, title_latin, body_latin)
        )
        terms.update(title_native, title_latin, body_native, body_latin)
    return rows, terms


def _store(documents: Sequence[SearchDocument], *, seen_terms: set[str] | None = None) -> int:
    """Store documents and their index rows; ``seen_terms`` (in bulk runs) skips terms already added."""
    if not documents:
        return 0
    saved = SearchDocument.objects.bulk_create(documents, batch_size=BATCH)
    rows, terms = _rows(saved)
    engine = backend()
    engine.insert(rows)
    if seen_terms is not None:
        terms -= seen_terms
        seen_terms |= terms
    engine.add_terms(terms)
    return len(saved)


def _remove(source: str, object_ids: Iterable[int], *, by_group: bool = False) -> int:
    field = "group_id" if by_group else "object_id"
    ids = list(SearchDocument.objects.filter(source=source, **{f"{field}__in": list(object_ids)}).values_list("pk", flat=True))
    if ids:
        backend().delete(ids)
        SearchDocument.objects.filter(pk__in=ids).delete()
    return len(ids)


# --- objects ------------------------------------------------------------------------------------


def item_queryset():
    """Items to index; their themes, speakers and captions are looked up by ``items_index`` per chunk."""
    return LibraryItem.objects.all()


#: Items whose relations are looked up together when indexing in bulk.
RELATION_CHUNK = 500


def _with_relations(items: Iterable[LibraryItem]) -> Iterator[tuple[LibraryItem, list[Theme], list[Person], list[Caption]]]:
    """Each item with its themes, speakers and captions (in their models' order), three queries per chunk.

    ``prefetch_related`` would do the same look-ups but build a related manager and a queryset per
    item and relation: with the words' analysis cached, that was the largest cost of bulk indexing.
    """
    themes_by_id: dict[int, Theme] = {}
    people_by_id: dict[int, Person] = {}
    iterator = iter(items)
    while chunk := list(islice(iterator, RELATION_CHUNK)):
        ids = [item.pk for item in chunk]
        theme_links = list(
            LibraryItem.themes.through.objects.filter(libraryitem_id__in=ids)
            .order_by("theme__order", "theme__slug")
            .values_list("libraryitem_id", "theme_id")
        )
        speaker_links = list(
            LibraryItem.speakers.through.objects.filter(libraryitem_id__in=ids)
            .order_by("person__slug")
            .values_list("libraryitem_id", "person_id")
        )
        themes_by_id.update(Theme.objects.in_bulk({t for _i, t in theme_links} - themes_by_id.keys()))
        people_by_id.update(
            Person.objects.only("pk", "name", "original_language").in_bulk({p for _i, p in speaker_links} - people_by_id.keys())
        )
        themes: dict[int, list[Theme]] = {}
        for item_id, theme_id in theme_links:
            themes.setdefault(item_id, []).append(themes_by_id[theme_id])
        speakers: dict[int, list[Person]] = {}
        for item_id, person_id in speaker_links:
            speakers.setdefault(item_id, []).append(people_by_id[person_id])
        captions: dict[int, list[Caption]] = {}
        for caption in Caption.objects.filter(item_id__in=ids).order_by("item_id", "language"):
            captions.setdefault(caption.item_id, []).append(caption)
        for item in chunk:
            yield item, themes.get(item.pk, []), speakers.get(item.pk, []), captions.get(item.pk, [])


def item_reindex(item: LibraryItem) -> int:
    """Index a published item and its transcripts again; remove an unpublished or deleted one."""
    _remove("item", [item.pk])
    _remove("transcript", [item.pk], by_group=True)
    if item.pk is None or not LibraryItem.objects.filter(pk=item.pk, status=LibraryItem.Status.PUBLISHED).exists():
        return 0
    fresh = item_queryset().get(pk=item.pk)
    captions = list(Caption.objects.filter(item=fresh).select_related("item"))
    return _store(docs.item_documents(fresh) + docs.flatten(docs.caption_documents(c) for c in captions))


def item_unindex(item_id: int) -> None:
    _remove("item", [item_id])
    _remove("transcript", [item_id], by_group=True)


def webinar_queryset():
    return Webinar.objects.public().prefetch_related(Prefetch("speakers", queryset=WebinarSpeaker.objects.select_related("person")))


def webinar_reindex(webinar_ids: Iterable[int]) -> int:
    ids = list(webinar_ids)
    _remove("webinar", ids)
    return _store(docs.flatten(docs.webinar_documents(w) for w in webinar_queryset().filter(pk__in=ids)))


def person_reindex(person_ids: Iterable[int]) -> int:
    ids = list(person_ids)
    _remove("person", ids)
    return _store(docs.flatten(docs.person_documents(p) for p in Person.objects.filter(pk__in=ids)))


REINDEX: dict[str, Callable[[Iterable[int]], int]] = {"webinar": webinar_reindex, "person": person_reindex}


# --- changes collected per transaction ------------------------------------------------------------


class _Batch:
    """Objects to index again when the transaction that changed them commits."""

    def __init__(self) -> None:
        self.keys: dict[str, set[int]] = {}
        self.done = False

    def flush(self) -> None:
        self.done = True
        keys, self.keys = self.keys, {}
        with transaction.atomic():
            for source, ids in keys.items():
                REINDEX[source](sorted(ids))


def schedule(source: str, object_id: int) -> None:
    """Index ``source`` object ``object_id`` again once the current transaction commits (at once outside one)."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        REINDEX[source]([object_id])
        return
    batch: _Batch | None = getattr(connection, "_library_index_batch", None)
    # A rolled-back transaction drops its callbacks: then this batch is stale and a new one is registered.
    if batch is None or batch.done or not any(entry[1] == batch.flush for entry in connection.run_on_commit):
        batch = _Batch()
        connection._library_index_batch = batch  # type: ignore[attr-defined]
        transaction.on_commit(batch.flush)
    batch.keys.setdefault(source, set()).add(object_id)


# --- in bulk -------------------------------------------------------------------------------------


def items_index(
    items: Iterable[LibraryItem],
    *,
    progress: Callable[[str, int], Any] | None = None,
    seen_terms: set[str] | None = None,
    finish: bool = True,
) -> dict[str, int]:
    """Index many published items and their transcripts in batches (already removed from the index).

    With ``finish`` the backend then tidies its index for searching (``Backend.after_bulk``).
    """
    counts = {"item": 0, "transcript": 0}
    batch: list[SearchDocument] = []
    seen = set() if seen_terms is None else seen_terms

    def flush() -> None:
        stored = _store(batch, seen_terms=seen)
        for document in batch:
            counts[document.source] += 1
        batch.clear()
        if progress:
            progress("documents", stored)

    for item, themes, speakers, captions in _with_relations(items):
        batch.extend(docs.item_documents(item, themes=themes, speakers=speakers))
        for caption in captions:
            caption.item = item
            batch.extend(docs.caption_documents(caption))
        if len(batch) >= BATCH:
            flush()
    flush()
    if finish:
        backend().after_bulk()
    return counts


# --- everything ----------------------------------------------------------------------------------


def rebuild(*, progress: Callable[[str, int], Any] | None = None) -> dict[str, int]:
    """Empty the index and index every public object again; counts of documents per source."""
    counts = {"item": 0, "transcript": 0, "webinar": 0, "person": 0}
    seen: set[str] = set()
    with transaction.atomic():
        backend().clear()
        SearchDocument.objects.all().delete()
        batch: list[SearchDocument] = []

        def flush() -> None:
            stored = _store(batch, seen_terms=seen)
            for document in batch:
                counts[document.source] += 1
            batch.clear()
            if progress:
                progress("documents", stored)

        counts.update(
            items_index(
                item_queryset().filter(status=LibraryItem.Status.PUBLISHED).iterator(chunk_size=BATCH),
                progress=progress,
                seen_terms=seen,
                finish=False,
            )
        )
        for webinar in webinar_queryset().iterator(chunk_size=BATCH):
            batch.extend(docs.webinar_documents(webinar))
            if len(batch) >= BATCH:
                flush()
        for person in Person.objects.iterator(chunk_size=BATCH):
            batch.extend(docs.person_documents(person))
            if len(batch) >= BATCH:
                flush()
        flush()
        backend().after_bulk()
    return counts
