"""The search service and its index, on the database in use (SQLite FTS5, or PostgreSQL in its suite)."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.db import connection

from tests.factories import PersonFactory, WebinarFactory, WebinarSpeakerFactory
from webinars.library import selectors, services
from webinars.library.models import LibraryItem, SearchDocument
from webinars.library.search import backends
from webinars.programme import services as programme_services
from webinars.programme.models import Webinar

pytestmark = pytest.mark.django_db


def titles(q: str, **kwargs) -> list[str]:
    return [hit.title for hit in selectors.search(q, **kwargs).hits]


@pytest.fixture
def corpus(make_item):
    return {
        "ru": make_item(
            {"ru": "Эвакуация музейных коллекций"}, description={"ru": "Как спасать предметы музеев при чрезвычайных ситуациях."}
        ),
        "en": make_item({"en": "Travelling exhibitions handbook"}, description={"en": "Packing, insurance and loans for exhibitions."}),
        "uz": make_item({"uz": "Muzey kolleksiyalarini raqamlashtirish"}, description={"uz": "Muzeylarda raqamli arxiv yaratish."}),
        "hy": make_item({"hy": "Թանգարանային պիտակներ"}, description={"hy": "Ինչպես գրել պիտակներ թանգարաններում"}),
        "ka": make_item({"ka": "მუზეუმის ინკლუზია"}, description={"ka": "ინკლუზია მუზეუმებში"}),
        "kk": make_item({"kk": "Мұражайдағы көшпелі көрмелер"}, description={"kk": "Көрмелерді тасымалдау"}),
        "draft": make_item({"en": "Secret draft about exhibitions"}, status=LibraryItem.Status.DRAFT),
    }


def test_each_language_is_found_in_its_own_script(corpus):
    assert titles("эвакуация")[0] == "Эвакуация музейных коллекций"
    assert titles("exhibitions")[0] == "Travelling exhibitions handbook"
    assert titles("raqamlashtirish")[0] == "Muzey kolleksiyalarini raqamlashtirish"
    assert titles("պիտակներ")[0] == "Թանգարանային պիտակներ"
    assert titles("ინკლუზია")[0] == "მუზეუმის ინკლუზია"
    assert titles("көрмелер")[0] == "Мұражайдағы көшпелі көрмелер"


def test_russian_words_in_any_grammatical_form(corpus):
    for form in ("музей", "музея", "музеев", "коллекции", "коллекций", "эвакуации"):
        assert "Эвакуация музейных коллекций" in titles(form), form


def test_latin_query_finds_cyrillic_armenian_georgian(corpus):
    assert titles("evakuatsiya")[0] == "Эвакуация музейных коллекций"
    assert "Эвакуация музейных коллекций" in titles("muzeynykh kollektsiy")
    assert titles("pitakner")[0] == "Թանգարանային պիտակներ"
    assert titles("inkluzia")[0] == "მუზეუმის ინკლუზია"


def test_cyrillic_query_finds_latin_text(corpus):
    assert titles("раqамлаштириш".replace("q", "к"))[0] == "Muzey kolleksiyalarini raqamlashtirish"


def test_case_and_diacritics_do_not_matter(corpus):
    assert titles("ЭВАКУАЦИЯ")[0] == "Эвакуация музейных коллекций"
    assert titles("Мұражайдағы")[0] == titles("муражайдагы")[0] == "Мұражайдағы көшпелі көрмелер"


def test_one_letter_typos_in_long_words(corpus):
    assert titles("exhibitoins")[0] == "Travelling exhibitions handbook"  # transposition
    assert titles("exibitions")[0] == "Travelling exhibitions handbook"  # deletion
    assert titles("эвакуацея")[0] == "Эвакуация музейных коллекций"  # substitution
    assert titles("exhbitoins") == []  # two letters wrong: no match


def test_short_words_are_not_stretched_to_typos(corpus):
    assert titles("loams") == titles("loans")  # five letters: tolerated
    assert titles("lons") == []  # four letters: not


def test_query_script_ranks_first(make_item):
    make_item({"uz": "Muzey tarixi"})
    make_item({"ru": "История музея"})
    assert selectors.search("muzey").hits[0].script == "latin"
    assert selectors.search("музей").hits[0].script == "cyrillic"


def test_snippets_mark_the_matching_words_in_their_language(corpus):
    hit = selectors.search("музеев коллекции").hits[0]
    assert hit.language == "ru"
    assert "<mark>музеев</mark>" in hit.snippet
    assert hit.title_html == "Эвакуация музейных <mark>коллекций</mark>"


def test_snippets_escape_html(make_item):
    make_item({"en": "Labels"}, description={"en": "<script>alert(1)</script> labels for museums"})
    snippet = selectors.search("labels").hits[0].snippet
    assert "<script>" not in snippet and "&lt;script&gt;" in snippet


def test_drafts_are_never_found(corpus):
    assert "Secret draft about exhibitions" not in titles("secret")
    assert titles("secret") == []


def test_index_follows_edits_publication_and_deletion(corpus):
    item = corpus["en"]
    item.title = {"en": "Loan agreements for museums"}
    services.item_save(item=item)
    assert titles("agreements") == ["Loan agreements for museums"]
    assert "Travelling exhibitions handbook" not in titles("travelling")
    services.item_set_status(item=item, status=LibraryItem.Status.DRAFT)
    assert titles("agreements") == []
    services.item_set_status(item=item, status=LibraryItem.Status.PUBLISHED)
    assert titles("agreements") == ["Loan agreements for museums"]
    services.item_delete(item=item)
    assert titles("agreements") == []
    assert not SearchDocument.objects.filter(source="item", object_id=item.pk).exists()
    draft = corpus["draft"]
    services.item_set_status(item=draft, status=LibraryItem.Status.PUBLISHED)
    assert titles("secret") == ["Secret draft about exhibitions"]


def test_transcripts_are_searchable_and_link_to_their_moment(make_item):
    from tests.library.conftest import VTT

    item = make_item({"en": "Recording of the evacuation webinar"}, kind=LibraryItem.Kind.RECORDING)
    services.caption_upload(item=item, language="en", data=VTT)
    hit = selectors.search("packing").hits[0]
    assert hit.source == "transcript" and hit.start_seconds == 40.0
    assert hit.url == f"/library/{item.pk}/?t=40#t=40"
    assert "<mark>packing</mark>" in hit.snippet


def test_webinars_and_speakers_follow_programme_changes(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        webinar = WebinarFactory(title={"en": "Conservation of textiles"})
        WebinarSpeakerFactory(webinar=webinar, person=PersonFactory(name={"en": "Aigerim Nurlanova"}))
    assert "Conservation of textiles" in titles("textiles")
    assert titles("Nurlanova", sources=("person",)) == ["Aigerim Nurlanova"]
    with django_capture_on_commit_callbacks(execute=True):
        programme_services.webinar_set_status(webinar=webinar, status=Webinar.Status.DRAFT)
    assert titles("textiles") == []
    with django_capture_on_commit_callbacks(execute=True):
        webinar.title = {"en": "Conservation of ceramics"}
        webinar.status = Webinar.Status.PUBLISHED
        programme_services.webinar_save(webinar=webinar, status_changed=True)
    assert titles("ceramics") == ["Conservation of ceramics"] and titles("textiles") == []
    with django_capture_on_commit_callbacks(execute=True):
        webinar.delete()
    assert titles("ceramics") == []


def test_rebuild_gives_the_same_index(corpus):
    before = {q: titles(q) for q in ("музей", "exhibitions", "muzey", "tangaran")}
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert {q: titles(q) for q in before} == before
    assert SearchDocument.objects.filter(source="item").count() == 6


def test_empty_and_unknown_queries(corpus):
    assert titles("") == [] and titles("   ") == [] and titles("zzzzqqqq") == []
    assert titles('"; DROP TABLE x; --') == []
    assert titles("exhibitions AND OR NOT * ( ) : { }")[0] == "Travelling exhibitions handbook"


def test_pagination_of_hits(make_item):
    for n in range(25):
        make_item({"en": f"Inventory guide {n}"})
    first = selectors.search("inventory", limit=20)
    second = selectors.search("inventory", limit=20, offset=20)
    assert len(first.hits) == 20 and first.more
    assert len(second.hits) == 5 and not second.more
    assert not {h.group_id for h in first.hits} & {h.group_id for h in second.hits}


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend (runs in the PostgreSQL suite)")
def test_postgresql_backend_vector_and_trigram_typos(corpus):
    assert isinstance(backends.backend(), backends.PostgresBackend)
    literal = backends.PostgresBackend._vector([(["թանգարան", "it's"], "A"), (["tangaran"], "D")])
    with connection.cursor() as cursor:
        cursor.execute("SELECT %s::tsvector", [literal])
        assert "'թանգարան':1A" in cursor.fetchone()[0]
    assert "exhibitions" in backends.backend().typo_candidates("exhibitoins")


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite backend")
def test_sqlite_backend_quotes_fts_syntax(corpus):
    engine = backends.backend()
    expression = engine.match_expression([backends.WordGroup(('a"b',), ("c",))], any_word=False)
    assert '"a""b"' in expression


def test_a_word_in_very_many_documents_is_ranked_over_its_newest_matches(make_item, monkeypatch):
    """Ranking costs per match: past RANK_WINDOW matches only the newest are ranked (the speed at
    100,000 items); below it every match is ranked, so the best comes first wherever it is."""
    best = make_item({"en": "Museum museum museum"})
    newer = [make_item({"en": f"Museum note number {n}"}).pk for n in range(5)]
    found = [hit.group_id for hit in selectors.search("museum", sources=("item",)).hits]
    assert found[0] == best.pk and set(found) == {best.pk, *newer}
    monkeypatch.setattr(backends, "RANK_WINDOW", 3)
    found = [hit.group_id for hit in selectors.search("museum", sources=("item",)).hits]
    assert sorted(found) == sorted(newer[-3:])
    # A rarer word is still ranked over all its matches.
    assert [hit.group_id for hit in selectors.search("museum number 4", sources=("item",)).hits][0] == newer[4]


def _vector_grouped(columns) -> str:
    """The ``tsvector`` literal as first built: each lexeme once, with its positions (at most 256)."""
    lexemes: dict[str, list[str]] = {}
    position = 1
    for terms, weight in columns:
        for term in terms:
            if position < 16383:
                lexemes.setdefault(term, []).append(f"{position}{weight}")
                position += 1
            else:
                lexemes.setdefault(term, [])
        position += 1
    parts = []
    for term, positions in lexemes.items():
        quoted = "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"
        parts.append(quoted + (":" + ",".join(positions[:256]) if positions else ""))
    return " ".join(parts)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend (runs in the PostgreSQL suite)")
@pytest.mark.parametrize(
    "columns",
    [
        [(["музей", "музе", "музей"], "A"), (["it's", "a\\b", "музей"], "B"), (["muzei", "muze"], "C"), (["muzei"], "D")],
        [([], "A"), (["word"] * 300 + ["other"], "B"), ([], "C"), (["word"], "D")],  # past 256 positions of one lexeme
        [(["t"], "A"), ([f"w{n % 900}" for n in range(17000)], "B"), (["t", "late"], "C"), (["w1", "only-late"], "D")],  # past 16,383
    ],
)
def test_postgresql_vector_reads_as_the_grouped_literal(db, columns):
    """One entry per occurrence, merged by PostgreSQL, is the same ``tsvector`` as the lexemes grouped in Python."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT CAST(%s AS tsvector)::text, CAST(%s AS tsvector)::text",
            [backends.PostgresBackend._vector(columns), _vector_grouped(columns)],
        )
        fast, grouped = cursor.fetchone()
    assert fast == grouped


@pytest.mark.parametrize("first_range", [1, 10_000])
def test_rank_window_is_the_newest_matches_whatever_the_first_range(make_item, monkeypatch, first_range):
    """PostgreSQL looks for the window in id ranges from the newest: any range size finds the same matches."""
    monkeypatch.setattr(backends.PostgresBackend, "FIRST_RANGE", first_range)
    monkeypatch.setattr(backends, "RANK_WINDOW", 4)
    items = [make_item({"en": f"Inventory sheet {n}"}, description={"en": "archive" if n % 2 else ""}).pk for n in range(12)]
    found = sorted(hit.group_id for hit in selectors.search("inventory", sources=("item",)).hits)
    assert found == sorted(items[-4:])
    found = sorted(hit.group_id for hit in selectors.search("inventory archive", sources=("item",)).hits if hit.matched_all)
    assert found == sorted([pk for n, pk in enumerate(items) if n % 2][-4:])


def test_bulk_indexing_makes_the_documents_one_item_at_a_time_makes(make_item):
    """The rebuild looks up themes, speakers and captions per chunk of items; saving an item one at a time
    reads them through the item: the same documents, in the same order."""
    from tests.factories import ThemeFactory
    from tests.library.conftest import VTT

    themes = [ThemeFactory(slug="b-theme", order=2, name={"en": "Labels"}), ThemeFactory(slug="a-theme", order=2, name={"en": "Inclusion"})]
    speakers = [PersonFactory(slug="z-speaker", name={"en": "Zara Speaker"}), PersonFactory(slug="a-speaker", name={"en": "Anna Speaker"})]
    first = make_item({"en": "Recording", "ru": "Запись"}, kind=LibraryItem.Kind.RECORDING, themes=themes, speakers=speakers)
    services.caption_upload(item=first, language="en", data=VTT)
    services.caption_upload(item=first, language="ru", data=VTT)
    make_item({"en": "Plain guide"}, themes=themes[:1])

    def documents():
        fields = ("source", "object_id", "group_id", "language", "script", "title", "text", "start_seconds")
        return list(SearchDocument.objects.order_by("pk").values_list(*fields))

    one_at_a_time = documents()
    assert "Inclusion Labels" in one_at_a_time[0][6] and "Anna Speaker Zara Speaker" in one_at_a_time[0][6]
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    # The rebuild goes through the items in their listing order: compared as sets, passages in order.
    assert sorted(d for d in documents() if d[0] in ("item", "transcript")) == sorted(
        d for d in one_at_a_time if d[0] in ("item", "transcript")
    )


def test_every_source_is_searched_without_a_filter(corpus):
    everything = [(h.source, h.group_id) for h in selectors.search("exhibitions").hits]
    assert everything == [(h.source, h.group_id) for h in selectors.search("exhibitions", sources=tuple(SearchDocument.Source.values)).hits]
    assert titles("exhibitions", sources=("webinar",)) == []


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend (runs in the PostgreSQL suite)")
def test_postgresql_search_leaves_the_planner_settings_of_the_callers_transaction(corpus):
    from django.db import transaction

    with transaction.atomic(), connection.cursor() as cursor:
        assert titles("exhibitions")
        cursor.execute("SELECT current_setting('enable_indexscan'), current_setting('enable_seqscan')")
        assert cursor.fetchone() == ("on", "on")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL backend (runs in the PostgreSQL suite)")
def test_postgresql_bulk_indexing_merges_pending_gin_entries_and_refreshes_statistics(corpus):
    call_command("rebuild_search_index", stdout=open("/dev/null", "w"))  # noqa: SIM115
    with connection.cursor() as cursor:
        cursor.execute("SELECT gin_clean_pending_list('library_search_pg_vector')")
        assert cursor.fetchone()[0] == 0  # nothing left to merge
        cursor.execute("SELECT count(*) FROM pg_stats WHERE tablename = 'library_search_pg'")
        assert cursor.fetchone()[0] > 0
