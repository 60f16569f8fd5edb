"""A large synthetic programme for trying and benchmarking the reach reports.

    manage.py generate_synthetic_programme --series 20 --webinars-per-series 25 --registrations 1000000 --seed 1

Everything it makes is kept apart from the demo and real data: series slugs start with
``synthetic-``, series are marked ``is_sample`` and (unless ``--publish``) unpublished, so
they appear in organisers' reports but not on the public site; e-mail addresses end in
``@synthetic.example.org``. ``--replace`` removes a previous synthetic programme first.

What it looks like: webinars every three weeks per series over the last two years (the
last few still upcoming); a pool of people (by default one per five registrations) who
each register for several webinars with one booking; countries weighted to Central Asia
and the South Caucasus; institution types, genders (some not stated) and preferred
languages; statuses as they end up in practice; for every past webinar a current
attendance import in which about 60 % of the confirmed registrants attended, a few joined
too briefly, a few walk-ins came, a host is ignored and the odd attendee awaits review;
some webinars also have an older, replaced import (which must not count); about 1 % of
the people have erased their personal data.

Rows are written with ``bulk_create`` in batches, one transaction per batch of webinars.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
import sys
import time
import uuid
from bisect import bisect
from itertools import accumulate

from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import DateTimeField, Max
from django.utils import timezone

from webinars.attendance.models import AttendanceImport, Attendee
from webinars.programme.models import Organisation, Series, Webinar, compute_ends_at
from webinars.registrations.models import Booking, Registration

PREFIX = "synthetic-"
EMAIL_DOMAIN = "synthetic.example.org"
ORGANISER_SLUG = "synthetic-organiser"

COUNTRIES = [
    ("KZ", 20),
    ("UZ", 18),
    ("KG", 12),
    ("TJ", 9),
    ("TM", 3),
    ("AM", 10),
    ("GE", 10),
    ("AZ", 9),
    ("RU", 4),
    ("MN", 1.5),
    ("UA", 0.8),
    ("TR", 0.6),
    ("DE", 0.5),
    ("FR", 0.3),
    ("US", 0.3),
    ("", 1),  # not stated
]
INSTITUTIONS = [("state", 42), ("municipal", 18), ("private", 8), ("university", 12), ("ngo", 9), ("other", 5), ("", 6)]
GENDERS = [("female", 63), ("male", 27), ("other", 0.7), ("prefer_not", 3.3), ("", 6)]
LANGUAGES = [("ru", 64), ("en", 36)]
PAST_STATUSES = [("confirmed", 84), ("cancelled", 9), ("expired", 4), ("waitlisted", 3)]
UPCOMING_STATUSES = [("confirmed", 76), ("pending", 10), ("waitlisted", 4), ("cancelled", 10)]

FIRST_NAMES = (
    "Айгерим Динара Гульнара Нилуфар Зарина Анна Мария Нино Ани Лейла Асель Айжан Тимур Данияр Бахтиёр Арман Давид Гиорги Рустам Фарид"
).split()
LAST_NAMES = (
    "Ахметова Каримова Юсупова Алиева Саргсян Беридзе Мамедова Иванова Омарова Токтогулова Назаров Асанов Гасанов Петросян Кадыров"
).split()
POSITIONS = ["Curator", "Educator", "Director", "Researcher", "Conservator", "Registrar", "Guide", "Хранитель", "Научный сотрудник"]
CITIES = {
    "KZ": ["Almaty", "Astana", "Shymkent", "Karaganda"],
    "UZ": ["Tashkent", "Samarkand", "Bukhara", "Nukus"],
    "KG": ["Bishkek", "Osh", "Karakol"],
    "TJ": ["Dushanbe", "Khujand"],
    "TM": ["Ashgabat"],
    "AM": ["Yerevan", "Gyumri"],
    "GE": ["Tbilisi", "Kutaisi", "Batumi"],
    "AZ": ["Baku", "Ganja"],
}
TOPICS = [
    ("Collection care", "Сохранение коллекций"),
    ("Digitisation", "Оцифровка"),
    ("Inclusive museums", "Инклюзивный музей"),
    ("Audience research", "Исследование аудитории"),
    ("Exhibition design", "Дизайн выставок"),
    ("Museum education", "Музейная педагогика"),
    ("Emergency preparedness", "Готовность к чрезвычайным ситуациям"),
    ("Intangible heritage", "Нематериальное наследие"),
    ("Provenance research", "Исследование происхождения"),
    ("Fundraising", "Привлечение средств"),
]


class Weighted:
    """Draws from ``[(value, weight), ...]`` with one random() and a bisect."""

    def __init__(self, pairs: list[tuple[str, float]]) -> None:
        self.values = [v for v, _w in pairs]
        self.cumulative = list(accumulate(w for _v, w in pairs))
        self.total = self.cumulative[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.values[bisect(self.cumulative, rng.random() * self.total)]


class Progress:
    """A one-line progress bar on stderr (a line per 10 % when stderr is not a terminal)."""

    def __init__(self, total: int, label: str, stream=None) -> None:
        self.total, self.label, self.stream = max(total, 1), label, stream or sys.stderr
        self.started = time.monotonic()
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.last_decile = -1

    def update(self, done: int) -> None:
        fraction = min(done / self.total, 1.0)
        elapsed = time.monotonic() - self.started
        rate = done / elapsed if elapsed else 0.0
        bar = "#" * int(fraction * 30)
        line = f"{self.label} [{bar:<30}] {fraction:6.1%} {done:,}/{self.total:,} · {elapsed:5.1f} s · {rate:,.0f}/s"
        if self.tty:
            self.stream.write("\r" + line)
            self.stream.flush()
        elif int(fraction * 10) > self.last_decile:
            self.last_decile = int(fraction * 10)
            self.stream.write(line + "\n")
            self.stream.flush()

    def finish(self) -> None:
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def memoised(function):
    """``function`` of one argument, remembered (the same few dates are adapted over and over)."""
    cache: dict = {}

    def adapted(value):
        if value is None:
            return None
        try:
            return cache[value]
        except KeyError:
            result = cache[value] = function(value, connection)
            return result

    return adapted


class RawInserter:
    """``INSERT ... VALUES`` with ``executemany`` for rows already in database form.

    About ten times faster than ``bulk_create`` for a million rows: the values are adapted
    once by the caller (dates memoised, UUIDs to the backend's form) instead of field by
    field by the ORM. Ids are given explicitly (after the current maximum), so the rows can
    be referred to at once; ``reset_sequence`` puts PostgreSQL's sequence after them.
    Columns the caller leaves out get their field's default (see ``insert``).
    """

    def __init__(self, model) -> None:
        self.model = model
        self.fields = list(model._meta.concrete_fields)
        self.names = [f.attname for f in self.fields]
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        self.sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) VALUES ({', '.join(['%s'] * len(self.fields))})"  # noqa: S608 -- names from the model
        self.last_id = model.objects.aggregate(top=Max("pk"))["top"] or 0

    def next_id(self) -> int:
        self.last_id += 1
        return self.last_id

    def insert(self, rows: list[dict]) -> None:
        if not rows:
            return
        # Columns the generator does not set (added to the model later, say) get their
        # default, computed once per batch: fine for "", [] or {}; a column that must be
        # unique per row has to be set by the generator (the database would refuse).
        names = self.names
        defaults = {f.attname: f.get_db_prep_save(f.get_default(), connection) for f in self.fields if f.attname not in rows[0]}
        values = [tuple(row[n] if n in row else defaults[n] for n in names) for row in rows]
        with connection.cursor() as cursor:
            cursor.executemany(self.sql, values)

    def reset_sequence(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [self.model])
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


class Command(BaseCommand):
    help = "Create a large synthetic programme (series 'synthetic-…', sample, unpublished) with registrations and attendance."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--series", type=int, default=20)
        parser.add_argument("--webinars-per-series", type=int, default=25)
        parser.add_argument("--registrations", type=int, default=1_000_000)
        parser.add_argument("--people", type=int, default=0, help="Size of the pool of people (default: registrations / 5).")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--batch-size", type=int, default=5000)
        parser.add_argument("--publish", action="store_true", help="Publish the synthetic series (they stay marked as samples).")
        parser.add_argument("--replace", action="store_true", help="Remove an existing synthetic programme first.")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        n_series, per_series, total = options["series"], options["webinars_per_series"], options["registrations"]
        if n_series < 1 or per_series < 1 or total < 0:
            raise CommandError("--series and --webinars-per-series must be at least 1, --registrations at least 0.")
        if Series.objects.filter(slug__startswith=PREFIX).exists():
            if not options["replace"]:
                raise CommandError("A synthetic programme exists already: pass --replace to make a new one.")
            self.delete_synthetic()
        rng = random.Random(options["seed"])  # noqa: S311 -- synthetic data, reproducible by seed
        self.progress_stream = None if options["no_progress"] else sys.stderr
        self.batch_size = max(100, options["batch_size"])
        started = time.monotonic()
        if connection.vendor == "sqlite":
            # A bigger page cache keeps the (random) unique indexes in memory while inserting.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -400000")
        now = timezone.now()
        webinars = self.create_programme(n_series, per_series, rng, now=now, publish=options["publish"])
        # Enough people that the most popular webinar can fill up with distinct people.
        people = options["people"] or max(total // 5, -(-2 * total // len(webinars)), 1)
        counts = self.create_registrations(webinars, total, max(people, 1), rng, now=now)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # fresh planner statistics after a bulk load
        elapsed = time.monotonic() - started
        self.stdout.write(
            f"Synthetic programme: {n_series} series, {len(webinars)} webinars, {counts['bookings']:,} people (bookings), "
            f"{counts['registrations']:,} registrations, {counts['attendees']:,} attendees "
            f"({counts['imports']:,} current imports, {counts['replaced']:,} replaced) in {elapsed:.1f} s."
        )

    # --- cleanup -------------------------------------------------------------------------------

    def delete_synthetic(self) -> None:
        """Remove the previous synthetic programme with plain DELETEs (no per-row signals)."""
        webinars = Webinar.objects.filter(series__slug__startswith=PREFIX)
        registrations = Registration.objects.filter(webinar__in=webinars)
        with transaction.atomic():
            Attendee.objects.filter(webinar__in=webinars)._raw_delete(Attendee.objects.db)
            AttendanceImport.objects.filter(webinar__in=webinars)._raw_delete(AttendanceImport.objects.db)
            booking_ids = registrations.values("booking_id")
            from webinars.audit.models import LogEntry
            from webinars.mail.services import messages_delete_for

            LogEntry.objects.filter(webinar__in=webinars)._raw_delete(LogEntry.objects.db)
            messages_delete_for(about=registrations)
            messages_delete_for(about=Booking.objects.filter(pk__in=booking_ids))
            bookings = list(Booking.objects.filter(pk__in=booking_ids, email__endswith="@" + EMAIL_DOMAIN).values_list("pk", flat=True))
            registrations._raw_delete(Registration.objects.db)
            for start in range(0, len(bookings), 5000):
                Booking.objects.filter(pk__in=bookings[start : start + 5000])._raw_delete(Booking.objects.db)
            Booking.objects.filter(email__endswith="@erased.invalid", registrations__isnull=True, series__slug__startswith=PREFIX).delete()
            webinars.delete()
            Series.objects.filter(slug__startswith=PREFIX).delete()
            Organisation.objects.filter(slug=ORGANISER_SLUG, organised_series__isnull=True).delete()

    # --- series and webinars -------------------------------------------------------------------

    def create_programme(self, n_series: int, per_series: int, rng: random.Random, *, now: dt.datetime, publish: bool) -> list[Webinar]:
        organiser, _created = Organisation.objects.get_or_create(
            slug=ORGANISER_SLUG, defaults={"name": {"en": "Synthetic organiser", "ru": "Синтетический организатор"}}
        )
        series_list = Series.objects.bulk_create(
            [
                Series(
                    slug=f"{PREFIX}series-{i + 1:02d}",
                    title={"en": f"Synthetic series {i + 1}", "ru": f"Синтетическая серия {i + 1}"},
                    summary={"en": "Generated data for reports and benchmarks.", "ru": "Сгенерированные данные для отчётов и замеров."},
                    organiser=organiser,
                    is_sample=True,
                    is_published=publish,
                    registration_open=False,
                    time_zone="Asia/Almaty",
                    countries=["KZ", "KG", "TJ", "TM", "UZ", "AM", "AZ", "GE"],
                )
                for i in range(n_series)
            ]
        )
        today = now.date()
        webinars = []
        upcoming = max(1, per_series // 8)
        for s_index, series in enumerate(series_list):
            first = today - dt.timedelta(days=21 * (per_series - upcoming)) + dt.timedelta(days=s_index % 21)
            for w_index in range(per_series):
                date = first + dt.timedelta(days=21 * w_index)
                starts_at = dt.datetime.combine(date, dt.time(5 + (s_index % 6), 0), tzinfo=dt.UTC)
                topic_en, topic_ru = TOPICS[(s_index + w_index) % len(TOPICS)]
                webinar = Webinar(
                    series=series,
                    slug=f"webinar-{w_index + 1:03d}",
                    title={"en": f"{topic_en} ({s_index + 1}.{w_index + 1})", "ru": f"{topic_ru} ({s_index + 1}.{w_index + 1})"},
                    status=Webinar.Status.PUBLISHED if rng.random() > 0.02 else Webinar.Status.CANCELLED,
                    start_date=date,
                    starts_at=starts_at,
                    duration_minutes=90,
                    time_zone="Asia/Almaty",
                    language="ru" if rng.random() < 0.7 else "en",
                    registration_open=False,
                    published_at=now,
                )
                webinar.ends_at = compute_ends_at(webinar.start_date, webinar.starts_at, webinar.duration_minutes, webinar.time_zone)
                webinars.append(webinar)
        return Webinar.objects.bulk_create(webinars, batch_size=500)

    # --- people, registrations and attendance ----------------------------------------------------

    def create_registrations(self, webinars: list[Webinar], total: int, people: int, rng: random.Random, *, now: dt.datetime) -> dict:
        country, institution, gender, language = Weighted(COUNTRIES), Weighted(INSTITUTIONS), Weighted(GENDERS), Weighted(LANGUAGES)
        past_status, upcoming_status = Weighted(PAST_STATUSES), Weighted(UPCOMING_STATUSES)
        # Registrations per webinar: around the mean, some webinars much more popular than others.
        weights = [rng.lognormvariate(0, 0.45) for _ in webinars]
        scale = total / sum(weights) if weights else 0
        sizes = [min(people, int(w * scale)) for w in weights]
        shortfall = total - sum(sizes)
        index = 0
        while shortfall > 0 and webinars:
            if sizes[index % len(sizes)] < people:
                sizes[index % len(sizes)] += 1
                shortfall -= 1
            index += 1
            if index > len(sizes) * (people + 1):
                raise CommandError("Not enough people for so many registrations: raise --people.")

        # People: one booking each, their details fixed (a person registers the same way every time).
        tag = uuid.uuid4().hex[:8]
        person_details = []
        erased_people = set(rng.sample(range(people), k=people // 100)) if people >= 100 else set()
        for i in range(people):
            c = country(rng)
            person_details.append(
                (
                    f"p{i}-{tag}@{EMAIL_DOMAIN}",
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    c,
                    rng.choice(CITIES.get(c, [""])),
                    institution(rng),
                    gender(rng),
                    language(rng),
                    rng.choice(POSITIONS),
                )
            )
        progress = Progress(people, "people       ", self.progress_stream) if self.progress_stream else None
        booking_ids: list[int] = []
        for start in range(0, people, self.batch_size):
            chunk = [
                Booking(
                    email=f"erased-{uuid.uuid4()}@erased.invalid" if i in erased_people else person_details[i][0],
                    language=person_details[i][6],
                    time_zone="Asia/Almaty",
                )
                for i in range(start, min(start + self.batch_size, people))
            ]
            with transaction.atomic():
                booking_ids.extend(b.pk for b in Booking.objects.bulk_create(chunk))
            if progress:
                progress.update(len(booking_ids))
        if progress:
            progress.finish()

        progress = Progress(total, "registrations", self.progress_stream) if self.progress_stream else None
        registrations = RawInserter(Registration)
        attendees = RawInserter(Attendee)
        db_time = memoised(DateTimeField().get_db_prep_save)
        db_uuid = (lambda u: u) if connection.features.has_native_uuid_field else (lambda u: u.hex)
        no_answers = Registration._meta.get_field("answers").get_db_prep_save({}, connection)
        no_candidates = Attendee._meta.get_field("candidates").get_db_prep_save([], connection)
        consent_at = now - dt.timedelta(days=800)
        done = attendees_done = imports = replaced = walk_ins = 0
        Status, Match = Registration.Status, Attendee.Match

        def attendee(current, webinar, *, name, email, minutes, attended, match, registration_id=None, joins=1) -> dict:
            return {
                "id": attendees.next_id(),
                "attendance_import_id": current.pk,
                "webinar_id": webinar.pk,
                "name": name,
                "email": email,
                "minutes": minutes,
                "joins": joins,
                "first_join_at": db_time(webinar.starts_at),
                "last_leave_at": db_time(webinar.starts_at + dt.timedelta(minutes=minutes)),
                "attended": attended,
                "registration_id": registration_id,
                "match": match,
                "match_score": None,
                "candidates": no_candidates,
            }

        for webinar, size in zip(webinars, sizes, strict=True):
            is_past = webinar.ends_at <= now and webinar.status != Webinar.Status.CANCELLED
            statuses = past_status if webinar.ends_at <= now else upcoming_status
            registered_at = db_time(webinar.starts_at - dt.timedelta(days=10 + rng.randint(0, 20)))
            reg_rows, att_rows = [], []
            if is_past:
                current = AttendanceImport.objects.create(
                    webinar=webinar,
                    format=AttendanceImport.Format.ZOOM_WEBINAR,
                    file_name=f"{webinar.slug}-attendees.csv",
                    sha256=hashlib.sha256(f"{webinar.pk}-{tag}".encode()).hexdigest(),
                )
                imports += 1
                old = None
                if rng.random() < 0.05:  # an earlier, wrong file replaced by the current one: must not count
                    old = AttendanceImport.objects.create(
                        webinar=webinar,
                        format=AttendanceImport.Format.ZOOM_WEBINAR,
                        file_name=f"{webinar.slug}-attendees-draft.csv",
                        sha256=hashlib.sha256(f"{webinar.pk}-{tag}-old".encode()).hexdigest(),
                        replaced_at=now,
                    )
                    replaced += 1
            for person in rng.sample(range(people), size):
                email, name, c, city, inst, gen, lang, position = person_details[person]
                status = statuses(rng)
                erased = person in erased_people
                row_uuid = uuid.uuid4()
                row_id = registrations.next_id()
                reg_rows.append(
                    {
                        "id": row_id,
                        "uuid": db_uuid(row_uuid),
                        "booking_id": booking_ids[person],
                        "webinar_id": webinar.pk,
                        "email": f"erased-{row_uuid}@erased.invalid" if erased else email,
                        "name": "" if erased else name,
                        "country": c,
                        "city": "" if erased else city,
                        "organisation": "" if erased else f"Museum {person % 997}",
                        "position": "" if erased else position,
                        "institution_type": inst,
                        "gender": gen,
                        "language": lang,
                        "time_zone": "Asia/Almaty",
                        "consent_privacy_at": db_time(consent_at),
                        "consent_recording": False,
                        "answers": no_answers,
                        "status": status,
                        "source": "synthetic",
                        "link_version": 0,
                        "legacy_join_token_hash": None,
                        "email_verified_at": db_time(consent_at) if status != Status.PENDING else None,
                        "confirmed_at": db_time(consent_at) if status == Status.CONFIRMED else None,
                        "expires_at": db_time(now + dt.timedelta(hours=48)) if status == Status.PENDING else None,
                        "cancelled_at": db_time(consent_at) if status == Status.CANCELLED else None,
                        "join_clicked_at": None,
                        "join_count": 0,
                        "erased_at": db_time(now) if erased else None,
                        "created_at": registered_at,
                        "updated_at": registered_at,
                    }
                )
                if not is_past or status != Status.CONFIRMED:
                    continue
                if old is not None and len(att_rows) < 20:
                    att_rows.append(
                        attendee(old, webinar, name="", email="", minutes=90, attended=True, match=Match.EMAIL, registration_id=row_id)
                    )
                roll = rng.random()
                if roll >= 0.66:
                    continue
                minutes = rng.randint(46, 95) if roll < 0.60 else rng.randint(2, 44)  # 45 minutes: half of 90 counts
                att_rows.append(
                    attendee(
                        current,
                        webinar,
                        name="" if erased else name,
                        email="" if erased else email,
                        minutes=minutes,
                        attended=minutes >= 45,
                        match=Match.EMAIL if rng.random() < 0.93 else Match.NAME,
                        registration_id=row_id,
                        joins=rng.choice((1, 1, 1, 2, 3)),
                    )
                )
            if is_past:
                for _ in range(max(1, len(att_rows) // 30)):  # walk-ins: some are people known from other webinars
                    walk_ins += 1
                    known = rng.random() < 0.3
                    email = person_details[rng.randrange(people)][0] if known else f"walkin-{walk_ins}-{tag}@{EMAIL_DOMAIN}"
                    minutes = rng.randint(20, 95)
                    name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
                    att_rows.append(
                        attendee(current, webinar, name=name, email=email, minutes=minutes, attended=minutes >= 45, match=Match.WALK_IN)
                    )
                att_rows.append(
                    attendee(
                        current, webinar, name="Host", email=f"host-{tag}@{EMAIL_DOMAIN}", minutes=100, attended=True, match=Match.IGNORED
                    )
                )
                if rng.random() < 0.2:
                    att_rows.append(attendee(current, webinar, name="iPhone", email="", minutes=60, attended=True, match=Match.UNMATCHED))
                AttendanceImport.objects.filter(pk=current.pk).update(
                    rows=sum(1 for r in att_rows if r["attendance_import_id"] == current.pk)
                )
            with transaction.atomic():
                registrations.insert(reg_rows)
                attendees.insert(att_rows)
            done += len(reg_rows)
            attendees_done += len(att_rows)
            if progress:
                progress.update(done)
        registrations.reset_sequence()
        attendees.reset_sequence()
        if progress:
            progress.finish()
        return {"bookings": people, "registrations": done, "attendees": attendees_done, "imports": imports, "replaced": replaced}
