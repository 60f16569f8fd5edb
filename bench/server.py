"""A throw-away site for benchmarks: temporary SQLite database, collected static files, gunicorn."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Response:
    status: int
    headers: dict[str, str]
    body: bytes


def fetch(url: str, *, timeout: float = 10.0, headers: dict[str, str] | None = None) -> Response:
    """GET ``url`` (no redirects followed, errors returned rather than raised)."""

    class NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args, **kwargs):
            return None

    opener = urllib.request.build_opener(NoRedirect)
    request = urllib.request.Request(url, headers=headers or {})
    try:
        with opener.open(request, timeout=timeout) as r:
            return Response(r.status, dict(r.headers.items()), r.read())
    except urllib.error.HTTPError as e:
        return Response(e.code, dict(e.headers.items()), e.read())


def process_cpu_seconds(pid: int, *, ended_children: bool = False) -> float:
    """CPU time (user + system) of process ``pid`` so far (Linux /proc), with that of its ended
    children it reaped when ``ended_children``. Raises OSError when it has ended."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = int(fields[11]) + int(fields[12])  # utime, stime
    if ended_children:
        ticks += int(fields[13]) + int(fields[14])  # cutime, cstime
    return ticks / os.sysconf("SC_CLK_TCK")


def process_parent(pid: int) -> int:
    """The parent of process ``pid`` (Linux /proc). Raises OSError when it has ended."""
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


@dataclass
class BenchSite:
    """Prepare a fresh site in a temporary directory and serve it with gunicorn.

    Used as a context manager: gunicorn is always stopped and the directory removed.
    """

    workers: int = 2
    database_url: str | None = None  # default: a SQLite file in the temporary directory
    extra_env: dict[str, str] = field(default_factory=dict)
    settings: str = "config.settings.base"
    keep: bool = False
    serve: bool = True  # False: only prepare the database and static files (in-process profiling)
    tmp: Path = field(init=False)
    port: int = field(init=False, default=0)
    env: dict[str, str] = field(init=False, default_factory=dict)
    process: subprocess.Popen | None = field(init=False, default=None)
    log_path: Path = field(init=False)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def __enter__(self) -> BenchSite:
        self.tmp = Path(tempfile.mkdtemp(prefix="mw-bench-"))
        env = dict(os.environ)
        # A benchmark measures the embedded configuration (SQLite + local-memory cache),
        # never whatever database or cache the caller's shell points at.
        for name in ("DATABASE_URL", "REDIS_URL", "DEBUG", "DJANGO_SETTINGS_MODULE"):
            env.pop(name, None)
        env.update(
            DJANGO_SETTINGS_MODULE=self.settings,
            DEBUG="0",
            DATABASE_URL=self.database_url or f"sqlite:///{self.tmp / 'db.sqlite3'}",
            VAR_DIR=str(self.tmp / "var"),
            STATIC_ROOT=str(self.tmp / "static"),
            MEDIA_ROOT=str(self.tmp / "media"),
            LOG_LEVEL="WARNING",
            PYTHONDONTWRITEBYTECODE="1",
        )
        env.update(self.extra_env)
        self.env = env
        self.log_path = self.tmp / "gunicorn.log"
        try:
            self.manage("migrate", "--noinput", "-v0")
            self.manage("collectstatic", "--noinput", "-v0")
            self.manage("load_demo_programme")
            if self.serve:
                self.start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            self.stop()
        finally:
            if self.keep:
                print(f"(kept {self.tmp})", file=sys.stderr)
            else:
                shutil.rmtree(self.tmp, ignore_errors=True)

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args], cwd=ROOT, env=self.env, capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def start(self) -> None:
        self.port = free_port()
        log = self.log_path.open("wb")
        self.process = subprocess.Popen(
            [
                str(VENV_BIN / "gunicorn"),
                "config.wsgi:application",
                "--workers",
                str(self.workers),
                "--bind",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        log.close()
        self.wait_healthy()

    def wait_healthy(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process is not None and self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with {self.process.returncode}:\n{self.log()}")
            try:
                if fetch(self.url + "/healthz", timeout=2).status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer /healthz within {timeout:.0f}s:\n{self.log()}")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()  # gunicorn: graceful shutdown of the arbiter and its workers
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)

    def server_pids(self) -> list[int]:
        """The gunicorn arbiter and its workers (Linux /proc)."""
        if self.process is None:
            return []
        master = self.process.pid
        pids = [master]
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    parent = process_parent(int(entry.name))
                except OSError:
                    continue
                if parent == master:
                    pids.append(int(entry.name))
        return pids

    def server_cpu_seconds(self) -> float | None:
        """CPU time (user + system) used so far by gunicorn and its workers; None off Linux.

        Unlike requests/s, CPU time per request hardly changes when other work shares the
        machine, so it tells what a request costs even on a busy machine.
        """
        total = 0.0
        try:
            for pid in self.server_pids():
                # The arbiter's ended children are workers that ended (a killed one).
                total += process_cpu_seconds(pid, ended_children=self.process is not None and pid == self.process.pid)
        except (OSError, ValueError, IndexError):
            return None
        return total

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""
