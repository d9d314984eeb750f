"""Audit events for rows written set-based by an import: one new chain per new object.

Each event is exactly what ``cases.audit.services.audit_record`` would have written for the same
change (seq 1, previous hash GENESIS, the same payload and hash), so ``audit_verify`` and the
anchors treat them like any other; the registered listeners (the notifications outbox) are called
with each event in the same transaction. Only new objects qualify (their chains cannot exist yet);
changes to existing objects go through ``audit_record``.
"""

from __future__ import annotations

import csv
import io
import json

from django.db import connection
from django.utils import timezone

from cases.audit import services as audit_services
from cases.audit.hashing import GENESIS, event_hash, event_payload
from cases.audit.models import AuditEvent


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
    # The payload of every item differs only in chain, id, to-state, changes and reason: built once
    # by the audit room's own event_payload, then copied per item (hashing 100,000 events is the
    # import's largest cost after validation).
    template = event_payload(
        chain="", seq=1, prev_hash=GENESIS, occurred_at=now, actor_id=actor_id, actor_name=actor_name,
        actor_unit_id=unit_id, on_behalf_of_id=None, action=action, object_type=object_type, object_id="",
        from_state="", to_state="", changes={}, reason="",
    )
    events, heads = [], []
    with connection.cursor() as cur:
        ids = next_ids(cur, AuditEvent._meta.db_table, len(items))
        for pk, (object_id, to_state, changes, reason) in zip(ids, items):
            chain = f"{object_type}:{object_id}"
            # Imports pass plain JSON values (str, int, None), so normalising is the identity.
            changes = changes or {}
            payload = dict(template, chain=chain, id=str(object_id), to=to_state or "", changes=changes,
                           reason=reason or "")
            digest = event_hash(payload)
            # Positional arguments in field order: Django's fast path for building model instances.
            events.append(AuditEvent(pk, chain, 1, GENESIS, digest, now, actor_id, actor_name, unit_id, None,
                                     action, object_type, str(object_id), "", to_state or "", changes,
                                     reason or ""))
            heads.append((chain, 1, digest, 0))
        copy_rows(cur, "audit_auditevent",
              ["id", "chain", "seq", "prev_hash", "hash", "occurred_at", "actor_id", "actor_name", "actor_unit_id",
               "on_behalf_of_id", "action", "object_type", "object_id", "from_state", "to_state", "changes", "reason"],
              ((e.id, e.chain, 1, e.prev_hash, e.hash, now.isoformat(), e.actor_id, e.actor_name, e.actor_unit_id,
                None, e.action, e.object_type, e.object_id, e.from_state, e.to_state,
                json.dumps(e.changes, ensure_ascii=False), e.reason) for e in events))
        copy_rows(cur, "audit_auditchainhead", ["chain", "seq", "hash", "anchored_seq"], heads)
    for event in events:
        event._state.adding = False
        for listener in audit_services._listeners:
            listener(event)
    return len(events)
