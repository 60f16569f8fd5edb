"""Who in a report is which registration: by registration id, by e-mail, then by name, else the organiser decides.

Rules
-----
1. **Registrant**: a join that carries the registration's id (a BigBlueButton ``userID``, a
   platform's registrant id, a generic CSV's ``registration_id`` column) is that
   registration, when the id belongs to this webinar's registrations.
2. **E-mail** (case-insensitive) equal to a registration's: matched by e-mail.
3. **Name**, for everyone else, read into word skeletons by ``names.name_keys`` (any script,
   any of the usual spellings, word order ignored, emoji, devices and institutions dropped).
   A name is **matched** only when it lines up word for word with exactly one registration
   (``names.alignment``): the same words, or the registration has a patronymic more, or one
   long word has one letter left out, added or swapped (then also no other registration may
   score within ``CLEAR_MARGIN``). A name that is merely *similar* is never matched: gendered
   forms (Aleksandra Ivanova / Александр Иванов, Viktor / Виктория, Ярослава / Ярослав),
   another first name with a similar spelling (Sergey / Серік), relatives sharing a surname,
   initials and single words go to review with the registrations scoring at least
   ``REVIEW_SCORE`` proposed, best first; below that the attendee is unmatched.
4. A registration is claimed once: when the registration is already claimed by id or
   e-mail, a name match to it goes to review; when several attendees match the same
   registration by name, they are linked only if their joins never overlap (one person
   rejoining under another name) and otherwise all go to review (two people, or one on
   two devices: the organiser decides). An attendee flagged by the import (a row longer
   than the session, a date that only fits day-first, a display name shared with someone
   present at the same time) is never matched by name automatically.

Scores (0–100, rapidfuzz's ratio over the sorted words) only order the proposals; at or
above ``AUTO_MATCH_SCORE`` means "matched automatically" and nothing else does.

Registrations of every status may match (pending, waitlisted, cancelled ones too); the
summary and the review screen say which status the registration has. Erased
registrations never match.

Speed: registrations are indexed once by exact reading, by e-mail and by every normalised
word (and its first four letters); a name is scored only against the registrations sharing
a word with it, or, for a word no registration has, a four-letter prefix
(rapidfuzz.process.extract over that short list), never against all of them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from webinars.registrations.models import Registration

from .names import alignment, name_keys

AUTO_MATCH_SCORE = 90
REVIEW_SCORE = 70
CLEAR_MARGIN = 5
PARTIAL_WEIGHT = 0.85  # a partial name scores at most 85: always below AUTO_MATCH_SCORE
MAX_CANDIDATES = 5
PREFILTER_LIMIT = 12
PREFIX = 4

_S = Registration.Status
STATUS_ORDER = {_S.CONFIRMED: 0, _S.PENDING: 1, _S.WAITLISTED: 2, _S.CANCELLED: 3, _S.EXPIRED: 4}


@dataclass
class Candidate:
    registration_id: int
    score: float
    full: float
    auto: bool
    status: str
    how: str = ""  # "exact", "patronymic", "typo" when ``auto``


@dataclass
class MatchResult:
    kind: str  # "registrant", "email", "name", "ambiguous", "unmatched"
    registration_id: int | None = None
    score: float | None = None
    candidates: list[int] = field(default_factory=list)


class RegistrationIndex:
    """The webinar's registrations, indexed once by id, e-mail, exact reading and word prefixes of their names.

    ``registrations``: (id, e-mail, name, status). ``registrants``: a platform's registrant
    ids (or any other key a join may carry) → registration id; each registration's own id
    (as text) is always one.
    """

    def __init__(self, registrations: Iterable[tuple[int, str, str, str]], *, registrants: dict[str, int] | None = None) -> None:
        self.by_email: dict[str, int] = {}
        self.email_of: dict[int, str] = {}
        self.status: dict[int, str] = {}
        self.strings: list[str] = []
        self.words: list[tuple[str, ...]] = []
        self.ids: list[int] = []
        self.exact: dict[tuple[str, ...], list[int]] = defaultdict(list)
        self.blocks: dict[str, list[int]] = defaultdict(list)  # a whole word → positions
        self.prefixes: dict[str, list[int]] = defaultdict(list)  # its first four letters → positions
        for pk, email, name, status in registrations:
            self.status[pk] = status
            self.email_of[pk] = email or ""
            if email:
                self.by_email[email.strip().lower()] = pk
            for words in name_keys(name):
                position = len(self.ids)
                self.ids.append(pk)
                self.words.append(words)
                self.strings.append(" ".join(words))
                if pk not in self.exact[words]:
                    self.exact[words].append(pk)
                for word in set(words):
                    if len(word) > 1:
                        self.blocks[word].append(position)
                        self.prefixes[word[:PREFIX]].append(position)
        self.registrants = {str(pk): pk for pk in self.status}
        for key, pk in (registrants or {}).items():
            if pk in self.status:
                self.registrants[str(key)] = pk

    def by_address(self, email: str) -> int | None:
        return self.by_email.get(email.strip().lower()) if email else None

    def by_registrant(self, key: str) -> int | None:
        return self.registrants.get(key.strip()) if key else None

    def rank(self, names: Iterable[str]) -> list[Candidate]:
        """Registrations whose name resembles any of ``names``, best first (scores ≥ REVIEW_SCORE)."""
        best: dict[int, Candidate] = {}
        for raw in names:
            for words in name_keys(raw):
                for candidate in self._rank_key(words):
                    known = best.get(candidate.registration_id)
                    if known is None or (candidate.auto, candidate.score) > (known.auto, known.score):
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
        exact = set(self.exact.get(words, ()))
        has_initials = any(len(w) == 1 for w in words)
        result = []
        seen_exact: set[int] = set()
        for _choice, partial, index in found:
            position = order[index]
            target = self.strings[position]
            pk = self.ids[position]
            how = alignment(words, self.words[position])
            full = fuzz.ratio(query, target)
            if has_initials:
                partial = max(partial, fuzz.ratio(_expand_initials(words, self.words[position]), target))
            similarity = max(full, partial * PARTIAL_WEIGHT) if len(words) >= 2 else partial * PARTIAL_WEIGHT
            score = max(full, AUTO_MATCH_SCORE) if how else min(similarity, AUTO_MATCH_SCORE - 1)
            result.append(Candidate(pk, round(score, 1), full, how is not None, self.status[pk], how or ""))
            if how == "exact":
                seen_exact.add(pk)
        # Namesakes beyond the prefilter's limit still count: an exact reading shared by many registrations.
        for pk in exact - seen_exact:
            if len(words) >= 2 and not has_initials:
                result.append(Candidate(pk, 100.0, 100.0, True, self.status[pk], "exact"))
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
    """One attendee to match: their e-mail, every name the report gives them, and what else is known.

    ``registrant``: a registration id or platform registrant id carried by their joins;
    ``intervals``: their stretches of presence (to tell one person rejoining from two people);
    ``flagged``: the import found something to check about them (never matched by name alone).
    """

    email: str
    names: list[str]
    registrant: str = ""
    intervals: Sequence[tuple[int, int]] = ()
    flagged: bool = False


def _overlap(a: Sequence[tuple[int, int]], b: Sequence[tuple[int, int]]) -> bool:
    if not a or not b:
        return True  # without times nothing proves they were one after the other
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


def _name_match(ranked: list[Candidate]) -> Candidate | None:
    """The one registration a name lines up with, or None (review)."""
    aligned = {c.registration_id: c for c in ranked if c.auto}
    if len(aligned) != 1:
        return None
    best = next(iter(aligned.values()))
    if best.how == "typo" and any(c.registration_id != best.registration_id and c.full >= best.full - CLEAR_MARGIN for c in ranked):
        return None
    return best


def match_all(queries: list[Query], index: RegistrationIndex) -> list[MatchResult]:
    """Match every attendee; see the module's rules 1–4."""
    results: list[MatchResult | None] = [None] * len(queries)
    claimed: set[int] = set()
    rankings: dict[int, list[Candidate]] = {}
    for i, query in enumerate(queries):
        pk = index.by_registrant(query.registrant)
        if pk is not None:
            results[i] = MatchResult("registrant", pk, 100.0, [pk])
            claimed.add(pk)
            continue
        pk = index.by_address(query.email)
        if pk is not None:
            results[i] = MatchResult("email", pk, 100.0, [pk])
            claimed.add(pk)
            continue
        rankings[i] = index.rank(query.names)

    by_registration: dict[int, list[int]] = defaultdict(list)
    for i, ranked in rankings.items():
        best = _name_match(ranked) if not queries[i].flagged else None
        if best is not None and best.registration_id not in claimed:
            by_registration[best.registration_id].append(i)
    linked: dict[int, int] = {}
    for pk, attendees in by_registration.items():
        if len(attendees) == 1 or not any(
            _overlap(queries[a].intervals, queries[b].intervals) for n, a in enumerate(attendees) for b in attendees[n + 1 :]
        ):
            for i in attendees:
                linked[i] = pk

    for i, ranked in rankings.items():
        ids = [c.registration_id for c in ranked[:MAX_CANDIDATES]]
        if i in linked:
            pk = linked[i]
            score = next(c.score for c in ranked if c.registration_id == pk)
            results[i] = MatchResult("name", pk, score, ids)
        elif ranked:
            # Not automatic: the score says "similar", never "matched".
            results[i] = MatchResult("ambiguous", None, min(ranked[0].score, AUTO_MATCH_SCORE - 1), ids)
        else:
            results[i] = MatchResult("unmatched")
    return [r if r is not None else MatchResult("unmatched") for r in results]
