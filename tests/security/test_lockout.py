"""Sign-in lockout on the workspace and the admin (django-axes): 10 failures for one account or
one client address lock it for the cooling-off time, even with the right password; an audit
line per lockout; an owner or a superuser lifts it.

Runs on SQLite and PostgreSQL (``DATABASE_URL=postgres://... pytest tests/security``).
"""

from __future__ import annotations

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from tests.factories import SeriesRoleFactory, UserFactory
from webinars.accounts import services
from webinars.audit.models import LogEntry
from webinars.core.errors import NotAllowed
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db
PASSWORD = "correct horse battery staple"
LOGIN = "/organise/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def organiser():
    user = UserFactory(username="editor@museum.test", email="editor@museum.test", is_staff=True)
    user.set_password(PASSWORD)
    user.save()
    return user


def _sign_in(client, url, username, password, address="198.51.100.7"):
    return client.post(url, {"username": username, "password": password}, REMOTE_ADDR=address)


@pytest.mark.parametrize("url", [LOGIN, ADMIN_LOGIN])
def test_ten_failures_lock_the_account_even_with_the_right_password(client, organiser, url):
    for attempt in range(9):
        assert _sign_in(client, url, organiser.username, "wrong", address=f"198.51.100.{attempt + 1}").status_code == 200
    assert _sign_in(client, url, organiser.username, "wrong", address="198.51.100.10").status_code == 429
    locked = _sign_in(client, url, organiser.username, PASSWORD, address="203.0.113.5")  # another address too
    assert locked.status_code == 429
    assert "locked for 15 minutes" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    lines = LogEntry.objects.filter(action="account.locked_out")
    assert lines.count() == 1 and lines.get().data == {"user": organiser.pk, "by_address": False}
    assert organiser.username not in str(lines.get().data)  # ids only


def test_one_address_trying_many_accounts_is_locked_out(client, organiser):
    for n in range(10):
        _sign_in(client, LOGIN, f"nobody{n}@museum.test", "wrong", address="192.0.2.9")
    assert _sign_in(client, LOGIN, organiser.username, PASSWORD, address="192.0.2.9").status_code == 429
    assert _sign_in(client, LOGIN, organiser.username, PASSWORD, address="192.0.2.10").status_code == 302  # others unaffected


def test_the_lock_ends_after_the_cooling_off_time(client, organiser, settings):
    for n in range(10):
        _sign_in(client, LOGIN, organiser.username, "wrong", address=f"198.51.100.{n + 1}")
    AccessAttempt.objects.update(attempt_time=AccessAttempt.objects.first().attempt_time - dt.timedelta(minutes=16))
    assert _sign_in(client, LOGIN, organiser.username, PASSWORD).status_code == 302


def test_an_owner_of_their_series_lifts_the_lockout_but_a_stranger_may_not(client, organiser):
    role = SeriesRoleFactory(user=organiser, role=SeriesRole.Role.EDITOR)
    owner = SeriesRoleFactory(series=role.series, role=SeriesRole.Role.OWNER).user
    stranger = SeriesRoleFactory(role=SeriesRole.Role.OWNER).user
    for n in range(10):
        _sign_in(client, LOGIN, organiser.username, "wrong", address=f"198.51.100.{n + 1}")
    with pytest.raises(NotAllowed):
        services.account_unlock(username=organiser.username, actor=stranger)
    client.force_login(owner)
    page = client.get(reverse("accounts:security"))
    assert organiser.username in page.content.decode()
    client.force_login(stranger)
    assert organiser.username not in client.get(reverse("accounts:security")).content.decode()
    client.force_login(owner)
    assert client.post(reverse("accounts:security"), {"action": "unlock", "username": organiser.username}).status_code == 302
    assert LogEntry.objects.filter(action="account.unlocked", actor=owner).exists()
    client.logout()
    assert _sign_in(client, LOGIN, organiser.username, PASSWORD).status_code == 302


def test_a_superuser_lifts_a_lockout_of_an_address(client, organiser):
    for n in range(10):
        _sign_in(client, LOGIN, f"nobody{n}@museum.test", "wrong", address="192.0.2.9")
    with pytest.raises(NotAllowed):
        services.address_unlock(ip_address="192.0.2.9", actor=organiser)
    services.address_unlock(ip_address="192.0.2.9", actor=UserFactory(is_superuser=True))
    assert _sign_in(client, LOGIN, organiser.username, PASSWORD, address="192.0.2.9").status_code == 302


def test_the_lockout_uses_the_client_address_behind_a_trusted_proxy_only(client, organiser, settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8"]
    for n in range(10):  # a client rotating a forged X-Forwarded-For prefix through the proxy
        client.post(
            LOGIN,
            {"username": f"nobody{n}@museum.test", "password": "x"},
            REMOTE_ADDR="10.0.0.2",
            HTTP_X_FORWARDED_FOR=f"1.2.3.{n}, 192.0.2.50",
        )
    blocked = client.post(
        LOGIN, {"username": organiser.username, "password": PASSWORD}, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="192.0.2.50"
    )
    assert blocked.status_code == 429
