"""Folding, stemming and transliteration of every content language (``library.search.analysis``)."""

from __future__ import annotations

import html
import random
import unicodedata

import pytest
from anyascii import anyascii

from webinars.library.search import analysis
from webinars.library.search.analysis import (
    document_forms,
    document_terms,
    edits1,
    fold,
    latin_to_cyrillic,
    query_forms,
    script_of,
    skeleton,
    stems,
    words,
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


# --- the fast paths give what the plain definitions give -------------------------------------------

# Letters of the region's scripts and the odd cases of Unicode: ligatures, full-width and circled
# forms, title-case digraphs, final sigma, dotted capital I, expanding case folds.
_CHARACTERS = (
    "".join(
        chr(code)
        for block in ((0x20, 0x250), (0x370, 0x3D0), (0x400, 0x530), (0x530, 0x590), (0x10A0, 0x1100), (0x1E00, 0x1F00), (0x1C90, 0x1CC0))
        for code in range(*block)
    )
    + "ﬁﬀＡｂｃ①½ǅǈǋẞİŉ\u02bb\u02bc\u2019'`\u0301\u0308"
)


def _fold_whole_word(word: str) -> str:
    """``fold`` as first written: normalisation of the whole word, then combining marks dropped."""
    decomposed = unicodedata.normalize("NFKD", word.casefold().translate(analysis._DIGRAPH_FOLD))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).translate(analysis._LETTER_FOLD)


def test_folding_by_character_table_equals_folding_the_whole_word():
    rng = random.Random(5)
    samples = [_CHARACTERS[i : i + 7] for i in range(0, len(_CHARACTERS), 3)]
    samples += ["".join(rng.choice(_CHARACTERS) for _ in range(rng.randint(1, 12))) for _ in range(3000)]
    samples += ["Σίσυφος", "ΟΔΟΣ", "e\u0301\u0308", "straße", "ǅemal", "İstanbul", "Oʻzbekiston"]
    for word in samples:
        assert fold(word) == _fold_whole_word(word), word


def test_transliteration_by_character_table_equals_anyascii():
    for word in [_CHARACTERS[i : i + 9] for i in range(len(_CHARACTERS))] + ["Ереван", "თბილისი", "Թանգարան", "ẞ①"]:
        assert word.translate(analysis._ASCII_TABLE) == anyascii(word), word


def _strip_by_each_suffix(word: str, language: str, rounds: int = 2) -> list[str]:
    """The suffix stripper as first written: every listed suffix tried, longest first."""
    suffixes = sorted(analysis._SUFFIXES[language], key=len, reverse=True)
    found = []
    for _round in range(rounds):
        for suffix in suffixes:
            if word.endswith(suffix) and len(word) - len(suffix) >= analysis.MIN_STEM:
                word = word[: -len(suffix)]
                found.append(word)
                break
        else:
            break
    return found


@pytest.mark.parametrize("language", sorted(analysis._SUFFIXES))
def test_suffix_stripping_by_length_equals_trying_each_suffix(language):
    suffixes = sorted(analysis._SUFFIXES[language])
    words = [
        stem + a + b for stem in ("муз", "музей", "ab", "abcdef", "თბილ", "տարհան") for a in ("", *suffixes) for b in ("", *suffixes[:12])
    ]
    for word in words:
        expected = _strip_by_each_suffix(word, language)
        assert analysis._strip_suffixes(word, analysis._SUFFIXES[language], analysis._LONGEST_SUFFIX[language]) == expected, word


TEXTS = [
    ("ru", "Эвакуация музейных коллекций: как спасать предметы музеев — «музей» и музея."),
    ("uz", "Oʻzbekiston muzeylarida 'raqamli' arxiv’ yaratish ’’ o‘z snake_case_word"),
    ("hy", "Թանգարանային պիտակներ թանգարաններում, Yerevan 2024"),
    ("ka", "მუზეუმის ინკლუზია მუზეუმებში და Tbilisi"),
    ("kk", "Мұражайдағы көшпелі көрмелер ''' ` `"),
    ("en", "Travelling exhibitions: packing, insurance & loans for museums' exhibitions."),
    ("xx", "A language with no stemmer: Museum MUSEUM museum"),
]


def _terms_word_by_word(text: str, language: str) -> tuple[list[str], list[str]]:
    native: list[str] = []
    latin: list[str] = []
    for word in words(text):
        n, lat = document_forms(word, language)
        native += n
        latin += lat
    return native, latin


@pytest.mark.parametrize(("language", "text"), TEXTS)
def test_document_terms_equal_the_forms_of_each_word_in_order(language, text):
    expected = _terms_word_by_word(text, language)
    assert document_terms(text, language) == expected
    # Again, now from the words' cache.
    assert document_terms(text, language) == expected


def test_document_terms_cache_starts_afresh_past_its_limit(monkeypatch):
    monkeypatch.setattr(analysis._TextWordForms, "LIMIT", 3)
    for language, text in TEXTS * 2:
        assert document_terms(text, language) == _terms_word_by_word(text, language)
    assert all(len(cache) <= 3 + len(text.split()) for cache in analysis._TEXT_WORD_FORMS.values())


def _highlight_word_by_word(text: str, language: str, forms: set[str], limit_words: int | None) -> str:
    """Snippets as first written: every word escaped on its own, its forms from ``document_forms``."""
    matches = list(analysis.WORD_RE.finditer(text))

    def is_marked(index: int) -> bool:
        native, latin = document_forms(matches[index].group(), language)
        return not forms.isdisjoint({*native, *latin})

    start_word, end_word = 0, len(matches)
    if limit_words is not None and len(matches) > limit_words:
        first = next((i for i in range(len(matches)) if is_marked(i)), 0)
        start_word = max(0, first - limit_words // 3)
        end_word = min(len(matches), start_word + limit_words)
    begin = matches[start_word].start() if start_word else 0
    end = matches[end_word - 1].end() if end_word < len(matches) else len(text)
    out = ["…" if start_word else ""]
    position = begin
    for index in range(start_word, end_word):
        match = matches[index]
        out.append(html.escape(text[position : match.start()]))
        word = html.escape(match.group())
        out.append(f"<mark>{word}</mark>" if is_marked(index) else word)
        position = match.end()
    out.append(html.escape(text[position:end]))
    if end < len(text):
        out.append("…")
    return "".join(out).strip()


@pytest.mark.parametrize(("language", "text"), [*TEXTS, ("en", "<b>Packing</b> & 'loans' " * 20 + "for museums <i>exhibitions</i>")])
@pytest.mark.parametrize("limit_words", [None, 5, 28])
def test_snippets_equal_marking_each_word_on_its_own(language, text, limit_words):
    from webinars.library.search.query import highlight

    for query in ("музей", "muzey exhibitions", "თბილისი", "loans museums", "nothing"):
        forms = {t for word in words(query) for t in (*query_forms(word)[0], *query_forms(word)[1])}
        assert str(highlight(text, language, forms, limit_words=limit_words)) == _highlight_word_by_word(text, language, forms, limit_words)
