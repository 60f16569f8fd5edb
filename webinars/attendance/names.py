"""Display names as comparable keys: every script to Latin, spellings levelled, noise dropped.

A name from a report ("🌸 Madina Seitkali 🌸", "Farid Aliyev - Museum of X", "iPhone de
Dinara", "Anahit S (Anahit Sargsyan)") becomes one or more *readings*, each a sorted tuple
of word skeletons, so that "Динара Халикова", "Dinara Khalikova" and "Xalikova Dinara" all
read ("dinara", "halikova").

Steps, in order:

1. Labels ("(Guest)", "(Unverified)"...) go; a name in brackets (Zoom's "(Original Name)",
   "(iPhone)", "(Museum of X)") is a reading of its own; " - ", " | ", " / " split off an
   institution or a second person ("Farid Aliyev - Museum of X"): each part is a reading.
2. Emoji and decorations (symbols of any kind: "🌸", "★", "♥") are dropped before
   transliteration, or anyascii would spell them out (":cherry_blossom:").
3. Letters anyascii renders in a way nobody types are mapped first: Armenian ու is "u"
   (anyascii: "ow"), a word-initial Armenian Ո is "vo" (Voskanyan), Kazakh ң is "n" (Inkar,
   not Ingkar).
4. Spellings that differ by language are *alternatives*, not one guess: Azerbaijani ə is
   written "a" or "e" (Məmmədov: Mammadov, Мамедов, Memmedov), Azerbaijani q is "g" or "k"
   (Qasımova: Gasimova, Kasimova), Russian ё is "e" or "yo" (Журавлёв: Zhuravlev, Zhuravlyov),
   Uzbek Latin x is "kh" (Raximov = Rakhimov), a word-initial Latin j may be "y" (Julia =
   Юлия) and, in an Azerbaijani name, c is "j" (Cavid = Джавид). Each alternative is a reading (at most
   ``MAX_SPELLINGS`` per name).
5. Every word is reduced to a *skeleton* (kh/h/x, zh/j/dzh, ts/c, ya/ia, yu/iu, y/i, q/k,
   double letters...), which levels the usual transliterations of Russian, Kazakh, Uzbek,
   Armenian and Georgian names.

Device words ("iPhone de Dinara", "Dinara's Galaxy S21") and titles (Dr, Prof) are dropped.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from functools import lru_cache

from anyascii import anyascii

MAX_SPELLINGS = 8

_TAGS = re.compile(
    r"\(\s*(?:guest|external|unverified|host|co-host|cohost|me|organi[sz]er|presenter|panelist|"
    r"гость|внешний|не проверено|организатор|я)\s*\)",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_SEPARATORS = re.compile(r"\s+[-–—|/]+\s+|\s*[|/]\s*")
_WORDS = re.compile(r"[a-z]+")
DEVICE_WORDS = frozenset(
    "iphone ipad ipod android galaxy samsung huawei xiaomi redmi honor pixel nokia oppo vivo realme oneplus motorola "
    "phone smartphone tablet mobile telefon aifon smartfon planshet zoom rooms room".split()
)
DEVICE_LINKS = frozenset("de di du da von van of ot u s".split())
TITLES = frozenset("mr mrs ms miss dr prof professor sir madam g gn gzha".split())
#: Marks of a patronymic: Russian -ovich/-ovna (skeleton -ovic/-ovna), Turkic uly/kyzy/oglu as words or endings.
PATRONYMIC_ENDINGS = ("ovic", "evic", "ovna", "evna", "icna", "uli", "kizi", "ogli", "oglu", "ugli")
PATRONYMIC_WORDS = frozenset({"uli", "ulu", "kizi", "ogli", "oglu", "ugli"})

# Letters whose anyascii spelling is not the one people type (see step 3).
_PREMAP = re.compile(r"(?<![^\W\d_])[Ոո](?![ւՒ])|[Ոո][ւՒ]|և|[Ңң]")
_PREMAP_TO = {"Ո": "Vo", "ո": "vo", "և": "ev", "Ң": "N", "ң": "n"}
_AZERI_MARKS = frozenset("əƏıİğĞşŞçÇ")  # Azerbaijani (and Turkish) Latin: c is "j" there
_INITIAL_J = re.compile(r"\bj")
_LATIN_Q = re.compile(r"q")
_C = re.compile(r"c(?!h)")

_FINAL_I = re.compile(r"(?:ij|iy|yj|yi)$")
_RULES = re.compile(r"shch|sch|dzh|dj|zh|sh|ch|ts|tz|kh|ph|ck|gh|th|w|q|j|y")
_RULE_MAP = {
    "shch": "s",
    "sch": "s",
    "dzh": "z",
    "dj": "z",
    "zh": "z",
    "sh": "s",
    "ch": "c",
    "ts": "c",
    "tz": "c",
    "kh": "h",
    "ph": "f",
    "ck": "k",
    "gh": "g",
    "th": "t",
    "w": "v",
    "q": "k",
    "j": "z",
    "y": "i",
}
_DOUBLES = re.compile(r"(.)\1+")
_IOTATED = re.compile(r"i([auoe])")
# Russian renders Armenian and Arabic h between vowels as nothing (Анаит: Anahit, Мухамед: Muhamed).
_INNER_H = re.compile(r"(?<=[aeiou])h(?=[aeiou])")


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """One Latin word reduced so that its usual transliterations coincide ("Khalikova", "Halikova", "Xalikova")."""
    word = _FINAL_I.sub("i", word)
    if word.startswith("x"):
        word = "h" + word[1:]
    word = word.replace("x", "ks").replace("ct", "kt")  # Victoria = Viktoria
    word = _RULES.sub(lambda m: _RULE_MAP[m.group(0)], word)
    word = _DOUBLES.sub(r"\1", word)
    word = _IOTATED.sub(r"\1", word)
    word = _INNER_H.sub("", word)
    if word.endswith("ander"):  # Alexander, Александр
        word = word[:-2] + "r"
    return _DOUBLES.sub(r"\1", word)


def _premap(match: re.Match) -> str:
    text = match.group(0)
    if len(text) == 2:  # ու, Ու, ՈՒ
        return "U" if text[0] == "Ո" else "u"
    return _PREMAP_TO[text]


def strip_symbols(text: str) -> str:
    """Emoji, pictographs and decorations out; letters, marks, digits, spaces and punctuation stay."""
    if text.isascii():
        return text
    return "".join(c if c < "\x80" or unicodedata.category(c)[0] in "LMNZP" else " " for c in text)


_EITHER = {"ə": ("a", "e"), "Ə": ("A", "E"), "ё": ("e", "yo"), "Ё": ("E", "Yo")}


def _either_spellings(text: str) -> list[str]:
    """Azerbaijani ə written "a" or "e", Russian ё "e" or "yo", each occurrence either way (at most 4 spellings)."""
    places = [i for i, c in enumerate(text) if c in _EITHER]
    if not places:
        return [text]
    result = []
    for choice in itertools.islice(itertools.product((0, 1), repeat=len(places)), 4):
        chars = list(text)
        for place, pick in zip(places, choice, strict=True):
            chars[place] = _EITHER[text[place]][pick]
        result.append("".join(chars))
    return result


def _uzbek_x(match: re.Match) -> str:
    word = match.group(0)
    return word if word in DEVICE_WORDS else word[0] + word[1:].replace("x", "kh")


def spellings(text: str) -> list[str]:
    """The name in Latin letters, lower case, in every spelling it is commonly written (step 4)."""
    azeri = any(c in _AZERI_MARKS for c in text) or ("q" in text.lower() and text.isascii())
    text = _PREMAP.sub(_premap, text)
    result: list[str] = []
    for variant in _either_spellings(text):
        latin = anyascii(variant).lower()
        forms = [latin]
        if "x" in latin[1:]:  # Uzbek Latin x is kh (Raximov = Rakhimov); English x is ks (Alexander)
            forms.append(_WORDS.sub(_uzbek_x, latin))
        if "q" in latin:
            forms.append(_LATIN_Q.sub("g", latin))
        if "j" in latin:
            forms += [_INITIAL_J.sub("y", f) for f in forms if _INITIAL_J.search(f)]
        if azeri and "c" in latin:
            forms += [_C.sub("j", f) for f in forms]
        for form in forms:
            if form not in result:
                result.append(form)
    return result[:MAX_SPELLINGS]


def _words(latin: str) -> list[str]:
    latin = latin.replace("’", "'").replace("`", "'")
    words = _WORDS.findall(latin.replace("'s ", " s ").replace("'", ""))
    if any(w in DEVICE_WORDS for w in words):
        words = [w for w in words if w not in DEVICE_WORDS and w not in DEVICE_LINKS]
    return [w for w in words if w not in TITLES]


def _parts(raw: str) -> list[str]:
    """The readings of one display name before transliteration (step 1)."""
    text = _TAGS.sub(" ", strip_symbols(raw or ""))
    main = _BRACKETS.sub(" ", text)
    parts = [main, *(m.group(1) for m in _BRACKETS.finditer(text))]
    pieces = _SEPARATORS.split(main)
    if len(pieces) > 1:
        parts += pieces
    elif main.count(",") == 1:
        # "Farid Aliyev, Museum of X" is two parts; "Sargsyan, Anahit" is one name, surname first.
        left, right = main.split(",")
        if len(left.split()) >= 2 and len(right.split()) >= 2:
            parts += [left, right]
    return parts


@lru_cache(maxsize=65536)
def name_keys(raw: str) -> tuple[tuple[str, ...], ...]:
    """Every reading of one name, each as sorted word skeletons (the first spelling of each part first).

    "Dinara K (Dinara Khalikova)" reads as ("dinara", "k") and ("dinara", "halikova");
    an e-mail address typed as a name reads as the words of its local part.
    """
    keys: list[tuple[str, ...]] = []
    for part in _parts(raw):
        if "@" in part:
            part = " ".join(re.split(r"[._\-+]", part.split("@")[0]))
        for latin in spellings(part):
            words = tuple(sorted(skeleton(w) for w in _words(latin)))
            if words and words not in keys:
                keys.append(words)
    return tuple(keys)


def is_patronymic(word: str) -> bool:
    return word in PATRONYMIC_WORDS or (len(word) > 5 and word.endswith(PATRONYMIC_ENDINGS))


def typo_of(a: str, b: str) -> bool:
    """One letter left out, added or two swapped inside a long word ("Khalikva" for "Khalikova").

    Never at the first or the last two letters, and never a changed letter: those are where
    names differ (Aleksandr/Aleksandra, Viktor/Viktoria, Alina/Alena, Sergei/Serik).
    """
    if a == b:
        return False
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < 6:
        return False
    if len(long_) == len(short) + 1:
        for i in range(len(long_)):
            if long_[:i] + long_[i + 1 :] == short:
                return 1 <= i < len(long_) - 2
        return False
    if len(long_) == len(short):
        diff = [i for i in range(len(a)) if a[i] != b[i]]
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and a[diff[0]] == b[diff[1]]
            and a[diff[1]] == b[diff[0]]
            and 1 <= diff[0]
            and diff[1] < len(a) - 2
        )
    return False


def alignment(query: tuple[str, ...], target: tuple[str, ...]) -> str | None:
    """How a full name (two words or more, no initials) lines up with a registration's, word for word.

    "exact": the same words; "patronymic": the registration has a patronymic more ("Халикова
    Динара Ержановна" registered, "Dinara Khalikova" in the report); "typo": one word has one
    letter left out, added or swapped (``typo_of``). Anything else (a gendered form, another
    first name, a missing word) is None: never matched automatically.
    """
    if len(query) < 2 or any(len(w) < 2 for w in query):
        return None
    if query == target:
        return "exact"
    remaining = list(target)
    missing = []
    for word in query:
        if word in remaining:
            remaining.remove(word)
        else:
            missing.append(word)
    if not missing:
        if remaining and len(remaining) <= 2 and all(is_patronymic(w) for w in remaining):
            return "patronymic"
        return None
    if len(missing) == 1 and len(remaining) == 1 and typo_of(missing[0], remaining[0]):
        return "typo"
    return None
