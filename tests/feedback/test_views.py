"""The public survey page: language, accessibility, storing once, bad input, privacy."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.db import IntegrityError, transaction

from tests.factories import RegistrationFactory
from webinars.feedback import services
from webinars.feedback.models import FeedbackInvitation, FeedbackResponse
from webinars.feedback.selectors import survey_token

from .conftest import answer, invite

pytestmark = pytest.mark.django_db


def url(invitation: FeedbackInvitation) -> str:
    return f"/feedback/{survey_token(invitation.registration)}/"


VALID = {"rating": "4", "usefulness": "5", "improve": "More time for questions.", "topics_next": "Storage", "comments": ""}


def assert_private(response) -> None:
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "noindex" in response["X-Robots-Tag"]


def test_the_form_renders_in_english_with_accessible_groups(client, invitation):
    response = client.get(url(invitation))
    assert response.status_code == 200
    assert_private(response)
    html = response.content.decode()
    soup = BeautifulSoup(html, "html.parser")
    assert soup.find("html")["lang"] == "en"
    assert soup.find("meta", attrs={"name": "robots"})["content"].startswith("noindex")
    assert "How was the webinar?" in html
    legends = [fieldset.legend.get_text(" ", strip=True) for fieldset in soup.find_all("fieldset")]
    assert legends[0].startswith("How would you rate the webinar overall?")
    assert legends[1].startswith("How useful was it for your work?")
    for name, values in (("rating", {"1", "2", "3", "4", "5"}), ("usefulness", {"1", "2", "3", "4", "5"})):
        radios = soup.find_all("input", attrs={"type": "radio", "name": name})
        assert {r["value"] for r in radios} == values
        for radio in radios:  # every radio has its own label
            assert soup.find("label", attrs={"for": radio["id"]}) is not None
            assert radio.find_parent("fieldset") is not None
    for name in ("improve", "topics_next", "comments"):
        textarea = soup.find("textarea", attrs={"name": name})
        assert soup.find("label", attrs={"for": textarea["id"]}) is not None
        assert textarea["maxlength"] == "5000"
    assert soup.find("input", attrs={"name": "csrfmiddlewaretoken"}) is not None
    assert "<script" not in html.split("</head>")[1]  # the form needs no JavaScript


def test_the_form_renders_in_the_registrants_language(client, ru_invitation):
    response = client.get(url(ru_invitation))
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ru"' in html
    for text in (
        "Как прошёл вебинар?",
        "Как вы оцениваете вебинар в целом?",
        "Насколько он был полезен для вашей работы?",
        "1 – плохо",
        "Очень полезен",
        "Что мы могли бы улучшить?",
        "Отправить ответы",
    ):
        assert text in html, text
    for english in ("How was the webinar?", "How would you rate", "Send my answers"):
        assert english not in html, english


def test_the_visitor_may_switch_the_language(client, ru_invitation, invitation):
    assert "How was the webinar?" in client.get(url(ru_invitation) + "?lang=en").content.decode()
    assert "Как прошёл вебинар?" in client.get(url(invitation) + "?lang=ru").content.decode()


def test_a_valid_answer_is_stored_once(client, invitation):
    response = client.post(url(invitation), VALID)
    assert response.status_code == 200
    assert_private(response)
    assert "Thank you!" in response.content.decode()
    stored = FeedbackResponse.objects.get()
    assert (stored.webinar, stored.invitation, stored.rating, stored.usefulness) == (invitation.webinar, invitation, 4, 5)
    assert (stored.improve, stored.topics_next, stored.comments, stored.language) == ("More time for questions.", "Storage", "", "en")
    invitation.refresh_from_db()
    assert invitation.answered_at is not None

    again = client.post(url(invitation), {**VALID, "rating": "1", "comments": "Changed my mind"})
    assert again.status_code == 200
    assert "already been answered" in again.content.decode()
    assert FeedbackResponse.objects.count() == 1
    assert FeedbackResponse.objects.get().rating == 4

    later = client.get(url(invitation))
    assert "already been answered" in later.content.decode()
    assert "More time for questions." not in later.content.decode()  # not even one's own answers are shown


def test_only_the_rating_is_required_and_the_language_is_recorded(client, ru_invitation):
    response = client.post(url(ru_invitation), {"rating": "5"})
    assert response.status_code == 200
    assert "Спасибо!" in response.content.decode()
    stored = FeedbackResponse.objects.get()
    assert (stored.rating, stored.usefulness, stored.improve, stored.language) == (5, None, "", "ru")


def test_long_answers_keep_their_lines_and_ordinary_symbols(client, invitation):
    text = "First line\r\nSecond line with <3 and {braces} and `code`\r\n\tIndented"
    response = client.post(url(invitation), {"rating": "3", "comments": text})
    assert response.status_code == 200
    assert FeedbackResponse.objects.get().comments == "First line\nSecond line with <3 and {braces} and `code`\n\tIndented"


def test_five_thousand_characters_are_enough(client, invitation):
    response = client.post(url(invitation), {"rating": "3", "improve": "я" * 5000})
    assert response.status_code == 200
    assert len(FeedbackResponse.objects.get().improve) == 5000


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": ""}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": "0"}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": "6"}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": "4.5"}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": "five"}, "rating", "Choose a rating from 1 to 5."),
        ({"rating": "3", "usefulness": "7"}, "usefulness", "Choose one of the answers."),
        ({"rating": "3", "improve": "x" * 5001}, "improve", "at most 5000 characters"),
        ({"rating": "3", "topics_next": "Bell\x07"}, "topics_next", "Remove the control characters from this text."),
        ({"rating": "3", "comments": "Null\x00byte"}, "comments", "Remove the control characters from this text."),
        ({"rating": "3", "comments": "Escape\x1b[31m"}, "comments", "Remove the control characters from this text."),
        ({"rating": "3", "comments": "abc\u202edcb"}, "comments", "Remove the invisible direction marks from this text."),
    ],
)
def test_bad_input_is_refused_with_a_field_message(client, invitation, data, field, message):
    response = client.post(url(invitation), data)
    assert response.status_code == 400
    assert_private(response)
    soup = BeautifulSoup(response.content.decode(), "html.parser")
    error = soup.find(id=f"id_{field}_error")
    assert error is not None and message in error.get_text()
    assert "Please correct the fields marked below." in soup.get_text()
    assert FeedbackResponse.objects.count() == 0
    invitation.refresh_from_db()
    assert invitation.answered_at is None


def test_errors_are_announced_and_tied_to_their_fields(client, invitation):
    soup = BeautifulSoup(client.post(url(invitation), {"comments": "\x07"}).content.decode(), "html.parser")
    rating_group = next(f for f in soup.find_all("fieldset") if "rate the webinar" in f.legend.get_text())
    assert rating_group["aria-describedby"] == "id_rating_error"
    comments = soup.find("textarea", attrs={"name": "comments"})
    assert comments["aria-invalid"] == "true"
    assert "id_comments_error" in comments["aria-describedby"].split()
    assert soup.find(attrs={"role": "alert"}) is not None


def test_unknown_tokens_are_not_found(client, invitation):
    assert client.get("/feedback/not-a-token/").status_code == 404
    assert client.post("/feedback/not-a-token/", VALID).status_code == 404
    assert client.get(f"{url(invitation)[:-1]}x/").status_code == 404
    assert client.get(f"/feedback/{'a' * 300}/").status_code == 404
    assert FeedbackResponse.objects.count() == 0


def test_other_methods_are_refused(client, invitation):
    assert client.put(url(invitation)).status_code == 405


def test_answers_are_not_shown_to_other_participants(client, past_webinar, invitation):
    answer(invitation, 5, comments="Secret opinion of Dinara")
    other = invite(RegistrationFactory(webinar=past_webinar, email="other@example.org"))
    for page in (url(other), past_webinar.get_absolute_url(), "/"):
        response = client.get(page)
        assert response.status_code == 200
        assert "Secret opinion of Dinara" not in response.content.decode()
        assert "Динара" not in response.content.decode()


def test_the_database_refuses_a_second_response_and_ratings_out_of_range(invitation):
    answer(invitation, 5)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackResponse.objects.create(webinar=invitation.webinar, invitation=invitation, rating=4)
    for rating in (0, 6):
        with pytest.raises(IntegrityError), transaction.atomic():
            FeedbackResponse.objects.create(webinar=invitation.webinar, rating=rating)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackResponse.objects.create(webinar=invitation.webinar, rating=3, usefulness=9)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackResponse.objects.create(webinar=invitation.webinar, rating=3, comments="x" * 5001)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackInvitation.objects.create(registration=invitation.registration, webinar=invitation.webinar)


def test_errors_in_russian(client, ru_invitation):
    response = client.post(url(ru_invitation), {"rating": "9", "comments": "\x07"})
    html = response.content.decode()
    assert response.status_code == 400
    for text in ("Пожалуйста, исправьте отмеченные ниже поля.", "Выберите оценку от 1 до 5.", "Удалите из текста управляющие символы."):
        assert text in html, text


def test_the_service_refuses_a_second_answer(invitation):
    services.feedback_submit(invitation=invitation, data={"rating": 4}, language="en")
    with pytest.raises(services.AlreadyAnswered):
        services.feedback_submit(invitation=invitation, data={"rating": 1}, language="en")
    assert list(FeedbackResponse.objects.values_list("rating", flat=True)) == [4]
