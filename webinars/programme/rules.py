"""Who may do what with a series: the series roles as named rules (django-rules).

Every series-scoped permission of the project is a rule ``<app>.<verb>_<thing>`` registered
with :func:`add_series_perm` in its app's ``rules.py`` (a leaf module: it imports its own
models and lower apps only). Admin, API, reports and the organisers' workspace ask
``user.has_perm(name, obj)``; lists are scoped with ``selectors.series_for(user, name)``.

* Roles per series (``SeriesRole.Role``): owner ⊇ editor ⊇ viewer. A rule names the least
  role it needs; superusers (active) may do everything; nobody else needs a Django model
  permission, nor ``is_staff`` (only the Django admin's sign-in still checks that).
* ``obj`` is the thing acted on (series, webinar, registration, import, certificate…); its
  series is found by :func:`series_id_of`. Without an object (``has_perm(name)``) a rule
  asks whether the user holds the role on *some* series: that opens a list page, whose rows
  are then scoped to the series where the rule holds.
* The user's roles are read once per user object (so once per request) and memoised on it
  as ``_mw_series_roles``; :func:`forget_series_roles` drops the memo after a change.
"""

from __future__ import annotations

from typing import Any

import rules

from .models import Organisation, Person, Series, SeriesRole, Webinar

ROLES_ATTR = "_mw_series_roles"

Role = SeriesRole.Role
LEVELS: dict[str, int] = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}

# The least role each series-scoped permission needs (filled by ``add_series_perm``), so that
# ``selectors.series_for`` can list the series where a user holds a permission without
# evaluating the rule once per series.
SERIES_PERMS: dict[str, str] = {}

# Relations followed, in order, to find the series of an object that has no ``series_id``.
_SERIES_PATHS = ("webinar", "registration", "attendance_import", "booking")


def series_roles(user: Any) -> dict[int, str]:
    """``{series id: role}`` of an active signed-in user, read once and memoised on the user."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    roles = getattr(user, ROLES_ATTR, None)
    if roles is None:
        roles = dict(SeriesRole.objects.filter(user_id=user.pk).values_list("series_id", "role"))
        setattr(user, ROLES_ATTR, roles)
    return roles


def forget_series_roles(user: Any) -> None:
    """Drop the memo after the user's roles changed (the next check reads them again)."""
    try:
        delattr(user, ROLES_ATTR)
    except AttributeError:
        pass


def series_id_of(obj: Any) -> int | None:
    """The id of the series ``obj`` belongs to (a series is its own), or None when it has none."""
    if obj is None:
        return None
    if isinstance(obj, Series):
        return obj.pk
    series_id = getattr(obj, "series_id", None)
    if series_id is not None:
        return series_id
    for name in _SERIES_PATHS:
        if getattr(obj, f"{name}_id", None) is not None:
            return series_id_of(getattr(obj, name))
    return None


def role_level(user: Any, obj: Any = None) -> int:
    """The user's role on ``obj``'s series as a level (0: none); without an object, their highest."""
    roles = series_roles(user)
    if obj is None:
        return max((LEVELS.get(role, 0) for role in roles.values()), default=0)
    series_id = series_id_of(obj)
    role = roles.get(series_id) if series_id is not None else None
    return LEVELS.get(role, 0) if role is not None else 0


@rules.predicate
def is_active_superuser(user: Any) -> bool:
    return bool(getattr(user, "is_active", False) and getattr(user, "is_superuser", False))


@rules.predicate
def is_series_viewer(user: Any, obj: Any = None) -> bool:
    return role_level(user, obj) >= LEVELS[Role.VIEWER]


@rules.predicate
def is_series_editor(user: Any, obj: Any = None) -> bool:
    return role_level(user, obj) >= LEVELS[Role.EDITOR]


@rules.predicate
def is_series_owner(user: Any, obj: Any = None) -> bool:
    return role_level(user, obj) >= LEVELS[Role.OWNER]


_PREDICATES = {Role.VIEWER: is_series_viewer, Role.EDITOR: is_series_editor, Role.OWNER: is_series_owner}


def add_series_perm(name: str, role: str) -> None:
    """Register ``name``: superusers, and holders of ``role`` or a higher one on the object's series."""
    SERIES_PERMS[name] = role
    rules.set_perm(name, is_active_superuser | _PREDICATES[Role(role)])


def superuser_only(name: str) -> None:
    """Register ``name`` as a right no series role gives (creating series, handing out any role)."""
    rules.set_perm(name, is_active_superuser)


# -- the programme's rules -------------------------------------------------------------------

add_series_perm("programme.view_series", Role.VIEWER)
add_series_perm("programme.change_series", Role.OWNER)  # the series' own settings
add_series_perm("programme.manage_series_team", Role.OWNER)
add_series_perm("programme.view_webinar", Role.VIEWER)  # drafts and previews included
add_series_perm("programme.add_webinar", Role.EDITOR)
add_series_perm("programme.change_webinar", Role.EDITOR)  # content, speakers, links, publishing
add_series_perm("programme.delete_webinar", Role.OWNER)
# People and organisations are shared by every series: an editor of any series may look
# them up (to pick speakers and partners) and add one; they may change those of their own
# series (see ``directory_series_ids``), which every series using them then shows.
add_series_perm("programme.pick_people", Role.EDITOR)


def directory_series_ids(obj: Any) -> set[int]:
    """The series a person or organisation belongs to: the one it was added for, those whose
    webinars it spoke at (a person) or that it organises or partners (an organisation).
    Read once per object and memoised on it."""
    found = getattr(obj, "_mw_directory_series", None)
    if found is not None:
        return found
    found = {obj.added_for_series_id} if getattr(obj, "added_for_series_id", None) else set()
    if isinstance(obj, Person) and obj.pk:
        found |= set(Webinar.objects.filter(speakers__person=obj).values_list("series_id", flat=True))
    elif isinstance(obj, Organisation) and obj.pk:
        found |= set(Series.objects.filter(organiser=obj).values_list("pk", flat=True))
        found |= set(Series.objects.filter(partners=obj).values_list("pk", flat=True))
        found |= set(Webinar.objects.filter(partners=obj).values_list("series_id", flat=True))
    obj._mw_directory_series = found
    return found


@rules.predicate
def edits_a_series_of(user: Any, obj: Any = None) -> bool:
    """An editor (or owner) of one of the series ``obj`` belongs to (``directory_series_ids``)."""
    if obj is None:
        return role_level(user) >= LEVELS[Role.EDITOR]
    roles = series_roles(user)
    return any(LEVELS.get(roles.get(pk, ""), 0) >= LEVELS[Role.EDITOR] for pk in directory_series_ids(obj))


@rules.predicate
def owns_a_series(user: Any) -> bool:
    return role_level(user) >= LEVELS[Role.OWNER]


# Named "edit_", not "change_": "programme.change_person" is also Django's model permission,
# which the admin (the superusers' console) keeps using.
rules.set_perm("programme.edit_person", is_active_superuser | edits_a_series_of)
rules.set_perm("programme.edit_organisation", is_active_superuser | edits_a_series_of)
# Owners of a series may start another one (and become its owner); superusers may too.
rules.set_perm("programme.add_series", is_active_superuser | owns_a_series)
superuser_only("programme.delete_series")
superuser_only("programme.grant_any_role")


def may(user: Any, name: str, obj: Any = None) -> bool:
    """Whether ``user`` holds the rule ``name`` on ``obj``, by the rules alone.

    Unlike ``user.has_perm``, a Django model permission ticked in the past with the same
    name ("programme.change_webinar" is also a model permission) grants nothing here.
    """
    return rules.has_perm(name, user, obj)
