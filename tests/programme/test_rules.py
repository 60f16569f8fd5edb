"""The named rules (``<app>/rules.py``): every role × every series-scoped permission, on objects of series A."""

from __future__ import annotations

import pytest

from tests.factories import SeriesFactory, WebinarFactory
from webinars.attendance.models import AttendanceImport, Attendee
from webinars.certificates.models import Certificate, CertificateTemplate
from webinars.feedback.models import FeedbackResponse
from webinars.programme import selectors, services
from webinars.programme.models import SeriesRole
from webinars.programme.rules import SERIES_PERMS, may, series_id_of
from webinars.registrations.models import Registration, RegistrationQuestion

pytestmark = pytest.mark.django_db

Role = SeriesRole.Role

# The specification: the least role each rule needs (owner ⊇ editor ⊇ viewer). Personal data
# (registrations, attendees, certificates, the e-mail queue) is for editors and owners only.
LEAST_ROLE = {
    "programme.view_series": Role.VIEWER,
    "programme.change_series": Role.OWNER,
    "programme.manage_series_team": Role.OWNER,
    "programme.view_webinar": Role.VIEWER,
    "programme.add_webinar": Role.EDITOR,
    "programme.change_webinar": Role.EDITOR,
    "programme.delete_webinar": Role.OWNER,
    "programme.pick_people": Role.EDITOR,
    "registrations.view_registrations": Role.EDITOR,
    "registrations.change_registration": Role.EDITOR,
    "registrations.export_registrations": Role.EDITOR,
    "registrations.message_registrants": Role.EDITOR,
    "mail.view_outgoing_messages": Role.EDITOR,
    "registrations.manage_questions": Role.EDITOR,
    "attendance.view_attendance": Role.EDITOR,
    "attendance.import_attendance": Role.EDITOR,
    "attendance.review_attendance": Role.EDITOR,
    "meetings.manage_connection": Role.OWNER,
    "meetings.manage_meeting": Role.EDITOR,
    "certificates.view_certificates": Role.EDITOR,
    "certificates.issue_certificates": Role.EDITOR,
    "certificates.revoke_certificate": Role.EDITOR,
    "certificates.change_design": Role.EDITOR,
    "feedback.view_feedback": Role.VIEWER,
    "reports.view_reports": Role.VIEWER,
    "library.view_items": Role.VIEWER,
    "library.change_item": Role.EDITOR,
    "library.add_item": Role.EDITOR,
    "library.delete_item": Role.EDITOR,
    "library.import_items": Role.EDITOR,
}
RANK = {Role.VIEWER: 1, Role.EDITOR: 2, Role.OWNER: 3}
SUPERUSER_ONLY = ["programme.delete_series", "programme.grant_any_role"]


@pytest.fixture
def world(django_user_model):
    series_a = SeriesFactory(slug="series-a")
    series_b = SeriesFactory(slug="series-b")
    webinar_a = WebinarFactory(series=series_a, slug="alpha")
    users = {"nobody": django_user_model.objects.create_user("nobody", is_staff=True)}
    for role in Role.values:
        users[f"{role}-a"] = django_user_model.objects.create_user(f"{role}-a")
        SeriesRole.objects.create(series=series_a, user=users[f"{role}-a"], role=role)
    users["editor-b"] = django_user_model.objects.create_user("editor-b", is_staff=True)
    SeriesRole.objects.create(series=series_b, user=users["editor-b"], role=Role.EDITOR)
    users["superuser"] = django_user_model.objects.create_superuser("root", "root@example.org", "pw")
    users["inactive-owner-a"] = django_user_model.objects.create_user("gone", is_active=False)
    SeriesRole.objects.create(series=series_a, user=users["inactive-owner-a"], role=Role.OWNER)
    registration = Registration(webinar=webinar_a)
    imported = AttendanceImport(webinar=webinar_a)
    # Unsaved objects are enough: a rule only needs to find the object's series.
    objects = [
        series_a,
        webinar_a,
        registration,
        RegistrationQuestion(series=series_a),
        imported,
        Attendee(webinar=webinar_a, attendance_import=imported),
        Certificate(series=series_a, webinar=webinar_a),
        CertificateTemplate(series=series_a),
        FeedbackResponse(webinar=webinar_a),
    ]
    return {"a": series_a, "b": series_b, "users": users, "objects": objects}


def test_every_series_rule_is_specified():
    assert set(SERIES_PERMS) == set(LEAST_ROLE)
    assert {name: SERIES_PERMS[name] for name in LEAST_ROLE} == LEAST_ROLE


def test_objects_resolve_to_their_series(world):
    assert {series_id_of(obj) for obj in world["objects"]} == {world["a"].pk}
    assert series_id_of(None) is None


@pytest.mark.parametrize("perm", sorted(LEAST_ROLE))
def test_role_matrix_on_objects_of_series_a(world, perm):
    users = world["users"]
    for obj in world["objects"]:
        for role in Role.values:
            expected = RANK[role] >= RANK[LEAST_ROLE[perm]]
            assert may(users[f"{role}-a"], perm, obj) is expected, (role, perm, obj)
            assert users[f"{role}-a"].has_perm(perm, obj) is expected, (role, perm, obj)
        assert may(users["superuser"], perm, obj), (perm, obj)
        assert not may(users["editor-b"], perm, obj), (perm, obj)
        assert not may(users["nobody"], perm, obj), (perm, obj)
        assert not may(users["inactive-owner-a"], perm, obj), (perm, obj)


@pytest.mark.parametrize("perm", SUPERUSER_ONLY)
def test_superuser_only_rules(world, perm):
    users = world["users"]
    assert may(users["superuser"], perm)
    assert not any(may(users[name], perm, world["a"]) for name in users if name != "superuser")


def test_without_an_object_a_rule_asks_about_some_series(world):
    users = world["users"]
    assert may(users["viewer-a"], "reports.view_reports") and not may(users["viewer-a"], "registrations.view_registrations")
    assert may(users["editor-b"], "registrations.view_registrations")
    assert not may(users["nobody"], "reports.view_reports")


def test_series_for_lists_where_the_permission_holds(world, django_assert_num_queries):
    users, a, b = world["users"], world["a"], world["b"]
    assert list(selectors.series_for(users["viewer-a"], "reports.view_reports")) == [a]
    assert list(selectors.series_for(users["viewer-a"], "registrations.view_registrations")) == []
    assert list(selectors.series_for(users["editor-b"], "registrations.view_registrations")) == [b]
    assert set(selectors.series_for(users["superuser"], "programme.delete_webinar")) == {a, b}
    assert list(selectors.series_for(users["inactive-owner-a"], "programme.view_series")) == []
    with pytest.raises(KeyError):
        selectors.series_for(users["owner-a"], "programme.no_such_rule")
    owner = users["owner-a"]
    selectors.series_for(owner, "programme.view_series")  # the roles are read once per user object
    with django_assert_num_queries(0):
        selectors.series_for(owner, "programme.change_series").query  # noqa: B018 -- built, not run
        assert may(owner, "programme.delete_webinar", a)


def test_granting_and_revoking_a_role_through_the_services(world, django_user_model):
    a, b = world["a"], world["b"]
    user = django_user_model.objects.create_user("newcomer")
    actor = world["users"]["superuser"]
    assert not may(user, "programme.view_series", a)
    role = services.series_role_grant(series=a, user=user, role=Role.VIEWER, actor=actor)
    assert not user.is_staff and role.role == Role.VIEWER  # the role alone opens the workspace
    assert may(user, "programme.view_series", a) and not may(user, "programme.change_webinar", a)
    services.series_role_grant(series=a, user=user, role=Role.OWNER, actor=actor)
    assert SeriesRole.objects.filter(user=user).count() == 1
    assert may(user, "programme.manage_series_team", a) and not may(user, "programme.view_series", b)
    assert services.series_role_revoke(series=a, user=user, actor=actor)
    assert not may(user, "programme.view_series", a)
    assert not services.series_role_revoke(series=a, user=user, actor=actor)


def test_owners_of_a_series_and_superusers_may_start_a_series(world):
    users = world["users"]
    assert may(users["superuser"], "programme.add_series") and may(users["owner-a"], "programme.add_series")
    assert not any(may(users[name], "programme.add_series") for name in ("editor-a", "viewer-a", "editor-b", "nobody", "inactive-owner-a"))
