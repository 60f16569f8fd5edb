"""Every URL of the URLconf × every kind of visitor, with the answer each must get (issue 10's quality bar).

The URLs are read from the URLconf itself, so a new URL without an entry in ``EXPECTED`` (or,
for the workspace under ``/organise/``, in ``tests/organise/test_authorisation_matrix.py``,
which checks each workspace view's declared rules) fails ``test_every_url_has_an_expected_answer``.

Visitors: anonymous; a registrant who holds the links of their own registration in series B and
tries them on another registration's objects; the viewer, editor and owner of series A, each on
objects of A and of B; a staff user without any series role; a superuser. Objects of B must be
unknown to A's team (404, or the admin's "does not exist" redirect), and no page shows a
registrant's name or address to anyone but the holder of their link, their series' editors and
owners, and superusers.

One database set-up for the module (``matrix``, module-scoped); each test runs in a savepoint.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from tests.factories import (
    AttendanceImportFactory,
    AttendeeFactory,
    CaptionFactory,
    CertificateFactory,
    CertificateTemplateFactory,
    FeedbackInvitationFactory,
    FeedbackResponseFactory,
    LibraryItemFactory,
    PersonFactory,
    RegistrationFactory,
    RegistrationQuestionFactory,
    SeriesFactory,
    SeriesRoleFactory,
    UserFactory,
    WebinarFactory,
    WebinarSpeakerFactory,
)
from tests.organise import test_authorisation_matrix as workspace_matrix
from webinars.certificates import services as certificate_services
from webinars.certificates.models import Certificate
from webinars.feedback import selectors as feedback_selectors
from webinars.library.models import LibraryItem
from webinars.programme.models import SeriesRole, Webinar
from webinars.registrations import selectors as registration_selectors

ROLES = ["anonymous", "registrant", "viewer_a", "editor_a", "owner_a", "staff", "superuser"]
TEAM_A = ("viewer_a", "editor_a", "owner_a")
SIDES = ("a", "b")
NOT_FOUND = 404
# The admin answers an object the user may not see like one that does not exist: a redirect to its index.
ADMIN_HIDDEN = (302, 403, 404)

# --- the programme: series A and B, each with the same kinds of objects ---------------------------------


@dataclasses.dataclass
class Side:
    series: Any
    webinar: Any
    past: Any
    draft: Any
    registration: Any
    certificate: Any
    invitation: Any
    item: Any
    draft_item: Any
    person: Any
    attendance_import: Any
    email: str
    name: str


def _side(key: str, users: dict) -> Side:
    series = SeriesFactory(slug=f"series-{key}", title={"en": f"Series {key.upper()}"}, is_published=True)
    soon = timezone.now() + dt.timedelta(days=5)
    webinar = WebinarFactory(series=series, slug=f"upcoming-{key}", starts_at=soon)
    past_start = timezone.now() - dt.timedelta(days=5)
    past = WebinarFactory(series=series, slug=f"past-{key}", starts_at=past_start, start_date=past_start.date())
    draft = WebinarFactory(series=series, slug=f"draft-{key}", status=Webinar.Status.DRAFT, starts_at=soon)
    email, name = f"registrant-{key}@example.org", f"Registrant{key.upper()} Personalname"
    registration = RegistrationFactory(webinar=past, email=email, name=name)
    certificate = CertificateFactory(registration=registration)
    certificate_services.certificates_render_and_send(Certificate.objects.filter(pk=certificate.pk), send=False)
    certificate.refresh_from_db()
    invitation = FeedbackInvitationFactory(registration=registration)
    FeedbackResponseFactory(webinar=past, invitation=None)
    item = CaptionFactory(item__title={"en": f"Recording {key}"}).item
    item.webinars.add(past)
    draft_item = LibraryItemFactory(status=LibraryItem.Status.DRAFT, published_at=None)
    draft_item.webinars.add(draft)
    person = PersonFactory(slug=f"speaker-{key}")
    WebinarSpeakerFactory(webinar=webinar, person=person)
    attendance_import = AttendanceImportFactory(webinar=past)
    AttendeeFactory(attendance_import=attendance_import, registration=registration, name=name, email=email)
    RegistrationQuestionFactory(series=series)
    CertificateTemplateFactory(series=series)
    return Side(
        series, webinar, past, draft, registration, certificate, invitation, item, draft_item, person, attendance_import, email, name
    )


@pytest.fixture(scope="module")
def matrix(django_db_setup, django_db_blocker):
    """The programme, built once for the module; every test rolls back to it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            users = {
                "viewer_a": UserFactory(username="viewer-a@example.org"),
                "editor_a": UserFactory(username="editor-a@example.org"),
                "owner_a": UserFactory(username="owner-a@example.org"),
                "staff": UserFactory(username="staff@example.org", staff=True),
                "superuser": UserFactory(username="root@example.org", superuser=True),
            }
            sides = {key: _side(key, users) for key in SIDES}
            for role, level in (("viewer_a", "viewer"), ("editor_a", "editor"), ("owner_a", "owner")):
                SeriesRoleFactory(series=sides["a"].series, user=users[role], role=SeriesRole.Role(level))
            yield {"users": users, "sides": sides}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


# --- what each URL must answer ------------------------------------------------------------------------------

Answer = int | tuple[int, ...]


@dataclasses.dataclass
class Entry:
    """How to build the URL from one side's objects (``kwargs``; None: the URL takes no argument and
    is checked once), and the answer for a role on that side (``expect(role, side)``)."""

    expect: Callable[[str, str], Answer]
    kwargs: Callable[[Side, Side], dict] | None = None
    query: str = ""
    #: The page shows the side's registrant to whoever holds the link (their own self-service pages).
    own_data: bool = False
    #: The page shows the name (never the address) to anyone: a certificate's public verification.
    public_name: bool = False
    #: Only POST changes anything here (GET answers 405): the matrix POSTs an empty form.
    post: bool = False


def everyone(answer: Answer) -> Callable[[str, str], Answer]:
    return lambda role, side: answer


def signed_in_team(*, anonymous: Answer = 302, staff: Answer = 403, own: Answer = 200, other: Answer = NOT_FOUND) -> Callable:
    """Pages for a series' team: sign-in first; A's team sees A's objects, never B's; superusers see all."""

    def expect(role: str, side: str) -> Answer:
        if role in ("anonymous", "registrant"):
            return anonymous
        if role == "staff":
            return staff
        if role == "superuser":
            return own
        return own if side == "a" else other

    return expect


def signed_in_account(answer: Answer) -> Callable[[str, str], Answer]:
    """An organiser's own account (no series involved): 403 without a signed-in user."""
    return lambda role, side: 403 if role in ("anonymous", "registrant") else answer


def link_holder(answer: Answer) -> Callable[[str, str], Answer]:
    """Self-service links: whoever holds the link gets the page; the registrant trying their link on
    another registration's objects (or a made-up link) gets 404."""
    return lambda role, side: NOT_FOUND if role == "registrant" else answer


def _self_service(build: Callable[[Side], dict]) -> Callable[[Side, Side], dict]:
    return lambda side, other: build(side)


def _join_token(side: Side) -> str:
    return registration_selectors.registration_join_token(side.registration)


def _survey_token(side: Side) -> str:
    return feedback_selectors.survey_token(side.invitation.registration)


def _manage_token(side: Side) -> str:
    return registration_selectors.booking_manage_token(side.registration.booking)


EXPECTED: dict[str, Entry] = {
    # Public pages: the same for everyone, for both series.
    "public:home": Entry(everyone(200)),
    "public:series": Entry(everyone(200), lambda s, o: {"series_slug": s.series.slug}),
    "public:series_ics": Entry(everyone(200), lambda s, o: {"series_slug": s.series.slug}),
    "public:webinar": Entry(everyone(200), lambda s, o: {"series_slug": s.series.slug, "webinar_slug": s.webinar.slug}),
    "public:permalink": Entry(everyone(301), lambda s, o: {"webinar_id": s.webinar.pk}),
    "public:webinar_ics": Entry(everyone(200), lambda s, o: {"webinar_id": s.webinar.pk}),
    "public:person": Entry(everyone(200), lambda s, o: {"person_slug": s.person.slug}),
    "registrations:register": Entry(everyone(200), lambda s, o: {"series_slug": s.series.slug, "webinar_slug": s.webinar.slug}),
    "registrations:register_series": Entry(everyone(200), lambda s, o: {"series_slug": s.series.slug}),
    "certificates:verify_form": Entry(everyone(200)),
    "certificates:verify": Entry(everyone(200), lambda s, o: {"code": s.certificate.code}, public_name=True),
    "library:list": Entry(everyone(200)),
    "library:item": Entry(everyone(200), lambda s, o: {"item_id": s.item.pk}),
    "library:file": Entry(everyone(NOT_FOUND), lambda s, o: {"item_id": s.item.pk}),  # the item has an address, no file
    "library:captions": Entry(everyone(200), lambda s, o: {"item_id": s.item.pk, "language": "en"}),
    "search": Entry(everyone(200), query="?q=recording"),
    "feeds:upcoming": Entry(everyone(200)),
    "feeds:library": Entry(everyone(200)),
    "sitemap": Entry(everyone(200)),
    "healthz": Entry(everyone(200)),
    "readyz": Entry(everyone((200, 503))),  # 503 when a service it checks (Redis) is not configured here
    "hello": Entry(everyone(200)),
    "media": Entry(everyone(NOT_FOUND), lambda s, o: {"path": f"photos/{s.person.slug}.webp"}),
    # The API: public programme data only.
    "api-v1:api-root": Entry(everyone(NOT_FOUND)),
    "api-v1:openapi-json": Entry(everyone(200)),
    "api-v1:series_list": Entry(everyone(200)),
    "api-v1:webinar_list": Entry(everyone(200)),
    "api-v1:webinar_detail": Entry(everyone(200), lambda s, o: {"webinar_id": s.webinar.pk}),
    "api-v1:registration_create": Entry(everyone(405), lambda s, o: {"webinar_id": s.webinar.pk}),
    "api-v1:library_list": Entry(everyone(200)),
    "api-v1:library_detail": Entry(everyone(200), lambda s, o: {"item_id": s.item.pk}),
    "api-v1:search": Entry(everyone(200), query="?q=recording"),
    # Drafts: only their series' team (and superusers) may preview them.
    "public:preview": Entry(signed_in_team(staff=NOT_FOUND), lambda s, o: {"webinar_id": s.draft.pk}),
    "library:preview": Entry(signed_in_team(anonymous=NOT_FOUND, staff=NOT_FOUND), lambda s, o: {"item_id": s.draft_item.pk}),
    # Reports: a series' team, never another series' figures; a user without a role is refused (not a 500).
    "reports:programme": Entry(signed_in_team(own=200, other=200)),
    "reports:series": Entry(signed_in_team(), lambda s, o: {"series_id": s.series.pk}),
    "reports:webinar": Entry(signed_in_team(), lambda s, o: {"webinar_id": s.past.pk}),
    # Self-service: the link is the key. The registrant of B tries their own link on A's objects.
    "registrations:manage": Entry(link_holder(200), _self_service(lambda s: {"token": _manage_token(s)}), own_data=True),
    "registrations:data": Entry(link_holder(200), _self_service(lambda s: {"token": _manage_token(s)}), own_data=True),
    "registrations:erase": Entry(link_holder((200, 302)), _self_service(lambda s: {"token": _manage_token(s)}), own_data=True, post=True),
    "registrations:confirm": Entry(
        link_holder((200, 302)),
        _self_service(lambda s: {"token": registration_selectors.booking_confirm_token(s.registration.booking)}),
        own_data=True,
    ),
    "registrations:cancel": Entry(
        link_holder((200, 302)),
        lambda s, o: {"token": _manage_token(s), "registration_uuid": s.registration.uuid},
        own_data=True,
        post=True,
    ),
    "registrations:join": Entry(
        link_holder((200, 302)),
        _self_service(lambda s: {"token": _join_token(s)}),
        own_data=True,
    ),
    "certificates:download": Entry(link_holder(200), lambda s, o: {"token": _manage_token(s), "code": s.certificate.code}, own_data=True),
    "feedback:form": Entry(link_holder(200), _self_service(lambda s: {"token": _survey_token(s)})),
    "registrations:request_links": Entry(everyone(200)),
    # Platforms' callbacks: an unknown hook key is refused, whoever asks (signatures: tests/meetings).
    "meetings:bbb_analytics": Entry(everyone(NOT_FOUND), lambda s, o: {"hook_key": "not-a-connection"}, post=True),
    "meetings:zoom_webhook": Entry(everyone(NOT_FOUND), lambda s, o: {"hook_key": "not-a-connection"}, post=True),
    # Passkeys (JSON): adding one or using it as a second factor needs a signed-in account (403
    # otherwise); an empty answer to a challenge is a 400. Signing in with one is open to anyone.
    "accounts:passkey_register_options": Entry(signed_in_account(200), post=True),
    "accounts:passkey_register": Entry(signed_in_account(400), post=True),
    "accounts:passkey_verify_options": Entry(signed_in_account(200), post=True),
    "accounts:passkey_verify": Entry(signed_in_account(400), post=True),
    "accounts:passkey_sign_in_options": Entry(everyone(200), post=True),
    "accounts:passkey_sign_in": Entry(everyone(400), post=True),
    # Organisers' account security pages (signed in).
    "accounts:security": Entry(signed_in_team(staff=200)),
    "accounts:verify": Entry(signed_in_team(staff=(200, 302), own=(200, 302), other=(200, 302))),
}

# What the registrant of B sends instead of their rightful link: their own token on A's objects, or a made-up one.
REGISTRANT_KWARGS: dict[str, Callable[[Side, Side], dict]] = {
    "registrations:cancel": lambda b, a: {"token": _manage_token(b), "registration_uuid": a.registration.uuid},
    "certificates:download": lambda b, a: {"token": _manage_token(b), "code": a.certificate.code},
}
MADE_UP_TOKEN = "x" * 43


def _walk(patterns, prefix: str = "", namespace: str | None = None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from _walk(pattern.url_patterns, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield prefix + str(pattern.pattern), name


def all_urls() -> list[tuple[str, str | None]]:
    return list(_walk(get_resolver().url_patterns))


def _workspace_names() -> set[str]:
    return {f"organise:{p.name}" for p in workspace_matrix._patterns()} | {f"organise:{n}" for n in workspace_matrix.PUBLIC}


def test_every_url_has_an_expected_answer():
    """A URL added to the URLconf fails here until the matrix says what each visitor gets."""
    workspace = _workspace_names()
    missing = []
    for route, name in all_urls():
        if route.startswith("admin/"):
            if _admin_kind(route, name) is None:
                missing.append(f"{route} ({name})")
        elif name not in EXPECTED and name not in workspace:
            missing.append(f"{route} ({name})")
    assert not missing, "URLs without an entry in the authorisation matrix:\n" + "\n".join(missing)


# --- the admin: every model's pages by one rule, its own pages listed -----------------------------------------

ADMIN_STANDARD = ("_changelist", "_add", "_change", "_delete", "_history")
ADMIN_PAGES = {
    "admin:index",
    "admin:login",
    "admin:logout",
    "admin:password_change",
    "admin:password_change_done",
    "admin:jsi18n",
    "admin:autocomplete",
    "admin:app_list",
    "admin:view_on_site",
    "admin-view-on-site",
    "admin:registrations_registration_export",
    "admin:registrations_registration_message",
    "admin:registrations_registration_recording",
    "admin:attendance_attendanceimport_upload",
    "admin:attendance_attendanceimport_review",
    "admin:certificates_certificate_issue",
    "admin:certificates_certificate_pdf",
    "admin:feedback_webinarfeedback_summary",
    "admin:otp_totp_totpdevice_config",
    "admin:otp_totp_totpdevice_qrcode",
}


def _admin_kind(route: str, name: str | None) -> str | None:
    if name in ADMIN_PAGES:
        return name
    if name and name.startswith("admin:") and name.endswith(ADMIN_STANDARD):
        return "standard"
    if name is None and route.endswith("<path:object_id>/"):
        return "object_redirect"
    if name is None and route == "admin/(?P<url>.*)$":
        return "catch_all"
    return None


# --- running the matrix -----------------------------------------------------------------------------------


def _client(matrix, role: str) -> Client:
    client = Client()
    user = matrix["users"].get(role)
    if user is not None:
        client.force_login(user)
    return client


def _body(response) -> bytes:
    return b"".join(response.streaming_content) if getattr(response, "streaming", False) else response.content


def _may_see_registrant(role: str, side: str, entry: Entry | None) -> bool:
    if role == "superuser":
        return True
    if side == "a" and role in ("editor_a", "owner_a"):
        return True
    return bool(entry and entry.own_data and role != "registrant")


@pytest.mark.parametrize("role", ROLES)
def test_every_public_self_service_api_and_report_url(matrix, role, db):
    client = _client(matrix, role)
    sides = matrix["sides"]
    failures = []
    for _route, name in all_urls():
        entry = EXPECTED.get(name)
        if entry is None:
            continue  # the workspace (its own matrix) and the admin (below)
        for side_key in SIDES if entry.kwargs else ("a",):
            side, other = sides[side_key], sides["b" if side_key == "a" else "a"]
            if entry.kwargs is None:
                kwargs = {}
            elif role == "registrant" and name in REGISTRANT_KWARGS:
                kwargs = REGISTRANT_KWARGS[name](sides["b"], side) if side_key == "a" else REGISTRANT_KWARGS[name](sides["a"], side)
            elif role == "registrant" and "token" in entry.kwargs(side, other):
                kwargs = {**entry.kwargs(side, other), "token": MADE_UP_TOKEN}
            else:
                kwargs = entry.kwargs(side, other)
            url = reverse(name, kwargs=kwargs) + entry.query
            with transaction.atomic():  # a page that writes (a confirmation) leaves the next visitor the same programme
                response = client.post(url, {}) if entry.post else client.get(url)
                body = _body(response)
                transaction.set_rollback(True)
            expected = entry.expect(role, side_key)
            allowed = expected if isinstance(expected, tuple) else (expected,)
            method = "POST" if entry.post else "GET"
            if response.status_code not in allowed:
                failures.append(f"{method} {url} ({name}, objects of {side_key.upper()}) → {response.status_code}, expected {expected}")
            for person_side in SIDES:
                person = sides[person_side]
                if person_side == side_key and _may_see_registrant(role, side_key, entry):
                    continue
                name_shown = person.name.encode() in body and not (entry.public_name and person_side == side_key)
                if person.email.encode() in body or name_shown:
                    failures.append(f"GET {url} ({name}) shows the registrant of {person_side.upper()} to {role}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def _admin_objects(sides: dict[str, Side]) -> dict[type, dict[str, Any]]:
    """For each model of the admin: an object of series A and one of series B (or any one, for models without a series)."""
    by_series = {
        "series": lambda s: s.series,
        "webinar": lambda s: s.webinar,
        "registration": lambda s: s.registration,
        "certificate": lambda s: s.certificate,
        "attendanceimport": lambda s: s.attendance_import,
        "attendee": lambda s: s.attendance_import.attendees.first(),
        "libraryitem": lambda s: s.draft_item,
        "seriesrole": lambda s: s.series.roles.first() or s.series,
        "registrationquestion": lambda s: s.series.registration_questions.first(),
        "certificatetemplate": lambda s: s.series.certificate_templates.first(),
        "feedbackresponse": lambda s: s.past.feedback_responses.first(),
        "outgoingmessage": lambda s: None,
    }
    objects: dict[type, dict[str, Any]] = {}
    for model in admin.site._registry:
        name = model._meta.model_name
        if name in by_series:
            objects[model] = {key: by_series[name](side) for key, side in sides.items()}
        else:
            anyone = model._default_manager.order_by("pk").first()
            objects[model] = {"a": anyone, "b": anyone}
    return objects


# Pages of one's own account and the admin's scripts: any signed-in staff user.
ADMIN_OWN_ACCOUNT = {"admin:login", "admin:password_change", "admin:password_change_done", "admin:jsi18n"}


def _admin_expect(role: str, side: str, kind: str, has_object: bool) -> Answer:
    if kind == "admin:login":
        return (200, 302)
    if role in ("anonymous", "registrant"):
        return 302  # to the admin's sign-in
    if role == "superuser":
        # Everything, except what the back office refuses to everyone (adding or deleting records that only
        # services create, reading an organiser's TOTP secret): 403, never a 500.
        return (200, 302, 403, 404, 405)
    if role == "staff":
        if kind in ADMIN_OWN_ACCOUNT or kind == "admin:index":
            return (200, 302, 403)
        return (302, 403, 404, 405)
    # A's team: never a page about B's objects; A's own: what its rules allow.
    if has_object and side == "b":
        return ADMIN_HIDDEN
    return (200, 302, 403, 404, 405)


@pytest.mark.parametrize("role", ROLES)
def test_every_admin_url(matrix, role, db):
    client = _client(matrix, role)
    sides = matrix["sides"]
    objects = _admin_objects(sides)
    models = {f"{m._meta.app_label}_{m._meta.model_name}": m for m in admin.site._registry}
    failures = []
    for route, name in all_urls():
        if not route.startswith("admin/"):
            continue
        kind = _admin_kind(route, name)
        for side_key in SIDES:
            url, has_object, shown_side = _admin_url(route, name, kind, side_key, sides, objects, models)
            if url is None:
                continue
            response = client.get(url)
            expected = _admin_expect(role, side_key, kind or "", has_object)
            allowed = expected if isinstance(expected, tuple) else (expected,)
            if response.status_code not in allowed:
                failures.append(f"GET {url} ({name or route}, objects of {side_key.upper()}) → {response.status_code}, expected {expected}")
            if role in ("anonymous", "registrant") and response.status_code == 302 and name != "admin:logout":
                assert response["Location"].startswith("/admin/login/"), url
            body = _body(response)
            for person_side in SIDES:
                person = sides[person_side]
                if role == "superuser" or (person_side == "a" and role in ("editor_a", "owner_a")):
                    continue
                if person.email.encode() in body or person.name.encode() in body:
                    failures.append(f"GET {url} ({name or route}) shows the registrant of {person_side.upper()} to {role}")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def _admin_url(route, name, kind, side_key, sides, objects, models) -> tuple[str | None, bool, str]:
    side = sides[side_key]
    if kind == "standard":
        app_model, action = name.split(":", 1)[1].rsplit("_", 1)
        model = models.get(app_model)
        if action in ("changelist", "add"):
            return (reverse(name), False, side_key) if side_key == "a" else (None, False, side_key)
        obj = objects.get(model, {}).get(side_key) if model else None
        if obj is None:
            return None, True, side_key
        return reverse(name, args=[obj.pk]), True, side_key
    if kind == "object_redirect":
        model = next((m for key, m in models.items() if route.startswith(f"admin/{m._meta.app_label}/{m._meta.model_name}/")), None)
        obj = objects.get(model, {}).get(side_key) if model else None
        return (f"/{route.replace('<path:object_id>', str(obj.pk))}", True, side_key) if obj is not None else (None, True, side_key)
    if kind == "catch_all":
        return ("/admin/no-such-page/", False, side_key) if side_key == "a" else (None, False, side_key)
    by_webinar = {
        "admin:registrations_registration_message": side.webinar.pk,
        "admin:registrations_registration_recording": side.past.pk,
        "admin:feedback_webinarfeedback_summary": side.past.pk,
    }
    if name in by_webinar:
        return reverse(name, args=[by_webinar[name]]), True, side_key
    if name == "admin:attendance_attendanceimport_review":
        return reverse(name, args=[side.attendance_import.pk]), True, side_key
    if name == "admin:certificates_certificate_pdf":
        return reverse(name, args=[side.certificate.pk]), True, side_key
    if name in ("admin:view_on_site", "admin-view-on-site"):
        content_type = ContentType.objects.get_for_model(Webinar)
        return reverse(name, args=[content_type.pk, side.draft.pk]), True, side_key
    if name in ("admin:otp_totp_totpdevice_config", "admin:otp_totp_totpdevice_qrcode"):
        return (reverse(name, args=[999999]), False, side_key) if side_key == "a" else (None, False, side_key)
    if name == "admin:registrations_registration_export":
        return (reverse(name, args=["csv"]), False, side_key) if side_key == "a" else (None, False, side_key)
    if name == "admin:app_list":
        return (reverse(name, args=["registrations"]), False, side_key) if side_key == "a" else (None, False, side_key)
    if side_key == "b":
        return None, False, side_key
    return reverse(name), False, side_key
