"""Words as the search index and the queries see them, the same for every backend.

Each word of a text yields *native* forms (in its own script: case- and diacritic-folded,
plus its stem in the text's language) and *Latin* forms (a transliteration skeleton of
each native form). Queries yield the same forms, so a Latin query meets Cyrillic,
Armenian or Georgian text on the skeleton, and the reverse, while a match in the query's
own script still ranks first (the backends weigh native columns higher and order hits of
the query's script first).

* Folding: ``casefold``, compatibility decomposition, combining marks dropped (ё→е, й→и,
  ş→s, ä→a…), apostrophes and modifier letters gone (oʻ→o), and the letters of the
  region that have no decomposition mapped to their base letter (қ→к, ң→н, ө→о, ү→у, ұ→у,
  і→и, ғ→г, һ/ҳ→х, ə→e, ı→i), as people type them on a Russian or English keyboard.
* Stemming: Snowball for English and Russian (Russian stems twice, so музей/музея/музеев
  meet on one stem); a light suffix stripper for the other languages of the region, whose
  Snowball stemmers are missing (kk, ky, uz, tg, tk, az, ka) or over-eager (hy).
* Transliteration: ``anyascii`` to Latin, then a skeleton that merges the usual spelling
  variants (y/i, kh/x/h, ts/c, zh/j, q/k, w/v, doubled letters); Latin queries are also
  mapped to Cyrillic so that Russian stemming applies to "muzeev", "kollektsiy".
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from itertools import chain
from operator import itemgetter

import snowballstemmer
from anyascii import anyascii

WORD_RE = re.compile(r"(?:[^\W_]|[\u02bb\u02bc\u2019'`])+", re.UNICODE)
# The same words as one character class (a third faster over millions of words), for texts
# whose underscores were first turned into spaces (``\w`` has "_", WORD_RE has not).
_WORD_CLASS_RE = re.compile(r"[\w\u02bb\u02bc\u2019'`]+")
LATIN, CYRILLIC, ARMENIAN, GEORGIAN, OTHER = "latin", "cyrillic", "armenian", "georgian", "other"

#: Which script each content language is written in (Uzbek, Turkmen, Azerbaijani: Latin).
LANGUAGE_SCRIPT = {
    "en": LATIN,
    "uz": LATIN,
    "tk": LATIN,
    "az": LATIN,
    "ru": CYRILLIC,
    "kk": CYRILLIC,
    "ky": CYRILLIC,
    "tg": CYRILLIC,
    "hy": ARMENIAN,
    "ka": GEORGIAN,
}
SCRIPT_LANGUAGES: dict[str, tuple[str, ...]] = {}
for _lang, _script in LANGUAGE_SCRIPT.items():
    SCRIPT_LANGUAGES[_script] = (*SCRIPT_LANGUAGES.get(_script, ()), _lang)

# Letters without a Unicode decomposition, folded to what a keyboard without them types.
_LETTER_FOLD = str.maketrans(
    {
        "қ": "к",
        "ң": "н",
        "ө": "о",
        "ү": "у",
        "ұ": "у",
        "і": "и",
        "ғ": "г",
        "һ": "х",
        "ҳ": "х",
        "ҙ": "з",
        "ә": "а",
        "ə": "e",
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "đ": "d",
        "ß": "ss",
        "\u02bb": "",
        "\u02bc": "",
        "\u2019": "",
        "'": "",
        "`": "",
    }
)


# Turkic ş and ç are the sounds Cyrillic writes ш and ч: folded to their digraphs, so that
# "sanlylaşdyrmak" meets "санлылашдырмак" (a plain "s" is one letter away: a tolerated typo).
_DIGRAPH_FOLD = str.maketrans({"ş": "sh", "ç": "ch", "ž": "zh"})


class _CharTable(dict[int, str]):
    """A ``str.translate`` table filled on first sight of each character.

    Folding and ``anyascii`` work character by character (case folding, compatibility
    decomposition and dropping combining marks never look at a neighbour), so a word's result
    is the concatenation of its characters' results: one ``translate`` call in C instead of a
    Python loop per word, which is most of the cost of analysing a word never seen before.
    """

    def __init__(self, function: Callable[[str], str]) -> None:
        super().__init__()
        self.function = function

    def __missing__(self, code: int) -> str:
        value = self[code] = self.function(chr(code))
        return value


def _fold_char(ch: str) -> str:
    decomposed = unicodedata.normalize("NFKD", ch.casefold().translate(_DIGRAPH_FOLD))
    # Canonical reordering only moves combining marks, which are all dropped: per character is exact.
    stripped = "".join(c for c in decomposed if not unicodedata.combining(c))
    return stripped.translate(_LETTER_FOLD)


_FOLD_TABLE = _CharTable(_fold_char)


def fold(word: str) -> str:
    """``word`` without case or diacritics, in its own script."""
    return word.translate(_FOLD_TABLE)


def script_of(word: str) -> str:
    """The script of the first letter of ``word`` that has one."""
    for ch in word:
        code = ord(ch)
        if ch.isdigit():
            continue
        if code < 0x250 or 0x1E00 <= code < 0x1F00:
            if ch.isalpha():
                return LATIN
        elif 0x400 <= code < 0x530:
            return CYRILLIC
        elif 0x530 <= code < 0x590 or 0xFB13 <= code <= 0xFB17:
            return ARMENIAN
        elif 0x10A0 <= code < 0x1100 or 0x1C90 <= code < 0x1CC0 or 0x2D00 <= code < 0x2D30:
            return GEORGIAN
        elif ch.isalpha():
            return OTHER
    return LATIN


def text_script(text: str) -> str:
    """The script most letters of ``text`` are in."""
    counts: dict[str, int] = {}
    for word in WORD_RE.findall(text[:2000]):
        script = script_of(word)
        counts[script] = counts.get(script, 0) + len(word)
    return max(counts, key=lambda s: counts[s]) if counts else LATIN


# --- stemming -----------------------------------------------------------------------------

_SNOWBALL = {"en": "english", "ru": "russian"}


@functools.cache
def _snowball(language: str):
    return snowballstemmer.stemmer(_SNOWBALL[language])


# Inflectional suffixes, longest first after folding, stripped at most twice while at least
# MIN_STEM letters stay: plural + case (Turkic, Armenian), case endings (Georgian), plural and
# izofat (Tajik). Enough to meet "музейлері"/"музей", "թանգարաններում"/"թանգարան", "მუზეუმში"/"მუზეუმი".
_SUFFIXES_RAW: dict[str, list[str]] = {
    "kk": "лардың лердің дардың дердің тардың тердің лары лері дары дері тары тері лар лер дар дер тар тер ның нің дың дің тың тің "
    "ға ге қа ке на не ны ні ды ді ты ті да де та те нда нде дан ден тан тен нан нен мен бен пен сы сі ы і"
    "".split(),
    "ky": "лардын лердин дардын дердин тардын тердин лары лери дары дери тары тери лар лер дар дер тар тер лор лөр дор дөр тор төр "
    "нын нин дын дин тын тин нун нүн дун дүн га ге ка ке го гө ко кө на не ны ни ну нү ды ди ду дү да де та те до дө то тө "
    "дан ден тан тен дон дөн тон төн сы си су сү ы и у ү".split(),
    "uz": "larning larini laridagi larida laridan lariga lari lar ning ni ga ka qa da dan ta tan dagi gi si i".split(),
    "tk": "larynyň leriniň laryny lerini larda lerde lardan lerden lary leri lar ler nyň niň ny ni yň iň a e da de dan den "
    "yna ine ynda inde y i".split(),
    "az": "larının lərinin larını lərini larında lərində larda lərdə lardan lərdən ları ləri lar lər nın nin nun nün ın in un ün "
    "ilə la lə ya yə a ə da də dan dən sı si su sü ı i u ü".split(),
    "tg": "ҳоро ҳои ҳо он ро и ӣ".split(),
    "hy": "ներում ներից ներով ներին ներն ները ների ներ երում երից երի եր ում ից ով ին ը ն ի".split(),
    "ka": "ებისთვის ებთან ებში ებზე ებით ებად ებს ების ები ებ ისთვის თან ში ზე ით ად ის ს ი მა მ ო ა".split(),
}
_SUFFIXES = {lang: frozenset(fold(s) for s in suffixes) for lang, suffixes in _SUFFIXES_RAW.items()}
_LONGEST_SUFFIX = {lang: max(map(len, suffixes)) for lang, suffixes in _SUFFIXES.items()}
MIN_STEM = 4


def _strip_suffixes(word: str, suffixes: frozenset[str], longest: int, rounds: int = 2) -> list[str]:
    """The word after each round of stripping (so "еріктілер" and "еріктілермен" meet on "ерікті").

    Each round strips the longest listed suffix that leaves MIN_STEM letters: a set look-up
    per possible suffix length rather than an ``endswith`` per listed suffix.
    """
    found = []
    for _round in range(rounds):
        for length in range(min(longest, len(word) - MIN_STEM), 0, -1):
            if word[-length:] in suffixes:
                word = word[:-length]
                found.append(word)
                break
        else:
            break
    return found


@functools.lru_cache(maxsize=200_000)
def stems(word: str, language: str) -> tuple[str, ...]:
    """Folded stems of a lower-case ``word`` in ``language`` (none when it has no stemmer)."""
    if language in _SNOWBALL:
        stemmer = _snowball(language)
        base = word.replace("ё", "е")
        first = stemmer.stemWord(base)
        found = [first]
        if language == "ru":
            found.append(stemmer.stemWord(first))
        return tuple(dict.fromkeys(fold(s) for s in found if s))
    suffixes = _SUFFIXES.get(language)
    if suffixes is None:
        return ()
    folded = fold(word)
    return tuple(_strip_suffixes(folded, suffixes, _LONGEST_SUFFIX[language])) or (folded,)


# --- transliteration ----------------------------------------------------------------------

# Spelling variants merged in one left-to-right pass (longest first), then doubled letters.
_SKELETON_MAP = {
    "shch": "sh",
    "sch": "sh",
    "dzh": "j",
    "dj": "j",
    "zh": "j",
    "kh": "h",
    "x": "h",
    "gh": "g",
    "ts": "c",
    "tz": "c",
    "ph": "f",
    "ck": "k",
    "q": "k",
    "ye": "e",
    "ow": "u",  # Armenian ու
    "y": "i",
    "w": "v",
}
_SKELETON_RE = re.compile("|".join(sorted(_SKELETON_MAP, key=len, reverse=True)))
_NOT_ALNUM_RE = re.compile(r"[^a-z0-9]")
_DOUBLED_RE = re.compile(r"(.)\1+")
# anyascii maps each code point on its own (no context), so it too is a per-character table.
_ASCII_TABLE = _CharTable(anyascii)


@functools.lru_cache(maxsize=200_000)
def skeleton(folded: str) -> str:
    """A Latin key of a folded word in any script: transliteration variants merged."""
    text = _NOT_ALNUM_RE.sub("", folded.translate(_ASCII_TABLE).lower())
    text = _SKELETON_RE.sub(lambda m: _SKELETON_MAP[m.group()], text)
    return _DOUBLED_RE.sub(r"\1", text)


_LATIN_TO_CYRILLIC = [
    ("shch", "щ"),
    ("sch", "щ"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("yu", "ю"),
    ("ya", "я"),
    ("yo", "ё"),
    ("ye", "е"),
    ("iu", "ю"),
    ("ia", "я"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("w", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("q", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("x", "кс"),
    ("c", "ц"),
]
_VOWELS = set("aeiouy")


@functools.lru_cache(maxsize=100_000)
def latin_to_cyrillic(word: str) -> str:
    """A Russian spelling of a Latin-typed word ("muzeynykh" → "музейных"), for stemming it."""
    word = word.lower()
    out = []
    i = 0
    while i < len(word):
        ch = word[i]
        if ch == "y":
            # й after a vowel or at the end of a word ("muzey", "kollektsiy"), else ы ("vystavka").
            nxt = word[i + 1] if i + 1 < len(word) else ""
            previous = word[i - 1] if i else ""
            if nxt in ("a", "u", "o", "e") and (i == 0 or previous in _VOWELS):
                pass  # ya/yu/yo/ye handled below
            else:
                out.append("й" if (previous in _VOWELS or not nxt) else "ы")
                i += 1
                continue
        for latin, cyrillic in _LATIN_TO_CYRILLIC:
            if word.startswith(latin, i):
                out.append(cyrillic)
                i += len(latin)
                break
        else:
            out.append(ch)
            i += 1
    return "".join(out)


# --- words to index forms -------------------------------------------------------------------


_APOSTROPHES = "'`\u2019"


def words(text: str) -> Iterator[str]:
    """The words of ``text`` as written (apostrophes inside Uzbek and Georgian words kept)."""
    for word in WORD_RE.findall(text):
        if word[0] in _APOSTROPHES or word[-1] in _APOSTROPHES:
            word = word.strip(_APOSTROPHES)
        if word:
            yield word


def _document_forms(word: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    lower = word.casefold()
    folded = fold(lower)
    if not folded:
        return (), ()
    script = script_of(word)
    native = [folded]
    # A word in another script than its text's language (an English name in a Russian text)
    # is stemmed by its own script's first language.
    stem_language = language if LANGUAGE_SCRIPT.get(language) == script else (SCRIPT_LANGUAGES.get(script, ("",))[0])
    native.extend(stems(lower, stem_language))
    native_forms = tuple(dict.fromkeys(f for f in native if f))
    latin_forms = tuple(dict.fromkeys(s for s in (skeleton(f) for f in native_forms) if s))
    return native_forms, latin_forms


@functools.lru_cache(maxsize=300_000)
def document_forms(word: str, language: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(native forms, Latin forms) under which a word of a ``language`` text is indexed."""
    return _document_forms(word, language)


class _TextWordForms(dict[str, tuple[tuple[str, ...], tuple[str, ...]]]):
    """Forms of each word *as the word regex finds it* in a ``language`` text (apostrophes around it
    included), computed on first sight: ``document_terms`` then maps a text's words in C."""

    #: Distinct words kept per language before starting afresh (a bound on memory; the
    #: benchmark's 220,000 documents hold about 10,000 distinct words per language).
    LIMIT = 200_000

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        stripped = word.strip(_APOSTROPHES)
        value = self[word] = _document_forms(stripped, self.language) if stripped else ((), ())
        return value


_TEXT_WORD_FORMS: dict[str, _TextWordForms] = {}
_NATIVE, _LATIN = itemgetter(0), itemgetter(1)


def document_terms(text: str, language: str) -> tuple[list[str], list[str]]:
    """Native and Latin index terms of a whole text, in order (repeats kept for term frequency).

    The indexing hot loop (a thousand hours of transcripts are millions of words): one regex
    pass, then each word's forms from a dict of the words already seen, all of it in C
    (``map``/``chain``) rather than a Python statement per word.
    """
    cache = _TEXT_WORD_FORMS.get(language)
    if cache is None or len(cache) > _TextWordForms.LIMIT:
        cache = _TEXT_WORD_FORMS[language] = _TextWordForms(language)
    pairs = list(map(cache.__getitem__, _WORD_CLASS_RE.findall(text.replace("_", " "))))
    return list(chain.from_iterable(map(_NATIVE, pairs))), list(chain.from_iterable(map(_LATIN, pairs)))


@functools.lru_cache(maxsize=50_000)
def query_forms(word: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(native forms, Latin forms) a query word may match, whatever language it is in."""
    lower = word.casefold()
    folded = fold(lower)
    if not folded:
        return (), ()
    script = script_of(word)
    native = [folded]
    for language in SCRIPT_LANGUAGES.get(script, ()):
        native.extend(stems(lower, language))
    native_forms = tuple(dict.fromkeys(f for f in native if f))
    latin = [skeleton(f) for f in native_forms]
    if script == LATIN and folded.isascii():
        # Typed in Latin, perhaps meaning Russian (or Kazakh, Kyrgyz, Tajik) words: stem their Cyrillic spelling too.
        cyrillic = latin_to_cyrillic(folded)
        for language in SCRIPT_LANGUAGES[CYRILLIC]:
            latin.extend(skeleton(s) for s in stems(cyrillic, language))
    latin_forms = tuple(dict.fromkeys(s for s in latin if s))
    return native_forms, latin_forms


@functools.lru_cache(maxsize=200_000)
def all_forms(word: str, language: str | None = None) -> frozenset[str]:
    """Every form of ``word`` (for highlighting: a word is marked when it shares one with the query)."""
    return all_forms_table(language or "")[word]


class _AllForms(dict[str, frozenset[str]]):
    """``all_forms`` of the words of one language's texts, by word: a plain dict look-up per word of
    every snippet (a page of hits reads about a thousand words)."""

    LIMIT = 200_000

    def __init__(self, language: str) -> None:
        super().__init__()
        self.language = language

    def __missing__(self, word: str) -> frozenset[str]:
        native, latin = _document_forms(word, self.language) if self.language else query_forms(word)
        value = self[word] = frozenset((*native, *latin))
        return value


_ALL_FORMS: dict[str, _AllForms] = {}


def all_forms_table(language: str) -> dict[str, frozenset[str]]:
    """The forms of each word of a ``language`` text (its query forms when the language is unknown)."""
    table = _ALL_FORMS.get(language)
    if table is None or len(table) > _AllForms.LIMIT:
        table = _ALL_FORMS[language] = _AllForms(language)
    return table


def edits1(term: str, alphabet: str = "abcdefghijklmnopqrstuvwxyz") -> set[str]:
    """Every string one deletion, transposition, substitution or insertion away from ``term``."""
    splits = [(term[:i], term[i:]) for i in range(len(term) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    transposes = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return (deletes | transposes | replaces | inserts) - {term}


def unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(values))
