"""Zone labels from CLDR, Markdown to sanitised HTML, small images."""

from __future__ import annotations

import datetime as dt

from webinars.core.rich_text import markdown_for_editing, markdown_to_html
from webinars.core.timezones import zone_choices, zone_select_label

WINTER = dt.datetime(2026, 1, 15, tzinfo=dt.UTC)


def test_zone_label_has_the_localised_city_the_offset_then_and_the_name():
    assert zone_select_label("Asia/Almaty", "ru", now=WINTER) == "Алматы · UTC+5 · Asia/Almaty"
    assert zone_select_label("Asia/Almaty", "en", now=dt.datetime(2024, 1, 15, tzinfo=dt.UTC)) == "Almaty · UTC+6 · Asia/Almaty"
    assert zone_select_label("Asia/Kolkata", "en", now=WINTER).startswith("Kolkata · UTC+5:30")
    assert zone_select_label("Asia/Yerevan", "ru", now=WINTER) == "Ереван · UTC+4 · Asia/Yerevan"


def test_zone_choices_put_the_region_first_and_keep_an_alias_in_use():
    groups = zone_choices("en", current="US/Eastern")
    assert groups[0][0] == "US/Eastern"
    region, everything = groups[1][1], groups[2][1]
    assert region[0][0] == "Asia/Almaty" and len(everything) > 300
    assert not any(name.startswith(("Etc/", "US/")) for name, _label in everything)


def test_markdown_is_sanitised_and_headings_start_at_h2():
    html = markdown_to_html("# Plan\n\n### Detail\n\n[x](javascript:alert(1)) <script>bad()</script> **ok**")
    assert "<h2>Plan</h2>" in html and "<h4>Detail</h4>" in html
    assert "javascript" not in html and "<script" not in html and "<strong>ok</strong>" in html
    assert markdown_to_html("## Only level two") == "<h2>Only level two</h2>"
    assert markdown_to_html("  ") == ""


def test_the_form_shows_the_markdown_while_it_still_makes_the_stored_html():
    typed = {"en": "*hi*", "ru": "*привет*"}
    stored = {"en": markdown_to_html("*hi*"), "ru": "<p>edited in the admin</p>"}
    assert markdown_for_editing(typed, stored) == {"en": "*hi*", "ru": "<p>edited in the admin</p>"}
