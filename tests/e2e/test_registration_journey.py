"""A museum worker registers in a real browser: form, e-mail confirmation, join link, self-service, accessibility.

The live server runs in this process, so the e-mails it sends (locmem backend, tasks run at
once after the commit) are in ``django.core.mail.outbox`` as soon as the page has answered.
The sample webinar's meeting address is a page of the live server itself, so the join
link's redirect can be followed without leaving loopback.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core import mail
from playwright.sync_api import Page, expect

from webinars.programme.models import Webinar
from webinars.registrations import selectors, services
from webinars.registrations.models import Booking, Registration

from .conftest import SAMPLE_WEBINAR_SLUG
from .test_accessibility import describe

pytestmark = pytest.mark.browser

AXE = Axe()
ZONE = "Asia/Almaty"
MEETING_PATH = "/-/hello"  # a trivial page of the site: the "meeting" the join link leads to
ARMENIAN_NAME = "Անահիտ Սարգսյան"
RUSSIAN_NAME = "Ольга Синицына"
SAMPLE_TITLE = {"en": "Sample: Collection care basics", "ru": "Пример: основы сохранения коллекций"}


@dataclass(frozen=True)
class Words:
    """What the interface says in one language (as a registrant reads it)."""

    register: str
    form_heading: str
    name: str
    email: str
    country: str
    organisation: str
    institution_type: str
    privacy: str
    armenia: str
    state_museum: str
    correct_fields: str
    required: str
    please_confirm: str
    confirm_heading: str
    confirm_button: str
    my_registration: str
    status_confirmed: str
    status_cancelled: str
    join: str
    cancel: str
    confirm_cancel: str
    cancelled_notice: str
    download: str
    erase_box: str
    erase_button: str
    tick_the_box: str
    erased: str


WORDS = {
    "en": Words(
        register="Register",
        form_heading="Register for the webinar",
        name="Full name",
        email="E-mail",
        country="Country",
        organisation="Organisation (museum)",
        institution_type="Type of institution",
        privacy="I agree that my details are used to organise this webinar",
        armenia="Armenia",
        state_museum="State museum or institution",
        correct_fields="Please correct the fields marked below.",
        required="This field is required.",
        please_confirm="Please confirm your e-mail address",
        confirm_heading="Confirm your registration",
        confirm_button="Confirm my e-mail address",
        my_registration="My registration",
        status_confirmed="Status: confirmed",
        status_cancelled="Status: cancelled",
        join="Join the webinar",
        cancel="Cancel this registration",
        confirm_cancel="Yes, cancel my registration",
        cancelled_notice="Your registration is cancelled.",
        download="Download my data (JSON)",
        erase_box="Erase my personal data.",
        erase_button="Erase my data",
        tick_the_box="Tick the box to confirm that your data should be erased.",
        erased="Your data is erased",
    ),
    "ru": Words(
        register="Зарегистрироваться",
        form_heading="Регистрация на вебинар",
        name="Имя и фамилия",
        email="Электронная почта",
        country="Страна",
        organisation="Организация (музей)",
        institution_type="Тип учреждения",
        privacy="Я даю согласие на использование моих данных",
        armenia="Армения",
        state_museum="Государственный музей или учреждение",
        correct_fields="Пожалуйста, исправьте отмеченные ниже поля.",
        required="Обязательное поле.",
        please_confirm="Пожалуйста, подтвердите адрес электронной почты",
        confirm_heading="Подтвердите регистрацию",
        confirm_button="Подтвердить адрес электронной почты",
        my_registration="Моя регистрация",
        status_confirmed="Статус: подтверждено",
        status_cancelled="Статус: отменено",
        join="Подключиться к вебинару",
        cancel="Отменить эту регистрацию",
        confirm_cancel="Да, отменить регистрацию",
        cancelled_notice="Ваша регистрация отменена.",
        download="Скачать мои данные (JSON)",
        erase_box="Удалить мои персональные данные.",
        erase_button="Удалить мои данные",
        tick_the_box="Отметьте флажок, чтобы подтвердить удаление ваших данных.",
        erased="Ваши данные удалены",
    ),
}


@pytest.fixture
def reg_site(site, settings):
    """The demo site, with e-mail links pointing at the live server and a meeting address on it."""
    settings.SITE_URL = site.url
    Webinar.objects.filter(slug=SAMPLE_WEBINAR_SLUG).update(meeting_url=site.url + MEETING_PATH)
    return site


def sample_webinar() -> Webinar:
    return Webinar.objects.select_related("series").get(slug=SAMPLE_WEBINAR_SLUG)


def register_path(webinar: Webinar) -> str:
    return f"/series/{webinar.series.slug}/{webinar.slug}/register/"


def field(page: Page, label: str):
    """The form control labelled ``label`` (Django adds a colon to most labels)."""
    return page.get_by_label(re.compile("^" + re.escape(label) + ":?$"))


def fill_form(page: Page, words: Words, *, name: str, email: str, organisation: str | None) -> None:
    """Fill the required fields the way a person does; ``organisation=None`` leaves it empty."""
    field(page, words.name).fill(name)
    field(page, words.email).fill(email)
    field(page, words.country).select_option(label=words.armenia)
    if organisation is not None:
        field(page, words.organisation).fill(organisation)
    field(page, words.institution_type).select_option(label=words.state_museum)
    page.get_by_label(words.privacy).check()


def submit(page: Page, words: Words) -> None:
    page.locator("main").get_by_role("button", name=words.register, exact=True).click()


def mail_to(address: str, *, containing: str, timeout: float = 10.0) -> mail.EmailMessage:
    """The e-mail sent to ``address`` whose text contains ``containing`` (waits briefly)."""
    deadline = time.monotonic() + timeout
    while True:
        found = [m for m in mail.outbox if address in m.to and containing in m.body]
        if found:
            assert len(found) == 1, [m.subject for m in found]
            return found[0]
        if time.monotonic() > deadline:
            raise AssertionError(f"no e-mail to {address} containing {containing!r}; outbox: {[(m.to, m.subject) for m in mail.outbox]}")
        time.sleep(0.05)


def link_in(message: mail.EmailMessage, site_url: str, path_prefix: str) -> str:
    match = re.search(re.escape(site_url + path_prefix) + r"\S+/", message.body)
    assert match, f"no {path_prefix} link in:\n{message.body}"
    return match.group(0)


def register_confirm_and_join(page: Page, site_url: str, words: Words, *, name: str, email: str, language: str) -> Registration:
    """From the "Please confirm" answer on: the e-mail, its link, the button, the join link."""
    expect(page.locator("main")).to_contain_text(words.please_confirm)
    registration = Registration.objects.get(email=email)
    assert registration.status == Registration.Status.PENDING
    assert registration.name == name
    assert registration.country.code == "AM"
    assert registration.institution_type == "state"
    assert registration.language == language
    assert registration.time_zone == ZONE
    assert registration.consent_privacy_at is not None

    request = mail_to(email, containing="/r/confirm/")
    if language == "ru":
        assert re.search("[а-яё]", request.subject, re.IGNORECASE), request.subject
    confirm_url = link_in(request, site_url, "/r/confirm/")

    # A mail scanner opening the link confirms nothing: a person presses the button.
    page.goto(confirm_url)
    expect(page.locator("h1")).to_have_text(words.confirm_heading)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.PENDING
    page.get_by_role("button", name=words.confirm_button).click()

    # Lands on the self-service page of this booking (tokens are timestamped: compare bookings).
    expect(page).to_have_url(re.compile("^" + re.escape(site_url) + r"/r/[^/]+/$"))
    manage_token = page.url.removeprefix(site_url).split("/")[2]
    assert selectors.booking_by_manage_token(manage_token) == registration.booking
    expect(page.locator("h1")).to_have_text(words.my_registration)
    item = page.locator("main li.item", has=page.get_by_role("link", name=SAMPLE_TITLE[language]))
    expect(item).to_contain_text(words.status_confirmed)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CONFIRMED
    assert registration.join_count == 0

    # The confirmation e-mail and the page carry personal join links (signed when shown) to the same registration.
    confirmed = mail_to(email, containing="/j/")
    emailed = link_in(confirmed, site_url, "/j/")
    assert selectors.registration_by_join_token(emailed.removeprefix(f"{site_url}/j/").strip("/")) == registration

    join = item.get_by_role("link", name=words.join)
    shown = join.get_attribute("href")
    assert shown.startswith("/j/") and selectors.registration_by_join_token(shown.strip("/").split("/")[1]) == registration
    join.click()
    expect(page).to_have_url(site_url + MEETING_PATH)
    expect(page.locator("body")).to_have_text("hello")
    registration.refresh_from_db()
    assert registration.join_count == 1
    assert registration.join_clicked_at is not None
    return registration


def test_register_confirm_and_join_in_english(reg_site, new_context):
    words = WORDS["en"]
    webinar = sample_webinar()
    page = new_context(tz=ZONE).new_page()

    page.goto(webinar.get_absolute_url())
    page.locator("main").get_by_role("link", name=words.register, exact=True).click()
    expect(page).to_have_url(reg_site.url + register_path(webinar))
    expect(page.locator("h1")).to_have_text(words.form_heading)
    expect(page.locator("main")).to_contain_text(SAMPLE_TITLE["en"])

    fill_form(page, words, name=ARMENIAN_NAME, email="Anahit@Example.org", organisation="History Museum of Armenia")
    submit(page, words)

    registration = register_confirm_and_join(page, reg_site.url, words, name=ARMENIAN_NAME, email="anahit@example.org", language="en")
    assert registration.organisation == "History Museum of Armenia"
    assert registration.webinar == webinar


def test_register_in_russian_after_correcting_a_missing_field(reg_site, new_context):
    words = WORDS["ru"]
    webinar = sample_webinar()
    page = new_context(tz=ZONE).new_page()

    page.goto(webinar.get_absolute_url() + "?lang=ru")
    expect(page.locator("html")).to_have_attribute("lang", "ru")
    page.locator("main").get_by_role("link", name=words.register, exact=True).click()
    expect(page).to_have_url(reg_site.url + register_path(webinar))
    expect(page.locator("h1")).to_have_text(words.form_heading)

    # The organisation is forgotten: the form comes back with the error beside that field.
    fill_form(page, words, name=RUSSIAN_NAME, email="olga@example.org", organisation=None)
    submit(page, words)
    expect(page.get_by_role("alert")).to_have_text(words.correct_fields)
    organisation = field(page, words.organisation)
    expect(organisation).to_have_attribute("aria-invalid", "true")
    expect(organisation).to_have_accessible_description(words.required)  # a screen reader reads it with the field
    container = page.locator("main .field", has=organisation)
    expect(container).to_have_class(re.compile(r"\bhas-error\b"))
    expect(container.locator(".error")).to_have_text(words.required)
    expect(page.locator("main .field.has-error")).to_have_count(1)
    # What was typed is still there.
    expect(field(page, words.name)).to_have_value(RUSSIAN_NAME)
    expect(field(page, words.country)).to_have_value("AM")
    expect(page.get_by_label(words.privacy)).to_be_checked()
    assert not Booking.objects.exists()
    assert not Registration.objects.exists()
    assert mail.outbox == []

    organisation.fill("Государственный музей Востока")
    submit(page, words)

    registration = register_confirm_and_join(page, reg_site.url, words, name=RUSSIAN_NAME, email="olga@example.org", language="ru")
    assert registration.organisation == "Государственный музей Востока"
    assert Registration.objects.count() == 1


def booked(*, language: str = "en", confirm: bool = True) -> Booking:
    """A registration for the sample webinar made the way the form makes it."""
    data = {
        "name": ARMENIAN_NAME,
        "email": f"anahit-{language}@example.org",
        "country": "AM",
        "city": "Yerevan",
        "organisation": "History Museum of Armenia",
        "position": "Curator",
        "institution_type": "state",
        "gender": "female",
        "language": language,
        "consent_recording": False,
        "time_zone": ZONE,
    }
    result = services.registration_create(webinar_id=sample_webinar().pk, data=data)
    if confirm:
        services.booking_confirm_email(booking=result.booking)
    return result.booking


def test_self_service_cancel_download_and_erase(reg_site, new_context):
    words = WORDS["en"]
    booking = booked()
    registration = booking.registrations.get()
    assert registration.status == Registration.Status.CONFIRMED
    mail.outbox.clear()
    manage_path = f"/r/{selectors.booking_manage_token(booking)}/"
    page = new_context(tz=ZONE).new_page()

    page.goto(manage_path)
    expect(page.locator("h1")).to_have_text(words.my_registration)
    item = page.locator("main li.item")
    expect(item).to_contain_text(words.status_confirmed)
    expect(field(page, words.name)).to_have_value(ARMENIAN_NAME)

    # Cancel.
    item.get_by_role("button", name=words.cancel).click()
    page.get_by_role("button", name=words.confirm_cancel).click()  # cancelling asks first
    expect(page).to_have_url(reg_site.url + manage_path)
    expect(page.get_by_role("status")).to_have_text(words.cancelled_notice)
    expect(item).to_contain_text(words.status_cancelled)
    expect(item.get_by_role("link", name=words.join)).to_have_count(0)
    expect(item.get_by_role("button", name=words.cancel)).to_have_count(0)
    registration.refresh_from_db()
    assert registration.status == Registration.Status.CANCELLED
    assert registration.cancelled_at is not None
    mail_to(booking.email, containing=words.cancelled_notice.rstrip(".") + ":")

    # Download my data: a JSON file with everything stored, never cached.
    with page.expect_download() as download_info:
        page.get_by_role("link", name=words.download).click()
    download = download_info.value
    assert download.suggested_filename == "my-registration.json"
    data = json.loads(Path(download.path()).read_text(encoding="utf-8"))
    assert data["email"] == booking.email
    [exported] = data["registrations"]
    assert exported["status"] == "cancelled"
    assert exported["name"] == ARMENIAN_NAME
    assert exported["country"] == "AM"
    assert exported["organisation"] == "History Museum of Armenia"
    assert exported["webinar_url"] == sample_webinar().get_absolute_url()
    assert [e["action"] for e in exported["history"]][-1] == "registration.cancelled"
    response = page.request.get(manage_path + "data.json")
    assert response.ok
    assert response.headers["content-type"].startswith("application/json")
    assert response.headers["cache-control"].startswith("private, no-store")
    assert response.json() == data

    # Erase: refused without the tick, done with it.
    page.get_by_role("button", name=words.erase_button).click()
    expect(page).to_have_url(reg_site.url + manage_path)
    expect(page.get_by_role("status")).to_have_text(words.tick_the_box)
    registration.refresh_from_db()
    assert registration.erased_at is None and registration.name == ARMENIAN_NAME

    page.get_by_label(words.erase_box).check()
    page.get_by_role("button", name=words.erase_button).click()
    expect(page.locator("h1")).to_have_text(words.erased)
    registration.refresh_from_db()
    assert registration.erased_at is not None
    assert registration.name == "" and registration.organisation == ""
    assert registration.email.endswith("@erased.invalid")
    booking.refresh_from_db()
    assert booking.email.endswith("@erased.invalid")

    # The link still opens, and says the data is gone.
    page.goto(manage_path)
    expect(page.locator("main")).to_contain_text("The personal data of this registration has been erased.")
    expect(page.locator("main")).not_to_contain_text(ARMENIAN_NAME)


# --- accessibility ---------------------------------------------------------------------------


def open_form(page: Page, language: str) -> None:
    page.goto(register_path(sample_webinar()))
    expect(page.locator("h1")).to_have_text(WORDS[language].form_heading)


def open_form_with_errors(page: Page, language: str) -> None:
    open_form(page, language)
    submit(page, WORDS[language])
    expect(page.get_by_role("alert")).to_have_text(WORDS[language].correct_fields)


def open_done(page: Page, language: str) -> None:
    open_form(page, language)
    fill_form(page, WORDS[language], name=ARMENIAN_NAME, email=f"axe-{language}@example.org", organisation="Museum")
    submit(page, WORDS[language])
    expect(page.locator("main")).to_contain_text(WORDS[language].please_confirm)


def open_confirm(page: Page, language: str) -> None:
    booking = booked(language=language, confirm=False)
    page.goto(f"/r/confirm/{selectors.booking_confirm_token(booking)}/")
    expect(page.locator("h1")).to_have_text(WORDS[language].confirm_heading)


def open_manage(page: Page, language: str) -> None:
    booking = booked(language=language)
    page.goto(f"/r/{selectors.booking_manage_token(booking)}/")
    expect(page.locator("main li.item")).to_contain_text(WORDS[language].status_confirmed)


def open_manage_after_cancel(page: Page, language: str) -> None:
    open_manage(page, language)
    page.get_by_role("button", name=WORDS[language].cancel).click()
    page.get_by_role("button", name=WORDS[language].confirm_cancel).click()
    expect(page.get_by_role("status")).to_have_text(WORDS[language].cancelled_notice)


def open_erased(page: Page, language: str) -> None:
    open_manage(page, language)
    page.get_by_label(WORDS[language].erase_box).check()
    page.get_by_role("button", name=WORDS[language].erase_button).click()
    expect(page.locator("h1")).to_have_text(WORDS[language].erased)


STATES = {
    "form": open_form,
    "form-with-errors": open_form_with_errors,
    "done": open_done,
    "confirm": open_confirm,
    "manage": open_manage,
    "manage-after-cancel": open_manage_after_cancel,
    "erased": open_erased,
}


@pytest.mark.parametrize("language", ["en", "ru"])
@pytest.mark.parametrize("state", list(STATES))
def test_registration_page_has_no_axe_violations(reg_site, new_context, state, language):
    page = new_context(lang=language, tz=ZONE).new_page()
    STATES[state](page, language)
    assert page.locator("html").get_attribute("lang") == language

    violations = AXE.run(page).response["violations"]

    assert violations == [], f"axe found {len(violations)} violation(s) on {state} ({language}, {page.url}):\n{describe(violations)}"
