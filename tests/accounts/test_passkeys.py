"""Passkeys (WebAuthn) for organisers, checked with a software authenticator that makes real
attestations and assertions (ES256): register, second factor, passwordless sign-in, list and
remove, and the answers that must be refused."""

from __future__ import annotations

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from tests.accounts.authenticator import SoftwareAuthenticator
from tests.factories import SeriesRoleFactory
from webinars.accounts.models import PasskeyDevice
from webinars.audit.models import LogEntry
from webinars.programme.models import SeriesRole

pytestmark = pytest.mark.django_db
DASHBOARD = "/organise/"


@pytest.fixture
def editor():
    return SeriesRoleFactory(role=SeriesRole.Role.EDITOR).user


def _sign_in(client, user) -> None:
    assert client.post("/organise/login/", {"username": user.username, "password": "pw"}).status_code == 302


def _post(client, name: str, body: dict | None = None, query: str = ""):
    return client.post(reverse(f"accounts:{name}") + query, json.dumps(body or {}), content_type="application/json")


def _register(client, authenticator: SoftwareAuthenticator, name: str = "Laptop", **create) -> object:
    options = _post(client, "passkey_register_options").json()
    return _post(client, "passkey_register", {"credential": authenticator.create(options, **create), "name": name})


def _verify(client, authenticator: SoftwareAuthenticator, **get):
    options = _post(client, "passkey_verify_options").json()
    return _post(client, "passkey_verify", {"credential": authenticator.get(options, **get)}, query="?next=/organise/")


def _passwordless(client, authenticator: SoftwareAuthenticator, **get):
    options = _post(client, "passkey_sign_in_options").json()
    assert "allowCredentials" not in options or options["allowCredentials"] == []  # any passkey of the site
    assert options["userVerification"] == "required"
    return _post(client, "passkey_sign_in", {"credential": authenticator.get(options, **get)})


def test_register_a_passkey_then_every_sign_in_asks_for_it(client, editor):
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    answer = _register(client, key, name="  Office   laptop ")
    assert answer.status_code == 200 and answer.json() == {"redirect": reverse("accounts:security")}
    device = PasskeyDevice.objects.get(user=editor)
    assert device.name == "Office laptop" and device.confirmed and bytes(device.public_key)
    assert LogEntry.objects.filter(action="account.passkey_added", data__passkey=device.pk).count() == 1

    # The first second factor comes with recovery codes, shown once.
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Office laptop" in page and page.count("<code>") == 10
    assert client.get(reverse("accounts:security")).content.decode().count("<code>") == 0

    client.logout()
    _sign_in(client, editor)
    asked = client.get(DASHBOARD)
    assert asked.status_code == 302 and asked["Location"].startswith(reverse("accounts:verify"))
    assert "Use a passkey" in client.get(asked["Location"]).content.decode()
    done = _verify(client, key)
    assert done.status_code == 200 and done.json() == {"redirect": "/organise/"}
    assert client.get(DASHBOARD).status_code == 200
    device.refresh_from_db()
    assert device.sign_count == 1 and device.last_used_at is not None


def test_answers_that_prove_nothing_are_refused(client, editor):
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    assert _register(client, key, origin="https://evil.example").status_code == 400  # another site's answer
    assert _register(client, key, rp_id="evil.example").status_code == 400
    assert not PasskeyDevice.objects.exists()
    assert _register(client, key).status_code == 200
    client.logout()
    _sign_in(client, editor)

    assert _verify(client, key, tamper=True).status_code == 400  # signature does not match the data
    assert _verify(client, SoftwareAuthenticator(credential_id=key.credential_id)).status_code == 400  # another private key
    assert _verify(client, key, origin="https://evil.example").status_code == 400
    # An answer is good once: the challenge is used up, replaying it is refused.
    options = _post(client, "passkey_verify_options").json()
    credential = key.get(options)
    assert _post(client, "passkey_verify", {"credential": credential}).status_code == 200
    assert _post(client, "passkey_verify", {"credential": credential}).status_code == 400
    # Malformed bodies are a 400 with a message, never a 500.
    for body in (b"not json", b"[]", b'{"credential": "x"}', b'{"credential": {"id": 5}}'):
        response = client.post(reverse("accounts:passkey_verify"), body, content_type="application/json")
        assert response.status_code == 400 and response.json()["error"]


def test_a_passkey_of_another_account_is_not_a_second_factor(client, editor):
    other = SeriesRoleFactory(role=SeriesRole.Role.EDITOR).user
    key = SoftwareAuthenticator()
    _sign_in(client, other)
    assert _register(client, key).status_code == 200
    client.logout()
    _sign_in(client, editor)
    assert _verify(client, key).status_code == 400


def test_sign_in_with_a_passkey_alone(client, editor):
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    client.logout()

    answer = _passwordless(client, key)
    assert answer.status_code == 200 and answer.json() == {"redirect": DASHBOARD}
    assert client.get(DASHBOARD).status_code == 200  # signed in, second factor done
    assert LogEntry.objects.filter(action="account.passkey_signed_in", data__user=editor.pk).count() == 1


def test_a_passkey_alone_must_verify_the_person(client, editor):
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    client.logout()
    key.user_verification = False  # touched, but no PIN or fingerprint
    assert _passwordless(client, key).status_code == 400
    assert client.get(DASHBOARD).status_code == 302


@override_settings(AXES_FAILURE_LIMIT=2)
def test_a_locked_out_account_stays_locked_out_with_a_passkey(client, editor):
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    client.logout()
    for _ in range(2):
        client.post("/organise/login/", {"username": editor.username, "password": "wrong"})
    assert _passwordless(client, key).status_code == 429
    assert client.get(DASHBOARD).status_code == 302


def test_list_and_remove_passkeys(client, editor):
    _sign_in(client, editor)
    first, second = SoftwareAuthenticator(), SoftwareAuthenticator()
    assert _register(client, first, name="Phone").status_code == 200
    assert _register(client, second, name="Key").status_code == 200
    page = client.get(reverse("accounts:security")).content.decode()
    assert "Phone" in page and "Key" in page
    phone = PasskeyDevice.objects.get(name="Phone")
    removed = client.post(reverse("accounts:security"), {"action": "remove_passkey", "passkey": phone.pk})
    assert removed.status_code == 302
    assert list(PasskeyDevice.objects.values_list("name", flat=True)) == ["Key"]
    assert LogEntry.objects.filter(action="account.passkey_removed", data__passkey=phone.pk).count() == 1
    # Another user's passkey id removes nothing.
    stranger = SeriesRoleFactory(role=SeriesRole.Role.EDITOR).user
    foreign = PasskeyDevice.objects.create(user=stranger, name="x", credential_id="abc", public_key=b"k", user_handle="h")
    client.post(reverse("accounts:security"), {"action": "remove_passkey", "passkey": foreign.pk})
    assert PasskeyDevice.objects.filter(pk=foreign.pk).exists()


def test_the_last_factor_of_an_account_that_must_use_one_cannot_be_removed(client, editor):
    role = SeriesRole.objects.get(user=editor)
    _sign_in(client, editor)
    key = SoftwareAuthenticator()
    assert _register(client, key).status_code == 200
    role.series.require_two_factor = True
    role.series.save()
    from django_otp.plugins.otp_static.models import StaticDevice

    StaticDevice.objects.filter(user=editor).delete()  # only the passkey is left
    device = PasskeyDevice.objects.get(user=editor)
    page = client.post(reverse("accounts:security"), {"action": "remove_passkey", "passkey": device.pk}, follow=True)
    assert PasskeyDevice.objects.filter(pk=device.pk).exists()
    assert "requires two-factor sign-in" in page.content.decode()


def test_registering_needs_the_second_factor_of_this_session(client, editor):
    _sign_in(client, editor)
    assert _register(client, SoftwareAuthenticator()).status_code == 200
    client.logout()
    _sign_in(client, editor)  # password only: not verified yet
    assert _post(client, "passkey_register_options").status_code == 403
    client.logout()
    assert _post(client, "passkey_register_options").status_code == 403


def test_the_pages_load_the_script_as_a_static_file_with_the_nonce(client, editor):
    login = client.get("/organise/login/")
    html = login.content.decode()
    nonce = login["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    assert f'src="/static/accounts/passkeys.js" nonce="{nonce}"' in html
    assert 'data-passkey="sign_in"' in html and " hidden>" in html  # shown by the script only
    assert "unsafe-inline" not in login["Content-Security-Policy"]
