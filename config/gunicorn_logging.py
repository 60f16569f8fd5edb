"""gunicorn's access log without secrets: the token part of link paths is replaced by ``[token]``.

``make run`` (and any deployment) passes ``--logger-class config.gunicorn_logging.RedactingLogger``.
Paths redacted: self-service ``/r/<token>/…`` and ``/r/confirm/<token>/``, join ``/j/<token>/``,
calendar links ``/c/<token>/``, surveys ``/feedback/<token>/``, certificate checks
``/verify/<code>/``, and organisers' password links ``/organise/password/<uid>/<token>/``; in the
request line, the path and the Referer (a page with a token in its address can be the referrer).
"""

from __future__ import annotations

import re

from gunicorn.glogging import Logger

_TOKEN_PATHS = re.compile(
    r"(?P<prefix>/(?:r/confirm|r|j|c|feedback|verify|organise/password/[^/?#\s]+))/(?P<token>[^/?#\s]+)",
)


def redact(text: str) -> str:
    """``text`` with every token of a link path replaced by ``[token]``."""
    if not text:
        return text

    def hide(match: re.Match) -> str:
        if match.group("prefix") == "/r" and match.group("token") == "confirm":
            return match.group(0)
        return f"{match.group('prefix')}/[token]"

    return _TOKEN_PATHS.sub(hide, text)


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i", "{raw_uri}e", "{path_info}e", "{http_referer}e", "{request_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
