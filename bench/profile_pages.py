"""Where a request's time goes: the WSGI application called in-process, no network, no gunicorn.

Builds the same throw-away site as bench/run.py, then for each address: one untimed request
(fills the page cache), N timed requests (µs per request, compared with the trivial view),
and a cProfile of the same loop, sorted by own time.

    .venv/bin/python bench/profile_pages.py                      # hello, webinar and series pages
    .venv/bin/python bench/profile_pages.py /people/sample-speaker/ -n 5000 --top 30
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import time
from pathlib import Path

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.run import HELLO, SERIES, WEBINAR
from bench.server import BenchSite


def wsgi_get(application, path: str, headers: dict[str, str] | None = None) -> tuple[str, int]:
    path, _, query = path.partition("?")
    environ = {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    answer: dict[str, str] = {}

    def start_response(status, response_headers, exc_info=None):
        answer["status"] = status
        answer["cache"] = dict(response_headers).get("X-Page-Cache", "")

    result = application(environ, start_response)
    size = sum(len(chunk) for chunk in result)
    if hasattr(result, "close"):
        result.close()
    return f"{answer['status']} {answer['cache']}".strip(), size


def time_loop(application, path: str, n: int) -> float:
    start = time.perf_counter()
    for _ in range(n):
        wsgi_get(application, path)
    return (time.perf_counter() - start) / n * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", default=[HELLO, WEBINAR, SERIES])
    parser.add_argument("-n", type=int, default=3000, help="requests per address (default 3000)")
    parser.add_argument("--top", type=int, default=25, help="profile lines per address")
    parser.add_argument("--callees", default="", help="also show what functions matching this pattern call, e.g. caching.py")
    parser.add_argument("--rounds", type=int, default=3, help="timing rounds, addresses alternating (the best round counts)")
    args = parser.parse_args(argv)

    with BenchSite(serve=False) as site:
        os.environ.update(site.env)
        import django
        from django.core.wsgi import get_wsgi_application

        django.setup()
        application = get_wsgi_application()
        for path in args.paths:  # fill the page cache, open what stays open
            wsgi_get(application, path)
            wsgi_get(application, path)
        # Alternate the addresses and keep each one's best round: other load on the machine
        # only ever adds time.
        timings = {path: time_loop(application, path, args.n) for path in args.paths}
        for _ in range(args.rounds - 1):
            for path in args.paths:
                timings[path] = min(timings[path], time_loop(application, path, args.n))
        for path in dict.fromkeys(args.paths):
            if args.top <= 0 and not args.callees:
                continue
            state, size = wsgi_get(application, path)
            print(f"\n=== {path}: {state}, {size} B, {timings[path]:.0f} µs/request")
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(args.n):
                wsgi_get(application, path)
            profiler.disable()
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out).sort_stats("tottime")
            if args.top > 0:
                stats.print_stats(args.top)
            if args.callees:
                stats.sort_stats("cumulative").print_callees(args.callees)
            print(out.getvalue().split("\n", 4)[-1].replace(str(Path(sys.prefix)), "<venv>"))
        base = timings.get(HELLO)
        print(f"\nµs/request, best of {args.rounds} rounds of {args.n} (ratio = trivial view time / this time):")
        for path, us in timings.items():
            state, size = wsgi_get(application, path)
            ratio = f"{base / us:5.2f}" if base else "  –  "
            print(f"  {us:8.0f}  {ratio}  {state:12} {size:6} B  {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
