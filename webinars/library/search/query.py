"""Running a query: words to forms, unknown words to their one-letter neighbours, the backend's
ranked documents grouped into hits, and snippets with the matching words marked.

Every word must match (in any of its forms); when that finds fewer than a page of hits, hits
matching some of the words follow (``Hit.matched_all`` tells them apart).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

from django.utils.safestring import SafeString, mark_safe

from ..models import SearchDocument
from .analysis import WORD_RE, all_forms_table, fold, query_forms, skeleton, text_script, words
from .backends import WordGroup, backend

#: Words a query may leave out (they would make "every word must match" fail for no reason).
STOP_WORDS = frozenset(
    "a an and the of in on for to at by with from или и в во на с со по для о об от из к у за "
    "va bilan ham uchun bu və ilə üçün bu we bilen üçin hem ва бо дар барои ба жана мен үчүн жөнүндө".split()
)
TYPO_MIN_LETTERS = 5
CANDIDATES = 200
SNIPPET_WORDS = 28
MAX_QUERY_WORDS = 12
ALL_SOURCES = frozenset(SearchDocument.Source.values)


@dataclass
class ParsedQuery:
    text: str
    script: str
    groups: list[WordGroup]
    #: every form the query may match, for marking words in snippets
    forms: set[str] = field(default_factory=set)


@dataclass
class Ranked:
    """The best match of one hit (an object; an item with its transcripts), before its text is read."""

    document_id: int
    script: str
    source: str
    group_id: int
    matched_all: bool

    @property
    def key(self) -> tuple[str, int]:
        return ("item" if self.source in ("item", "transcript") else self.source, self.group_id)


def parse(text: str) -> ParsedQuery:
    """The query's word groups, pruned to forms that exist in the index, typos resolved."""
    typed = [w for w in words(text or "")][:MAX_QUERY_WORDS]
    kept = [w for w in typed if fold(w) not in STOP_WORDS] or typed
    script = text_script(" ".join(kept)) if kept else "latin"
    engine = backend()
    candidates = {w: query_forms(w) for w in kept}
    known = engine.known_terms(t for native, latin in candidates.values() for t in (*native, *latin))
    groups = []
    forms: set[str] = set()
    for word in kept:
        native, latin = candidates[word]
        native_known = tuple(t for t in native if t in known)
        latin_known = tuple(t for t in latin if t in known)
        folded = fold(word)
        if not native_known and not latin_known and len(folded) >= TYPO_MIN_LETTERS:
            # Not a word of the index: its indexed neighbours one letter away (a typo).
            typo = sorted(engine.typo_candidates(skeleton(folded)))
            latin_known = tuple(typo[:20])
        if native_known or latin_known:
            groups.append(WordGroup(native_known, latin_known))
            forms.update(native_known, latin_known)
    return ParsedQuery(text=text, script=script, groups=groups, forms=forms)


def ranked(parsed: ParsedQuery, *, sources: Sequence[str] = (), limit: int = CANDIDATES) -> list[Ranked]:
    """One entry per hit, best first: those matching every word, then (when they are few) some words."""
    if not parsed.groups:
        return []
    engine = backend()
    if set(sources) >= ALL_SOURCES:
        # Every source: no filter (on SQLite the source is read from each matching row to test it).
        sources = ()
    found = [(m, True) for m in engine.query(parsed.groups, script=parsed.script, sources=sources, limit=limit, any_word=False)]
    if len(found) < 20 and len(parsed.groups) > 1:
        complete = {m.document_id for m, _all in found}
        extra = engine.query(parsed.groups, script=parsed.script, sources=sources, limit=limit, any_word=True)
        found += [(m, False) for m in extra if m.document_id not in complete]
    seen: set[tuple[str, int]] = set()
    result = []
    for match, matched_all in found:
        entry = Ranked(match.document_id, match.script, match.source, match.group_id, matched_all)
        if entry.key not in seen:
            seen.add(entry.key)
            result.append(entry)
    return result


def highlight(text: str, language: str, forms: set[str], *, limit_words: int | None = SNIPPET_WORDS) -> SafeString:
    """``text`` (or a window of it around the first match) with matching words in ``<mark>``."""
    matches = list(WORD_RE.finditer(text))
    if not matches:
        return mark_safe(escape(text[:200]))  # noqa: S308 -- escaped

    forms_of = all_forms_table(language)
    found = [match.group() for match in matches]
    start_word, end_word = 0, len(matches)
    if limit_words is not None and len(matches) > limit_words:
        first = next((i for i, word in enumerate(found) if not forms.isdisjoint(forms_of[word])), 0)
        start_word = max(0, first - limit_words // 3)
        end_word = min(len(matches), start_word + limit_words)
    begin = matches[start_word].start() if start_word else 0
    end = matches[end_word - 1].end() if end_word < len(matches) else len(text)
    out = ["…" if start_word else ""]
    position = begin
    # Only marked words split the text: the rest is escaped in one piece (escaping is per character).
    for index in range(start_word, end_word):
        if not forms.isdisjoint(forms_of[found[index]]):
            match = matches[index]
            out.append(escape(text[position : match.start()]))
            out.append(f"<mark>{escape(found[index])}</mark>")
            position = match.end()
    out.append(escape(text[position:end]))
    if end < len(text):
        out.append("…")
    return mark_safe("".join(out).strip())  # noqa: S308 -- every piece escaped above
