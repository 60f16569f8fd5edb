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


# --- no wrong automatic match ------------------------------------------------------------------

GENDERED = [
    (1, "a@x.org", "Александр Иванов", "confirmed"),
    (2, "b@x.org", "Виктория Лебедева", "confirmed"),
    (3, "c@x.org", "Ярослав Петренко", "confirmed"),
    (4, "d@x.org", "Серік Ахметов", "confirmed"),
    (5, "e@x.org", "Динара Халикова", "confirmed"),
    (6, "f@x.org", "Алина Соколова", "confirmed"),
]


@pytest.mark.parametrize(
    ("name", "proposed"),
    [
        ("Aleksandra Ivanova", 1),  # gendered form of the first name and the surname
        ("Viktor Lebedev", 2),
        ("Viktor Lebedeva", 2),
        ("Ярослава Петренко", 3),  # the surname has one form: only the first name differs
        ("Sergey Akhmetov", 4),  # another first name that transliterates alike
        ("Marat Khalikov", None),  # a relative: same surname, another first name
        ("Alena Sokolova", 6),  # Алёна is not Алина: a changed letter is never a typo
        ("Dinara Khalikov", 5),  # a surname in the other gender
    ],
)
def test_similar_names_are_never_matched_automatically(name, proposed):
    result = match_all([Query("", [name])], RegistrationIndex(GENDERED))[0]
    assert result.kind in ("ambiguous", "unmatched") and result.registration_id is None
    assert (result.candidates[0] if result.candidates else None) == proposed
    assert result.score is None or result.score < AUTO_MATCH_SCORE


@pytest.mark.parametrize(
    ("registered", "reported"),
    [
        ("Gülnarə Qasımova", "Gulnara Gasimova"),  # Azerbaijani ə as a, q as g
        ("Gülnarə Qasımova", "Gulnare Kasimova"),  # ə as e, q as k
        ("Məmmədov Rəşad", "Rashad Mamedov"),  # Russian-style: first ə a, second e
        ("Cavid Quliyev", "Javid Kuliev"),  # Azerbaijani c is j
        ("Արուսյակ Մանուկյան", "Arusyak Manukyan"),  # Armenian ու is u
        ("Ոսկանյան Մարիամ", "Mariam Voskanyan"),  # word-initial Ո is Vo
        ("Անահիտ Սարգսյան", "Анаит Саргсян"),  # Russian drops Armenian h between vowels
        ("Іңкәр Жұмабаева", "Inkar Zhumabayeva"),  # Kazakh ң is n
        ("Журавлёва Юлия", "Julia Zhuravlyova"),  # ё as yo, initial j as y
        ("Baxtiyor Raximov", "Bakhtiyor Rakhimov"),  # Uzbek Latin x is kh
        ("Виктория Лебедева", "Victoria Lebedeva"),
        ("Александр Иванов", "Alexander Ivanov"),
        ("Мадина Сейткали", "🌸 Madina Seitkali 🌸"),  # emoji and decorations
        ("Мадина Сейткали", "★Madina★ ~Seitkali~"),
        ("Фарид Алиев", "Farid Aliyev - Museum of X"),  # an institution after the name
        ("Фарид Алиев", "Farid Aliyev | State Museum"),
        ("Фарид Алиев", "Farid Aliyev, Museum of Modern Art"),
        ("Фарид Алиев", "Farid Aliyev (iPhone)"),
        ("Халикова Динара Ержановна", "Dinara Khalikova"),  # a patronymic on the registration
        ("Dinara Khalikova", "Dinara Khalikva"),  # one letter left out of a long word
    ],
)
def test_transliteration_gaps_do_not_block_a_match(registered, reported):
    result = match_all([Query("", [reported])], RegistrationIndex([(1, "x@x.org", registered, "confirmed")]))[0]
    assert (result.kind, result.registration_id) == ("name", 1)


def test_an_exact_name_beside_a_gendered_one_is_matched():
    index = RegistrationIndex([(1, "a@x.org", "Александр Иванов", "confirmed"), (2, "b@x.org", "Александра Иванова", "confirmed")])
    assert [(r.kind, r.registration_id) for r in match_all([Query("", ["Aleksandra Ivanova"])], index)] == [("name", 2)]


def test_a_typo_close_to_another_registration_goes_to_review():
    index = RegistrationIndex([(1, "a@x.org", "Mariam Voskanyan", "confirmed"), (2, "b@x.org", "Aram Voskanyan", "confirmed")])
    result = match_all([Query("", ["Mariam Vosknyan"])], index)[0]
    assert result.kind == "ambiguous" and result.candidates[:2] == [1, 2]


def test_two_people_matching_one_registration_at_the_same_time_both_go_to_review():
    index = RegistrationIndex(REGISTRATIONS)
    twins = match_all(
        [Query("", ["Dinara Khalikova"], intervals=[(0, 3600)]), Query("", ["Khalikova Dinara"], intervals=[(600, 4000)])], index
    )
    assert [r.kind for r in twins] == ["ambiguous", "ambiguous"] and all(r.candidates[0] == 1 for r in twins)


def test_one_person_rejoining_under_another_name_is_matched_twice():
    index = RegistrationIndex(REGISTRATIONS)
    rejoined = match_all(
        [Query("", ["Dinara Khalikova"], intervals=[(0, 1800)]), Query("", ["Khalikova Dinara"], intervals=[(1900, 4000)])], index
    )
    assert [(r.kind, r.registration_id) for r in rejoined] == [("name", 1), ("name", 1)]


def test_a_flagged_attendee_is_proposed_not_matched():
    result = match_all([Query("", ["Dinara Khalikova"], flagged=True)], RegistrationIndex(REGISTRATIONS))[0]
    assert result.kind == "ambiguous" and result.candidates[0] == 1


def test_registrant_id_is_exact_and_beats_e_mail_and_name():
    index = RegistrationIndex(REGISTRATIONS, registrants={"zoom-Xy12": 6})
    by_id, by_zoom, unknown = match_all(
        [
            Query("dinara@example.org", ["Somebody"], registrant="3"),
            Query("", ["Guest"], registrant="zoom-Xy12"),
            Query("", ["Dinara Khalikova"], registrant="999"),
        ],
        index,
    )
    assert (by_id.kind, by_id.registration_id) == ("registrant", 3)
    assert (by_zoom.kind, by_zoom.registration_id) == ("registrant", 6)
    assert (unknown.kind, unknown.registration_id) == ("name", 1)  # an id of another webinar falls back to the name


def test_namesakes_beyond_the_prefilter_are_still_ambiguous():
    many = [(pk, f"{pk}@x.org", "Aliya Nurlanova", "confirmed") for pk in range(1, 20)]
    assert match_all([Query("", ["Aliya Nurlanova"])], RegistrationIndex(many))[0].kind == "ambiguous"
