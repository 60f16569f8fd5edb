"""gunicorn's access log without secrets: the token part of link paths is replaced by ``[token]``.

``make run`` (and any deployment) passes ``--logger-class config.gunicorn_logging.RedactingLogger``.
Paths redacted: self-service ``/r/<token>/…`` and ``/r/confirm/<token>/``, join ``/j/<token>/``,
calendar links ``/c/<token>/``, surveys ``/feedback/<token>/``, certificate checks
``/verify/<code>/``, and organisers' password links ``/organise/password/<uid>/<token>/``; in the
request line, the path and the Referer (a page with a token in its address can be the referrer).
"""

from __future__ import annotations

from gunicorn.glogging import Logger

from webinars.core.logs import redact


class RedactingLogger(Logger):
    def atoms(self, resp, req, environ, request_time):  # type: ignore[no-untyped-def]
        atoms = super().atoms(resp, req, environ, request_time)
        for key in ("r", "U", "f", "{referer}i", "{raw_uri}e", "{path_info}e", "{http_referer}e", "{request_uri}e"):
            if isinstance(atoms.get(key), str):
                atoms[key] = redact(atoms[key])
        return atoms
