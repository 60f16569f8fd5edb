"""Who in a report is which registration: by e-mail first, then by name, else the organiser decides.

Rules
-----
1. **E-mail** (case-insensitive) equal to a registration's: matched by e-mail.
2. **Name**, for everyone else. Names are normalised before they are compared:
   labels such as "(Guest)" or "(Unverified)" and phone words ("iPhone de Dinara",
   "Dinara's Galaxy S21") are dropped, a name in brackets (Zoom's "(Original Name)") is
   a second name of the same person, any script is transliterated to Latin with
   **anyascii**, and the spelling differences of Russian, Kazakh, Uzbek, Armenian and
   Georgian names written in Latin letters are levelled (kh/h/x, zh/j/dzh, ts/c, ya/ia,
   yu/iu, y/i, q/k, double letters...), so "Динара Халикова", "Dinara Khalikova" and
   "Xalikova Dinara" all read "dinara halikova". Word order does not count (the words
   are sorted, then compared with rapidfuzz's ratio, which is token_sort_ratio).

   anyascii rather than Unidecode: it is ISC-licensed (Unidecode is GPL), it covers
   Armenian, Georgian and the Kazakh Cyrillic letters (Қ, Ә, Ү, Ұ, Ө, Ғ, Ң, Һ, І) out of
   the box, and it is a small pure-Python package without dependencies.

3. A name is **matched** only when its score (0–100) is at least ``AUTO_MATCH_SCORE`` with
   two or more full words on the report's side, and no other registration scores within
   ``CLEAR_MARGIN`` of it, and no other attendee has claimed that registration already.
   Otherwise, every registration scoring at least ``REVIEW_SCORE`` is proposed for review,
   best first (**ambiguous**); below that the attendee is **unmatched**. Partial names
   (one word, initials: "Dinara", "D. Khalikova") are scored through the words they share
   (token_set_ratio, initials expanded) weighted by ``PARTIAL_WEIGHT``, so they are
   proposed, never matched. Nothing is matched silently below the threshold.

Registrations of every status may match (pending, waitlisted, cancelled ones too); the
summary and the review screen say which status the registration has. Erased
registrations never match.

Speed: registrations are indexed once by e-mail and by every normalised word (and its
first four letters); a name is scored only against the registrations sharing a word with
it, or, for a word no registration has (a typo, a name not registered), a four-letter
prefix (rapidfuzz.process.extract over that short list), never against all of them.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache

from anyascii import anyascii
from rapidfuzz import fuzz, process

from webinars.registrations.models import Registration

AUTO_MATCH_SCORE = 90
REVIEW_SCORE = 70
CLEAR_MARGIN = 5
PARTIAL_WEIGHT = 0.85  # a partial name scores at most 85: always below AUTO_MATCH_SCORE
MAX_CANDIDATES = 5
PREFILTER_LIMIT = 12
PREFIX = 4

_S = Registration.Status
STATUS_ORDER = {_S.CONFIRMED: 0, _S.PENDING: 1, _S.WAITLISTED: 2, _S.CANCELLED: 3, _S.EXPIRED: 4}

# --- names -----------------------------------------------------------------------------------------

_TAGS = re.compile(
    r"\(\s*(?:guest|external|unverified|host|co-host|cohost|me|organi[sz]er|presenter|panelist|"
    r"гость|внешний|не проверено|организатор|я)\s*\)",
    re.IGNORECASE,
)
_BRACKETS = re.compile(r"[(\[]([^()\[\]]*)[)\]]")
_WORDS = re.compile(r"[a-z]+")
DEVICE_WORDS = frozenset(
    "iphone ipad ipod android galaxy samsung huawei xiaomi redmi honor pixel nokia oppo vivo realme oneplus motorola "
    "phone smartphone tablet mobile telefon aifon smartfon planshet".split()
)
DEVICE_LINKS = frozenset("de di du da von van of ot u s".split())
TITLES = frozenset("mr mrs ms miss dr prof professor sir madam g gn gzha".split())

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


@lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """One Latin word reduced so that its usual transliterations coincide ("Khalikova", "Halikova", "Xalikova")."""
    word = _FINAL_I.sub("i", word)
    if word.startswith("x"):
        word = "h" + word[1:]
    word = word.replace("x", "ks")
    word = _RULES.sub(lambda m: _RULE_MAP[m.group(0)], word)
    word = _DOUBLES.sub(r"\1", word)
    word = _IOTATED.sub(r"\1", word)
    return _DOUBLES.sub(r"\1", word)


def _words(text: str) -> list[str]:
    latin = anyascii(text).lower().replace("’", "'").replace("`", "'")
    words = _WORDS.findall(latin.replace("'s ", " s ").replace("'", ""))
    if any(w in DEVICE_WORDS for w in words):
        words = [w for w in words if w not in DEVICE_WORDS and w not in DEVICE_LINKS]
    return [w for w in words if w not in TITLES]


@lru_cache(maxsize=65536)
def name_keys(raw: str) -> tuple[tuple[str, ...], ...]:
    """Every reading of one name in the report, each as sorted normalised words.

    "Dinara K (Dinara Khalikova)" reads as ("dinara", "k") and ("dinara", "halikova");
    an e-mail address typed as a name reads as the words of its local part.
    """
    text = _TAGS.sub(" ", raw or "")
    parts = [_BRACKETS.sub(" ", text), *(m.group(1) for m in _BRACKETS.finditer(text))]
    keys: list[tuple[str, ...]] = []
    for part in parts:
        if "@" in part:
            part = " ".join(re.split(r"[._\-+]", part.split("@")[0]))
        words = tuple(sorted(skeleton(w) for w in _words(part)))
        if words and words not in keys:
            keys.append(words)
    return tuple(keys)


# --- registrations ------------------------------------------------------------------------------------


@dataclass
class Candidate:
    registration_id: int
    score: float
    full: float
    auto: bool
    status: str


@dataclass
class MatchResult:
    kind: str  # "email", "name", "ambiguous", "unmatched"
    registration_id: int | None = None
    score: float | None = None
    candidates: list[int] = field(default_factory=list)


class RegistrationIndex:
    """The webinar's registrations, indexed once by e-mail and by word prefixes of their names."""

    def __init__(self, registrations: Iterable[tuple[int, str, str, str]]) -> None:
        self.by_email: dict[str, int] = {}
        self.status: dict[int, str] = {}
        self.strings: list[str] = []
        self.words: list[tuple[str, ...]] = []
        self.ids: list[int] = []
        self.blocks: dict[str, list[int]] = defaultdict(list)  # a whole word → positions
        self.prefixes: dict[str, list[int]] = defaultdict(list)  # its first four letters → positions
        for pk, email, name, status in registrations:
            self.status[pk] = status
            if email:
                self.by_email[email.strip().lower()] = pk
            for words in name_keys(name):
                position = len(self.ids)
                self.ids.append(pk)
                self.words.append(words)
                self.strings.append(" ".join(words))
                for word in set(words):
                    if len(word) > 1:
                        self.blocks[word].append(position)
                        self.prefixes[word[:PREFIX]].append(position)

    def by_address(self, email: str) -> int | None:
        return self.by_email.get(email.strip().lower()) if email else None

    def rank(self, names: Iterable[str]) -> list[Candidate]:
        """Registrations whose name resembles any of ``names``, best first (scores ≥ REVIEW_SCORE)."""
        best: dict[int, Candidate] = {}
        for raw in names:
            for words in name_keys(raw):
                for candidate in self._rank_key(words):
                    known = best.get(candidate.registration_id)
                    if known is None or (candidate.score, candidate.auto) > (known.score, known.auto):
                        best[candidate.registration_id] = candidate
        ranked = [c for c in best.values() if c.score >= REVIEW_SCORE]
        ranked.sort(key=lambda c: (-c.score, -c.full, STATUS_ORDER.get(c.status, 9), c.registration_id))
        return ranked

    def _rank_key(self, words: tuple[str, ...]) -> list[Candidate]:
        positions: set[int] = set()
        for word in words:
            if len(word) > 1:
                positions.update(self.blocks.get(word) or self.prefixes.get(word[:PREFIX], ()))
        if not positions:
            return []
        order = sorted(positions)
        query = " ".join(words)
        found = process.extract(
            query, [self.strings[p] for p in order], scorer=fuzz.token_set_ratio, score_cutoff=REVIEW_SCORE - 10, limit=PREFILTER_LIMIT
        )
        full_words = [w for w in words if len(w) > 1]
        auto_ok = len(full_words) >= 2 and len(full_words) == len(words)
        has_initials = len(full_words) < len(words)
        result = []
        for _choice, partial, index in found:
            position = order[index]
            target = self.strings[position]
            full = fuzz.ratio(query, target)
            if has_initials:
                partial = max(partial, fuzz.ratio(_expand_initials(words, self.words[position]), target))
            score = max(full if auto_ok else min(full, AUTO_MATCH_SCORE - 1), partial * PARTIAL_WEIGHT)
            pk = self.ids[position]
            result.append(Candidate(pk, round(score, 1), full, auto_ok and full >= AUTO_MATCH_SCORE and full >= score, self.status[pk]))
        return result


def _expand_initials(words: tuple[str, ...], target: tuple[str, ...]) -> str:
    """ "d halikova" against "dinara halikova" reads "dinara halikova": each initial takes a word it begins."""
    unused = [w for w in target if w not in words]
    expanded = []
    for word in words:
        if len(word) == 1:
            hit = next((w for w in unused if w.startswith(word)), None)
            if hit is not None:
                unused.remove(hit)
                word = hit
        expanded.append(word)
    return " ".join(sorted(expanded))


# --- deciding -------------------------------------------------------------------------------------


@dataclass
class Query:
    """One attendee to match: their e-mail and every name the report gives them."""

    email: str
    names: list[str]


def match_all(queries: list[Query], index: RegistrationIndex) -> list[MatchResult]:
    """Match every attendee; a registration is claimed by one e-mail or one clear name match at most.

    E-mail matches go first. Name matches are decided best score first; a clear match to a
    registration that is already claimed (a second device of the same person, or a
    namesake) goes to review with that registration proposed.
    """
    results: list[MatchResult | None] = [None] * len(queries)
    claimed: set[int] = set()
    pending: list[tuple[int, list[Candidate]]] = []
    for i, query in enumerate(queries):
        pk = index.by_address(query.email)
        if pk is not None:
            results[i] = MatchResult("email", pk, 100.0, [pk])
            claimed.add(pk)
        else:
            pending.append((i, index.rank(query.names)))
    pending.sort(key=lambda item: -(item[1][0].score if item[1] else 0))
    for i, ranked in pending:
        if not ranked:
            results[i] = MatchResult("unmatched")
            continue
        best = ranked[0]
        ids = [c.registration_id for c in ranked[:MAX_CANDIDATES]]
        clear = len(ranked) == 1 or ranked[1].score < best.score - CLEAR_MARGIN
        if best.auto and best.score >= AUTO_MATCH_SCORE and clear and best.registration_id not in claimed:
            results[i] = MatchResult("name", best.registration_id, best.score, ids)
            claimed.add(best.registration_id)
        else:
            results[i] = MatchResult("ambiguous", None, best.score, ids)
    return [r if r is not None else MatchResult("unmatched") for r in results]
