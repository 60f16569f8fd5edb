"""Who may do what with the library (django-rules, on the series roles of ``programme.rules``).

An item belongs to the series of the webinars it is linked to: an editor of any of those
series may edit it (its content, files, captions, publication); an item linked to no
webinar is for superusers. Themes are one list for the whole programme, kept by the owners of
any series and by superusers. Editors import items (CSV) into their series.
"""

from __future__ import annotations

from typing import Any

import rules

from webinars.programme.rules import LEVELS, SERIES_PERMS, Role, is_active_superuser, role_level, series_id_of, series_roles

from .models import Caption, LibraryItem


def item_series_ids(item: LibraryItem) -> set[int]:
    """The series of the webinars ``item`` is linked to (none for an unsaved item)."""
    if item.pk is None:
        return set()
    cached = getattr(item, "_series_ids", None)
    if cached is None:
        cached = set(item.webinars.values_list("series_id", flat=True))
        item._series_ids = cached  # type: ignore[attr-defined]
    return cached


def _library_role(least: str):
    @rules.predicate(name=f"library_{least}")
    def holds(user: Any, obj: Any = None) -> bool:
        if isinstance(obj, Caption):
            obj = obj.item
        if isinstance(obj, LibraryItem) and obj.pk is not None:
            roles = series_roles(user)
            return any(LEVELS.get(roles.get(series_id, ""), 0) >= LEVELS[least] for series_id in item_series_ids(obj))
        if isinstance(obj, LibraryItem) or obj is None:
            return role_level(user) >= LEVELS[least]  # a new item, or the list: a role on some series
        return series_id_of(obj) is not None and role_level(user, obj) >= LEVELS[least]

    return holds


def add_library_perm(name: str, role: str) -> None:
    """Like ``programme.rules.add_series_perm``, for objects whose series are those of their webinars."""
    SERIES_PERMS[name] = role
    rules.set_perm(name, is_active_superuser | _library_role(role))


add_library_perm("library.view_items", Role.VIEWER)  # drafts included
add_library_perm("library.change_item", Role.EDITOR)  # content, files, captions, publishing
add_library_perm("library.add_item", Role.EDITOR)
add_library_perm("library.delete_item", Role.EDITOR)
add_library_perm("library.import_items", Role.EDITOR)


@rules.predicate
def owns_some_series(user: Any) -> bool:
    return role_level(user) >= LEVELS[Role.OWNER]


rules.set_perm("library.change_themes", is_active_superuser | owns_some_series)
