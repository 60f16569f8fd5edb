"""The search index tables of the database in use (see ``webinars.library.search.backends``).

SQLite: an FTS5 table (native and Latin-skeleton columns, the source and script beside
them) and a table of every indexed term (for one-letter typos). PostgreSQL: a ``tsvector``
per document with a GIN index, and the terms with a ``pg_trgm`` GIN index.
"""

from django.db import migrations

SQLITE = [
    "CREATE VIRTUAL TABLE library_search_fts USING fts5("
    "source UNINDEXED, script UNINDEXED, group_id UNINDEXED, title_native, body_native, title_latin, body_latin, "
    "tokenize = 'unicode61 remove_diacritics 0')",
    "CREATE TABLE library_search_term (term TEXT PRIMARY KEY) WITHOUT ROWID",
]
SQLITE_DROP = ["DROP TABLE IF EXISTS library_search_fts", "DROP TABLE IF EXISTS library_search_term"]

POSTGRES = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE TABLE library_search_pg ("
    # No foreign key: Django's test flush TRUNCATEs the managed tables alone, which a key from this
    # unmanaged table would refuse; the index services delete a document's row before the document.
    "document_id bigint PRIMARY KEY, "
    "source varchar(16) NOT NULL, script varchar(12) NOT NULL, group_id bigint NOT NULL, vector tsvector NOT NULL)",
    "CREATE INDEX library_search_pg_vector ON library_search_pg USING gin (vector)",
    "CREATE TABLE library_search_term (term text PRIMARY KEY)",
    "CREATE INDEX library_search_term_trgm ON library_search_term USING gin (term gin_trgm_ops)",
]
POSTGRES_DROP = ["DROP TABLE IF EXISTS library_search_pg", "DROP TABLE IF EXISTS library_search_term"]


def _run(statements_by_vendor):
    def run(apps, schema_editor):
        for statement in statements_by_vendor.get(schema_editor.connection.vendor, []):
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("library", "0001_initial")]

    operations = [
        migrations.RunPython(
            _run({"sqlite": SQLITE, "postgresql": POSTGRES}),
            _run({"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}),
        )
    ]
