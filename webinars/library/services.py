"""Writes to the library: items, their files and captions, themes, publication, imports.

Each function owns its transaction, logs (``library.*`` codes) and sends the library's
domain events; the search index changes in the same transaction (``search.index``).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Any

from django.core.files.base import ContentFile, File
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from webinars.audit.services import log_action
from webinars.core.errors import DomainError
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.core.rich_text import markdown_per_language
from webinars.programme.models import Series, Webinar, WebinarLink

from . import captions as caption_files
from . import signals
from .conversion import convert_links
from .importing import ItemRow
from .importing import parse as parse_import
from .models import Caption, LibraryItem, Theme
from .rules import item_series_ids
from .search import index
from .selectors import caption_speaker_names

#: Files an item may carry. No HTML, SVG or scripts: the file is served from the site's own address.
FILE_EXTENSIONS = (
    "pdf", "ppt", "pptx", "odp", "key", "doc", "docx", "odt", "rtf", "txt", "epub", "xls", "xlsx", "ods", "csv", "json", "zip",
    "mp4", "webm", "ogv", "m4v", "mov", "mp3", "m4a", "ogg", "wav", "png", "jpg", "jpeg", "webp",
)  # fmt: skip
MAX_FILE_BYTES = 500 * 1024 * 1024


def _check_file(file: File) -> None:
    name = file.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in FILE_EXTENSIONS:
        raise DomainError(
            _("Files of this kind are not accepted; use one of: %(kinds)s.") % {"kinds": ", ".join(FILE_EXTENSIONS)}, field="file"
        )
    if (file.size or 0) > MAX_FILE_BYTES:
        raise DomainError(_("The file is larger than %(mb)d MB.") % {"mb": MAX_FILE_BYTES // (1024 * 1024)}, field="file")


def _series(item: LibraryItem) -> int | None:
    ids = item_series_ids(item)
    return min(ids) if ids else None


def _forget_series(item: LibraryItem) -> None:
    if hasattr(item, "_series_ids"):
        del item._series_ids


@transaction.atomic
def item_save(
    *,
    item: LibraryItem,
    themes: Iterable[Theme] | None = None,
    webinars: Iterable[Any] | None = None,
    speakers: Iterable[Any] | None = None,
    actor: Any = None,
    reindex: bool = True,
    body_markdown: dict[str, str] | None = None,
    file: File | None = None,
    remove_file: bool = False,
) -> LibraryItem:
    """Store an item as edited (its relations too when given); a published one is indexed again.

    ``body_markdown`` (``{language: Markdown}``) is kept as typed and stored as sanitised HTML
    in ``body``. ``file`` replaces the stored file (kept in the private library storage, served
    only once the item is published); ``remove_file`` drops it. A replaced or removed file is
    deleted from the storage once the transaction commits.
    ``reindex=False`` when the caller saves the relations itself and then calls
    :func:`item_relations_saved` (the admin's form saves many-to-many fields after the item).
    """
    created = item.pk is None
    unknown = [code for code in item.languages or [] if code not in CONTENT_LANGUAGE_CODES]
    if unknown:
        raise DomainError(_("Unknown language code: %(codes)s.") % {"codes": ", ".join(unknown)}, field="languages")
    if item.status == LibraryItem.Status.PUBLISHED and item.published_at is None:
        item.published_at = timezone.now()
    if body_markdown is not None:
        typed = {lang: text for lang, text in body_markdown.items() if text and text.strip()}
        item.body_source = typed  # type: ignore[assignment]  # i18n fields take a dict
        item.body = markdown_per_language(typed)  # type: ignore[assignment]
    old_file = item.file.name if item.file else ""
    if file is not None:
        _check_file(file)
        item.file.save(file.name or "file", file, save=False)
    elif remove_file:
        item.file = None
    item.save()
    if old_file and old_file != (item.file.name if item.file else ""):
        storage = item.file.storage
        transaction.on_commit(functools.partial(storage.delete, old_file))
    if themes is not None:
        item.themes.set(list(themes))
    if webinars is not None:
        item.webinars.set(list(webinars))
        _forget_series(item)
    if speakers is not None:
        item.speakers.set(list(speakers))
    log_action(
        "library.item_created" if created else "library.item_changed",
        actor=actor,
        obj=item,
        series=_series(item),
        data={"item": item.pk, "status": item.status},
    )
    if reindex:
        item_relations_saved(item=item, actor=actor)
    return item


@transaction.atomic
def item_relations_saved(*, item: LibraryItem, actor: Any = None) -> LibraryItem:
    """Index an item again once everything about it is stored, and announce the change."""
    _forget_series(item)
    index.item_reindex(item)
    signals.item_changed.send(sender=LibraryItem, item=item, actor=actor)
    return item


STATUS_EVENTS = {
    LibraryItem.Status.PUBLISHED: ("library.item_published", signals.item_published),
    LibraryItem.Status.DRAFT: ("library.item_unpublished", signals.item_unpublished),
}


@transaction.atomic
def item_set_status(*, item: LibraryItem, status: str, actor: Any = None) -> LibraryItem:
    """Publish an item (its page, file, captions and search entry appear) or take it back to draft."""
    if status not in LibraryItem.Status.values:
        raise DomainError(_("Unknown status."), field="status")
    before = item.status
    item.status = status
    fields = ["status", "updated_at"]
    if status == LibraryItem.Status.PUBLISHED and item.published_at is None:
        item.published_at = timezone.now()
        fields.append("published_at")
    item.save(update_fields=fields)
    if before != status:
        code, signal = STATUS_EVENTS[LibraryItem.Status(status)]
        log_action(code, actor=actor, obj=item, series=_series(item), data={"item": item.pk, "from_status": before, "to_status": status})
        index.item_reindex(item)
        signal.send(sender=LibraryItem, item=item, actor=actor)
    return item


@transaction.atomic
def item_delete(*, item: LibraryItem, actor: Any = None) -> None:
    """Delete an item, its captions and stored files (the files once the deletion is committed)."""
    item_id = item.pk
    files = [f for f in [item.file, *(c.file for c in item.captions.all())] if f]
    log_action("library.item_deleted", actor=actor, obj=item, series=_series(item), data={"item": item_id})
    index.item_unindex(item_id)
    item.delete()
    for stored in files:
        transaction.on_commit(functools.partial(stored.storage.delete, stored.name or ""))
    signals.item_deleted.send(sender=LibraryItem, item=item, item_id=item_id, actor=actor)


def _prepared(item: LibraryItem, language: str, data: bytes) -> caption_files.CaptionPreview:
    """The file as it will be published: checked, and only the recording's speakers named in it."""
    with translation.override(language):
        participant = _("Participant")
    return caption_files.prepare(data, speakers=caption_speaker_names(item), participant=participant)


def caption_preview(*, item: LibraryItem, language: str, data: bytes) -> caption_files.CaptionPreview:
    """What :func:`caption_upload` would store (the cues as published, the labels replaced and
    kept), or ``CaptionFileError`` by line; stores nothing."""
    return _prepared(item, language, data)


@transaction.atomic
def caption_upload(*, item: LibraryItem, language: str, data: bytes, filename: str = "captions.vtt", actor: Any = None) -> Caption:
    """Attach (or replace) the item's WebVTT captions in ``language``.

    A malformed file raises ``CaptionFileError`` naming its line; nothing is stored then.
    Speaker labels ("Name: …", ``<v Name>``) that are not the item's or its webinars' speakers
    become "Participant" (in the captions' language) in the stored file and its cues:
    participants' names are never published.
    """
    if language not in CONTENT_LANGUAGE_CODES:
        raise DomainError(_("Unknown language code: %(codes)s.") % {"codes": language}, field="language")
    prepared = _prepared(item, language, data)
    caption = Caption.objects.filter(item=item, language=language).first() or Caption(item=item, language=language)
    old_name = caption.file.name if caption.pk and caption.file else ""
    caption.cues = prepared.cues
    name = filename if filename.lower().endswith(".vtt") else f"{filename}.vtt"
    caption.file.save(name, ContentFile(prepared.text.encode()), save=False)
    caption.save()
    if old_name and old_name != caption.file.name:
        storage = caption.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    log_action(
        "library.caption_uploaded",
        actor=actor,
        obj=item,
        series=_series(item),
        data={"item": item.pk, "language": language, "cues": len(prepared.cues), "labels_replaced": prepared.replaced},
    )
    index.item_reindex(item)
    signals.item_changed.send(sender=LibraryItem, item=item, actor=actor)
    return caption


@transaction.atomic
def caption_save(*, caption: Caption, actor: Any = None) -> Caption:
    """Store a caption whose file was just uploaded in a form (the admin): checked by line, and
    with participants' labels replaced as :func:`caption_upload` does."""
    stored = caption.file
    committed = getattr(stored, "_committed", True)
    if committed:
        with stored.open("rb"):
            data = stored.read()
    else:  # just uploaded, not yet in the storage
        upload = stored.file
        upload.seek(0)
        data = upload.read()
        upload.seek(0)
    prepared = _prepared(caption.item, caption.language, data)
    published = prepared.text.encode()
    if published != data:
        old_name = stored.name if committed else ""
        caption.file.save((stored.name or "captions.vtt").rsplit("/", 1)[-1], ContentFile(published), save=False)
        if old_name and old_name != caption.file.name:
            storage = caption.file.storage
            transaction.on_commit(lambda: storage.delete(old_name))
    caption.cues = prepared.cues
    caption.save()
    log_action(
        "library.caption_uploaded",
        actor=actor,
        obj=caption.item,
        series=_series(caption.item),
        data={"item": caption.item_id, "language": caption.language, "cues": len(caption.cues), "labels_replaced": prepared.replaced},
    )
    index.item_reindex(caption.item)
    return caption


@transaction.atomic
def caption_delete(*, caption: Caption, actor: Any = None) -> None:
    item = caption.item
    storage, name = caption.file.storage, caption.file.name
    log_action("library.caption_deleted", actor=actor, obj=item, series=_series(item), data={"item": item.pk, "language": caption.language})
    caption.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
    index.item_reindex(item)


@transaction.atomic
def theme_save(*, theme: Theme, actor: Any = None) -> Theme:
    """Store a theme of the list; the published items that carry it are indexed again (its name is searchable)."""
    created = theme.pk is None
    if not theme.slug:
        raise DomainError(_("Give the theme an address (letters, digits and hyphens)."), field="slug")
    if Theme.objects.filter(slug=theme.slug).exclude(pk=theme.pk).exists():
        raise DomainError(_("Another theme has this address; choose another."), field="slug")
    theme.save()
    log_action("library.theme_created" if created else "library.theme_changed", actor=actor, obj=theme, data={"theme": theme.pk})
    for item in theme.items.filter(status=LibraryItem.Status.PUBLISHED):
        index.item_reindex(item)
    return theme


@transaction.atomic
def theme_delete(*, theme: Theme, actor: Any = None) -> None:
    """Remove a theme from the list (and from the items that carried it, which are indexed again)."""
    items = list(theme.items.filter(status=LibraryItem.Status.PUBLISHED))
    log_action("library.theme_deleted", actor=actor, obj=theme, data={"theme": theme.pk, "items": len(items)})
    theme.delete()
    for item in items:
        index.item_reindex(item)


@transaction.atomic
def links_convert(*, actor: Any = None) -> list[int]:
    """Turn the webinars' useful links that are not yet library items into items (see ``conversion``)."""
    created = convert_links(LibraryItem, WebinarLink, now=timezone.now())
    for item in LibraryItem.objects.filter(pk__in=created, status=LibraryItem.Status.PUBLISHED):
        index.item_reindex(item)
    if created:
        log_action("library.links_converted", actor=actor, data={"count": len(created)})
    return created


def search_index_rebuild() -> dict[str, int]:
    """Index every public object again (``manage.py rebuild_search_index``)."""
    return index.rebuild()


def items_import_check(*, data: bytes, series: Series | None = None, default_webinars: Iterable[Webinar] = ()) -> list[ItemRow]:
    """The dry run of :func:`items_import`: the rows it would create, or ``ImportFileError`` by line; stores nothing."""
    return parse_import(data, series=series, default_webinars=list(default_webinars))


@transaction.atomic
def items_import(
    *, data: bytes, actor: Any = None, series: Series | None = None, default_webinars: Iterable[Webinar] = ()
) -> list[LibraryItem]:
    """Create the items of a CSV file (``importing``): all of them, or none and every problem by line.

    With ``series`` (the workspace), every row's webinars must be of that series, and rows
    naming none are linked to ``default_webinars``.
    """
    rows = items_import_check(data=data, series=series, default_webinars=default_webinars)
    created = []
    for row in rows:
        created.append(item_save(item=row.item, themes=row.themes, webinars=row.webinars, speakers=row.speakers, actor=actor))
    log_action("library.items_imported", actor=actor, series=series.pk if series else None, data={"count": len(created)})
    return created
