"""``make topology-test``: the production topology of deploy/ on 127.0.0.1, checked end to end.

nginx (deploy/nginx, HTTPS with a certificate made for the run) → 2 gunicorn application
servers (deploy/systemd/museum-webinars-web@.service, separate process groups and ports) →
the machine's PostgreSQL (database ``topology_db``, created and dropped here) and Redis
(database 13, emptied before and after) + 2 task workers (museum-webinars-worker@.service) +
the periodic jobs (museum-webinars-periodic.service, run every few seconds as its timer would)
+ an S3-compatible server (moto in server mode) + a local SMTP sink (aiosmtpd).

Each check prints its figures; any miss makes the run exit 1. Everything started is stopped,
and the database, the Redis database and the temporary folder removed, also on failure or
Ctrl-C. Only 127.0.0.1 is bound.

    .venv/bin/python -m tests.topology.run           # TOPOLOGY_KEEP=1 keeps the folder (logs)
"""

from __future__ import annotations

import base64
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.registrations import SmtpSink
from tests.topology import fixtures
from tests.topology.client import Browser, Endpoint, csrf_token
from tests.topology.stack import ROOT, VENV_BIN, Stack, free_port, wait_for

PG_ADMIN_URL = os.environ.get("TOPOLOGY_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
DATABASE = os.environ.get("TOPOLOGY_DATABASE", "topology_db")
REDIS_DB = int(os.environ.get("TOPOLOGY_REDIS_DB", "13"))
BUCKET = "topology-media"
BURST_REQUESTS = int(os.environ.get("TOPOLOGY_BURST_REQUESTS", "5000"))
BURST_CAPACITY = int(os.environ.get("TOPOLOGY_BURST_CAPACITY", "1000"))
EMAILS = int(os.environ.get("TOPOLOGY_EMAILS", "20000"))
VERIFY_LIMIT = 30  # certificate look-ups a minute per client address (the application's default)
PERIODIC_SECONDS = 15.0  # the timer says 30 s; shorter here, but each run starts a Python process
USER, PASSWORD = "topology@example.org", "topology-password-7Qx"


class Failures(list):
    def check(self, ok: bool, what: str) -> bool:
        print(f"    {'ok  ' if ok else 'MISS'} {what}", flush=True)
        if not ok:
            self.append(what)
        return ok


class Topology:
    def __init__(self) -> None:
        self.tmp = Path(tempfile.mkdtemp(prefix="mw-topology-"))
        self.stack = Stack(self.tmp)
        self.failures = Failures()
        self.figures: dict[str, object] = {}
        self.sink: SmtpSink | None = None
        self.database_created = False
        self.redis_url = f"redis://127.0.0.1:6379/{REDIS_DB}"
        self.stop_periodic = threading.Event()
        self.periodic_thread: threading.Thread | None = None

    # --- start ------------------------------------------------------------------------------

    def start(self) -> None:
        began = time.monotonic()
        import psycopg
        import redis

        with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{DATABASE}"')
        self.database_created = True
        redis.Redis.from_url(self.redis_url).flushdb()

        moto_port = free_port()
        moto_log = self.tmp / "log" / "moto.log"
        moto_log.parent.mkdir(parents=True, exist_ok=True)
        with moto_log.open("wb") as out:
            moto = subprocess.Popen(
                [str(VENV_BIN / "python"), "-m", "moto.server", "-H", "127.0.0.1", "-p", str(moto_port)],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        from tests.topology.stack import Process

        self.stack.processes.append(Process("moto", moto, moto_log))
        self.s3_endpoint = f"http://127.0.0.1:{moto_port}"
        wait_for(lambda: self._s3().create_bucket(Bucket=BUCKET), timeout=30, what="moto (S3) to start")

        self.sink = SmtpSink()
        self.sink.controller.start()

        self.ports = {"http": free_port(), "https": free_port(), "a": free_port(), "b": free_port()}
        self.worker_ports = [free_port(), free_port()]
        var = self.tmp / "var"
        self.stack.env_values = self.stack.env_path.parent.mkdir(parents=True, exist_ok=True) or {}
        from tests.topology.stack import write_env_file

        self.stack.env_values = write_env_file(
            self.stack.env_path,
            {
                "SECRET_KEY": "topology-" + os.urandom(32).hex(),
                "PSEUDONYM_KEY": "topology-pseudonyms-" + os.urandom(32).hex(),
                "PLATFORM_SECRETS_KEY": base64.urlsafe_b64encode(os.urandom(32)).decode(),
                "ALLOWED_HOSTS": "127.0.0.1",
                "SITE_URL": f"https://127.0.0.1:{self.ports['https']}",
                "VAR_DIR": str(var),
                "STATIC_ROOT": str(var / "static"),
                "MEDIA_ROOT": str(var / "media"),
                "DATABASE_URL": PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + DATABASE,
                "REDIS_URL": self.redis_url,
                "MEDIA_STORAGE_URL": f"s3://{BUCKET}/media?endpoint_url={self.s3_endpoint}&region_name=us-east-1",
                "AWS_ACCESS_KEY_ID": "topology",
                "AWS_SECRET_ACCESS_KEY": "topology-secret",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(self.sink.port),
                "EMAIL_USE_TLS": "0",
                "WEB_WORKERS": "2",
                "SENTRY_DSN": "",
                # Long: what a killed worker held must come back through its journal, at once,
                # not through these time-outs.
                "MAIL_STALE_CLAIM_SECONDS": "900",
                "MAIL_ABANDONED_AFTER_SECONDS": "900",
                "REGISTRATION_RATE_LIMIT": "0",  # the burst comes from one client address
            },
        )
        # README "Deployment", step by step: migrate, collect static files, start the units.
        self.stack.manage("migrate", "--noinput", "-v0")
        self.stack.manage("collectstatic", "--noinput", "-v0")
        self.stack.manage("load_demo_programme")
        self.data = json.loads(
            self.stack.manage("shell", "-c", fixtures.SETUP.format(user=USER, password=PASSWORD)).strip().splitlines()[-1]
        )

        self.server_a = self.stack.start_unit("museum-webinars-web@.service", str(self.ports["a"]), name="web-A")
        self.server_b = self.stack.start_unit("museum-webinars-web@.service", str(self.ports["b"]), name="web-B")
        self.workers = [
            self.stack.start_unit("museum-webinars-worker@.service", str(port), name=f"worker-{n + 1}")
            for n, port in enumerate(self.worker_ports)
        ]
        self.a = Endpoint(self.ports["a"])
        self.b = Endpoint(self.ports["b"])
        for endpoint, process in ((self.a, self.server_a), (self.b, self.server_b)):
            wait_for(
                lambda e=endpoint, p=process: self._alive(p) and Browser().get(e, "/healthz").status == 200,
                timeout=60,
                what=f"{process.name} to answer /healthz",
            )
        self.nginx = self.stack.start_nginx(
            http_port=self.ports["http"], https_port=self.ports["https"], upstreams=[self.ports["a"], self.ports["b"]]
        )
        self.edge = Endpoint(self.ports["https"], tls=True, cafile=str(self.tmp / "nginx" / "tls" / "fullchain.pem"))
        wait_for(lambda: Browser().get(self.edge, "/healthz").status == 200, timeout=20, what="nginx")
        self.periodic_thread = threading.Thread(target=self._periodic, daemon=True)
        self.periodic_thread.start()
        print(
            f"  started in {time.monotonic() - began:.0f} s: nginx :{self.ports['https']} (HTTPS) / :{self.ports['http']} → "
            f"web-A :{self.ports['a']}, web-B :{self.ports['b']}; workers (metrics :{self.worker_ports[0]}, :{self.worker_ports[1]}); "
            f"PostgreSQL {DATABASE}; Redis db {REDIS_DB}; S3 {self.s3_endpoint}; SMTP :{self.sink.port}",
            flush=True,
        )

    def _alive(self, process) -> bool:
        if not process.alive():
            raise RuntimeError(f"{process.name} exited:\n{process.text()[-3000:]}")
        return True

    def _s3(self):
        import boto3

        return boto3.client(
            "s3",
            endpoint_url=self.s3_endpoint,
            region_name="us-east-1",
            aws_access_key_id="topology",
            aws_secret_access_key="topology-secret",
        )

    def _periodic(self) -> None:
        """museum-webinars-periodic.timer, every few seconds instead of every 30."""
        while not self.stop_periodic.wait(PERIODIC_SECONDS):
            try:
                self.stack.run_unit_once("museum-webinars-periodic.service")
            except Exception as exc:  # noqa: BLE001 -- reported, and the next run tries again
                print(f"    (periodic jobs failed: {str(exc)[-500:]})", flush=True)

    # --- checks ----------------------------------------------------------------------------

    def check_public_pages(self) -> None:
        print("public pages through nginx", flush=True)
        browser = Browser()
        for path in ("/", "/series/museum-webinars-central-asia-south-caucasus/", self.data["shown_path"], "/verify/"):
            answer = browser.get(self.edge, path)
            self.failures.check(answer.status == 200, f"GET {path} → {answer.status}")
        plain = Endpoint(self.ports["http"]).connect()
        plain.request("GET", "/series/")
        redirect = plain.getresponse()
        self.failures.check(
            redirect.status == 301 and redirect.getheader("Location", "").startswith("https://127.0.0.1/"),
            f"HTTP → HTTPS: {redirect.status} {redirect.getheader('Location')}",
        )
        home = browser.get(self.edge, "/").text
        static = next((part.split('"')[0] for part in home.split('href="/static/')[1:] if part.split('"')[0].endswith(".css")), None)
        if self.failures.check(static is not None, "the home page links a stylesheet under /static/"):
            answer = browser.get(self.edge, f"/static/{static}")
            cache_control = answer.header("Cache-Control")
            self.failures.check(
                answer.status == 200 and "immutable" in cache_control and "max-age=31536000" in cache_control,
                f"static file by nginx: {answer.status}, Cache-Control: {cache_control}",
            )
        self.failures.check(browser.get(self.edge, "/media/certificates/x.pdf").status == 404, "/media/ is never served by path")
        self.failures.check(browser.get(self.edge, "/-/hello").status == 404, "the benchmark view is not public")

    def check_observability(self) -> None:
        print("request id, readiness, metrics", flush=True)
        browser = Browser()
        ready = browser.get(self.edge, "/readyz")
        body = json.loads(ready.body) if ready.status in (200, 503) else {}
        self.failures.check(
            ready.status == 200 and all(body.get(k) == "ok" for k in ("database", "cache", "storage")), f"/readyz {ready.status}: {body}"
        )
        webinar_id = self._create_webinar("observability", capacity=None)
        registration = {
            "name": "Айбек Сейтқали",
            "email": "request-id@observability.topology.test",
            "country": "KZ",
            "organisation": "Topology Museum",
            "institution_type": "state",
            "consent_privacy": True,
        }
        connection = self.edge.connect()
        connection.request(
            "POST",
            f"/api/v1/webinars/{webinar_id}/registrations",
            body=json.dumps(registration),
            headers={"Content-Type": "application/json"},
        )
        response = connection.getresponse()
        response.read()
        request_id = response.getheader("X-Request-ID", "")
        self.failures.check(response.status == 202 and len(request_id) == 32, f"registration {response.status}, X-Request-ID {request_id}")
        access_log = self.tmp / "nginx" / "log" / "museum-webinars.access.log"
        in_nginx = wait_for(lambda: request_id in access_log.read_text(), timeout=10, what="nginx's log line")
        self.failures.check(bool(in_nginx), "the id is in nginx's JSON access log")
        secret = "topologysecrettoken" + os.urandom(8).hex()
        browser.get(self.edge, f"/r/{secret}/")
        redacted = wait_for(lambda: '"/r/[token]/"' in access_log.read_text(), timeout=10, what="nginx's line for a token link")
        self.failures.check(bool(redacted) and secret not in access_log.read_text(), "nginx's log shows /r/[token]/, never the token")
        app_lines = [
            json.loads(line)
            for p in (self.server_a, self.server_b)
            for line in p.text().splitlines()
            if request_id in line and line.startswith("{")
        ]
        self.failures.check(
            any(line.get("logger") == "webinars.access" for line in app_lines),
            f"the id is in an application server's JSON log ({len(app_lines)} lines)",
        )

        def worker_line():
            return [line for w in self.workers for line in w.text().splitlines() if request_id in line and "mail_sent" in line]

        lines = wait_for(worker_line, timeout=30, what="the worker's log line for the registration's e-mail")
        self.failures.check(bool(lines), f"the id is in a worker's JSON log: {lines[0][:160] if lines else ''}")
        metrics = Browser().get(Endpoint(self.ports["a"] + 1000), "/metrics").text
        self.failures.check(
            "mw_http_requests_total{" in metrics and "mw_http_request_duration_seconds_bucket" in metrics,
            f"web-A metrics on 127.0.0.1:{self.ports['a'] + 1000} ({metrics.count(chr(10))} lines)",
        )
        worker_metrics = "".join(Browser().get(Endpoint(p), "/metrics").text for p in self.worker_ports)
        self.failures.check(
            "mw_queue_depth" in worker_metrics and 'mw_emails_total{outcome="sent"}' in worker_metrics,
            "worker metrics: queue depth, e-mails sent",
        )
        self.failures.check(browser.get(self.edge, "/metrics").status == 404, "no metrics through nginx")

    def check_session_and_cache(self) -> None:
        print("a session started on A used on B; an edit through A seen at once on B's cached page", flush=True)
        person = Browser()
        form = person.get(self.a, "/organise/login/")
        answer = person.post(
            self.a,
            "/organise/login/",
            {"csrfmiddlewaretoken": csrf_token(form.text), "username": USER, "password": PASSWORD},
        )
        self.failures.check(answer.status == 302 and "sessionid" in person.cookies, f"signed in on A: {answer.status}")
        on_b = person.get(self.b, "/organise/")
        self.failures.check(on_b.status == 200 and "sign out" in on_b.text.lower(), f"the same session on B: {on_b.status}")

        path = self.data["shown_path"]
        anonymous = Browser()
        anonymous.get(self.b, path)
        cached = anonymous.get(self.b, path)
        self.failures.check(
            cached.status == 200 and cached.header("X-Page-Cache") == "hit",
            f"B serves {path} from the cache: {cached.status} {cached.header('X-Page-Cache')}",
        )
        status_path = f"/organise/webinars/{self.data['shown']}/status/unpublish/"
        confirm = person.get(self.a, status_path)
        action = person.post(self.a, status_path, {"csrfmiddlewaretoken": csrf_token(confirm.text)})
        self.failures.check(action.status == 302, f"unpublished through A: {action.status}")
        after = anonymous.get(self.b, path)
        self.failures.check(after.status == 404, f"B at once: {path} → {after.status} (was a cached 200)")
        status_path = f"/organise/webinars/{self.data['shown']}/status/publish/"
        confirm = person.get(self.a, status_path)
        person.post(self.a, status_path, {"csrfmiddlewaretoken": csrf_token(confirm.text)})
        again = anonymous.get(self.b, path)
        self.failures.check(again.status == 200, f"published again through A, B at once: {again.status}")

    def check_rate_limit(self) -> None:
        print(f"the rate limit is shared by A and B ({VERIFY_LIMIT} certificate look-ups a minute per client)", flush=True)
        client = {"X-Forwarded-For": "198.51.100.23"}
        # The limit counts in fixed one-minute windows: look-ups that straddle two windows are
        # counted half in each (a loaded machine took ~10 s for them once). Start in a fresh one.
        left = 60 - time.time() % 60
        if left < 20:
            time.sleep(left + 0.2)
        statuses = []
        for n in range(VERIFY_LIMIT):
            endpoint = self.a if n % 2 == 0 else self.b
            statuses.append(Browser().get(endpoint, f"/verify/{self.certificate_code}/", headers=client).status)
        over_a = Browser().get(self.a, f"/verify/{self.certificate_code}/", headers=client).status
        over_b = Browser().get(self.b, f"/verify/{self.certificate_code}/", headers=client).status
        self.figures["rate_limit"] = {"allowed": statuses.count(200), "refused_a": over_a, "refused_b": over_b}
        self.failures.check(
            statuses.count(200) == VERIFY_LIMIT and over_a == 429 and over_b == 429,
            f"{VERIFY_LIMIT} answered alternately by A and B ({statuses.count(200)} × 200), then A → {over_a}, B → {over_b}",
        )

    def check_certificate(self) -> None:
        print("a certificate PDF made by a worker, stored in S3, downloaded through B", flush=True)
        self.stack.manage("shell", "-c", fixtures.ISSUE_CERTIFICATES.format(webinar=self.data["past"]))
        issued = wait_for(
            lambda: json.loads(
                self.stack.manage("shell", "-c", fixtures.CERTIFICATES.format(webinar=self.data["past"])).strip().splitlines()[-1]
            ),
            timeout=60,
            interval=1,
            what="the worker to issue the PDF",
        )
        code, name = issued[0]
        self.certificate_code = code
        keys = [o["Key"] for o in self._s3().list_objects_v2(Bucket=BUCKET).get("Contents", [])]
        self.failures.check(f"media/{name}" in keys, f"the PDF is in the bucket: media/{name}")
        local = list((self.tmp / "var" / "media").rglob("*.pdf")) if (self.tmp / "var" / "media").exists() else []
        self.failures.check(not local, f"no PDF on a server's disk ({len(local)})")
        answer = Browser().get(self.b, f"/r/{self.data['token']}/certificates/{code}.pdf")
        self.failures.check(
            answer.status == 200 and answer.body.startswith(b"%PDF") and "no-store" in answer.header("Cache-Control"),
            f"downloaded through B: {answer.status}, {len(answer.body):,} B, {answer.header('Content-Type')}",
        )
        stranger = Browser().get(self.b, f"/r/not-a-token/certificates/{code}.pdf")
        self.failures.check(stranger.status == 404, f"without the booking's link: {stranger.status}")

    def check_burst(self) -> None:
        from bench import registrations as reg

        print(f"{BURST_REQUESTS:,} registrations for {BURST_CAPACITY:,} seats through nginx, web-A SIGKILLed half-way", flush=True)
        webinar_id = self._create_webinar("burst", capacity=BURST_CAPACITY)
        jobs = reg.registration_jobs(webinar_id, BURST_REQUESTS, "burst")
        killed = []

        def progress(count: int) -> None:
            if not killed and count >= BURST_REQUESTS // 2:
                killed.append(count)
                self.server_a.kill()

        result = reg.post_burst("127.0.0.1", self.ports["https"], jobs, clients=32, on_progress=progress, connect=self.edge.connect)
        stored = reg.count_registrations(self.stack, webinar_id)
        emails = set(stored["emails"])
        seated = stored["by_status"].get("confirmed", 0) + stored["by_status"].get("pending", 0)
        figures = {
            "requests": result.sent,
            "seconds": round(result.seconds, 1),
            "per_second": round(result.rate, 1),
            "acknowledged": len(result.acknowledged),
            "stored": len(emails),
            "seated": seated,
            "waitlisted": stored["by_status"].get("waitlisted", 0),
            "lost": len(result.acknowledged - emails),
            "duplicated": stored["duplicates"],
            "errors": dict(result.errors),
            "killed_after": killed[0] if killed else None,
        }
        self.figures["burst"] = figures
        print(
            f"    seated {figures['seated']}, waitlisted {figures['waitlisted']}, lost {figures['lost']}, duplicated "
            f"{figures['duplicated']}; acknowledged {figures['acknowledged']}, stored {figures['stored']}, errors {figures['errors']}; "
            f"{figures['per_second']}/s; web-A killed after {figures['killed_after']}",
            flush=True,
        )
        self.failures.check(bool(killed) and not self.server_a.alive(), "web-A was killed half-way")
        self.failures.check(seated == BURST_CAPACITY, f"exactly {BURST_CAPACITY} seated: {seated}")
        self.failures.check(figures["lost"] == 0, f"every acknowledged registration stored: lost {figures['lost']}")
        self.failures.check(figures["duplicated"] == 0, f"none duplicated: {figures['duplicated']}")
        self.failures.check(figures["acknowledged"] >= BURST_REQUESTS * 0.9, f"nginx moved on to B: {figures['acknowledged']} acknowledged")

    def check_emails(self) -> None:
        from bench import registrations as reg

        print(f"{EMAILS:,} e-mails by 2 workers, worker-1 SIGKILLed a third of the way", flush=True)
        webinar_id = self._create_webinar("reminders", capacity=None, starts_in_minutes=30, reminder_hours="1")
        seed = reg.SEED_CONFIRMED.format(count=EMAILS, webinar_id=webinar_id).replace("@bench.example.org", "@reminders.topology.test")
        self.stack.manage("shell", "-c", seed)
        began = time.monotonic()
        self.stack.run_unit_once("museum-webinars-periodic.service")  # the timer's next run: queue the reminders
        killed_at = None
        deadline = began + 180
        while time.monotonic() < deadline:
            received, unique, _duplicates = self.sink.for_domain("reminders.topology.test")
            if killed_at is None and received >= EMAILS // 3:
                self.workers[0].kill()
                killed_at = received
            if unique >= EMAILS:
                break
            time.sleep(0.2)
        seconds = time.monotonic() - began
        time.sleep(2)  # a late duplicate would arrive now
        received, unique, duplicates = self.sink.for_domain("reminders.topology.test")
        statuses = json.loads(self.stack.manage("shell", "-c", fixtures.MAIL_STATUS.format(kind="reminder")).strip().splitlines()[-1])
        all_received = sum(self.sink.ids.values())
        all_duplicates = sum(n - 1 for n in self.sink.ids.values() if n > 1)
        figures = {
            "messages": EMAILS,
            "sent": unique,
            "lost": EMAILS - unique,
            "duplicated": duplicates,
            "seconds": round(seconds, 1),
            "per_second": round(unique / seconds, 1),
            "killed_after": killed_at,
            "statuses": statuses,
            "all_messages_received": all_received,
            "all_messages_duplicated": all_duplicates,
        }
        self.figures["emails"] = figures
        print(
            f"    sent {unique:,}, lost {EMAILS - unique}, duplicated {duplicates}; {figures['per_second']}/s over {figures['seconds']} s; "
            f"worker-1 killed after {killed_at:,}; rows {statuses}; whole run: {all_received:,} received, {all_duplicates} twice",
            flush=True,
        )
        self.failures.check(killed_at is not None and not self.workers[0].alive(), "worker-1 was killed")
        self.failures.check(unique == EMAILS, f"none lost: {EMAILS - unique}")
        self.failures.check(duplicates == 0 and all_duplicates == 0, f"none twice: {duplicates} (whole run {all_duplicates})")
        self.failures.check(statuses == {"sent": EMAILS}, f"every row marked sent: {statuses}")

    def _create_webinar(self, tag: str, **kwargs) -> int:
        from bench import registrations as reg

        return reg.create_webinar(self.stack, tag=f"topology-{tag}", **kwargs)

    # --- stop ------------------------------------------------------------------------------

    def close(self) -> None:
        self.stop_periodic.set()
        try:
            self.stack.close()  # first: every process this run started, whatever happens next
        finally:
            if self.periodic_thread is not None:
                self.periodic_thread.join(timeout=60)
        if self.sink is not None:
            self.sink.controller.stop()
        try:
            import redis

            redis.Redis.from_url(self.redis_url).flushdb()
        except Exception as exc:  # noqa: BLE001 -- report and go on cleaning
            print(f"  (could not empty Redis db {REDIS_DB}: {exc})")
        if self.database_created:
            try:
                import psycopg

                with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=5) as conn:
                    conn.execute(f'DROP DATABASE IF EXISTS "{DATABASE}" WITH (FORCE)')
            except Exception as exc:  # noqa: BLE001 -- report and go on cleaning
                print(f"  (could not drop {DATABASE}: {exc})")
        if os.environ.get("TOPOLOGY_KEEP"):
            print(f"  (kept {self.tmp})")
        else:
            import shutil

            shutil.rmtree(self.tmp, ignore_errors=True)


def main() -> int:
    def interrupted(signum, frame):
        # Once: the clean-up that follows must not be interrupted in turn (``timeout`` signals
        # the whole process group, and a second Ctrl-C is common).
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, interrupted)
    signal.signal(signal.SIGINT, interrupted)
    began = time.monotonic()
    print("Topology test: nginx → 2 gunicorn servers → PostgreSQL + Redis, 2 workers, S3 (moto), SMTP sink; all on 127.0.0.1", flush=True)
    topology = Topology()
    try:
        topology.start()
        for check in (
            topology.check_public_pages,
            topology.check_observability,
            topology.check_session_and_cache,
            topology.check_certificate,
            topology.check_rate_limit,
            topology.check_burst,
            topology.check_emails,
        ):
            try:
                check()
            except Exception as exc:  # noqa: BLE001 -- one broken check must not hide the others' figures
                topology.failures.check(False, f"{check.__name__} raised {type(exc).__name__}: {str(exc)[-1500:]}")
    except KeyboardInterrupt:
        topology.failures.append("interrupted")
        print("interrupted")
    except Exception as exc:  # noqa: BLE001 -- the set-up failed; say why, then clean up
        topology.failures.append(f"set-up: {exc}")
        print(f"set-up failed: {exc}")
        for process in topology.stack.processes:
            if not process.alive():
                print(f"--- {process.name} (exited {process.popen.returncode}) ---\n{process.text()[-3000:]}")
    finally:
        topology.close()
    seconds = time.monotonic() - began
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "topology-latest.json").write_text(
        json.dumps({"figures": topology.figures, "failures": topology.failures, "seconds": round(seconds, 1)}, indent=2, ensure_ascii=False)
    )
    if topology.failures:
        print(f"\nTopology test FAILED in {seconds:.0f} s: {len(topology.failures)} miss(es)")
        for failure in topology.failures:
            print(f"  - {failure[:300]}")
        return 1
    print(f"\nTopology test passed in {seconds:.0f} s (figures in var/topology-latest.json)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
