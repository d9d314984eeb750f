"""Settings modules.

- ``embedded``: the default (``scripts/run``): a private PostgreSQL and Redis under ``var/``, one
  Celery worker with the periodic jobs, demo friendly.
- ``production``: refuses to start without PostgreSQL, Redis and a real secret key.
- ``test``: PostgreSQL + Redis provisioned by ``scripts/test``.
"""
