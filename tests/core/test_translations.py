"""The Russian catalogue: complete, consistent with its placeholders, compiled, and used.

The .po file is read by a small reader below (no polib, no gettext tools needed); only
the ``msgfmt --check`` test needs GNU gettext and is skipped without it.
"""

from __future__ import annotations

import datetime as dt
import gettext as gnu_gettext
import re
import shutil
import subprocess
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone, translation

from tests.factories import WebinarFactory, WebinarLinkFactory, WebinarSpeakerFactory
from webinars.mail.registry import all_kinds
from webinars.registrations.models import Registration

LOCALE_DIR = Path(settings.LOCALE_PATHS[0])
PO_FILE = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.po"
MO_FILE = LOCALE_DIR / "ru" / "LC_MESSAGES" / "django.mo"
RU_PLURAL_FORMS = "nplurals=3; plural=(n%10==1 && n%100!=11 ? 0 : n%10>=2 && n%10<=4 && (n%100<10 || n%100>=20) ? 1 : 2);"


# --- a small .po reader ------------------------------------------------------------------

_ESCAPES = {"n": "\n", "t": "\t", "r": "\r", '"': '"', "\\": "\\"}


def _unquote(token: str) -> str:
    token = token.strip()
    assert token.startswith('"') and token.endswith('"'), token
    return re.sub(r"\\(.)", lambda m: _ESCAPES[m.group(1)], token[1:-1])


def read_po(path: Path) -> list[dict]:
    """Entries as dicts: ``flags`` (a set), ``obsolete`` and the msg* fields as strings."""
    entries = []
    for block in re.split(r"\n[ \t]*\n", path.read_text(encoding="utf-8").strip()):
        entry: dict = {"flags": set(), "obsolete": False}
        key = None
        for line in block.splitlines():
            if line.startswith("#~"):
                entry["obsolete"] = True
            elif line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                entry[key] += _unquote(line)
            else:
                key, _, rest = line.partition(" ")
                entry[key] = _unquote(rest)
        if "msgid" in entry or entry["obsolete"]:
            entries.append(entry)
    return entries


def translations_of(entry: dict) -> list[str]:
    return [value for key, value in sorted(entry.items()) if key.startswith("msgstr")]


def header(entries: list[dict]) -> dict[str, str]:
    raw = next(e for e in entries if e["msgid"] == "" and "msgctxt" not in e)["msgstr"]
    return dict(line.split(": ", 1) for line in raw.splitlines() if ": " in line)


@pytest.fixture(scope="module")
def entries() -> list[dict]:
    return read_po(PO_FILE)


@pytest.fixture(scope="module")
def messages(entries) -> list[dict]:
    return [e for e in entries if e.get("msgid") and not e["obsolete"]]


# --- the catalogue -----------------------------------------------------------------------


def test_header_declares_russian_plural_forms(entries):
    head = header(entries)
    assert head["Language"] == "ru"
    assert head["Content-Type"] == "text/plain; charset=UTF-8"
    assert head["Plural-Forms"] == RU_PLURAL_FORMS
    assert "fuzzy" not in entries[0]["flags"]


def test_catalogue_is_complete(messages):
    assert len(messages) > 300
    untranslated = [e["msgid"] for e in messages if not all(t.strip() for t in translations_of(e))]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_no_obsolete_entries(entries):
    assert [e for e in entries if e["obsolete"]] == []


def test_plural_entries_have_three_forms(messages):
    plurals = [e for e in messages if "msgid_plural" in e]
    assert plurals, "the catalogue should have plural messages"
    for entry in plurals:
        assert sorted(k for k in entry if k.startswith("msgstr")) == ["msgstr[0]", "msgstr[1]", "msgstr[2]"], entry["msgid"]
        assert "msgstr" not in entry


PRINTF = re.compile(r"%(?:\((?P<name>[^)]+)\))?[#0 +-]*\d*(?:\.\d+)?(?P<conv>[sdifr%])")
BRACE = re.compile(r"\{(?P<name>[A-Za-z_]\w*)\}")


def placeholders(text: str, entry_flags: set[str]) -> Counter:
    found: Counter = Counter()
    if "python-format" in entry_flags or "%(" in text:
        for match in PRINTF.finditer(text):
            if match["conv"] != "%":
                found[match.group(0)] += 1
    for match in BRACE.finditer(text):
        found[match.group(0)] += 1
    return found


def test_translations_keep_every_placeholder(messages):
    problems = []
    for entry in messages:
        source = placeholders(entry["msgid"], entry["flags"])
        if "msgid_plural" in entry:
            source |= placeholders(entry["msgid_plural"], entry["flags"])
        for translated in translations_of(entry):
            mine = placeholders(translated, entry["flags"])
            if set(mine) != set(source):
                problems.append((entry["msgid"], translated))
    assert problems == []


def test_translations_keep_leading_and_trailing_punctuation(messages):
    """A label ending in a colon, or a sentence ending in a full stop, stays so."""
    problems = []
    for entry in messages:
        for translated in translations_of(entry):
            if entry["msgid"].endswith(":") != translated.endswith(":"):
                problems.append((entry["msgid"], translated))
            if entry["msgid"].endswith("\n") != translated.endswith("\n"):
                problems.append((entry["msgid"], translated))
    assert problems == []


def test_compiled_catalogue_matches_the_po_file(messages):
    """The committed .mo is compiled from the committed .po (a fresh machine needs no msgfmt)."""
    assert MO_FILE.exists()
    assert MO_FILE.stat().st_size > 0
    with MO_FILE.open("rb") as handle:
        compiled = gnu_gettext.GNUTranslations(handle)
    stale = []
    for entry in messages:
        context = entry.get("msgctxt")
        if "msgid_plural" in entry:
            for n, key in ((1, "msgstr[0]"), (3, "msgstr[1]"), (5, "msgstr[2]")):
                got = (
                    compiled.npgettext(context, entry["msgid"], entry["msgid_plural"], n)
                    if context
                    else compiled.ngettext(entry["msgid"], entry["msgid_plural"], n)
                )
                if got != entry[key]:
                    stale.append(entry["msgid"])
        else:
            got = compiled.pgettext(context, entry["msgid"]) if context else compiled.gettext(entry["msgid"])
            if got != entry["msgstr"]:
                stale.append(entry["msgid"])
    assert stale == [], "run: manage.py compilemessages --ignore=.venv"


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_msgfmt_check_passes(tmp_path):
    result = subprocess.run(
        ["msgfmt", "--check", "--statistics", "-o", str(tmp_path / "django.mo"), str(PO_FILE)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


# --- at run time ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("n", "expected"),
    [
        (1, "1 вебинар"),
        (2, "2 вебинара"),
        (4, "4 вебинара"),
        (5, "5 вебинаров"),
        (11, "11 вебинаров"),
        (12, "12 вебинаров"),
        (21, "21 вебинар"),
        (22, "22 вебинара"),
        (25, "25 вебинаров"),
        (111, "111 вебинаров"),
    ],
)
def test_russian_plural_forms_at_run_time(n, expected):
    with translation.override("ru"):
        assert translation.ngettext("%(n)s webinar", "%(n)s webinars", n) % {"n": n} == expected


def test_every_email_subject_is_translated():
    with translation.override("ru"):
        kinds = [kind for kind in all_kinds() if kind.subject]  # an organiser's message has the organiser's subject
        assert {"confirmed", "certificate", "feedback_request"} <= {kind.name for kind in kinds}
        for kind in kinds:
            translated = translation.gettext(kind.subject)
            assert translated != kind.subject, kind.name
            assert BRACE.findall(translated) == BRACE.findall(kind.subject), kind.name


def test_settings_language_names_are_translated():
    with translation.override("ru"):
        assert [str(name) for _, name in settings.LANGUAGES] == ["Английский", "Русский"]


# --- pages ---------------------------------------------------------------------------------


@pytest.fixture
def webinar(db):
    webinar = WebinarFactory(capacity=30, starts_at=timezone.now() + dt.timedelta(days=3))
    WebinarSpeakerFactory(webinar=webinar)
    WebinarLinkFactory(webinar=webinar)
    return webinar


def get_ru(client, url: str):
    return client.get(url + ("&" if "?" in url else "?") + "lang=ru")


def test_home_page_in_russian(client, webinar):
    response = get_ru(client, "/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru"' in html
    for text in ("Вебинары для музейных специалистов", "Предстоящие вебинары", "Часовой пояс", "Перейти к содержанию", "Серии"):
        assert text in html, text
    for english in ("Upcoming webinars", "Skip to content", "Show times", "Times are shown for"):
        assert english not in html, english


def test_webinar_page_in_russian(client, webinar):
    html = get_ru(client, webinar.get_absolute_url()).content.decode()
    for text in ("Постоянная ссылка", "Спикеры", "Полезные ссылки", "Зарегистрироваться", "Добавить в календарь", "Организатор"):
        assert text in html, text
    for english in ("Permanent link", "Useful links", "Speakers", "Add to calendar"):
        assert english not in html, english


def test_time_to_be_announced_in_russian(client, db):
    webinar = WebinarFactory(starts_at=None)
    html = get_ru(client, webinar.get_absolute_url()).content.decode()
    assert "время будет объявлено дополнительно" in html


def test_registration_form_labels_in_russian(client, webinar):
    url = f"/series/{webinar.series.slug}/{webinar.slug}/register/"
    response = get_ru(client, url)
    html = response.content.decode()
    assert response.status_code == 200
    for label in (
        "Регистрация на вебинар",
        "Имя и фамилия",
        "Электронная почта",
        "Страна",
        "Город",
        "Организация (музей)",
        "Должность",
        "Тип учреждения",
        "Язык писем",
        "Выберите страну",
        "Я даю согласие на использование моих данных",
    ):
        assert label in html, label
    for english in ("Full name", "Organisation (museum)", "Language for e-mails"):
        assert english not in html, english


def test_registration_errors_in_russian(client, webinar):
    url = f"/series/{webinar.series.slug}/{webinar.slug}/register/?lang=ru"
    html = client.post(url, {"name": "", "email": "x@example.org"}).content.decode()
    assert "Пожалуйста, исправьте отмеченные ниже поля." in html
    assert "Для регистрации необходимо ваше согласие с уведомлением о конфиденциальности." in html


def test_404_page_in_russian(client, db):
    response = get_ru(client, "/series/nope/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Страница не найдена" in html
    assert "Посмотреть все вебинары" in html


# --- e-mail --------------------------------------------------------------------------------


def registration_post(**overrides) -> dict:
    data = {
        "name": "Динара Халикова",
        "email": "dinara@example.org",
        "country": "KZ",
        "city": "Алматы",
        "organisation": "Центральный государственный музей",
        "position": "Хранитель",
        "institution_type": "state",
        "gender": "female",
        "language": "ru",
        "time_zone": "Asia/Almaty",
        "consent_privacy": "on",
        "consent_recording": "on",
    }
    data.update(overrides)
    return data


@pytest.mark.django_db
def test_confirmation_request_email_in_russian(committing_client):
    client = committing_client  # the e-mail is delivered once the registration commits
    webinar = WebinarFactory(capacity=30, starts_at=timezone.now() + dt.timedelta(days=3))
    url = f"/series/{webinar.series.slug}/{webinar.slug}/register/?lang=ru"
    client.post(url, registration_post())
    assert Registration.objects.get().language == "ru"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Пожалуйста, подтвердите регистрацию"
    assert "Пожалуйста, подтвердите адрес электронной почты, чтобы сохранить место:" in email.body
    assert "Срок подтверждения: " in email.body
    assert "Управление регистрацией" in email.body
    assert "Please confirm" not in email.body


@pytest.mark.django_db
def test_confirmed_email_in_russian_keeps_the_title(committing_client):
    client = committing_client
    webinar = WebinarFactory(capacity=None, starts_at=timezone.now() + dt.timedelta(days=3))
    webinar.series.confirm_email = False
    webinar.series.save()
    url = f"/series/{webinar.series.slug}/{webinar.slug}/register/?lang=ru"
    client.post(url, registration_post())
    assert Registration.objects.get().status == Registration.Status.CONFIRMED
    email = mail.outbox[0]
    assert email.subject == f"Вы зарегистрированы: {webinar.title['ru']}"
    assert "Вы зарегистрированы на вебинар:" in email.body
    assert "Ваша персональная ссылка для подключения" in email.body
    ics = next(content for name, content, _ in email.attachments if name == "webinar.ics")
    assert "Ваша ссылка для подключения:" in (ics.decode() if isinstance(ics, bytes) else ics).replace("\r\n ", "")
