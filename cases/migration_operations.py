"""Migration operations that are safe while the previous version keeps serving (docs/operations.md)."""

from django.contrib.postgres.operations import AddIndexConcurrently as _Concurrently
from django.db.migrations.operations import AddIndex


class AddIndexConcurrently(_Concurrently):
    """CREATE INDEX CONCURRENTLY on PostgreSQL (no write lock on a 10-million-row table); a plain
    index elsewhere (the embedded SQLite demo). The migration must say ``atomic = False``."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_forwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return AddIndex.database_backwards(self, app_label, schema_editor, from_state, to_state)
        return super().database_backwards(app_label, schema_editor, from_state, to_state)
