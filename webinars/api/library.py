"""The library and search in the JSON API v1: ``GET library/``, ``GET library/{id}/``, ``GET search``.

Published items only; never a draft, never a private file address. Uploaded files are
named by their public download address, which answers only while the item is published.
"""

import datetime as dt
from typing import Literal

from django.conf import settings
from django.http import Http404, HttpRequest
from django.urls import reverse
from ninja import Path, Query, Router, Schema
from ninja.pagination import paginate
from pydantic import Field

from webinars.core.i18n import i18n_dict, i18n_text, sanitize_html
from webinars.library import selectors
from webinars.library.models import LibraryItem

from .schemas import CountryCode, LanguageCode, Slug, Uri, UriOrEmpty

router = Router(tags=["library"])

Kind = Literal["guide", "article", "video", "recording", "slides", "dataset", "link"]


class ThemeOut(Schema):
    slug: Slug
    name: str
    name_i18n: dict[str, str]


class LibraryItemOut(Schema):
    id: int
    title: str
    title_i18n: dict[str, str]
    description: str
    kind: Kind
    languages: list[LanguageCode]
    themes: list[ThemeOut]
    countries: list[CountryCode]
    author: str
    licence: str
    date: dt.date | None
    url: UriOrEmpty
    file_url: UriOrEmpty
    page_url: Uri
    published_at: dt.datetime | None


class CaptionOut(Schema):
    language: LanguageCode
    url: Uri
    cues: int


class LibraryItemDetailOut(LibraryItemOut):
    description_i18n: dict[str, str]
    body_html: str
    webinars: list[int]
    speakers: list[str]
    captions: list[CaptionOut]


class SearchHitOut(Schema):
    source: Literal["item", "transcript", "webinar", "person"]
    id: int
    title: str
    language: str
    snippet_html: str = Field(description="The matching passage, HTML-escaped, with the matched words in <mark>.")
    url: Uri
    start_seconds: float | None
    matched_all_words: bool


class SearchOut(Schema):
    query: str
    hits: list[SearchHitOut]
    more: bool


class LibraryFilters(Schema):
    q: str | None = Field(None, max_length=200)
    theme: str | None = Field(None, max_length=80)
    kind: Kind | None = None
    language: str | None = Field(None, max_length=8)
    country: str | None = Field(None, max_length=2)
    year: int | None = Field(None, ge=1900, le=2100)


def _absolute(path: str) -> str:
    return settings.SITE_URL + path


def item_dict(item: LibraryItem) -> dict:
    return {
        "id": item.pk,
        "title": str(item),
        "title_i18n": i18n_dict(item.title),
        "description": i18n_text(item.description, original=item.original_language),
        "kind": item.kind,
        "languages": list(item.languages or []),
        "themes": [{"slug": t.slug, "name": str(t), "name_i18n": i18n_dict(t.name)} for t in item.themes.all()],
        "countries": [c.code for c in item.countries],
        "author": i18n_text(item.author, original=item.original_language),
        "licence": item.licence,
        "date": item.date,
        "url": item.url,
        "file_url": _absolute(reverse("library:file", args=[item.pk])) if item.file else "",
        "page_url": _absolute(item.get_absolute_url()),
        "published_at": item.published_at,
    }


def item_detail_dict(item: LibraryItem) -> dict:
    return {
        **item_dict(item),
        "description_i18n": i18n_dict(item.description),
        "body_html": sanitize_html(i18n_text(item.body, original=item.original_language)),
        "webinars": [w.pk for w in item.webinars.all()],
        "speakers": [p.slug for p in item.speakers.all()],
        "captions": [
            {"language": c.language, "url": _absolute(reverse("library:captions", args=[item.pk, c.language])), "cues": len(c.cues)}
            for c in item.captions.all()
        ],
    }


def register(api, pagination, *, error_schema, max_id: int) -> None:
    """Add the library's endpoints to ``api`` with the API's pagination class and error shape."""

    @router.get(
        "/library/", response={200: list[LibraryItemOut], 400: error_schema}, summary="Published library items (filters as on /library/)"
    )
    @paginate(pagination)
    def library_list(request: HttpRequest, filters: Query[LibraryFilters]):
        wanted = selectors.LibraryFilters(
            q=filters.q or "",
            theme=filters.theme or "",
            kind=filters.kind or "",
            language=filters.language or "",
            country=filters.country or "",
            year=filters.year,
        )
        return _Listing(wanted)

    @router.get(
        "/library/{item_id}/",
        response={200: LibraryItemDetailOut, 400: error_schema, 404: error_schema},
        summary="One published library item",
    )
    def library_detail(request: HttpRequest, item_id: int = Path(..., ge=1, le=max_id)):
        item = selectors.item_public(item_id)
        if item is None:
            raise Http404
        return item_detail_dict(item)

    @router.get(
        "/search",
        response={200: SearchOut, 400: error_schema},
        summary="Search items, transcripts, webinars and speakers in any language or script",
    )
    def search(request: HttpRequest, q: str = Query(..., min_length=1, max_length=200), page: int = Query(1, ge=1, le=50)):
        size = 20
        results = selectors.search(q, limit=size, offset=(page - 1) * size)
        return {
            "query": q,
            "hits": [
                {
                    "source": hit.source,
                    "id": hit.obj.pk,
                    "title": hit.title,
                    "language": hit.language,
                    "snippet_html": str(hit.snippet),
                    "url": _absolute(hit.url),
                    "start_seconds": hit.start_seconds,
                    "matched_all_words": hit.matched_all,
                }
                for hit in results.hits
            ],
            "more": results.more,
        }

    api.add_router("", router)


class _Listing:
    """The library listing as a sliceable sequence: each page is one ``library_listing`` call."""

    def __init__(self, filters: "selectors.LibraryFilters") -> None:
        self.filters = filters
        self._total: int | None = None

    def count(self) -> int:
        if self._total is None:
            self._total = selectors.library_listing(self.filters, offset=0, limit=0).total
        return self._total

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item):
        if not isinstance(item, slice):
            raise TypeError("pages only")
        start, stop = item.start or 0, item.stop or 0
        listing = selectors.library_listing(self.filters, offset=start, limit=max(0, stop - start))
        return [item_dict(i) for i in listing.items]
