"""Settings modules.

- ``embedded``: the default; SQLite, Celery tasks run in-process, demo friendly.
- ``production``: refuses to start without PostgreSQL, Redis and a real secret key.
- ``test``: PostgreSQL + Redis provisioned by ``scripts/test``.
"""
