"""Audit events for rows written set-based by an import: one new chain per new object.

Each event is exactly what ``cases.audit.services.audit_record`` would have written for the same
change (seq 1, previous hash GENESIS, the same payload and hash), so ``audit_verify`` and the
anchors treat them like any other; the registered listeners that want these events are called with
each one in the same transaction (none does for an import's drafts, so no event object is built).
Only new objects qualify (their chains cannot exist yet); changes to existing objects go through
``audit_record``.
"""

from __future__ import annotations

import csv
import io
import json

from django.db import connection
from django.utils import timezone

from cases.audit import services as audit_services
from cases.audit.hashing import GENESIS, event_hasher, event_payload
from cases.audit.models import AuditEvent


EVENT_COLUMNS = ["id", "chain", "seq", "prev_hash", "hash", "occurred_at", "actor_id", "actor_name", "actor_unit_id",
                 "on_behalf_of_id", "action", "object_type", "object_id", "from_state", "to_state", "changes", "reason"]


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for row in rows:
        writer.writerow(["\\N" if v is None else v for v in row])
    buf.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)


def next_ids(cur, table: str, count: int) -> list[int]:
    """Reserve ``count`` primary keys of ``table`` (its identity sequence), in order."""
    if count == 0:
        return []
    cur.execute(f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)", [count])
    return [r[0] for r in cur.fetchall()]


def audit_new_objects(*, object_type: str, items: list[tuple], actor, actor_unit, action: str) -> int:
    """``items``: ``(object_id, to_state, changes, reason)`` for objects that have no chain yet."""
    if not items:
        return 0
    now = timezone.now()
    actor_name = actor.get_username() if actor is not None else "system"
    actor_id = actor.pk if actor is not None else None
    unit_id = actor_unit.pk if actor_unit is not None else None
    # Every event differs only in chain, id, to-state, changes and reason: the audit room's own
    # payload is cut once around those (event_hasher), so hashing 200,000 events stays cheap.
    digest = event_hasher(event_payload(
        chain="", seq=1, prev_hash=GENESIS, occurred_at=now, actor_id=actor_id, actor_name=actor_name,
        actor_unit_id=unit_id, on_behalf_of_id=None, action=action, object_type=object_type, object_id="",
        from_state="", to_state="", changes={}, reason="",
    ))
    at, dumps = now.isoformat(), json.dumps
    rows, heads = [], []
    with connection.cursor() as cur:
        ids = next_ids(cur, AuditEvent._meta.db_table, len(items))
        for pk, (object_id, to_state, changes, reason) in zip(ids, items):
            # Imports pass plain JSON values (str, int, None), so normalising is the identity.
            chain, object_id, to_state, changes, reason = (f"{object_type}:{object_id}", str(object_id),
                                                           to_state or "", changes or {}, reason or "")
            hashed = digest(chain=chain, changes=changes, object_id=object_id, reason=reason, to_state=to_state)
            rows.append((pk, chain, 1, GENESIS, hashed, at, actor_id, actor_name, unit_id, None, action, object_type,
                         object_id, "", to_state, dumps(changes, ensure_ascii=False), reason))
            heads.append((chain, 1, hashed, 0))
        copy_rows(cur, "audit_auditevent", EVENT_COLUMNS, rows)
        copy_rows(cur, "audit_auditchainhead", ["chain", "seq", "hash", "anchored_seq"], heads)
    listeners = audit_services.listeners_for(action, bulk=True)
    if listeners:
        for row in rows:
            # Positional arguments in field order: Django's fast path for building model instances.
            event = AuditEvent(*row[:5], now, *row[6:15], json.loads(row[15]), row[16])
            event._state.adding = False
            for listener in listeners:
                listener(event)
    return len(rows)
