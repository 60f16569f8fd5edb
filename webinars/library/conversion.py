"""A webinar's useful links as library items (used by migration 0003 and ``services.links_convert``).

Written against the models it is given, so the migration runs it on the historical models.
A link becomes a ``link`` item with the link's title and address, in the link's language,
linked to the webinar and to its speakers, published when the webinar is public. The item
remembers its link (``from_link``), so running it again converts only new links.
"""

from __future__ import annotations

from typing import Any

PUBLIC_STATUSES = ("published", "cancelled", "postponed")


def convert_links(library_item: Any, webinar_link: Any, *, now: Any) -> list[int]:
    """Create an item for every link that has none; the new items' ids."""
    created = []
    links = webinar_link.objects.filter(library_item__isnull=True).select_related("webinar__series").order_by("webinar_id", "order", "id")
    for link in links:
        webinar = link.webinar
        public = webinar.status in PUBLIC_STATUSES and webinar.series.is_published
        item = library_item.objects.create(
            title=link.title,
            kind="link",
            url=link.url,
            languages=[link.language] if link.language else [],
            original_language=webinar.original_language,
            status="published" if public else "draft",
            published_at=(webinar.published_at or now) if public else None,
            from_link=link,
        )
        item.webinars.add(webinar)
        item.speakers.add(*webinar.speakers.values_list("person_id", flat=True))
        created.append(item.pk)
    return created
