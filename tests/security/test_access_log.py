"""The server's access log never holds a link's token (gunicorn with the redacting logger, as `make run` serves)."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest

from config.gunicorn_logging import RedactingLogger, redact

TOKEN = "AbCdEf0123456789_-xyzTOKENxyz"


@pytest.mark.parametrize(
    "path",
    [
        f"/r/{TOKEN}/",
        f"/r/{TOKEN}/data.json",
        f"/r/{TOKEN}/certificates/MW-1.pdf",
        f"/r/confirm/{TOKEN}/",
        f"/j/{TOKEN}/",
        f"/c/{TOKEN}/calendar.ics",
        f"/feedback/{TOKEN}/",
        f"/verify/{TOKEN}/",
        f"/organise/password/MQ/{TOKEN}/",
    ],
)
def test_token_paths_are_redacted(path):
    assert TOKEN not in redact(path) and "[token]" in redact(path)


def test_other_paths_are_left_alone():
    for path in ("/", "/series/museum-webinars/", "/r/", "/api/v1/webinars/", "/reports/series/3/"):
        assert redact(path) == path


def test_the_log_line_holds_no_token():
    class Config(SimpleNamespace):
        pass

    logger = RedactingLogger.__new__(RedactingLogger)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"/j/{TOKEN}/?x=1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "PATH_INFO": f"/j/{TOKEN}/",
        "QUERY_STRING": "x=1",
        "HTTP_REFERER": f"https://webinars.example.org/r/{TOKEN}/",
        "REMOTE_ADDR": "127.0.0.1",
    }
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    logger.cfg = Config(access_log_format='%(h)s "%(r)s" %(s)s "%(f)s" %(U)s')
    atoms = logger.atoms(response, SimpleNamespace(headers=[("Referer", environ["HTTP_REFERER"])]), environ, dt.timedelta(seconds=0))
    line = logger.cfg.access_log_format % atoms
    assert TOKEN not in line and TOKEN not in str({k: v for k, v in atoms.items() if not k.endswith("}e")})
    assert "/j/[token]/" in line
