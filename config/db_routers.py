"""Optional read replica for the read-mostly public paths (docs/scaling.md).

When ``DATABASE_REPLICA_URL`` is set, settings add ``DATABASES["replica"]`` and this router. Reads
go to the replica only while ``use_replica`` is set, which the request middleware does for the
views named in ``DATABASE_REPLICA_VIEWS`` (the status check 应查必查 and the public search 公示);
every write, and every read elsewhere, stays on the primary. A replica lags its primary: see
docs/scaling.md for ``synchronous_commit = remote_apply``, which the status check's "out of every
answer the moment the suspension commits" needs.
"""

from __future__ import annotations

import contextvars

use_replica: contextvars.ContextVar[bool] = contextvars.ContextVar("use_replica", default=False)


class ReplicaRouter:
    def db_for_read(self, model, **hints):
        return "replica" if use_replica.get() else None

    def db_for_write(self, model, **hints):
        return "default"

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db != "replica"
