"""The deploy/ files still look as README "Deployment" and the topology test expect (fast checks;
``make topology-test`` runs them for real)."""

from __future__ import annotations

import shlex
from pathlib import Path

from django.core.management import get_commands

from tests.topology.stack import DEPLOY, Stack, Unit, read_env_file


def test_every_unit_runs_a_command_of_this_project_with_the_guides_environment_file(tmp_path: Path):
    stack = Stack(tmp_path)
    stack.env_path.parent.mkdir(parents=True)
    stack.env_path.write_text((DEPLOY / "museum-webinars.env").read_text())
    commands = set(get_commands())
    for name, instance in (
        ("museum-webinars-web@.service", "8001"),
        ("museum-webinars-worker@.service", "9201"),
        ("museum-webinars-periodic.service", ""),
    ):
        argv, env, cwd = stack.unit_command(name, instance)
        assert Path(argv[0]).name in {"gunicorn", "python"}, argv
        if "manage.py" in argv:
            assert argv[argv.index("manage.py") + 1] in commands
        else:
            assert "--bind" in argv and argv[argv.index("--bind") + 1] == "127.0.0.1:8001"
            assert env["PROMETHEUS_MULTIPROC_DIR"].endswith("web-8001")
        assert cwd.exists()
    assert "OnUnitInactiveSec=30s" in (DEPLOY / "systemd" / "museum-webinars-periodic.timer").read_text()
    assert Unit.read(DEPLOY / "systemd" / "museum-webinars-worker@.service").one("KillSignal") == "SIGTERM"


def test_the_environment_template_is_production_ready():
    values = read_env_file(DEPLOY / "museum-webinars.env")
    assert values["DJANGO_SETTINGS_MODULE"] == "config.settings.production"
    assert values["LOG_FORMAT"] == "json" and "127.0.0.1" in values["TRUSTED_PROXIES"].split(",")
    assert values["BIND_HOST"] == values["METRICS_HOST"] == "127.0.0.1"


def test_the_nginx_site_keeps_media_private_and_static_files_long_cached():
    site = (DEPLOY / "nginx" / "museum-webinars.conf").read_text()
    proxy = (DEPLOY / "nginx" / "museum-webinars-proxy.conf").read_text()
    assert "return 301 https://$host$request_uri;" in site
    assert 'add_header Cache-Control "public, max-age=31536000, immutable";' in site
    assert "location /media/ {\n        return 404;" in site
    for header in ("X-Forwarded-For $remote_addr", "X-Forwarded-Proto $scheme", "X-Forwarded-Host $host", "X-Request-ID $request_id"):
        assert f"proxy_set_header {header};" in proxy
    assert shlex.split("ssl_certificate /etc/letsencrypt/live/webinars.example.org/fullchain.pem;")[0] in site
