"""Per-installation secrets: made once in var/, never a key known from the source; production refuses without one."""

import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

from config.secrets import KNOWN_KEYS, installation_secret

ROOT = Path(__file__).resolve().parents[2]


def test_the_running_key_is_not_one_known_from_the_source():
    assert settings.SECRET_KEY not in KNOWN_KEYS
    assert len(settings.SECRET_KEY) >= 50
    assert settings.PSEUDONYM_KEY != settings.SECRET_KEY


def test_a_secret_is_made_once_then_read_back(tmp_path):
    first = installation_secret(tmp_path, "secret_key", create=True)
    again = installation_secret(tmp_path, "secret_key", create=True)
    assert first == again and len(first) >= 80
    assert oct((tmp_path / "secret_key").stat().st_mode & 0o777) == "0o600"
    assert installation_secret(tmp_path, "other", create=False) is None
    assert [p.name for p in tmp_path.iterdir()] == ["secret_key"]  # nothing left aside


def _settings_import(var_dir: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "PSEUDONYM_KEY", "PLATFORM_SECRETS_KEY"}}
    environ.update(VAR_DIR=str(var_dir), **env)
    code = "import django; django.setup(); from django.conf import settings; print(settings.SECRET_KEY)"
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60)


def test_production_refuses_to_start_without_a_key(tmp_path):
    run = _settings_import(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="example.org")
    assert run.returncode != 0
    assert "SECRET_KEY is missing" in run.stderr
    assert not (tmp_path / "secret_key").exists()  # and it never makes one itself


def test_production_refuses_a_publicly_known_key(tmp_path):
    run = _settings_import(
        tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production", SECRET_KEY=next(iter(KNOWN_KEYS)), PSEUDONYM_KEY="x" * 60
    )
    assert run.returncode != 0 and "publicly known" in run.stderr


def test_first_run_makes_the_installation_key_and_production_then_uses_it(tmp_path):
    made = _settings_import(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.base")
    assert made.returncode == 0, made.stderr
    key = (tmp_path / "secret_key").read_text().strip()
    assert made.stdout.strip() == key
    production = _settings_import(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.production", ALLOWED_HOSTS="example.org")
    assert production.returncode == 0, production.stderr
    assert production.stdout.strip() == key


def test_production_refuses_to_start_without_the_platform_secrets_key(tmp_path):
    run = _settings_import(
        tmp_path,
        DJANGO_SETTINGS_MODULE="config.settings.production",
        ALLOWED_HOSTS="example.org",
        SECRET_KEY="s" * 60,
        PSEUDONYM_KEY="p" * 60,
    )
    assert run.returncode != 0 and "PLATFORM_SECRETS_KEY is missing or not a Fernet key" in run.stderr
    assert not (tmp_path / "platform_secrets_key").exists()


def test_the_first_run_makes_a_fernet_key_for_the_platforms_secrets(tmp_path):
    from cryptography.fernet import Fernet

    made = _settings_import(tmp_path, DJANGO_SETTINGS_MODULE="config.settings.base")
    assert made.returncode == 0, made.stderr
    key = (tmp_path / "platform_secrets_key").read_text().strip()
    assert Fernet(key.encode()).decrypt(Fernet(key.encode()).encrypt(b"x")) == b"x"
    assert (tmp_path / "platform_secrets_key").stat().st_mode & 0o777 == 0o600
