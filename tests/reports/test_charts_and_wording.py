"""Report charts read right against their axes; dates, numbers and filters in the UI language."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import translation

from webinars.reports import charts
from webinars.reports.selectors import percent

from .test_reports import programme  # noqa: F401 -- the shared fixture

D = dt.date
COUNT = [charts.Measure("n", "Registrations")]


@pytest.mark.parametrize(
    ("peak", "ticks"),
    [(4, [0, 1, 2, 3, 4]), (5, [0, 1, 2, 3, 4, 5]), (7, [0, 2, 4, 6, 8]), (13, [0, 5, 10, 15]), (137, [0, 50, 100, 150]), (0, [0, 1])],
)
def test_ticks_are_whole_numbers_on_1_2_5_steps(peak, ticks):
    assert charts.nice_ticks(peak) == ticks


def _tick_positions(svg: str) -> dict[str, float]:
    return {
        label: float(x) for x, label in re.findall(r'<text x="([\d.]+)" y="[\d.]+" text-anchor="middle" fill="#4d4d4d">([^<]+)</text>', svg)
    }


def test_a_bar_ends_on_the_tick_of_its_value():
    svg = charts.bar_chart([{"label": "Russian", "n": 4}, {"label": "English", "n": 2}], label_key="label", measures=COUNT, title="T")
    ticks = _tick_positions(svg)
    assert list(ticks) == ["0", "1", "2", "3", "4"]  # no "3" standing where 3.75 is
    bars = [(float(x), float(w)) for x, w in re.findall(r'<rect x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="10"', svg)]
    assert [round(x + w, 1) for x, w in bars] == [round(ticks["4"], 1), round(ticks["2"], 1)]


def test_the_trend_shows_each_webinar_as_dots_never_joined_by_lines():
    rows = [{"date": D(2025, 3, 1), "title": "A", "n": 5}, {"date": D(2025, 11, 26), "title": "B", "n": 3}]
    with translation.override("ru"):
        svg = charts.dot_chart(rows, date_key="date", measures=COUNT, title="T")
    assert "<polyline" not in svg and "<path" not in svg
    assert svg.count("<circle") == 1 + 2  # the legend's, then one dot per webinar
    assert "26 нояб. 2025\u202fг." in svg and "11/26/2025" not in svg


def test_numbers_and_percentages_follow_the_ui_language():
    with translation.override("ru"):
        assert percent(0.75) == "75,0 %"
    with translation.override("en"):
        assert percent(0.75) == "75.0 %"


@pytest.mark.django_db
def test_report_page_states_its_filters_as_a_sentence_and_dates_in_the_ui_language(client, programme):  # noqa: F811
    client.force_login(programme["root"])
    html = client.get(reverse("reports:programme"), {"from": "2025-03-10", "to": "2025-03-31", "lang": "ru"}).content.decode()
    assert "Все серии, которые вам доступны, вебинары с 10 мар. 2025\u202fг. по 31 мар. 2025\u202fг." in html
    assert "scope=all" not in html and "Фильтры:" not in html
    assert "15 мар. 2025\u202fг." in html  # Webinar B1's date in the table
    html = client.get(reverse("reports:programme"), {"lang": "en"}).content.decode()
    assert "All series you may see, webinars of every date." in html
    assert "1 Mar 2025" in html and "2025-03-01<" not in html
