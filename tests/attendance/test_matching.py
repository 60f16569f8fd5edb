"""Names normalised across scripts and spellings; what is matched, proposed or left unmatched."""

from __future__ import annotations

import pytest

from webinars.attendance.matching import AUTO_MATCH_SCORE, REVIEW_SCORE, Query, RegistrationIndex, match_all, name_keys


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("Динара Халикова", "Dinara Khalikova"),
        ("Dinara Khalikova", "Khalikova Dinara"),  # word order
        ("Dinara Khalikova", "Xalikova Dinara"),  # Uzbek Latin X for Х
        ("DINARA  khalikova", "Dinara Khalikova (Guest)"),
        ("Անահիտ Սարգսյան", "Anahit Sargsyan"),  # Armenian
        ("Անահիտ Սարգսյան", "Anahit Sargsian"),
        ("ნინო ბერიძე", "Nino Beridze"),  # Georgian
        ("Әйгерім Қасымова", "Aigerim Kassymova"),  # Kazakh letters
        ("Юлия Щукина", "Iuliia Shchukina"),
        ("Дмитрий Ёлкин", "Dmitriy Elkin"),
        ("Жанна Цой", "Zhanna Tsoy"),
        ("dinara.khalikova@gmail.com", "Dinara Khalikova"),
    ],
)
def test_same_name_in_any_script_and_spelling(a, b):
    assert set(name_keys(a)) & set(name_keys(b))


def test_phone_words_and_original_names():
    assert name_keys("iPhone de Dinara") == (("dinara",),)
    assert name_keys("Dinara's Galaxy S21") == (("dinara",),)
    assert name_keys("Dinara K (Dinara Khalikova)") == (("dinara", "k"), ("dinara", "halikova"))


REGISTRATIONS = [
    (1, "dinara@example.org", "Динара Халикова", "confirmed"),
    (2, "anahit@example.org", "Անահիտ Սարգսյան", "confirmed"),
    (3, "nino@example.org", "Nino Beridze", "pending"),
    (4, "aigerim@example.org", "Әйгерім Қасымова", "confirmed"),
    (5, "bakyt@example.org", "Бакыт Ормонов", "confirmed"),
    (6, "farrukh@example.org", "Farrukh Saidov", "confirmed"),
    (7, "aliya1@example.org", "Aliya Nurlanova", "confirmed"),
    (8, "aliya2@example.org", "Aliya Nurlanova", "cancelled"),
    (9, "timur@example.org", "Timur Sadykov", "confirmed"),
]


def decide(email: str = "", *names: str):
    return match_all([Query(email, list(names))], RegistrationIndex(REGISTRATIONS))[0]


def test_email_first_case_insensitive():
    result = decide("DINARA@Example.org", "Somebody Else")
    assert (result.kind, result.registration_id) == ("email", 1)


@pytest.mark.parametrize(
    ("name", "registration_id"),
    [("Dinara Khalikova", 1), ("Khalikova Dinara", 1), ("Anahit Sargsian", 2), ("ნინო ბერიძე", 3), ("Aigerim Kassymova", 4)],
)
def test_matched_by_name_across_scripts(name, registration_id):
    result = decide("other@mail.example", name)
    assert (result.kind, result.registration_id) == ("name", registration_id)
    assert result.score >= AUTO_MATCH_SCORE


def test_second_name_from_the_report_helps():
    result = decide("", "Anahit S (Anahit Sargsyan)")
    assert (result.kind, result.registration_id) == ("name", 2)


def test_two_registrations_with_the_same_name_are_ambiguous():
    result = decide("", "Aliya Nurlanova")
    assert result.kind == "ambiguous" and result.registration_id is None
    assert result.candidates[:2] == [7, 8]  # the confirmed one first


@pytest.mark.parametrize(
    ("name", "registration_id"),
    [
        ("Dinara", 1),
        ("D. Khalikova", 1),
        ("iPhone de Dinara", 1),
        ("iPhone de Farrukh", 6),
        ("Farrukh", 6),
        ("F. Saidov", 6),
        ("Farrukh's iPhone", 6),
    ],
)
def test_phone_joiners_land_in_review_with_the_right_candidate_first(name, registration_id):
    result = decide("", name)
    assert result.kind == "ambiguous" and result.registration_id is None
    assert result.candidates[0] == registration_id
    assert REVIEW_SCORE <= result.score < AUTO_MATCH_SCORE


def test_a_patronymic_too_many_is_proposed_not_matched():
    result = decide("", "Халикова Динара Ержановна")
    assert result.kind == "ambiguous" and result.candidates[0] == 1


@pytest.mark.parametrize("name", ["Гость 2041", "Bob Smith", "Timur Sadikova Bekova Aliyeva", "iPhone", ""])
def test_nothing_matched_silently_below_the_threshold(name):
    result = decide("", name)
    assert result.kind in ("unmatched", "ambiguous")
    assert result.registration_id is None


def test_unmatched_below_the_review_score():
    result = decide("", "Gulnara Yusupova")
    assert result.kind == "unmatched" and result.candidates == []


def test_a_registration_claimed_by_e_mail_is_only_proposed_to_a_second_attendee():
    index = RegistrationIndex(REGISTRATIONS)
    laptop, phone = match_all([Query("dinara@example.org", ["Dinara"]), Query("", ["Dinara Khalikova"])], index)
    assert (laptop.kind, laptop.registration_id) == ("email", 1)
    assert phone.kind == "ambiguous" and phone.candidates[0] == 1


def test_close_names_are_ambiguous_not_matched():
    index = RegistrationIndex([(1, "a@x.org", "Timur Sadykov", "confirmed"), (2, "b@x.org", "Timur Sadikov", "confirmed")])
    assert match_all([Query("", ["Timur Sadykov"])], index)[0].kind == "ambiguous"
