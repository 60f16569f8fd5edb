"""The organiser's figures per webinar, checked against a small set computed by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import RegistrationFactory
from webinars.feedback.selectors import webinar_feedback_summary, webinars_with_feedback_figures
from webinars.programme.models import Webinar

from .conftest import answer, ended_webinar, invite

pytestmark = pytest.mark.django_db


@pytest.fixture
def small_set(past_webinar):
    """Five invitations, four answers: ratings 5, 4, 4, 2; usefulness 5, 3, –, 3."""
    invitations = [invite(RegistrationFactory(webinar=past_webinar, email=f"p{n}@example.org")) for n in range(5)]
    answer(invitations[0], 5, 5, improve="Longer Q&A", topics_next="Digitisation", comments="Great, thank you")
    answer(invitations[1], 4, 3, improve="Better sound")
    answer(invitations[2], 4, None, topics_next="Storage\nand conservation")
    answer(invitations[3], 2, 3)
    # Another webinar's answers count for that webinar only.
    other = ended_webinar(ago=dt.timedelta(days=2))
    answer(invite(RegistrationFactory(webinar=other, email="x@example.org")), 1, 1, comments="Other webinar")
    return past_webinar


def test_summary_figures(small_set, django_assert_num_queries):
    with django_assert_num_queries(5):  # invitations, one aggregate, three lists of texts
        summary = webinar_feedback_summary(small_set)
    assert summary["invitations"] == 5
    assert summary["responses"] == 4
    assert summary["response_rate"] == pytest.approx(0.8)
    assert summary["response_rate_percent"] == 80.0
    assert summary["average_rating"] == 3.75  # (5 + 4 + 4 + 2) / 4
    assert summary["average_usefulness"] == 3.67  # (5 + 3 + 3) / 3, the unanswered one left out
    assert summary["rating_distribution"] == {1: 0, 2: 1, 3: 0, 4: 2, 5: 1}
    assert summary["usefulness_distribution"] == {1: 0, 2: 0, 3: 2, 4: 0, 5: 1}
    assert sorted(summary["improve"]) == ["Better sound", "Longer Q&A"]
    assert sorted(summary["topics_next"]) == ["Digitisation", "Storage\nand conservation"]
    assert summary["comments"] == ["Great, thank you"]


def test_summary_of_a_webinar_without_feedback(past_webinar):
    summary = webinar_feedback_summary(past_webinar)
    assert summary["invitations"] == summary["responses"] == 0
    assert summary["response_rate"] is None and summary["response_rate_percent"] is None
    assert summary["average_rating"] is None and summary["average_usefulness"] is None
    assert summary["rating_distribution"] == {n: 0 for n in range(1, 6)}
    assert summary["improve"] == summary["topics_next"] == summary["comments"] == []


def test_invitations_without_answers(past_webinar):
    invite(RegistrationFactory(webinar=past_webinar, email="a@example.org"))
    summary = webinar_feedback_summary(past_webinar)
    assert (summary["invitations"], summary["responses"], summary["response_rate"]) == (1, 0, 0.0)


def test_list_figures_per_webinar(small_set):
    rows = {w.pk: w for w in webinars_with_feedback_figures(Webinar.objects.all())}
    assert len(rows) == 2
    mine = rows[small_set.pk]
    assert (mine.feedback_invitations_count, mine.feedback_responses_count) == (5, 4)
    assert float(mine.feedback_average_rating) == pytest.approx(3.75)
