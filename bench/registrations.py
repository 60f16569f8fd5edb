"""Registration and e-mail benchmarks (issue: registration that never overbooks or loses anyone).

1. A burst of concurrent registrations (default 5,000 for 1,000 seats) POSTed to the JSON API
   of gunicorn with several workers, on SQLite and on PostgreSQL. Every answer is recorded
   per e-mail address and compared with the database afterwards: confirmed, waitlisted,
   lost (acknowledged with 200/201 but not stored), duplicated (two rows for one address),
   errors (non-2xx answers or broken connections), registrations/s, and the ratio to the
   same client POSTing to the trivial view.
2. The same burst with one gunicorn worker killed (SIGKILL) in the middle: every
   acknowledged registration must be stored.
3. Reminder e-mail: N confirmed registrants (default 20,000) of a webinar starting soon; the
   worker queues and sends the reminders to a local SMTP server; the worker is killed
   (SIGKILL) mid-run and restarted; prints the time and the duplicates by Message-ID.
"""

from __future__ import annotations

import http.client
import json
import os
import queue
import signal
import subprocess
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

BURST_REQUESTS = int(os.environ.get("BENCH_BURST_REQUESTS", "5000"))
BURST_CAPACITY = int(os.environ.get("BENCH_BURST_CAPACITY", "1000"))
BURST_CLIENTS = int(os.environ.get("BENCH_BURST_CLIENTS", "64"))
REMINDERS = int(os.environ.get("BENCH_REMINDERS", "20000"))


@dataclass
class BurstResult:
    sent: int = 0
    seconds: float = 0.0
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)  # email -> (HTTP status, status in body)
    errors: Counter = field(default_factory=Counter)

    @property
    def acknowledged(self) -> set[str]:
        return {email for email, (code, _status) in self.answers.items() if code in (200, 201, 202)}

    @property
    def rate(self) -> float:
        return self.sent / self.seconds if self.seconds else 0.0


def post_burst(
    host: str, port: int, jobs: list[tuple[str, bytes, str]], *, clients: int, on_progress=None, connect=None, headers=None
) -> BurstResult:
    """POST every (path, body, key) job with ``clients`` keep-alive connections at once.

    ``connect()`` makes a connection (default: plain HTTP to host:port; the topology test
    passes HTTPS through nginx); ``headers`` are added to every request."""
    connect = connect or (lambda: http.client.HTTPConnection(host, port, timeout=120))
    extra_headers = {"Content-Type": "application/json", **(headers or {})}
    work: queue.Queue = queue.Queue()
    for job in jobs:
        work.put(job)
    result = BurstResult(sent=len(jobs))
    lock = threading.Lock()
    done = [0]
    start_gate = threading.Barrier(clients)

    def client() -> None:
        connection = connect()
        start_gate.wait()
        while True:
            try:
                path, body, key = work.get_nowait()
            except queue.Empty:
                break
            try:
                connection.request("POST", path, body=body, headers=extra_headers)
                response = connection.getresponse()
                payload = response.read()
                status = ""
                if response.status in (200, 201, 202):
                    try:
                        status = json.loads(payload).get("status", "")
                    except ValueError:
                        status = ""
                with lock:
                    result.answers[key] = (response.status, status)
                    if response.status not in (200, 201, 202):
                        result.errors[f"HTTP {response.status}"] += 1
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = connect()
                with lock:
                    result.errors[type(exc).__name__] += 1
                    result.answers.setdefault(key, (0, ""))
            with lock:
                done[0] += 1
                count = done[0]
            if on_progress is not None:
                on_progress(count)
        connection.close()

    threads = [threading.Thread(target=client, daemon=True) for _ in range(clients)]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


def registration_jobs(webinar_id: int, count: int, tag: str) -> list[tuple[str, bytes, str]]:
    jobs = []
    for i in range(count):
        email = f"{tag}-{i}@bench.example.org"
        body = {
            "name": f"Участник {i}",
            "email": email,
            "country": ("KZ", "KG", "UZ", "TJ", "TM", "AM", "GE", "AZ")[i % 8],
            "organisation": "Benchmark Museum",
            "institution_type": "state",
            "consent_privacy": True,
        }
        jobs.append((f"/api/v1/webinars/{webinar_id}/registrations", json.dumps(body).encode(), email))
    return jobs


def hello_jobs(count: int) -> list[tuple[str, bytes, str]]:
    return [("/-/hello", b"{}", f"hello-{i}") for i in range(count)]


def gunicorn_worker_pids(master_pid: int) -> list[int]:
    out = subprocess.run(["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False).stdout
    return [int(p) for p in out.split()]


def kill_one_worker(master_pid: int) -> int | None:
    """SIGKILL one live worker of ``master_pid``; its pid, or None if none was left to kill."""
    for pid in gunicorn_worker_pids(master_pid):
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            continue  # gone between pgrep and kill (a worker the master is replacing)
        return pid
    return None


# --- fixtures inside the benchmark site (run through manage.py shell) ---------------------

CREATE_WEBINAR = """
import datetime as dt
from django.utils import timezone
from webinars.programme.models import Series, Webinar
from webinars.programme.services import webinar_schedule
series = Series.objects.get(slug="sample-series")
series.reminder_hours = [{reminder_hours}]
series.save()
webinar = Webinar(series=series, slug="bench-{tag}", title={{"en": "Benchmark webinar {tag}"}}, status="published",
                  capacity={capacity}, time_zone="Asia/Almaty", meeting_url="https://meet.example.org/bench")
starts = timezone.now() + dt.timedelta(minutes={starts_in_minutes})
webinar.start_date = starts.date()
webinar.starts_at = starts
webinar.save()
print(webinar.pk)
"""

COUNT_REGISTRATIONS = """
import json
from django.db.models import Count
from webinars.registrations.models import Registration
rows = Registration.objects.filter(webinar_id={webinar_id})
print(json.dumps({{
    "by_status": dict(rows.values_list("status").annotate(n=Count("id")).values_list("status", "n")),
    "emails": list(rows.values_list("email", flat=True)),
    "duplicates": rows.values("email").annotate(n=Count("id")).filter(n__gt=1).count(),
}}))
"""

SEED_CONFIRMED = """
import datetime as dt
from django.utils import timezone
from webinars.registrations.models import Booking, Registration
now = timezone.now()
# The region's zones and two languages, mixed as registrations arrive: 16 kinds of reminder.
zones = ("Asia/Almaty", "Asia/Bishkek", "Asia/Tashkent", "Asia/Dushanbe", "Asia/Ashgabat", "Asia/Yerevan", "Asia/Tbilisi", "Asia/Baku")
bookings = Booking.objects.bulk_create(
    [Booking(email=f"r{{i}}@bench.example.org", language=("en", "ru")[(i // 8) % 2], time_zone=zones[i % 8]) for i in range({count})],
    batch_size=2000,
)
Registration.objects.bulk_create(
    [Registration(booking=b, webinar_id={webinar_id}, email=b.email, name=f"Участник {{i}}", country="KZ", language=b.language,
                  time_zone=b.time_zone, consent_privacy_at=now, status="confirmed", confirmed_at=now - dt.timedelta(days=1))
     for i, b in enumerate(bookings)],
    batch_size=2000,
)
print(Registration.objects.filter(webinar_id={webinar_id}).count())
"""

MESSAGE_STATUS = """
import json
from django.db.models import Count
from webinars.mail.models import OutgoingMessage
print(json.dumps(dict(OutgoingMessage.objects.filter(kind="reminder").values_list("status").annotate(n=Count("id")))))
"""


def create_webinar(site, *, tag: str, capacity: int | None, starts_in_minutes: int = 60 * 24 * 3, reminder_hours: str = "24, 1") -> int:
    code = CREATE_WEBINAR.format(tag=tag, capacity=capacity, starts_in_minutes=starts_in_minutes, reminder_hours=reminder_hours)
    return int(site.manage("shell", "-c", code).strip().splitlines()[-1])


def count_registrations(site, webinar_id: int) -> dict:
    return json.loads(site.manage("shell", "-c", COUNT_REGISTRATIONS.format(webinar_id=webinar_id)).strip().splitlines()[-1])


def burst(site, *, tag: str, kill_worker: bool = False) -> dict:
    """Run one registration burst and check every acknowledged registration against the database."""
    webinar_id = create_webinar(site, tag=tag, capacity=BURST_CAPACITY)
    jobs = registration_jobs(webinar_id, BURST_REQUESTS, tag)
    killed: list[int] = []
    kill_lock = threading.Lock()

    def progress(count: int) -> None:
        if not kill_worker or killed or count < BURST_REQUESTS // 2:
            return
        with kill_lock:  # the 64 client threads report progress: exactly one of them kills
            if not killed:
                killed.append(kill_one_worker(site.process.pid) or 0)

    result = post_burst("127.0.0.1", site.port, jobs, clients=BURST_CLIENTS, on_progress=progress)
    stored = count_registrations(site, webinar_id)
    stored_emails = set(stored["emails"])
    by_status = stored["by_status"]
    seated = by_status.get("confirmed", 0) + by_status.get("pending", 0)
    answered = Counter(status for code, status in result.answers.values() if code in (200, 201, 202))
    return {
        "requests": result.sent,
        "seconds": round(result.seconds, 2),
        "registrations_per_s": round(result.rate, 1),
        "seated": seated,
        "waitlisted": by_status.get("waitlisted", 0),
        "stored": len(stored_emails),
        "acknowledged": len(result.acknowledged),
        "lost": len(result.acknowledged - stored_emails),
        "duplicated": stored["duplicates"],
        "errors": sum(result.errors.values()),
        "error_kinds": dict(result.errors),
        "answered": dict(answered),
        "killed_worker": killed[0] if killed else None,
        "oversold": max(0, seated - BURST_CAPACITY),
    }


def hello_post_rate(site) -> float:
    result = post_burst("127.0.0.1", site.port, hello_jobs(BURST_REQUESTS), clients=BURST_CLIENTS)
    return result.rate


def postgres_cpu_seconds() -> float | None:
    """CPU time used so far by the machine's PostgreSQL server (Linux /proc): its processes, and
    those that ended (reaped by the postmaster). None where that cannot be read."""
    from bench.server import process_cpu_seconds, process_parent

    pids = [int(p) for p in subprocess.run(["pgrep", "-x", "postgres"], capture_output=True, text=True, check=False).stdout.split()]
    if not pids:
        return None
    total = 0.0
    for pid in pids:
        try:
            # The postmaster is the one whose parent is not a postgres process.
            total += process_cpu_seconds(pid, ended_children=process_parent(pid) not in pids)
        except OSError:
            continue  # ended meanwhile: counted in the postmaster's children
    return total


class CpuMeter:
    """CPU time of a burst, per request: the application server, the database server and the
    client (this process). Requests/s move with whatever else the machine runs; CPU time per
    request hardly does, so the ratio of CPU per request tells what the rate ratio would be on
    an otherwise idle machine."""

    def __init__(self, site, *, postgres: bool) -> None:
        self.site, self.postgres = site, postgres

    def _now(self) -> tuple[float, float, float] | None:
        server = self.site.server_cpu_seconds()
        database = postgres_cpu_seconds() if self.postgres else 0.0
        if server is None or database is None:
            return None
        return server, database, time.process_time()

    def measure(self, run, requests: int):  # type: ignore[no-untyped-def]
        """``run()``'s result and (server, database, client) CPU µs per request, or None."""
        before = self._now()
        result = run()
        after = self._now()
        if before is None or after is None:
            return result, None
        return result, tuple((b - a) / requests * 1e6 for a, b in zip(before, after, strict=True))


class SmtpSink:
    """A local SMTP server (aiosmtpd) on 127.0.0.1 that counts messages by Message-ID, in all and
    by recipient domain (the topology test tells its reminders from other mail that way)."""

    def __init__(self) -> None:
        from aiosmtpd.controller import Controller

        from bench.server import free_port

        self.ids: Counter = Counter()
        self.domains: dict[str, Counter] = {}
        self.lock = threading.Lock()
        self.port = free_port()
        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):  # noqa: N802 -- aiosmtpd's hook name
                message_id = ""
                for line in envelope.content.split(b"\r\n"):
                    if line.lower().startswith(b"message-id:"):
                        message_id = line.split(b":", 1)[1].strip().decode()
                        break
                    if not line:
                        break
                domain = envelope.rcpt_tos[0].rpartition("@")[2] if envelope.rcpt_tos else ""
                with sink.lock:
                    sink.ids[message_id] += 1
                    sink.domains.setdefault(domain, Counter())[message_id] += 1
                return "250 OK"

        # server_hostname: without it aiosmtpd looks the host name up in DNS for every connection.
        self.controller = Controller(Handler(), hostname="127.0.0.1", port=self.port, server_hostname="localhost")

    def __enter__(self) -> SmtpSink:
        self.controller.start()
        return self

    def __exit__(self, *exc) -> None:
        self.controller.stop()

    @property
    def received(self) -> int:
        with self.lock:
            return sum(self.ids.values())

    @property
    def duplicates(self) -> int:
        with self.lock:
            return sum(n - 1 for n in self.ids.values() if n > 1)

    @property
    def unique(self) -> int:
        with self.lock:
            return len(self.ids)

    def for_domain(self, domain: str) -> tuple[int, int, int]:
        """(received, unique, duplicates) for messages to ``domain``."""
        with self.lock:
            ids = self.domains.get(domain, Counter())
            return sum(ids.values()), len(ids), sum(n - 1 for n in ids.values() if n > 1)


def reminders(site) -> dict:
    """Send ``REMINDERS`` reminder e-mails with the real worker; kill it mid-run and restart it."""
    from bench.server import ROOT, VENV_BIN

    webinar_id = create_webinar(site, tag="reminders", capacity=None, starts_in_minutes=30, reminder_hours="1")
    seeded = int(site.manage("shell", "-c", SEED_CONFIRMED.format(count=REMINDERS, webinar_id=webinar_id)).strip().splitlines()[-1])
    with SmtpSink() as sink:
        baseline_rate = raw_smtp_rate(sink.port, min(seeded, 2000))
        sink.ids.clear()
        # Short claim and abandonment timeouts so that what the killed worker held is retried
        # within the run (in production: 15 and 2 minutes).
        env = dict(
            site.env, EMAIL_HOST="127.0.0.1", EMAIL_PORT=str(sink.port), MAIL_ABANDONED_AFTER_SECONDS="5", MAIL_STALE_CLAIM_SECONDS="15"
        )

        def start_worker() -> subprocess.Popen:
            return subprocess.Popen(
                [str(VENV_BIN / "python"), "manage.py", "run_worker", "--interval", "2"],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )

        began = time.perf_counter()
        worker = start_worker()
        killed_at = None
        deadline = began + float(os.environ.get("BENCH_REMINDER_TIMEOUT", "600"))
        last_progress, last_count = time.perf_counter(), -1
        try:
            while time.perf_counter() < deadline:
                received = sink.received
                if killed_at is None and received >= seeded // 3:
                    worker.send_signal(signal.SIGKILL)
                    worker.wait()
                    killed_at = received
                    worker = start_worker()
                if sink.unique >= seeded:
                    break
                if received != last_count:
                    last_progress, last_count = time.perf_counter(), received
                elif time.perf_counter() - last_progress > 90:
                    break  # no progress for 90 s: report what happened
                time.sleep(0.2)
            seconds = time.perf_counter() - began
        finally:
            worker.send_signal(signal.SIGTERM)
            try:
                worker.wait(timeout=20)
            except subprocess.TimeoutExpired:
                worker.kill()
        statuses = json.loads(site.manage("shell", "-c", MESSAGE_STATUS).strip().splitlines()[-1])
        return {
            "registrants": seeded,
            "seconds": round(seconds, 1),
            "received": sink.received,
            "unique": sink.unique,
            "duplicates": sink.duplicates,
            "killed_after": killed_at,
            "messages_by_status": statuses,
            "per_second": round(sink.unique / seconds, 1) if seconds else 0.0,
            "baseline_smtp_per_second": round(baseline_rate, 1),
        }


_RAW_SMTP_LOOP = """
import smtplib, sys, time
from email.message import EmailMessage
port, count = int(sys.argv[1]), int(sys.argv[2])
began = time.perf_counter()
with smtplib.SMTP("127.0.0.1", port) as smtp:
    for i in range(count):
        message = EmailMessage()
        message["From"], message["To"], message["Subject"] = "bench@example.org", f"r{i}@bench.example.org", "Baseline"
        message["Message-ID"] = f"<baseline-{i}@bench>"
        message.set_content("Baseline message.")
        smtp.send_message(message)
print(count / (time.perf_counter() - began))
"""


def raw_smtp_rate(port: int, count: int) -> float:
    """Baseline: plain messages over one smtplib connection to the same sink, no database.

    Sent from a process of its own, as the worker sends: a loop in this process would share
    the interpreter lock with the sink's thread, and the baseline varied 243–716/s from run
    to run that way."""
    import sys

    result = subprocess.run([sys.executable, "-c", _RAW_SMTP_LOOP, str(port), str(count)], capture_output=True, text=True, check=True)
    return float(result.stdout.strip())


# --- PostgreSQL: a throw-away database on the local server ---------------------------------

PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")


class PostgresDatabase:
    """Create a fresh database for one benchmark and drop it afterwards."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __enter__(self) -> str:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}"')
            conn.execute(f'CREATE DATABASE "{self.name}"')
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def __exit__(self, *exc) -> None:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def postgres_available() -> bool:
    try:
        import psycopg

        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        return True
    except Exception:  # noqa: BLE001 -- any failure means "not available here"
        return False
