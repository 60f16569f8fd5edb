"""The production topology of deploy/, started on 127.0.0.1 from the very files a person copies.

* the environment file is deploy/museum-webinars.env with values for this machine replaced;
* each process is started from its systemd unit's ``ExecStart`` (``%i``, ``${VAR}`` and the
  paths of README "Deployment" substituted), with the unit's ``Environment=`` lines, the
  environment file and nothing of the caller's environment, as systemd would;
* nginx runs deploy/nginx/museum-webinars.conf with its ports, certificate and paths
  substituted, inside a minimal main configuration like Debian's ``nginx.conf``.

Every substitution must match, so a change to a deploy file that the guide's steps no longer
describe fails the test instead of silently testing something else. Everything started is in
its own process group and is killed on ``close()``; only 127.0.0.1 is ever bound.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
VENV_BIN = Path(sys.executable).parent

# Production paths in the deploy files (README "Deployment") → where they are in this run.
APP_DIR = "/srv/museum-webinars"
ENV_FILE = "/etc/museum-webinars/env"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def replace_each(text: str, replacements: list[tuple[str, str]], *, source: str) -> str:
    """Apply literal replacements; each must occur (the deploy file still looks as the guide says)."""
    for old, new in replacements:
        if old not in text:
            raise AssertionError(f"{source}: expected {old!r} (README 'Deployment' names it); the file changed")
        text = text.replace(old, new)
    return text


def read_env_file(path: Path) -> dict[str, str]:
    """systemd ``EnvironmentFile=`` syntax: KEY=VALUE lines, # comments."""
    values = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip()
    return values


def write_env_file(path: Path, overrides: dict[str, str]) -> dict[str, str]:
    """The template with ``overrides`` applied (a key set to "" is removed, as if commented out)."""
    values = read_env_file(DEPLOY / "museum-webinars.env")
    unknown = set(overrides) - set(values) - OPTIONAL_KEYS
    if unknown:
        raise AssertionError(f"deploy/museum-webinars.env has no {sorted(unknown)}: document them there first")
    values.update(overrides)
    values = {k: v for k, v in values.items() if v != ""}
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return values


# Keys that the template shows commented out (set only in some setups) or that only tests need.
OPTIONAL_KEYS = {
    "MEDIA_STORAGE_URL",
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "SENTRY_DSN",
    # Test-only: short delays so that what a killed worker held is retried within the run,
    # the shared rate limit checked with few requests, the burst from one client address.
    "MAIL_STALE_CLAIM_SECONDS",
    "MAIL_ABANDONED_AFTER_SECONDS",
    "REGISTRATION_RATE_LIMIT",
    "PUBLIC_PAGE_CACHE_SECONDS",
}


@dataclass
class Unit:
    """The [Service] section of a systemd unit file (only what the deploy units use)."""

    path: Path
    values: dict[str, list[str]]

    @classmethod
    def read(cls, path: Path) -> Unit:
        values: dict[str, list[str]] = {}
        section = ""
        for raw in path.read_text().splitlines():
            line = raw.strip()
            if not line or line.startswith(("#", ";")):
                continue
            if line.startswith("["):
                section = line.strip("[]")
                continue
            if section == "Service":
                key, _, value = line.partition("=")
                values.setdefault(key.strip(), []).append(value.strip())
        return cls(path, values)

    def one(self, key: str) -> str:
        (value,) = self.values[key]
        return value


@dataclass
class Process:
    name: str
    popen: subprocess.Popen
    log: Path

    def alive(self) -> bool:
        return self.popen.poll() is None

    def kill(self, sig: int = signal.SIGKILL) -> None:
        """Signal the whole process group (gunicorn's arbiter and workers die together)."""
        if self.popen.poll() is None:
            try:
                os.killpg(self.popen.pid, sig)
            except ProcessLookupError:
                pass

    def stop(self, timeout: float = 10.0) -> None:
        self.kill(signal.SIGTERM)
        try:
            self.popen.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.kill(signal.SIGKILL)
            self.popen.wait(timeout=5)
        # Children that outlived their parent (never expected) go with the group.
        try:
            os.killpg(self.popen.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def text(self) -> str:
        try:
            return self.log.read_text(errors="replace")
        except OSError:
            return ""


@dataclass
class Stack:
    tmp: Path
    env_values: dict[str, str] = field(default_factory=dict)
    processes: list[Process] = field(default_factory=list)

    @property
    def env_path(self) -> Path:
        return self.tmp / "etc" / "env"

    def paths(self) -> list[tuple[str, str]]:
        """Production paths → this run's (the order matters: the longest first)."""
        return [
            (f"{APP_DIR}/.venv/bin/", f"{VENV_BIN}/"),
            (ENV_FILE, str(self.env_path)),
            (APP_DIR, str(ROOT)),
        ]

    def base_env(self) -> dict[str, str]:
        """What systemd gives a service: a fixed PATH, the environment file, nothing of ours."""
        env = {"PATH": f"{VENV_BIN}:/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8", "HOME": str(self.tmp)}
        env.update(read_env_file(self.env_path))
        return env

    def unit_command(self, unit_name: str, instance: str = "") -> tuple[list[str], dict[str, str], Path]:
        """The unit's ExecStart as argv, its environment and working directory."""
        unit = Unit.read(DEPLOY / "systemd" / unit_name)
        env_file = unit.one("EnvironmentFile")
        assert env_file == ENV_FILE, f"{unit_name}: EnvironmentFile={env_file}, the guide says {ENV_FILE}"
        env = self.base_env()
        for runtime in unit.values.get("RuntimeDirectory", []):
            (self.tmp / "run" / runtime.replace("%i", instance)).mkdir(parents=True, exist_ok=True)
        for assignment in unit.values.get("Environment", []):
            key, _, value = assignment.partition("=")
            env[key] = value.replace("%i", instance).replace("/run/", f"{self.tmp}/run/")
        command = unit.one("ExecStart").replace("%i", instance)
        for old, new in self.paths():
            command = command.replace(old, new)
        command = re.sub(r"\$\{(\w+)\}", lambda m: env[m.group(1)], command)
        directory = unit.one("WorkingDirectory")
        for old, new in self.paths():
            directory = directory.replace(old, new)
        return shlex.split(command), env, Path(directory)

    def start_unit(self, unit_name: str, instance: str = "", *, name: str = "") -> Process:
        argv, env, cwd = self.unit_command(unit_name, instance)
        name = name or f"{unit_name.replace('@.service', '').replace('.service', '')}@{instance}"
        log = self.tmp / "log" / f"{name}.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with log.open("wb") as out:
            popen = subprocess.Popen(argv, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
        process = Process(name, popen, log)
        self.processes.append(process)
        return process

    def run_unit_once(self, unit_name: str, timeout: float = 300) -> str:
        """A oneshot unit (the periodic jobs): run its ExecStart to the end."""
        argv, env, cwd = self.unit_command(unit_name)
        result = subprocess.run(argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False)
        if result.returncode != 0:
            raise RuntimeError(f"{unit_name} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout + result.stderr

    def manage(self, *args: str, timeout: float = 600) -> str:
        """``manage.py`` as the guide runs it: the service user's environment file."""
        result = subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", *args],
            cwd=ROOT,
            env=self.base_env(),
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if result.returncode != 0:
            raise RuntimeError(f"manage.py {' '.join(args[:2])} failed:\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
        return result.stdout

    def start_nginx(self, *, http_port: int, https_port: int, upstreams: list[int]) -> Process:
        """deploy/nginx as it is, with this run's ports, certificate and paths."""
        conf = self.tmp / "nginx"
        for sub in ("sites-enabled", "tls", "log", "temp", "acme"):
            (conf / sub).mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "openssl",
                "req",
                "-x509",
                "-newkey",
                "rsa:2048",
                "-nodes",
                "-days",
                "1",
                "-subj",
                "/CN=127.0.0.1",
                "-addext",
                "subjectAltName=IP:127.0.0.1",
                "-keyout",
                str(conf / "tls" / "privkey.pem"),
                "-out",
                str(conf / "tls" / "fullchain.pem"),
            ],
            check=True,
            capture_output=True,
        )
        site = replace_each(
            (DEPLOY / "nginx" / "museum-webinars.conf").read_text(),
            [
                ("    listen 80;\n", f"    listen 127.0.0.1:{http_port};\n"),
                ("    listen [::]:80;\n", ""),  # IPv6 is never bound here
                ("    listen 443 ssl http2;\n", f"    listen 127.0.0.1:{https_port} ssl http2;\n"),
                ("    listen [::]:443 ssl http2;\n", ""),
                ("server_name webinars.example.org;", "server_name 127.0.0.1;"),
                ("/etc/letsencrypt/live/webinars.example.org/", f"{conf}/tls/"),
                ("server 127.0.0.1:8001 ", f"server 127.0.0.1:{upstreams[0]} "),
                ("server 127.0.0.1:8002 ", f"server 127.0.0.1:{upstreams[1]} "),
                ("/var/lib/museum-webinars/", f"{self.env_values['VAR_DIR']}/"),
                ("/var/log/nginx/", f"{conf}/log/"),
                ("/var/www/letsencrypt", f"{conf}/acme"),
                ("/etc/nginx/museum-webinars-proxy.conf", f"{conf}/museum-webinars-proxy.conf"),
            ],
            source="deploy/nginx/museum-webinars.conf",
        )
        (conf / "sites-enabled" / "museum-webinars").write_text(site)
        shutil.copy(DEPLOY / "nginx" / "museum-webinars-proxy.conf", conf / "museum-webinars-proxy.conf")
        temp = conf / "temp"
        # Debian's nginx.conf, reduced to what the site needs; state and logs in this run's folder.
        (conf / "nginx.conf").write_text(
            f"worker_processes 2;\npid {conf}/nginx.pid;\nerror_log {conf}/log/error.log warn;\n"
            "events { worker_connections 1024; }\n"
            "http {\n  include /etc/nginx/mime.types;\n  default_type application/octet-stream;\n  sendfile on;\n"
            f"  access_log off;\n  client_body_temp_path {temp}/body;\n  proxy_temp_path {temp}/proxy;\n"
            f"  fastcgi_temp_path {temp}/fastcgi;\n  uwsgi_temp_path {temp}/uwsgi;\n  scgi_temp_path {temp}/scgi;\n"
            f"  include {conf}/sites-enabled/*;\n}}\n"
        )
        # nginx's workers drop root for "nobody": the folders they read must be open to it.
        for path in [self.tmp, *self.tmp.rglob("*")]:
            if path.is_dir():
                path.chmod(0o755)
        check = subprocess.run(["nginx", "-t", "-c", str(conf / "nginx.conf"), "-p", str(conf)], capture_output=True, text=True)
        if check.returncode != 0:
            raise RuntimeError(f"nginx -t failed:\n{check.stderr}")
        log = conf / "log" / "nginx.out"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                ["nginx", "-c", str(conf / "nginx.conf"), "-p", str(conf), "-g", "daemon off;"],
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        process = Process("nginx", popen, log)
        self.processes.append(process)
        return process

    def close(self) -> None:
        for process in reversed(self.processes):
            try:
                process.stop()
            except Exception as exc:  # noqa: BLE001 -- stop the others regardless
                print(f"  (could not stop {process.name}: {exc})", file=sys.stderr)


def wait_for(predicate, *, timeout: float, what: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            value = predicate()
            if value:
                return value
        except Exception as exc:  # noqa: BLE001 -- retried until the deadline
            last_error = exc
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}" + (f" ({last_error})" if last_error else ""))
