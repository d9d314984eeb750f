"""gunicorn settings for the web process (deploy/README.md). Values come from the environment.

One master with ``WEB_WORKERS`` sync worker processes (default 2). Sync workers: every request is
short (the slow work — letters, imports, deliveries — runs in Celery), nginx buffers slow clients,
and a worker that hangs is killed after ``WEB_TIMEOUT`` seconds and replaced by the master.
"""

import os

bind = os.environ.get("WEB_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("WEB_WORKERS", "2"))
worker_class = "sync"
timeout = int(os.environ.get("WEB_TIMEOUT", "60"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak never grows without bound; jitter avoids all at once.
max_requests = int(os.environ.get("WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = 500
# nginx is the only client: trust its X-Forwarded-* headers from loopback only.
forwarded_allow_ips = os.environ.get("WEB_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Our middleware writes one JSON line per request with the request id; gunicorn's would repeat it.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
proc_name = "credit-web"


def child_exit(server, worker):
    # prometheus-client multiprocess mode: drop the live gauges of a worker that is gone.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
