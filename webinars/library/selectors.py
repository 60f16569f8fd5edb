"""Reads of the library, and the one search service (whichever backend the database has)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from webinars.core.i18n import i18n_dict, localize
from webinars.programme.models import Person, Webinar
from webinars.programme.rules import is_active_superuser, may
from webinars.programme.selectors import series_for, webinar_public

from .models import Caption, LibraryItem, SearchDocument, Theme
from .search import query as search_query
from .search.analysis import fold, words

# --- items --------------------------------------------------------------------------------------


def item_published() -> QuerySet[LibraryItem]:
    return LibraryItem.objects.published().prefetch_related("themes")


def item_public(item_id: int) -> LibraryItem | None:
    """A published item with everything its page shows."""
    return (
        LibraryItem.objects.published()
        .filter(pk=item_id)
        .select_related("organisation")
        .prefetch_related(
            "themes",
            "speakers",
            "captions",
            Prefetch("webinars", queryset=webinar_public().order_by("-start_date")),
        )
        .first()
    )


def item_for_preview(*, user: Any, item_id: int) -> LibraryItem | None:
    """Any item, drafts included, that ``user`` may see (editors of its series; superusers)."""
    item = LibraryItem.objects.filter(pk=item_id).prefetch_related("themes", "speakers", "captions", "webinars").first()
    if item is None:
        return None
    return item if may(user, "library.view_items", item) else None


def item_file(item_id: int) -> LibraryItem | None:
    """A published item that has a stored file (its file may be served); None otherwise."""
    return LibraryItem.objects.published().filter(pk=item_id).exclude(file="").first()


def caption_public(item_id: int, language: str) -> Caption | None:
    """Captions of a published item (served as ``.vtt``); None for drafts."""
    return Caption.objects.filter(item_id=item_id, language=language, item__status=LibraryItem.Status.PUBLISHED).first()


def items_for_webinar(webinar: Webinar) -> list[LibraryItem]:
    return list(item_published().filter(webinars=webinar).prefetch_related("captions").order_by("kind", "id"))


def converted_link_ids(webinar: Webinar) -> set[int]:
    """Ids of the webinar's useful links that became library items (the page shows the items instead)."""
    return set(LibraryItem.objects.filter(from_link__webinar=webinar).values_list("from_link_id", flat=True))


def items_for_person(person: Person) -> list[LibraryItem]:
    return list(
        item_published().filter(Q(speakers=person) | Q(webinars__speakers__person=person)).distinct().order_by("-published_at", "-id")
    )


def items_newest(limit: int = 50) -> QuerySet[LibraryItem]:
    return item_published().order_by("-published_at", "-id")[:limit]


def items_editable_by(user: Any) -> QuerySet[LibraryItem]:
    """Items ``user`` may edit: those linked to webinars of series they edit (superusers: all)."""
    if is_active_superuser(user):
        return LibraryItem.objects.all()
    return LibraryItem.objects.filter(webinars__series__in=series_for(user, "library.change_item")).distinct()


def items_visible_to(user: Any) -> QuerySet[LibraryItem]:
    if is_active_superuser(user):
        return LibraryItem.objects.all()
    return LibraryItem.objects.filter(webinars__series__in=series_for(user, "library.view_items")).distinct()


def themes() -> QuerySet[Theme]:
    return Theme.objects.all()


def theme_with_counts() -> QuerySet[Theme]:
    """The list of themes with how many items carry each (the workspace's theme list)."""
    return Theme.objects.annotate(n_items=Count("items")).order_by("order", "slug")


# --- the workspace: a series' items ----------------------------------------------------------------


@dataclass
class SeriesItemFilters:
    q: str = ""
    kind: str = ""
    status: str = ""
    theme: str = ""
    language: str = ""


def series_items(series: Any, filters: SeriesItemFilters | None = None) -> QuerySet[LibraryItem]:
    """Items of ``series`` (linked to any of its webinars), drafts included, newest first.

    ``q`` looks in the titles and authors as typed in any language (drafts are not in the
    search index, and a series has hundreds of items, not millions).
    """
    filters = filters or SeriesItemFilters()
    ids = LibraryItem.objects.filter(webinars__series=series).values("pk")
    items = LibraryItem.objects.filter(pk__in=ids)
    if filters.q.strip():
        items = items.filter(pk__in=_matching_titles(items, filters.q))
    if filters.kind:
        items = items.filter(kind=filters.kind)
    if filters.status:
        items = items.filter(status=filters.status)
    if filters.theme:
        items = items.filter(themes__slug=filters.theme)
    if filters.language:
        items = items.filter(languages__icontains=f'"{filters.language}"')
    return items.prefetch_related("themes", "captions").order_by("-updated_at", "-id")


def _matching_titles(items: QuerySet[LibraryItem], q: str) -> list[int]:
    """Ids of the items whose title, author or address (any language) holds every word of ``q``.

    Read here rather than with ``icontains``: the translatable columns are JSON text with
    non-Latin letters escaped, so the database cannot compare Cyrillic, Armenian or Georgian
    words, nor fold their case.
    """
    wanted = [fold(word) for word in words(q)][:8]
    found = []
    for pk, title, author, url in items.values_list("pk", "title", "author", "url"):
        texts = [*i18n_dict(title).values(), *i18n_dict(author).values(), url or ""]
        haystack = " ".join(fold(word) for text in texts for word in words(text))
        if all(word in haystack for word in wanted):
            found.append(pk)
    return found


def series_item(series: Any, item_id: int) -> LibraryItem | None:
    """One item of ``series`` (None when it is not linked to a webinar of the series)."""
    return (
        LibraryItem.objects.filter(pk=item_id, webinars__series=series)
        .select_related("organisation")
        .prefetch_related("themes", "speakers", "captions", "webinars")
        .first()
    )


def series_webinar_choices(series: Any) -> QuerySet[Webinar]:
    return Webinar.objects.filter(series=series).order_by("-start_date", "-id")


def caption_speaker_names(item: LibraryItem) -> list[str]:
    """Every name (in every language) of the people who speak in the item's recording: its own
    speakers and the listed speakers of its webinars; captions keep these names as labels."""
    people = Person.objects.filter(Q(library_items=item) | Q(talks__webinar__library_items=item)).distinct()
    names: list[str] = []
    for person in people:
        data = getattr(person.name, "data", person.name)
        values = data.values() if isinstance(data, dict) else [data]
        names.extend(str(v) for v in values if v)
    return names


# --- the library page: filters and facets -----------------------------------------------------


@dataclass
class LibraryFilters:
    q: str = ""
    theme: str = ""
    kind: str = ""
    language: str = ""
    country: str = ""
    year: int | None = None


@dataclass
class FacetValue:
    value: str
    label: Any
    count: int
    selected: bool


@dataclass
class LibraryListing:
    items: list[LibraryItem]
    total: int
    facets: dict[str, list[FacetValue]] = field(default_factory=dict)
    #: item id → the search hit that found it (its snippet, its moment in a recording)
    hits: dict[int, Hit] = field(default_factory=dict)


LISTING_SEARCH_LIMIT = 500


def library_listing(filters: LibraryFilters, *, offset: int = 0, limit: int = 30) -> LibraryListing:
    """Published items matching the filters (and the search words), with facet counts."""
    base = LibraryItem.objects.published()
    order: list[int] | None = None
    ranked: dict[int, search_query.Ranked] = {}
    forms: set[str] = set()
    if filters.q.strip():
        found, forms = search_group_ids(filters.q, sources=("item", "transcript"), limit=LISTING_SEARCH_LIMIT)
        order = [entry.group_id for entry in found]
        ranked = {entry.group_id: entry for entry in found}
        base = base.filter(pk__in=order)
    matching = base
    if filters.theme:
        matching = matching.filter(themes__slug=filters.theme)
    if filters.kind:
        matching = matching.filter(kind=filters.kind)
    if filters.language:
        matching = matching.filter(languages__icontains=f'"{filters.language}"')
    if filters.country:
        matching = matching.filter(countries__contains=filters.country.upper()[:2])
    if filters.year:
        matching = matching.filter(date__year=filters.year)
    rows = list(matching.values_list("pk", "kind", "languages", "countries", "date").distinct())
    ids = [r[0] for r in rows]
    if order is not None:
        rank = {pk: i for i, pk in enumerate(order)}
        ids.sort(key=lambda pk: rank.get(pk, len(rank)))
    else:
        dates = {r[0]: r[4] for r in rows}
        ids.sort(key=lambda pk: (dates[pk] is not None, dates[pk], pk), reverse=True)
    page_ids = ids[offset : offset + limit]
    by_id = item_published().select_related("organisation").in_bulk(page_ids)
    items = [by_id[pk] for pk in page_ids if pk in by_id]
    hits = {hit.group_id: hit for hit in _hits([ranked[i.pk] for i in items if i.pk in ranked], forms)}
    for item in items:
        hit = hits.get(item.pk)
        if hit is not None:
            hit.url = item.get_absolute_url() + (
                f"?t={int(hit.start_seconds)}#t={int(hit.start_seconds)}" if hit.start_seconds is not None else ""
            )
    return LibraryListing(
        items=items, total=len(ids), facets=_facets(rows, ids, filters), hits={i.pk: hits[i.pk] for i in items if i.pk in hits}
    )


def _facets(rows: list[tuple], ids: list[int], filters: LibraryFilters) -> dict[str, list[FacetValue]]:
    from django_countries import countries as country_names

    from webinars.core.languages import language_name

    kinds: Counter[str] = Counter()
    languages: Counter[str] = Counter()
    countries: Counter[str] = Counter()
    years: Counter[str] = Counter()
    for _pk, kind, item_languages, item_countries, date in rows:
        kinds[kind] += 1
        languages.update(set(item_languages or []))
        # values_list gives the stored text of a multiple CountryField ("KZ,AM").
        codes = item_countries.split(",") if isinstance(item_countries, str) else [str(c) for c in item_countries or []]
        countries.update({c for c in codes if c})
        if date:
            years[str(date.year)] += 1
    theme_counts = (
        Theme.objects.filter(items__in=ids).annotate(n=Count("items", filter=Q(items__in=ids))).order_by("order", "slug")
        if ids
        else Theme.objects.none()
    )
    kind_labels = dict(LibraryItem.Kind.choices)
    return {
        "theme": [FacetValue(t.slug, t, getattr(t, "n", 0), t.slug == filters.theme) for t in theme_counts],
        "kind": [FacetValue(k, kind_labels.get(k, k), n, k == filters.kind) for k, n in sorted(kinds.items())],
        "language": [FacetValue(code, language_name(code), n, code == filters.language) for code, n in languages.most_common()],
        "country": [
            FacetValue(code, country_names.name(code) or code, n, code == filters.country.upper()) for code, n in countries.most_common()
        ],
        "year": [FacetValue(y, y, n, y == str(filters.year or "")) for y, n in sorted(years.items(), reverse=True)],
    }


# --- search -------------------------------------------------------------------------------------


@dataclass
class Hit:
    source: str
    group_id: int
    title: str
    language: str
    script: str
    snippet: SafeString
    title_html: SafeString
    matched_all: bool
    start_seconds: float | None = None
    url: str = ""
    kind: str = ""
    obj: Any = None


@dataclass
class SearchPage:
    query: str
    hits: list[Hit]
    #: more hits than the page shows
    more: bool = False


SOURCES = ("item", "transcript", "webinar", "person")


def search(q: str, *, sources: tuple[str, ...] = SOURCES, limit: int = 20, offset: int = 0, resolve: bool = True) -> SearchPage:
    """Items, transcripts, webinars and speakers matching ``q``, best first, one hit per object.

    Transcript passages count as hits of their recording (the best passage gives the snippet
    and the moment). With ``resolve`` the hits carry their objects and addresses.
    """
    parsed = search_query.parse(q)
    ranked = search_query.ranked(parsed, sources=sources, limit=max(search_query.CANDIDATES, offset + limit + 1))
    hits = _hits(ranked[offset : offset + limit], parsed.forms)
    if resolve:
        _resolve(hits)
        hits = [h for h in hits if h.obj is not None]
    return SearchPage(query=q, hits=hits, more=len(ranked) > offset + limit)


def search_group_ids(q: str, *, sources: tuple[str, ...], limit: int) -> tuple[list[search_query.Ranked], set[str]]:
    """The ranked hits (ids only, no text read) and the query's forms, for listings that filter further."""
    parsed = search_query.parse(q)
    return search_query.ranked(parsed, sources=sources, limit=limit), parsed.forms


def _hits(entries: list[search_query.Ranked], forms: set[str]) -> list[Hit]:
    documents = SearchDocument.objects.in_bulk([e.document_id for e in entries])
    hits = []
    for entry in entries:
        document = documents.get(entry.document_id)
        if document is None:
            continue
        hits.append(
            Hit(
                source=document.source,
                group_id=document.group_id,
                title=document.title,
                language=document.language,
                script=document.script,
                snippet=search_query.highlight(document.text, document.language, forms) if document.text else SafeString(""),
                title_html=search_query.highlight(document.title, document.language, forms, limit_words=None),
                matched_all=entry.matched_all,
                start_seconds=document.start_seconds,
            )
        )
    return hits


def _resolve(hits: list[Hit]) -> None:
    """Attach each hit's object (published ones only) and its address."""
    item_ids = [h.group_id for h in hits if h.source in ("item", "transcript")]
    # A hit shows its own title and snippet: of its object it needs the address and the kind, so
    # the long translatable columns are not read (a page of hits is 20 objects, read at every search).
    # Looked up by key alone and the status checked here: a condition on the status as well can
    # lead the planner to intersect with the status index, reading every published item's entry.
    items = {
        pk: item
        for pk, item in LibraryItem.objects.only("pk", "kind", "status").in_bulk(item_ids).items()
        if item.status == LibraryItem.Status.PUBLISHED
    }
    webinar_ids = [h.group_id for h in hits if h.source == "webinar"]
    webinars = webinar_public().select_related(None).select_related("series").only("pk", "slug", "series__slug").in_bulk(webinar_ids)
    people = Person.objects.only("pk", "slug").in_bulk([h.group_id for h in hits if h.source == "person"])
    item_url = reverse("library:item", args=[0]).replace("/0/", "/{}/")  # one reverse() per page of hits
    for hit in hits:
        if hit.source in ("item", "transcript"):
            hit.obj = items.get(hit.group_id)
            if hit.obj is not None:
                hit.kind = hit.obj.kind
                hit.url = item_url.format(hit.obj.pk)
                if hit.start_seconds is not None:
                    moment = int(hit.start_seconds)
                    hit.url += f"?t={moment}#t={moment}"
        elif hit.source == "webinar":
            hit.obj = webinars.get(hit.group_id)
            hit.url = hit.obj.get_absolute_url() if hit.obj else ""
        else:
            hit.obj = people.get(hit.group_id)
            hit.url = hit.obj.get_absolute_url() if hit.obj else ""


def transcript(item: LibraryItem, language: str | None = None) -> tuple[Caption | None, list[Caption]]:
    """The caption shown as the transcript (the UI language's, else the first) and all of them."""
    captions = list(item.captions.all())
    if not captions:
        return None, []
    for caption in captions:
        if caption.language == language:
            return caption, captions
    original = [c for c in captions if c.language == item.original_language]
    return (original or captions)[0], captions


def item_title(item: LibraryItem) -> tuple[str, str]:
    return localize(item.title, original=item.original_language)


def search_document_count() -> dict[str, int]:
    return dict(SearchDocument.objects.values_list("source").annotate(n=Count("pk")).values_list("source", "n"))
