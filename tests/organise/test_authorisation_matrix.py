"""Every workspace URL × every kind of user, generated from the URLconf (issue 8's quality bar).

Every other URL (public, self-service, API, reports, admin) is in ``tests/security/test_url_matrix.py``.
Kept complete automatically: a new URL under ``/organise/`` whose keyword arguments have no
sample value here fails ``test_every_workspace_url_is_in_the_matrix``. Expectations come
from the view's own rules (``permission`` for GET, ``change_permission`` for POST) evaluated
with ``programme.rules.may`` on series A, so the matrix checks the views enforce what they
declare:

* anonymous → the sign-in page; a user without any role → 403;
* the editor of series B → 404 on everything of series A (its existence is not revealed);
* A's viewer/editor/owner and a superuser → the page (200, or a redirect inside the
  workspace) where the rule holds, else 403;
* every POST by a viewer → 403 (viewers change nothing), by B's editor → 404, by nobody → 403.
"""

from __future__ import annotations

import pytest
from django.urls import URLPattern, reverse
from django.utils import timezone

from tests.factories import CertificateFactory, PersonFactory, RegistrationFactory, UserFactory
from webinars.certificates import services as certificate_services
from webinars.certificates.models import Certificate, NameCorrection
from webinars.library import services as library_services
from webinars.library.models import LibraryItem, Theme
from webinars.organise import urls as organise_urls
from webinars.programme.models import WebinarSpeaker
from webinars.programme.rules import may
from webinars.registrations import broadcasts

pytestmark = pytest.mark.django_db

# Pages anyone may open (signing in, choosing a password): not part of the matrix.
PUBLIC = {"login", "logout", "password_reset", "password_reset_done", "password_reset_confirm", "password_reset_complete"}
# Pages that only take POST (their GET answers 405 to whoever may use them).
POST_ONLY = {"webinar_certificate_resend", "webinar_name_correction"}
# Query strings a page needs to answer its GET (an export names its format).
QUERIES = {"webinar_registrations_export": "?format=csv"}
# Pages whose view checks a rule on the object beyond the page's own: (rule, object key).
OBJECT_RULES = {"person_edit": ("programme.edit_person", "_person"), "organisation_edit": ("programme.edit_organisation", "_organisation")}
ROLES = ["viewer_a", "editor_a", "owner_a", "editor_b", "nobody", "staff", "superuser"]


def _patterns() -> list[URLPattern]:
    return [p for p in organise_urls.urlpatterns if isinstance(p, URLPattern) and p.name not in PUBLIC]


@pytest.fixture
def objects(world):
    """One object of series A for every kind of URL argument."""
    webinar = world["webinar_a"]
    registration = RegistrationFactory(webinar=webinar, status="confirmed", email="asel@example.org", name="Asel Nurlanovna")
    certificate = CertificateFactory(registration=registration)
    certificate_services.certificates_render_and_send(Certificate.objects.filter(pk=certificate.pk), send=False)
    correction = NameCorrection.objects.create(certificate=certificate, requested_name="Asel Nurlan", requested_at=timezone.now())
    person = PersonFactory()
    WebinarSpeaker.objects.create(webinar=webinar, person=person, order=1)
    broadcasts.webinar_message_send(
        webinar=webinar,
        audience="confirmed",
        recipients=webinar.registrations.all(),
        texts={},
        fallback=("Links", "The slides are on the webinar page."),
        actor=world["users"]["owner_a"],
    )
    from webinars.audit.models import LogEntry

    batch = LogEntry.objects.filter(action="webinar.message_sent").latest("pk").data["batch"]
    item = library_services.item_save(item=LibraryItem(title={"en": "Guide of A"}, kind="guide"), webinars=[webinar])
    library_services.caption_upload(item=item, language="en", data=b"WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHello\n")
    theme = Theme.objects.create(slug="migration", name={"en": "Migration"})
    return {
        "series_id": world["a"].pk,
        "webinar_id": webinar.pk,
        "registration_id": registration.pk,
        "person_id": person.pk,
        "organisation_id": world["a"].organiser_id,
        "batch": batch,
        "action": "cancel",
        "item_id": item.pk,
        "language": "en",
        "theme_id": theme.pk,
        # ``pk`` means the certificate, or the name correction on its own page.
        "pk": {"webinar_name_correction": correction.pk}.get,
        "_certificate": certificate.pk,
        "_person": person,
        "_organisation": world["a"].organiser,
    }


def _kwargs(pattern: URLPattern, objects: dict) -> dict:
    names = list(pattern.pattern.converters)
    kwargs = {}
    for name in names:
        assert name in objects, f"URL {pattern.name!r}: give the matrix a sample value for <{name}> in objects()"
        value = objects[name]
        kwargs[name] = value(pattern.name) or objects["_certificate"] if callable(value) else value
    return kwargs


def _target(kwargs: dict, world: dict):
    if "webinar_id" in kwargs:
        return world["webinar_a"]
    if "series_id" in kwargs:
        return world["a"]
    return None


def test_every_workspace_url_is_in_the_matrix(objects):
    for pattern in _patterns():
        _kwargs(pattern, objects)  # fails naming a URL argument without a sample value
        assert getattr(pattern.callback, "view_class", None) is not None, f"{pattern.name}: workspace pages are OrganiseViews"


@pytest.mark.parametrize("role", ["anonymous", *ROLES])
def test_matrix(client, world, objects, role):
    user = world["users"].get(role)
    if role == "staff":  # the admin's staff flag alone gives nothing in the workspace
        user = UserFactory(username="staff@example.org", email="staff@example.org", is_staff=True)
    if user is not None:
        client.force_login(user)
    failures = []
    for pattern in _patterns():
        view = pattern.callback.view_class
        kwargs = _kwargs(pattern, objects)
        url = reverse(f"organise:{pattern.name}", kwargs=kwargs) + QUERIES.get(pattern.name, "")
        target = _target(kwargs, world)
        get = client.get(url).status_code
        post = client.post(url, {}).status_code
        if role == "anonymous":
            expected_get = expected_post = 302
        elif role in ("nobody", "staff"):
            expected_get = expected_post = 403
        elif role == "editor_b" and (target is not None or "person_id" in kwargs or "organisation_id" in kwargs):
            expected_get = expected_post = 404
        else:
            allowed = may(user, view.permission, target)
            if pattern.name in OBJECT_RULES:
                rule, key = OBJECT_RULES[pattern.name]
                allowed = allowed and may(user, rule, objects[key])
            expected_get = (405 if pattern.name in POST_ONLY else (200, 302)) if allowed else 403
            if role == "viewer_a" or view.change_permission is None or not allowed or not may(user, view.change_permission, target):
                expected_post = 403
            else:
                expected_post = None  # allowed: a real form is tested in each section's tests
        if get not in (expected_get if isinstance(expected_get, tuple) else (expected_get,)):
            failures.append(f"GET {url} ({pattern.name}) → {get}, expected {expected_get}")
        if expected_post is not None and post != expected_post:
            failures.append(f"POST {url} ({pattern.name}) → {post}, expected {expected_post}")
        if role == "anonymous" and get == 302:
            assert client.get(url)["Location"].startswith("/organise/login/")
    assert not failures, f"{role}:\n" + "\n".join(failures)


def test_personal_data_of_a_is_reachable_only_by_its_editors_and_owners(client, world, objects):
    """The e-mail address of A's registrant appears on no workspace page for B's editor or A's viewer."""
    for role in ("editor_b", "viewer_a"):
        client.force_login(world["users"][role])
        for pattern in _patterns():
            url = reverse(f"organise:{pattern.name}", kwargs=_kwargs(pattern, objects))
            response = client.get(url)
            body = b"".join(response.streaming_content) if response.streaming else response.content
            assert b"asel@example.org" not in body, f"{role} sees A's registrant on {url}"


def test_the_matrix_is_not_empty_and_covers_every_section():
    names = {p.name for p in _patterns()}
    assert {"dashboard", "webinar_registrations", "webinar_messages", "webinar_attendance", "webinar_certificates", "series_team"} <= names
    assert len(names) >= 30
