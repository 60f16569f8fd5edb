"""Public pages of the library and of search: thin views over ``library.selectors``."""

from __future__ import annotations

import mimetypes
import re

from django.http import FileResponse, Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_safe

from webinars.core.caching import cached_public_page
from webinars.core.languages import CONTENT_LANGUAGE_CODES
from webinars.library import selectors
from webinars.library.models import LibraryItem

from .structured_data import library_item_json_ld

PAGE_SIZE = 30
SEARCH_PAGE_SIZE = 20
TRANSCRIPT_PART_SECONDS = 600
PARAGRAPH_SECONDS = 30
RANGE_RE = re.compile(r"bytes=(\d*)-(\d*)$")


def _int(value: str | None, default: int = 0, *, low: int = 0, high: int = 10**7) -> int:
    try:
        number = int(value or default)
    except (TypeError, ValueError):
        return default
    return min(max(number, low), high)


@require_safe
@cached_public_page
def library(request: HttpRequest) -> HttpResponse:
    year = _int(request.GET.get("year"), 0, high=3000)
    filters = selectors.LibraryFilters(
        q=(request.GET.get("q") or "")[:200],
        theme=(request.GET.get("theme") or "")[:80],
        kind=(request.GET.get("kind") or "")[:16],
        language=(request.GET.get("language") or "")[:8],
        country=(request.GET.get("country") or "")[:2],
        year=year or None,
    )
    page_number = _int(request.GET.get("page"), 1, low=1, high=10_000)
    listing = selectors.library_listing(filters, offset=(page_number - 1) * PAGE_SIZE, limit=PAGE_SIZE)
    pages = max(1, -(-listing.total // PAGE_SIZE))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "public/library/list.html",
        {
            "filters": filters,
            "listing": listing,
            "items": [(item, listing.hits.get(item.pk)) for item in listing.items],
            "page_number": page_number,
            "pages": pages,
            "query_string": query.urlencode(),
            "filtered": any([filters.q, filters.theme, filters.kind, filters.language, filters.country, filters.year]),
        },
    )


def _paragraphs(cues: list, part: int) -> list[dict]:
    """Cues of one part of the transcript, joined into paragraphs of about half a minute."""
    start_limit, end_limit = part * TRANSCRIPT_PART_SECONDS, (part + 1) * TRANSCRIPT_PART_SECONDS
    paragraphs: list[dict] = []
    for start, _end, text in cues:
        if not start_limit <= start < end_limit:
            continue
        if paragraphs and start - paragraphs[-1]["start"] < PARAGRAPH_SECONDS:
            paragraphs[-1]["text"] += " " + text
        else:
            paragraphs.append({"start": int(start), "clock": _clock(start), "text": text})
    return paragraphs


def _clock(seconds: float) -> str:
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    return f"{hours}:{rest // 60:02d}:{rest % 60:02d}" if hours else f"{rest // 60:02d}:{rest % 60:02d}"


@require_safe
@cached_public_page
def item_detail(request: HttpRequest, item_id: int) -> HttpResponse:
    item = selectors.item_public(item_id)
    if item is None:
        raise Http404
    return _render_item(request, item)


def _render_item(request: HttpRequest, item: LibraryItem, *, preview: bool = False) -> HttpResponse:
    wanted = request.GET.get("lang_t") or translation.get_language()
    caption, captions = selectors.transcript(item, wanted if wanted in CONTENT_LANGUAGE_CODES else None)
    moment = _int(request.GET.get("t"), 0, high=10**6)
    parts = 0
    paragraphs: list[dict] = []
    part = 0
    if caption is not None and caption.cues:
        parts = int(caption.cues[-1][0] // TRANSCRIPT_PART_SECONDS) + 1
        part = _int(request.GET.get("part"), moment // TRANSCRIPT_PART_SECONDS + 1, low=1, high=parts) - 1
        paragraphs = _paragraphs(caption.cues, part)
    return render(
        request,
        "public/library/item.html",
        {
            "item": item,
            "preview": preview,
            "video_source": item.video_source,
            "moment": moment,
            "captions": captions,
            "caption": caption,
            "paragraphs": paragraphs,
            "part": part + 1,
            "parts": range(1, parts + 1) if parts > 1 else [],
            "webinars": list(item.webinars.all()),
            "speakers": list(item.speakers.all()),
            "themes": list(item.themes.all()),
            "json_ld": library_item_json_ld(item, paragraphs),
        },
    )


def item_preview(request: HttpRequest, item_id: int) -> HttpResponse:
    """Editors see a draft as it will look (``library.view_items`` on the item)."""
    item = selectors.item_for_preview(user=request.user, item_id=item_id)
    if item is None:
        raise Http404
    return _render_item(request, item, preview=True)


def _file_response(request: HttpRequest, stored, filename: str) -> HttpResponse:
    """The stored file, with byte ranges (a video player seeks with them)."""
    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
    try:
        size = stored.size
    except OSError as error:  # the row outlived its file (restored database, storage moved)
        raise Http404 from error
    match = RANGE_RE.match(request.headers.get("Range", "").strip())
    if match and (match[1] or match[2]):
        if match[1]:
            start = int(match[1])
            end = min(int(match[2]) if match[2] else size - 1, size - 1)
        else:
            start, end = max(0, size - int(match[2])), size - 1
        if start > end or start >= size:
            response = HttpResponse(status=416)
            response["Content-Range"] = f"bytes */{size}"
            return response
        handle = stored.open("rb")
        handle.seek(start)
        length = end - start + 1

        def chunks(remaining: int = length):
            try:
                while remaining > 0:
                    block = handle.read(min(65536, remaining))
                    if not block:
                        break
                    remaining -= len(block)
                    yield block
            finally:
                handle.close()

        response = StreamingHttpResponse(chunks(), status=206, content_type=content_type)
        response["Content-Range"] = f"bytes {start}-{end}/{size}"
        response["Content-Length"] = str(length)
    else:
        response = FileResponse(stored.open("rb"), content_type=content_type, filename=filename)
    response["Accept-Ranges"] = "bytes"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_safe
def item_file(request: HttpRequest, item_id: int) -> HttpResponse:
    """The item's uploaded file: only once the item is published (a draft's file has no address)."""
    item = selectors.item_file(item_id)
    if item is None:
        raise Http404
    return _file_response(request, item.file, item.file.name.rsplit("/", 1)[-1])


@require_safe
def caption_file(request: HttpRequest, item_id: int, language: str) -> HttpResponse:
    caption = selectors.caption_public(item_id, language)
    if caption is None:
        raise Http404
    response = _file_response(request, caption.file, f"{item_id}-{language}.vtt")
    response["Content-Type"] = "text/vtt; charset=utf-8"
    return response


@require_safe
@cached_public_page
def search(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:200]
    page_number = _int(request.GET.get("page"), 1, low=1, high=50)
    results = selectors.search(q, limit=SEARCH_PAGE_SIZE, offset=(page_number - 1) * SEARCH_PAGE_SIZE) if q else None
    return render(request, "public/search.html", {"q": q, "search_q": q, "results": results, "page_number": page_number})
