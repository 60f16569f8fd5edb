"""The shortcuts of the sending path give exactly what Django's and the standard library's
slower paths give: envelope addresses, header folding and multipart boundaries."""

import email
from email._policybase import compat32

import pytest
from django.core.mail.message import sanitize_address

from webinars.mail.backends import envelope_address
from webinars.mail.rendering import RenderedEmail, _QuickFolding

ADDRESSES = [
    "r1@bench.example.org",
    "first.last+tag@museum.kz",
    "a_b-c@x-y.example.am",
    "Museum Webinars <webinars@localhost>",
    "Музей <muzei@example.kz>",
    "user@Example.ORG",
    "user@пример.рф",
    "first..last@example.org",
    '"quoted local"@example.org',
    "name.@example.org",
]


@pytest.mark.parametrize("address", ADDRESSES)
def test_an_envelope_address_is_what_sanitize_address_makes_of_it(address):
    assert envelope_address(address, "utf-8") == sanitize_address(address, "utf-8")


def test_an_address_with_a_line_break_is_still_refused():
    with pytest.raises(ValueError):
        envelope_address("a@example.org\nBcc: b@example.org", "utf-8")


HEADERS = [
    ("To", "r1@bench.example.org"),
    ("Message-ID", "<1.0123456789abcdef01234567@museum-webinars>"),
    ("Subject", "=?utf-8?b?0J3QsNC/0L7QvNC40L3QsNC90LjQtTog0JzRg9C30LXQuCDQuCDRgdC+0L7QsdGJ0LXRgdGC0LLQsA==?="),
    ("Subject", "Reminder: Museums and communities starts soon"),
    ("Subject", "A long English subject that does not fit on one line of seventy-eight characters at all"),
    ("Content-Type", 'multipart/alternative; boundary="=_mw_0123456789abcdef0123456789abcdef"'),
    ("X-Spaces", "a  b   c "),
    ("X-Lead", " leading"),
    ("Reply-To", "Organiser <office@example.kz>"),
    ("Subject", "Напоминание"),
]


@pytest.mark.parametrize(("name", "value"), HEADERS)
@pytest.mark.parametrize("linesep", ["\n", "\r\n"])
def test_quick_folding_writes_what_compat32_writes(name, value, linesep):
    quick, standard = _QuickFolding().clone(linesep=linesep), compat32.clone(linesep=linesep)
    assert quick.fold_binary(name, value) == standard.fold_binary(name, value)
    assert quick.fold(name, value) == standard.fold(name, value)


def _email(text: str, html: str, email_class=RenderedEmail) -> RenderedEmail:
    message = email_class(
        subject="Напоминание: «Музеи и сообщества» скоро",
        body=text,
        from_email="Museum Webinars <webinars@localhost>",
        to=["r1@example.org"],
        headers={"Message-ID": "<1.abc@museum-webinars>", "Date": "Fri, 27 Nov 2026 10:00:00 -0000"},
    )
    message.attach_alternative(html, "text/html")
    return message


def test_a_rendered_email_reads_back_the_same_and_its_boundary_is_in_no_part():
    text, html = "Здравствуйте!\nВебинар начинается завтра.\n", "<p>Здравствуйте!</p>" * 40
    sent = _email(text, html).message().as_bytes(linesep="\r\n")
    parsed = email.message_from_bytes(sent)
    assert parsed.get_content_type() == "multipart/alternative"
    boundary = parsed.get_boundary()
    assert boundary.startswith("=_mw_") and len(boundary) == 5 + 32
    plain, rich = parsed.get_payload()
    assert plain.get_payload(decode=True).decode().replace("\r\n", "\n") == text
    assert rich.get_payload(decode=True).decode().replace("\r\n", "\n") == html
    assert str(email.header.make_header(email.header.decode_header(parsed["Subject"]))) == "Напоминание: «Музеи и сообщества» скоро"
    assert _email(text, html).message().get_boundary() != boundary  # a new one for each message


def test_a_boundary_found_in_the_text_is_drawn_again(monkeypatch):
    from webinars.mail import rendering

    drawn = iter(["0" * 32, "1" * 32])
    monkeypatch.setattr(rendering.secrets, "token_hex", lambda n: next(drawn))
    message = _email(f"see =_mw_{'0' * 32} here", "<p>x</p>").message()
    assert message.get_boundary() == "=_mw_" + "1" * 32


def test_the_bytes_are_djangos_but_for_the_boundary():
    from django.core.mail import EmailMultiAlternatives

    text, html = "Здравствуйте, Участник!\n" + "Длинная строка текста письма. " * 40 + "\n", "<p>Բարև Ձեզ, გამარჯობა</p>" * 30
    ours = _email(text, html).message()
    theirs = _email(text, html, EmailMultiAlternatives).message()
    theirs.set_boundary(ours.get_boundary())
    for linesep in ("\n", "\r\n"):
        assert ours.as_bytes(linesep=linesep) == theirs.as_bytes(linesep=linesep)
