"""Folding, stemming and transliteration of every content language (``library.search.analysis``)."""

from __future__ import annotations

import pytest

from webinars.library.search.analysis import (
    document_forms,
    edits1,
    fold,
    latin_to_cyrillic,
    query_forms,
    script_of,
    skeleton,
    stems,
)


@pytest.mark.parametrize(
    ("typed", "folded"),
    [
        ("MUSEUM", "museum"),  # en: case
        ("Ёлка Музей", "елка музеи"),  # ru: ё→е, й→и (both sides fold alike)
        ("ҚАЗАҚСТАН өнер ұлттық", "казакстан онер улттык"),  # kk: letters without decomposition
        ("Кыргызстан Үй", "кыргызстан уи"),  # ky
        ("Oʻzbekiston Gʻafur", "ozbekiston gafur"),  # uz: modifier letters gone
        ("Тоҷикистон ҳунар ӯ", "тоҷикистон хунар у"),  # tg
        ("Türkmenistan ýaşyl", "turkmenistan yashyl"),  # tk: ş→sh (as Cyrillic ш)
        ("ԹԱՆԳԱՐԱՆ", "թանգարան"),  # hy: case
        ("მუზეუმი", "მუზეუმი"),  # ka: no case, unchanged
        ("Azərbaycan İncəsənət", "azerbaycan incesenet"),  # az: ə, İ
    ],
)
def test_folding_per_language(typed, folded):
    assert " ".join(fold(w) for w in typed.split()) == folded


@pytest.mark.parametrize(
    ("language", "forms", "shared"),
    [
        ("en", ["museum", "museums", "Museums"], "museum"),
        ("ru", ["музей", "музея", "музеев", "музеи", "музеям"], "муз"),
        ("ru", ["коллекция", "коллекции", "коллекций"], "коллекц"),
        ("kk", ["музей", "музейлер", "музейлердің"], "музе"),
        ("ky", ["музей", "музейлер", "музейлердин"], "музе"),
        ("uz", ["muzey", "muzeylar", "muzeylarida"], "muzey"),
        ("tg", ["осорхона", "осорхонаҳо", "осорхонаро"], "осорхона"),
        ("tk", ["muzeý", "muzeýler", "muzeýlerde"], "muze"),
        ("hy", ["թանգարան", "թանգարանի", "թանգարաններում"], "թանգարա"),
        ("ka", ["მუზეუმი", "მუზეუმში", "მუზეუმები"], "მუზეუ"),
        ("az", ["muzey", "muzeylər", "muzeylərdə"], "muzey"),
    ],
)
def test_every_form_of_a_word_shares_a_stem(language, forms, shared):
    for word in forms:
        native, _latin = document_forms(word, language)
        assert shared in native, (language, word, native)


def test_languages_without_a_stemmer_are_only_folded():
    assert stems("museum", "xx") == ()
    assert document_forms("Museum", "xx")[0] == ("museum",)


def test_stems_never_cut_words_to_less_than_four_letters():
    assert stems("дар", "tg") == ("дар",)
    assert stems("ilar", "uz") == ("ilar",)


@pytest.mark.parametrize(
    ("word", "script"),
    [("museum", "latin"), ("музей", "cyrillic"), ("թանգարան", "armenian"), ("მუზეუმი", "georgian"), ("Oʻzbek", "latin"), ("2021", "latin")],
)
def test_script_of_a_word(word, script):
    assert script_of(word) == script


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("музей", "muzey"),  # ru / Latin typing
        ("музей", "muzej"[:-1] + "i"),
        ("Ереван", "Yerevan"),
        ("хабар", "xabar"),  # x / kh
        ("Қазақстан", "Qazaqstan"),
        ("эвакуация", "evakuatsiya"),
        ("коллекций", "kollektsiy"),
        ("жол", "zhol"),
        ("თბილისი", "tbilisi"),
        ("թանգարան", "tangaran"),
        ("Тоҷикистон", "Tojikiston"),
        ("տարհանում", "tarhanum"),  # Armenian ու is u
        ("санлылашдырмак", "sanlylaşdyrmak"),  # Turkmen ş is ш
    ],
)
def test_latin_skeleton_meets_other_scripts(first, second):
    assert skeleton(fold(first)) == skeleton(fold(second))


def test_latin_query_is_also_read_as_russian_for_stemming():
    assert latin_to_cyrillic("muzeynykh") == "музейных"
    assert latin_to_cyrillic("vystavka") == "выставка"
    assert latin_to_cyrillic("kollektsiy") == "коллекций"
    # "muzeev" (Latin, genitive plural) reaches the stem of "музея" (Cyrillic) through the skeleton.
    assert set(query_forms("muzeev")[1]) & set(document_forms("музея", "ru")[1])


def test_cyrillic_query_meets_latin_text():
    """The other direction: a Cyrillic query finds Uzbek, Turkmen or Azerbaijani words in Latin script."""
    assert set(query_forms("музей")[1]) & set(document_forms("muzeylarida", "uz")[1])
    assert set(query_forms("Тошкент")[1]) & set(document_forms("Toshkent", "uz")[1])


def test_query_forms_keep_the_native_script_apart():
    native, latin = query_forms("Музеи")
    assert "музеи" in native and all(t.isascii() for t in latin)


def test_one_edit_neighbours():
    neighbours = edits1("museum")
    assert {"musem", "muesum", "museun", "museums"} <= neighbours
    assert "museum" not in neighbours
