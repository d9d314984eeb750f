"""Migration operations that are safe while the previous version keeps serving (docs/operations.md)."""

from django.contrib.postgres.operations import AddIndexConcurrently as _Concurrently


class AddIndexConcurrently(_Concurrently):
    """CREATE INDEX CONCURRENTLY (no write lock on a 10-million-row table). Every database is
    PostgreSQL, the embedded default included. The migration must say ``atomic = False``."""
