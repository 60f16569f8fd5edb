"""Two-factor sign-in (authenticator app, recovery codes), required by a series or for superusers;
idle sessions end after 2 hours; sign out everywhere."""

from __future__ import annotations

import time

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import SeriesRoleFactory, UserFactory
from webinars.accounts import services
from webinars.accounts.receivers import LAST_SEEN
from webinars.audit.models import LogEntry
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db
DASHBOARD = "/organise/"


def _code(device: TOTPDevice, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def _after_the_throttle_delay():
    """django-otp makes each device wait 1, 2, 4... seconds after a wrong code: as if that time had passed."""
    from django_otp.plugins.otp_static.models import StaticDevice

    for model in (TOTPDevice, StaticDevice):
        model.objects.update(throttling_failure_timestamp=None, throttling_failure_count=0)


def _sign_in(client, user):
    assert client.post("/organise/login/", {"username": user.username, "password": "pw"}).status_code == 302


@pytest.fixture
def editor():
    return SeriesRoleFactory(role=SeriesRole.Role.EDITOR).user


def test_set_up_an_app_then_every_sign_in_asks_for_its_code(client, editor):
    _sign_in(client, editor)
    assert client.get(DASHBOARD).status_code == 200  # no second factor yet, none required
    page = client.post(reverse("accounts:security"), {"action": "start"})
    assert page.status_code == 200 and "data:image/svg+xml;base64," in page.content.decode()
    device = TOTPDevice.objects.get(user=editor, confirmed=False)
    wrong = client.post(reverse("accounts:security"), {"action": "confirm", "device": device.pk, "token": "000000"})
    assert wrong.status_code == 400
    done = client.post(reverse("accounts:security"), {"action": "confirm", "device": device.pk, "token": _code(device)})
    codes = done.context["recovery_codes"]
    assert len(codes) == 10 and all(code in done.content.decode() for code in codes)
    assert LogEntry.objects.filter(action="account.two_factor_enabled").count() == 1

    client.logout()
    _sign_in(client, editor)
    asked = client.get(DASHBOARD)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("accounts:verify"))
    assert client.get("/admin/").status_code == 302 and client.get("/reports/").status_code == 302
    assert client.post(reverse("accounts:verify"), {"token": "123456", "next": DASHBOARD}).status_code == 400
    _after_the_throttle_delay()
    assert client.post(reverse("accounts:verify"), {"token": codes[0], "next": DASHBOARD})["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    client.logout()
    _sign_in(client, editor)
    assert client.post(reverse("accounts:verify"), {"token": codes[0]}).status_code == 400  # a recovery code works once


def test_a_series_owner_requires_it_for_everyone_on_the_series(client, editor):
    role = SeriesRole.objects.get(user=editor)
    role.series.require_two_factor = True
    role.series.save()
    _sign_in(client, editor)
    answer = client.get(DASHBOARD)
    assert answer.status_code == 302 and answer["Location"].startswith(reverse("accounts:security"))
    client.post(reverse("accounts:security"), {"action": "start"})
    device = TOTPDevice.objects.get(user=editor)
    client.post(reverse("accounts:security"), {"action": "confirm", "device": device.pk, "token": _code(device)})
    assert client.get(DASHBOARD).status_code == 200
    with pytest.raises(Exception, match="requires two-factor"):
        services.second_factor_remove(user=editor, actor=editor)
    assert TOTPDevice.objects.filter(user=editor).exists()  # refused: nothing removed


def test_superusers_must_use_it_when_the_settings_say_so(client, settings):
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True
    admin = UserFactory(superuser=True)
    _sign_in(client, admin)
    assert client.get("/admin/")["Location"].startswith(reverse("accounts:security"))
    settings.TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = False
    other = UserFactory(superuser=True)
    client.logout()
    _sign_in(client, other)
    assert client.get("/admin/").status_code == 200


def test_production_settings_require_it_for_superusers():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "config/settings/production.py").read_text()
    assert "TWO_FACTOR_REQUIRED_FOR_SUPERUSERS = True" in text


def test_an_idle_session_ends_after_two_hours(client, editor, settings):
    assert settings.ORGANISER_IDLE_SECONDS == 7200
    _sign_in(client, editor)
    assert client.get(DASHBOARD).status_code == 200
    session = client.session
    session[LAST_SEEN] = time.time() - 7201
    session.save()
    answer = client.get(DASHBOARD)
    assert answer.status_code == 302 and answer["Location"].startswith("/organise/login/")
    assert "_auth_user_id" not in client.session


def test_sign_out_everywhere_ends_every_session(client, editor):
    from django.test import Client

    phone = Client()
    _sign_in(client, editor)
    _sign_in(phone, editor)
    assert phone.get(DASHBOARD).status_code == 200
    assert client.post(reverse("accounts:security"), {"action": "everywhere"}).status_code == 302
    session = phone.session
    session["accounts:checked_at"] = 0  # as a minute later
    session.save()
    assert phone.get(DASHBOARD)["Location"].startswith("/organise/login/")
    assert LogEntry.objects.filter(action="account.signed_out_everywhere", actor=editor).exists()
    _sign_in(phone, editor)
    assert phone.get(DASHBOARD).status_code == 200  # a new sign-in works
