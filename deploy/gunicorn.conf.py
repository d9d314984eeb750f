"""gunicorn settings for the web process (deploy/README.md). Values come from the environment.

One master with ``WEB_WORKERS`` sync worker processes (default 2). Sync workers: every request is
short (the slow work — letters, imports, deliveries — runs in Celery), nginx buffers slow clients,
and a worker that hangs is killed after ``WEB_TIMEOUT`` seconds and replaced by the master.
"""

import os
import sys
import tempfile
import time
from pathlib import Path

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound, one at a time (issue 17,
# item 8; docs/operations.md "Worker recycling"): a worker boots in seconds, and while both booted
# requests stalled for 20 s. Random jitter did not keep them apart; the hooks below do.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 0
# nginx is the only client: trust its X-Forwarded-* headers from loopback only.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Our middleware writes one JSON line per request with the request id; gunicorn's would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "credit-web"
# gunicorn's runtime control socket (gunicornc: change the worker count, reload) is not used here;
# its default path is shared by every master of the user, and under ProtectHome it cannot be made.
control_socket_disable = True


# --- staggered recycling ---
# One mark for this master's workers (the master imports this file before it forks; under systemd
# PrivateTmp=yes, so /tmp is the unit's own). A worker about to retire takes it; the worker that
# boots next removes it once its application is loaded (only a mark taken before it was forked: a
# later one is another retirement's). A worker that reaches its limit while the
# mark is held serves on (its limit moves on by max_requests / workers), so at most one worker is
# ever retiring or booting and the others keep answering.
_RECYCLING = Path(tempfile.gettempdir()) / f"credit-web-{os.getpid()}.recycling"
# A mark older than this belongs to a replacement that never came up (the master died, the boot
# failed): it no longer holds anyone back.
_RECYCLING_STALE_SECONDS = 2 * timeout


def _recycle_step(cfg) -> int:
    return max(1, cfg.max_requests // max(1, cfg.workers))


def post_fork(server, worker):
    # The first workers are staggered by spawn order: worker k of N retires after
    # max_requests * (N - k + 1) / N requests, their replacements after max_requests each, so
    # recycles come max_requests / N requests apart under an even load.
    if worker.cfg.max_requests > 0 and worker.age <= worker.cfg.workers:
        worker.max_requests = worker.cfg.max_requests - (worker.age - 1) * _recycle_step(worker.cfg)
    worker._credit_forked_at = time.time()


# A fresh worker's first requests are slow (URL resolver, templates, translation catalogues, the
# database connection): served to visitors just as the worker it replaces leaves, they stalled for
# about 2 s on a busy machine. Each worker answers these once itself before it takes any request.
_WARM_UP_PATHS = os.environ.get("WEB_WARM_UP_PATHS", "/readyz /portal/").split()


def _warm_up(worker):
    from io import BytesIO

    from django.conf import settings

    host = next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), "localhost")
    answers = []
    for path in _WARM_UP_PATHS:
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": path, "QUERY_STRING": "", "SERVER_NAME": host,
            "SERVER_PORT": "443", "SERVER_PROTOCOL": "HTTP/1.1", "HTTP_HOST": host, "REMOTE_ADDR": "127.0.0.1",
            "HTTP_X_REQUEST_ID": f"warm-up-{worker.pid}", "wsgi.version": (1, 0), "wsgi.url_scheme": "https",
            "wsgi.input": BytesIO(), "wsgi.errors": sys.stderr, "wsgi.multithread": False,
            "wsgi.multiprocess": True, "wsgi.run_once": False,
        }
        status = []
        try:
            body = worker.wsgi(environ, lambda s, headers, exc_info=None: status.append(s))
            try:
                for _chunk in body:
                    pass
            finally:
                getattr(body, "close", lambda: None)()
        except Exception as exc:  # noqa: BLE001  a failed warm-up only means a slower first request
            status.append(repr(exc)[:120])
        answers.append(f"{path} {status[0].split()[0] if status else '?'}")
    return ", ".join(answers)


def post_worker_init(worker):
    warmed = _warm_up(worker) if _WARM_UP_PATHS else "no warm-up"
    # The mark's end and the boot's length, logged with their times (tests/deploy/test_worker_recycling.py).
    now = time.time()
    _release_recycling_mark(getattr(worker, "_credit_forked_at", now))
    worker.log.info("recycling: warmed up (%s)", warmed)
    worker.log.info("recycling: worker %s ready at %.3f after %.2f s, retires after %s requests", worker.pid, now,
                    now - getattr(worker, "_credit_forked_at", now), worker.max_requests)


def _release_recycling_mark(forked_at: float) -> None:
    """A worker that has booted ends the retirement it replaces, and only that one: a mark taken
    after this worker was forked belongs to another worker's retirement, whose replacement is not
    up yet. (Under load a boot outlasts the other worker's next limit: the first of two workers that
    boot together retires while the second still boots; had the second removed that mark when it
    came up, it would have retired at once too, and both would have been booting.)"""
    try:
        if _RECYCLING.stat().st_mtime > forked_at:
            return
    except FileNotFoundError:
        return
    _RECYCLING.unlink(missing_ok=True)


def _take_recycling_mark() -> bool:
    try:
        fd = os.open(_RECYCLING, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
    except FileExistsError:
        try:
            if time.time() - _RECYCLING.stat().st_mtime < _RECYCLING_STALE_SECONDS:
                return False
        except FileNotFoundError:
            pass
        _RECYCLING.unlink(missing_ok=True)  # stale: take it over (a lost race only postpones once more)
        try:
            fd = os.open(_RECYCLING, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o600)
        except FileExistsError:
            return False
    os.write(fd, str(os.getpid()).encode())
    os.close(fd)
    return True


def pre_request(worker, req):
    # The sync worker counts this request next and retires after it once the count reaches its limit.
    if worker.nr + 1 < worker.max_requests:
        return
    if _take_recycling_mark():
        worker.log.info("recycling: worker %s retires at %.3f after this request", worker.pid, time.time())
    else:
        worker.max_requests += _recycle_step(worker.cfg)
        worker.log.info("recycling: worker %s postpones at %.3f, another worker is restarting", worker.pid,
                        time.time())


def on_exit(server):
    _RECYCLING.unlink(missing_ok=True)
# --- end staggered recycling ---


def child_exit(server, worker):
    # prometheus-client multiprocess mode: drop the live gauges of a worker that is gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
