"""Organiser workspace benchmark: the registrations table of a webinar with 10,000 registrations.

A temporary site (SQLite, demo programme) gets one more webinar with BENCH_TABLE_ROWS
registrations (default 10,000) in four scripts, and an editor of its series. Then, in a
separate process (``manage.py shell -c``), Django's test client times requests in-process
(server time: middleware, session, view, template; no network): the table's first page, a
search across scripts, the name order at page 100, a filter with the name order; beside the
same run's public webinar page rendered uncached (the page cache is emptied before each
request) as the baseline. Median of BENCH_TABLE_REPEAT requests (20) after one warm-up.

    .venv/bin/python bench/run.py organise-table
    .venv/bin/python -m bench.organise            # without the rest of make bench
"""

from __future__ import annotations

import json
import os

from bench.server import BenchSite

ROWS = int(os.environ.get("BENCH_TABLE_ROWS", "10000"))
REPEAT = int(os.environ.get("BENCH_TABLE_REPEAT", "20"))
TARGET_MS = 300.0

SCRIPT = """
import datetime as dt, json, random, statistics, time, uuid
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from webinars.programme.models import Series, SeriesRole, Webinar
from webinars.registrations.models import Booking, Registration, search_text

ROWS, REPEAT = {rows}, {repeat}
random.seed(1)
series = Series.objects.order_by("pk").first()
now = timezone.now()
webinar = Webinar.objects.create(
    series=series, slug="bench-table", title={{"en": "Bench table"}}, start_date=(now + dt.timedelta(days=9)).date(),
    starts_at=now + dt.timedelta(days=9), status="published", capacity=ROWS // 2,
)
FIRST = ["Динара", "Айгерим", "Արմեն", "Անի", "ნინო", "გიორგი", "Anna", "Timur", "Лейла", "Бахтияр"]
LAST = ["Халикова", "Сейткали", "Սարգսյան", "Պետրոսյան", "ბერიძე", "კაპანაძე", "Smith", "Nurlanov", "Алиева", "Юсупов"]
CITIES = ["Алматы", "Ереван", "Тбилиси", "Ташкент", "Бишкек", "Baku", ""]
COUNTRIES = ["KZ", "AM", "GE", "UZ", "KG", "AZ", "TJ", ""]
STATUSES = ["confirmed"] * 6 + ["waitlisted", "pending", "cancelled"]
with transaction.atomic():
    bookings = Booking.objects.bulk_create(
        [Booking(email=f"bench-{{n}}@example.org", language=random.choice(["ru", "en", "kk", "hy", "ka"])) for n in range(ROWS)],
        batch_size=2000,
    )
    rows = []
    for n, booking in enumerate(bookings):
        r = Registration(
            booking=booking, webinar=webinar, email=booking.email, name=f"{{random.choice(FIRST)}} {{random.choice(LAST)}}",
            country=random.choice(COUNTRIES), city=random.choice(CITIES), organisation=f"Museum {{n % 300}}",
            institution_type=random.choice(["state", "municipal", "private", "ngo", ""]), language=booking.language,
            consent_privacy_at=now, status=random.choice(STATUSES),
        )
        if r.status == "pending":
            r.expires_at = now + dt.timedelta(days=1)
        r.search_key = r.compute_search_key()
        rows.append(r)
    Registration.objects.bulk_create(rows, batch_size=2000)
editor, _ = get_user_model().objects.get_or_create(username="bench-editor@example.org", defaults={{"email": "bench-editor@example.org"}})
SeriesRole.objects.update_or_create(series=series, user=editor, defaults={{"role": "editor"}})
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")

organiser = Client()
organiser.force_login(editor)
visitor = Client()
table = f"/organise/webinars/{{webinar.pk}}/registrations/"
public = webinar.get_absolute_url()

def timed(client, path, clear_cache=False):
    def once():
        if clear_cache:
            cache.clear()
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (path, response.status_code)
        return elapsed
    once()
    runs = [once() for _ in range(REPEAT)]
    with CaptureQueriesContext(connection) as queries:
        if clear_cache:
            cache.clear()
        client.get(path)
    return {{"median_ms": round(statistics.median(runs), 1), "max_ms": round(max(runs), 1), "queries": len(queries)}}

result = {{"rows": Registration.objects.filter(webinar=webinar).count()}}
result["public"] = timed(visitor, public, clear_cache=True)
result["first_page"] = timed(organiser, table)
result["search"] = timed(organiser, table + "?q=khalikova")
result["name_page_100"] = timed(organiser, table + "?sort=name&page=100")
result["filtered"] = timed(organiser, table + "?status=confirmed&country=KZ&sort=-name&page=5")
result["public_again"] = timed(visitor, public, clear_cache=True)
print("RESULT " + json.dumps(result))
"""

CASES = [
    ("first_page", "first page (50 rows, registered first)"),
    ("search", "search “khalikova” (finds Халикова)"),
    ("name_page_100", "sorted by name, page 100"),
    ("filtered", "status + country filter, name Z–A, page 5"),
]


def measure() -> dict:
    with BenchSite(serve=False) as site:
        output = site.manage("shell", "-c", SCRIPT.format(rows=ROWS, repeat=REPEAT))
    line = next(line for line in reversed(output.splitlines()) if line.startswith("RESULT "))
    return json.loads(line[len("RESULT ") :])


def run(row_class) -> list:
    outcome = measure()
    public_ms = (outcome["public"]["median_ms"] + outcome["public_again"]["median_ms"]) / 2
    rows = [
        row_class(
            "organise-table",
            "public webinar page, uncached (baseline)",
            p99_ms=public_ms,
            ratio=1.0,
            target="baseline",
            notes=f"median server time {public_ms:.1f} ms (before and after the table), {outcome['public']['queries']} queries",
            details={"before": outcome["public"], "after": outcome["public_again"]},
        )
    ]
    for key, title in CASES:
        figures = outcome[key]
        rows.append(
            row_class(
                "organise-table",
                f"registrations table, {outcome['rows']:,} registrations: {title}",
                p99_ms=figures["median_ms"],
                ratio=figures["median_ms"] / public_ms if public_ms else None,
                target=f"< {TARGET_MS:.0f} ms",
                passed=figures["median_ms"] < TARGET_MS,
                notes=(
                    f"median {figures['median_ms']} ms, max {figures['max_ms']} ms of {REPEAT}; "
                    f"{figures['queries']} queries; ratio = vs. the public page"
                ),
                details=figures,
            )
        )
    return rows


if __name__ == "__main__":
    from bench.run import Row

    for row in run(Row):
        verdict = {True: "PASS", False: "FAIL", None: ""}[row.passed]
        print(f"{row.name:75} {verdict:4} {row.notes}")
