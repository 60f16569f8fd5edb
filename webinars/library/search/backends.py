"""The two index backends behind ``search``: SQLite FTS5 (the embedded default) and PostgreSQL
full-text search with ``pg_trgm``. Both index the forms made by ``analysis`` (so stemming,
folding and transliteration are identical), weigh native-script columns above the Latin
skeleton, list hits in the query's own script first, and find one-letter typos in a table of
every indexed term (candidates by edit on SQLite, by trigram similarity on PostgreSQL).

The tables are made by migration ``0002_search_tables`` for the database in use.
"""

from __future__ import annotations

import functools
import operator
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection, transaction

from .analysis import edits1

FTS_TABLE = "library_search_fts"
PG_TABLE = "library_search_pg"
TERM_TABLE = "library_search_term"
# Weights: title in its own script, text in its own script, then the same as Latin skeletons.
WEIGHTS = (10.0, 3.0, 4.0, 1.0)
#: Ranking (bm25, ts_rank) costs per matching document; a word found in tens of thousands of
#: documents ("музей" in a library of museums) would cost hundreds of milliseconds. Such a query
#: ranks the newest RANK_WINDOW matches only (found in a millisecond by walking the index in
#: descending id order); a query matching fewer documents is ranked over all of them, as before.
RANK_WINDOW = 500


@dataclass(frozen=True)
class WordGroup:
    """The forms one query word may match: in the documents' own script, and as Latin skeletons."""

    native: tuple[str, ...]
    latin: tuple[str, ...]


@dataclass(frozen=True)
class Match:
    document_id: int
    script: str
    source: str
    group_id: int


@dataclass(frozen=True)
class IndexRow:
    document_id: int
    source: str
    script: str
    group_id: int
    title_native: list[str]
    body_native: list[str]
    title_latin: list[str]
    body_latin: list[str]


class Backend:
    vendor = ""

    def insert(self, rows: Sequence[IndexRow]) -> None:
        raise NotImplementedError

    def delete(self, document_ids: Iterable[int]) -> None:
        raise NotImplementedError

    def clear(self) -> None:
        raise NotImplementedError

    def query(
        self, groups: Sequence[WordGroup], *, script: str, sources: Sequence[str], limit: int, any_word: bool
    ) -> list[tuple[int, str]]:
        """(document id, script) of the best matches, best first."""
        raise NotImplementedError

    def add_terms(self, terms: Iterable[str]) -> None:
        raise NotImplementedError

    def known_terms(self, terms: Iterable[str]) -> set[str]:
        wanted = sorted(set(terms))
        found: set[str] = set()
        with connection.cursor() as cursor:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start : start + 500]
                marks = ",".join(["%s"] * len(chunk))
                cursor.execute(f"SELECT term FROM {TERM_TABLE} WHERE term IN ({marks})", chunk)  # noqa: S608 -- placeholders only
                found.update(row[0] for row in cursor.fetchall())
        return found

    def typo_candidates(self, term: str) -> set[str]:
        """Indexed Latin terms one edit away from ``term``."""
        raise NotImplementedError

    def after_bulk(self) -> None:
        """Bring the index into the shape searches expect after many documents were added at once."""


class SqliteBackend(Backend):
    vendor = "sqlite"

    def insert(self, rows: Sequence[IndexRow]) -> None:
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO {FTS_TABLE} (rowid, source, script, group_id, title_native, body_native, title_latin, body_latin) "  # noqa: S608
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
                [
                    (
                        r.document_id,
                        r.source,
                        r.script,
                        r.group_id,
                        " ".join(r.title_native),
                        " ".join(r.body_native),
                        " ".join(r.title_latin),
                        " ".join(r.body_latin),
                    )
                    for r in rows
                ],
            )

    def delete(self, document_ids: Iterable[int]) -> None:
        ids = [(i,) for i in document_ids]
        if ids:
            with connection.cursor() as cursor:
                cursor.executemany(f"DELETE FROM {FTS_TABLE} WHERE rowid = %s", ids)  # noqa: S608

    def clear(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"DELETE FROM {FTS_TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {TERM_TABLE}")  # noqa: S608

    @staticmethod
    def _quote(term: str) -> str:
        return '"' + term.replace('"', '""') + '"'

    def match_expression(self, groups: Sequence[WordGroup], any_word: bool) -> str:
        parts = []
        for group in groups:
            alternatives = []
            if group.native:
                alternatives.append("{title_native body_native} : (" + " OR ".join(map(self._quote, group.native)) + ")")
            if group.latin:
                alternatives.append("{title_latin body_latin} : (" + " OR ".join(map(self._quote, group.latin)) + ")")
            parts.append("(" + " OR ".join(alternatives) + ")")
        return (" OR " if any_word else " AND ").join(parts)

    def query(
        self, groups: Sequence[WordGroup], *, script: str, sources: Sequence[str], limit: int, any_word: bool
    ) -> list[tuple[int, str]]:
        expression = self.match_expression(groups, any_word)
        source_filter, source_params = "", list(sources)
        if sources:
            source_filter = f" AND source IN ({','.join(['%s'] * len(sources))})"
        weights = ", ".join(str(w) for w in (0.0, 0.0, 0.0, *WEIGHTS))
        with connection.cursor() as cursor:
            # The RANK_WINDOW-th newest match (FTS5 walks its doclists in rowid order without ranking).
            cursor.execute(
                f"SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{source_filter} ORDER BY rowid DESC LIMIT 1 OFFSET %s",  # noqa: S608
                [expression, *source_params, RANK_WINDOW - 1],
            )
            floor = cursor.fetchone()
            window = " AND rowid >= %s" if floor else ""
            cursor.execute(
                f"SELECT rowid, script, source, group_id FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH %s{window}{source_filter} "  # noqa: S608 -- placeholders only
                f"ORDER BY script != %s, bm25({FTS_TABLE}, {weights}) LIMIT %s",
                [expression, *([floor[0]] if floor else []), *source_params, script, limit],
            )
            return [Match(*row) for row in cursor.fetchall()]

    def add_terms(self, terms: Iterable[str]) -> None:
        rows = [(t,) for t in set(terms)]
        if rows:
            with connection.cursor() as cursor:
                cursor.executemany(f"INSERT OR IGNORE INTO {TERM_TABLE} (term) VALUES (%s)", rows)  # noqa: S608

    def typo_candidates(self, term: str) -> set[str]:
        return self.known_terms(edits1(term))


class PostgresBackend(Backend):
    vendor = "postgresql"
    #: pg_trgm similarity above which a term is a typo candidate (then checked: one edit away).
    SIMILARITY = 0.25
    #: The newest documents in which the rank window is looked for first (see ``_window``).
    FIRST_RANGE = 10000

    @staticmethod
    def _vector(columns: Sequence[tuple[list[str], str]]) -> str:
        """A ``tsvector`` literal: each term at its position with its column's weight (A–D).

        Built here rather than with ``to_tsvector`` so that no text-search parser or locale
        splits or changes the forms ``analysis`` made (Armenian and Georgian letters included).
        Every occurrence is written as its own ``'term':position`` entry: PostgreSQL merges a
        lexeme's entries when it reads the literal (sorted positions, at most 256 kept), which
        is what grouping them here in a Python loop per term did, at a fraction of the cost.
        Terms after the last position (16,382) are written without one, as before.
        """
        parts: list[str] = []
        position = 1
        for terms, weight in columns:
            room = max(0, MAX_POSITION - position)
            placed = terms[:room]
            parts.extend(map(operator.add, map(_QUOTED.__getitem__, placed), _position_suffixes(weight)[position : position + len(placed)]))
            parts.extend(map(_QUOTED.__getitem__, terms[room:]))
            position += len(placed) + 1
        return " ".join(parts)

    def insert(self, rows: Sequence[IndexRow]) -> None:
        values = [
            (
                r.document_id,
                r.source,
                r.script,
                r.group_id,
                self._vector([(r.title_native, "A"), (r.body_native, "B"), (r.title_latin, "C"), (r.body_latin, "D")]),
            )
            for r in rows
        ]
        with connection.cursor() as cursor:
            # COPY: one round trip per batch (a rebuild writes hundreds of thousands of rows).
            with cursor.copy(f"COPY {PG_TABLE} (document_id, source, script, group_id, vector) FROM STDIN") as copy:  # noqa: S608
                for row in values:
                    copy.write_row(row)

    def delete(self, document_ids: Iterable[int]) -> None:
        ids = list(document_ids)
        if ids:
            with connection.cursor() as cursor:
                cursor.execute(f"DELETE FROM {PG_TABLE} WHERE document_id = ANY(%s)", [ids])  # noqa: S608

    def clear(self) -> None:
        with connection.cursor() as cursor:
            # DELETE, not TRUNCATE: inside a transaction that already wrote rows (deferred key checks).
            cursor.execute(f"DELETE FROM {PG_TABLE}")  # noqa: S608
            cursor.execute(f"DELETE FROM {TERM_TABLE}")  # noqa: S608

    @staticmethod
    def _lexeme(term: str, weights: str) -> str:
        return "'" + term.replace("\\", "\\\\").replace("'", "''") + "':" + weights

    def tsquery(self, groups: Sequence[WordGroup], any_word: bool, *, weighted: bool = True) -> str:
        """The query; ``weighted=False`` drops the column weights (a GIN index answers it without
        reading the vectors: a superset of the weighted query's matches, for the rank window)."""
        parts = []
        for group in groups:
            if weighted:
                alternatives = [self._lexeme(t, "AB") for t in group.native] + [self._lexeme(t, "CD") for t in group.latin]
            else:
                alternatives = [self._lexeme(t, "")[:-1] for t in dict.fromkeys((*group.native, *group.latin))]
            parts.append("(" + " | ".join(alternatives) + ")")
        return (" | " if any_word else " & ").join(parts)

    def query(
        self, groups: Sequence[WordGroup], *, script: str, sources: Sequence[str], limit: int, any_word: bool
    ) -> list[tuple[int, str]]:
        weights = "{" + ",".join(str(w / WEIGHTS[0]) for w in reversed(WEIGHTS)) + "}"  # {D,C,B,A}
        source_filter = " AND source = ANY(%s)" if sources else ""
        source_params = [list(sources)] if sources else []
        plain = self.tsquery(groups, any_word, weighted=False)
        with transaction.atomic(), connection.cursor() as cursor:
            try:
                # Bitmap scans only for what follows: the planner's estimates for a tsquery are
                # rough, and a wrong guess filters every row of an id range (or the whole table)
                # instead of intersecting the GIN index with the primary key's range. (The settings
                # change as this statement runs, after it was planned with the index.)
                cursor.execute(
                    f"SELECT (SELECT max(document_id) FROM {PG_TABLE}), set_config('enable_indexscan', 'off', true), "  # noqa: S608
                    "set_config('enable_seqscan', 'off', true), set_config('max_parallel_workers_per_gather', '0', true)"
                )
                newest = cursor.fetchone()[0]
                window = self._window(cursor, newest, plain, source_filter, source_params)
                if not window:
                    return []
                # Only these are read and ranked (the weighted query is checked on them alone); the
                # CTE keeps the planner from answering the weighted query from the GIN index, which
                # would read the vector of every match.
                cursor.execute(
                    f"WITH candidates AS MATERIALIZED (SELECT document_id, script, source, group_id, vector FROM {PG_TABLE} "  # noqa: S608
                    "WHERE document_id = ANY(%s)) "
                    "SELECT document_id, script, source, group_id FROM candidates, CAST(%s AS tsquery) AS q WHERE vector @@ q "
                    "ORDER BY script <> %s, ts_rank(%s::float4[], vector, q) DESC LIMIT %s",
                    [window, self.tsquery(groups, any_word), script, weights, limit],
                )
                return [Match(*row) for row in cursor.fetchall()]
            finally:
                # Nothing was written: rolling back (to the savepoint, inside a caller's transaction)
                # is what ends the settings above, which would otherwise last as long as that transaction.
                transaction.set_rollback(True)

    def _window(self, cursor: Any, newest: int | None, plain: str, source_filter: str, source_params: list[Any]) -> list[int]:
        """The newest RANK_WINDOW matches of the unweighted query.

        Looked for in id ranges from the newest (FIRST_RANGE documents, then as far back as the
        matches found so far suggest, or four times further when none was), so that the heap rows
        read are those of the matches in the ranges looked at: a word in half of the 220,000
        documents reads a few thousand rows, not a hundred thousand (the GIN index knows which
        documents match but not their ids' order).
        """
        high = newest
        window: list[int] = []
        size = self.FIRST_RANGE
        while high is not None and high > 0 and len(window) < RANK_WINDOW:
            low = max(0, high - size)
            cursor.execute(
                f"SELECT document_id FROM {PG_TABLE} WHERE document_id > %s AND document_id <= %s "  # noqa: S608 -- placeholders only
                f"AND vector @@ CAST(%s AS tsquery){source_filter} ORDER BY document_id DESC LIMIT %s",
                [low, high, plain, *source_params, RANK_WINDOW - len(window)],
            )
            window += [row[0] for row in cursor.fetchall()]
            high = low
            if window:
                # The matches' density so far tells how far back the missing ones are (with a margin):
                # one more range for most words, each costing a scan of the words' GIN entries.
                size = max(self.FIRST_RANGE, int((RANK_WINDOW - len(window)) * (newest - low) / len(window) * 1.5))
            else:
                size *= 4
        return window

    def after_bulk(self) -> None:
        with connection.cursor() as cursor:
            # New entries wait in the GIN index's pending list (up to 4 MB), which every search reads
            # from end to end; and the planner's statistics still describe the table before the load.
            cursor.execute("SELECT gin_clean_pending_list('library_search_pg_vector')")
            cursor.execute(f"ANALYZE {PG_TABLE}")  # noqa: S608

    def add_terms(self, terms: Iterable[str]) -> None:
        unique_terms = sorted(set(terms))
        if unique_terms:
            with connection.cursor() as cursor:
                cursor.execute(
                    f"INSERT INTO {TERM_TABLE} (term) SELECT unnest(%s::text[]) ON CONFLICT DO NOTHING",  # noqa: S608
                    [unique_terms],
                )

    def typo_candidates(self, term: str) -> set[str]:
        from rapidfuzz.distance import OSA

        with connection.cursor() as cursor:
            cursor.execute("SELECT set_limit(%s)", [self.SIMILARITY])
            cursor.execute(
                f"SELECT term FROM {TERM_TABLE} WHERE term %% %s AND length(term) BETWEEN %s AND %s",  # noqa: S608
                [term, len(term) - 1, len(term) + 1],
            )
            found = [row[0] for row in cursor.fetchall()]
        return {t for t in found if t != term and OSA.distance(t, term) <= 1}


#: Positions in a ``tsvector`` run from 1 to 16,383; terms are placed up to the one before.
MAX_POSITION = 16383


class _QuotedLexemes(dict[str, str]):
    """Terms quoted as ``tsvector`` lexemes, quoted once (the same terms recur in every document)."""

    LIMIT = 500_000

    def __missing__(self, term: str) -> str:
        if len(self) > self.LIMIT:
            self.clear()
        value = self[term] = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        return value


_QUOTED = _QuotedLexemes()


@functools.cache
def _position_suffixes(weight: str) -> list[str]:
    """``":1A"``, ``":2A"``, … for every position: the literal is then built by concatenation in C."""
    return [f":{position}{weight}" for position in range(MAX_POSITION + 1)]


def backend() -> Backend:
    """The backend of the database in use."""
    return PostgresBackend() if connection.vendor == "postgresql" else SqliteBackend()
