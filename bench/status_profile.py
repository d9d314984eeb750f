"""The single status check in-process (issue 21 item 1): where its Python time goes, without HTTP.

    scripts/bench status_profile [--scale 0.005] [--requests 3000] [--profile | --middleware]

Generates a small province (``bench/province.py``'s generator), then calls Django's WSGI handler
directly (production settings, as gunicorn runs it) with ``GET /api/v1/status/<code>/`` and a DRF
token, the same code mix as the HTTP bench. Prints the statements each check sends (and their text);
then, without ``--profile``, the CPU per check of each path side by side (interleaved rounds, best
of 3): the whole and the short middleware chain with DRF's ``StatusCheck``, the short chain with the
lean view, and the lean view alone without Django's handler; then the mean wall time per check, and
with ``--profile`` the top functions by own time. ``--middleware`` prints instead what each middleware
of the short chain costs the lean check: the chain without it, against the whole chain (best of 5).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1")
os.environ.setdefault("LOG_LEVEL", "WARNING")  # as bench/httpload.py starts gunicorn

import province as prov  # noqa: E402  (sets the production settings and calls django.setup())

from config.handlers import Application  # noqa: E402
from django.db import connection  # noqa: E402


def environ(path: str, token: str) -> dict:
    return {
        "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1", "SERVER_PORT": "8000", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "127.0.0.1", "HTTP_AUTHORIZATION": f"Token {token}", "HTTP_X_FORWARDED_PROTO": "https",
        "HTTP_ACCEPT": "application/json", "wsgi.input": io.BytesIO(b""), "wsgi.url_scheme": "http",
        "wsgi.errors": sys.stderr, "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.005)
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--middleware", action="store_true", help="each middleware's cost, by leaving it out")
    args = parser.parse_args()

    province = prov.generate(args.scale, 2026)
    officer, _password = prov.bench_officer()
    samples = prov.code_samples(province, n=2000)
    pick = prov.code_mix(samples)
    from rest_framework.authtoken.models import Token

    token = Token.objects.get_or_create(user=officer)[0].key
    connection.close()
    app = Application()  # what gunicorn serves: a token request takes the short chain
    statuses: dict[str, int] = {}

    def check(code: str, handler=None) -> bytes:
        def start_response(status, headers, exc_info=None):
            statuses[status] = statuses.get(status, 0) + 1
        response = (handler or app)(environ(f"/api/v1/status/{code}/", token), start_response)
        try:
            return b"".join(response)
        finally:
            response.close()

    rng = random.Random(1)
    for _ in range(200):  # warm: connection, prepared statements, caches
        check(pick(rng))
    statements: list[str] = []

    def record(execute, sql, params, many, context):
        statements.append(sql)
        return execute(sql, params, many, context)

    for kind in ("listed", "unlisted", "unknown"):
        statements.clear()
        with connection.execute_wrapper(record):
            check(samples[kind][0])
        print(f"\n{kind} code: {len(statements)} statements")
        for sql in statements:
            print("   ", " ".join(sql.split())[:200])

    codes = [pick(rng) for _ in range(args.requests)]
    if args.middleware:
        middleware_costs(check, codes)
        return
    if not args.profile:
        # The paths side by side, interleaved rounds in one process, best of 3: the whole middleware
        # chain that pages take and the short one of token API requests (config/handlers.py), each
        # with DRF's StatusCheck, and the short chain with the lean view (cases/api/status.py).
        from django.core.handlers.wsgi import WSGIRequest

        from cases.api import status as status_api

        lean_request = status_api._lean_request

        def drf_only(request, identifier):
            return None  # the lean view hands every request to StatusCheck

        paths = {
            "whole chain + DRF view": (app.pages, drf_only),
            "short chain + DRF view": (app.token_api, drf_only),
            "short chain + lean view": (app.token_api, lean_request),
        }
        n = max(1, args.requests // 3)
        # Last, the lean view alone on a bare WSGIRequest (no handler, no middleware, no signals):
        # the most a lane in front of Django (config/handlers.py) could save if it still built the
        # request; it would still owe the headers, the language, the metrics and the log line.
        alone = "lean view alone (no handler)"
        cpu_per_check = {label: [] for label in (*paths, alone)}
        answers = {}
        try:
            for _round in range(3):
                for label, (handler, lean) in paths.items():
                    status_api._lean_request = lean
                    answers[label] = check(codes[0], handler)
                    started = time.process_time()
                    for code in codes[:n]:
                        check(code, handler)
                    cpu_per_check[label].append((time.process_time() - started) / n * 1000)
                status_api._lean_request = lean_request
                started = time.process_time()
                for code in codes[:n]:
                    status_api.status_check(WSGIRequest(environ(f"/api/v1/status/{code}/", token)), code).content
                cpu_per_check[alone].append((time.process_time() - started) / n * 1000)
        finally:
            status_api._lean_request = lean_request
        if len(set(answers.values())) != 1:
            raise SystemExit("the paths gave different answers: " + repr(answers))
        print()
        base = min(cpu_per_check["short chain + DRF view"])
        for label, values in cpu_per_check.items():
            print(f"{label:<30} {min(values):.3f} ms CPU per check (best of 3 rounds of {n}; "
                  f"{min(values) / base:.2f} of the short chain with DRF's view)")
    profiler = cProfile.Profile() if args.profile else None
    t0, cpu0 = time.perf_counter(), time.process_time()
    if profiler:
        profiler.enable()
    for code in codes:
        check(code)
    if profiler:
        profiler.disable()
    elapsed, cpu = time.perf_counter() - t0, time.process_time() - cpu0
    print(f"\n{args.requests} checks in-process{' under cProfile' if profiler else ''}: {elapsed / args.requests * 1000:.3f} ms "
          f"per check, of which {cpu / args.requests * 1000:.3f} ms CPU in this process (Django; the rest is "
          f"waiting for PostgreSQL and for the shared cores); statuses {statuses}")
    if profiler:
        if os.environ.get("STATUS_PROFILE_OUT"):
            profiler.dump_stats(os.environ["STATUS_PROFILE_OUT"])
        out = io.StringIO()
        stats = pstats.Stats(profiler, stream=out)
        stats.sort_stats("tottime").print_stats(40)
        stats.sort_stats("cumulative").print_stats(60)
        print(out.getvalue())


def middleware_costs(check, codes) -> None:
    """CPU per lean check with each middleware of the short chain left out, against the whole chain:
    what each one costs (interleaved rounds, best of 5)."""
    from django.conf import settings

    from config.handlers import TokenApiHandler, token_api_middleware

    def without(left_out: str | None):
        class Handler(TokenApiHandler):
            def load_middleware(self, is_async=False):
                full = settings.MIDDLEWARE
                settings.MIDDLEWARE = [m for m in token_api_middleware() if m != left_out]
                try:
                    super(TokenApiHandler, self).load_middleware(is_async)
                finally:
                    settings.MIDDLEWARE = full
        return Handler()

    handlers = {"the short chain": without(None)}
    handlers.update({f"  without {m.rsplit('.', 1)[-1]}": without(m) for m in token_api_middleware()})
    cpu: dict[str, list[float]] = {label: [] for label in handlers}
    for _round in range(5):
        for label, handler in handlers.items():
            started = time.process_time()
            for code in codes:
                check(code, handler)
            cpu[label].append((time.process_time() - started) / len(codes) * 1000)
    whole = min(cpu["the short chain"])
    print()
    for label, values in cpu.items():
        print(f"{label:<44} {min(values):.3f} ms CPU per check ({min(values) - whole:+.3f})")


if __name__ == "__main__":
    main()
