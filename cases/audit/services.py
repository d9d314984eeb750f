"""Writing the audit trail: one event per transition or data change, chained per object."""

from __future__ import annotations

import contextvars
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import F
from django.utils import timezone

from cases.locking import for_update
from cases.selectors.scope import staff_of

from .hashing import GENESIS, anchor_hash, event_hash, event_payload, normalise
from .models import AuditAnchor, AuditChainHead, AuditEvent, audit_type, chain_key

ANCHOR_BATCH = 50_000

# Called with each new AuditEvent inside the writer's transaction (e.g. the notifications outbox,
# which must commit or roll back together with the change). Registered in an AppConfig.ready().
# Each entry is (listener, actions): ``actions`` None means every action.
_listeners: list[tuple] = []


def on_audit_event(listener, *, actions=None) -> None:
    """Register ``listener(event)``; it runs in the same transaction as the audited change.

    ``actions``: the only actions the listener looks at, when it says so."""
    actions = frozenset(actions) if actions is not None else None
    if all(registered is not listener for registered, _ in _listeners):
        _listeners.append((listener, actions))


# Called with each new AuditAnchor inside the anchoring transaction: the anchor also leaves the
# database (the notifications outbox pushes it to the platform as ``audit.anchor``; docs/adr/0006).
_anchor_listeners: list = []


def on_audit_anchor(listener) -> None:
    """Register ``listener(anchor)``; it runs in the same transaction as the anchor's insert."""
    if all(registered is not listener for registered in _anchor_listeners):
        _anchor_listeners.append(listener)


def listeners_for(action: str) -> list:
    """The registered listeners that want events of ``action``."""
    return [listener for listener, actions in _listeners if actions is None or action in actions]


# The absent colleague a substitute (代理) is acting for right now: every event written inside
# ``acting_for(user)`` records them as ``on_behalf_of`` unless the caller names someone else, so the
# step services a task completion calls need not know about substitutes.
_acting_for: contextvars.ContextVar = contextvars.ContextVar("audit_acting_for", default=None)


@contextmanager
def acting_for(user):
    """Record every audit event written inside this block as done on behalf of ``user``."""
    token = _acting_for.set(user)
    try:
        yield
    finally:
        _acting_for.reset(token)


def field_changes(before: dict, after: dict) -> dict:
    """``{field: [old, new]}`` for every field whose value differs."""
    return {k: [before.get(k), after.get(k)] for k in sorted(set(before) | set(after)) if before.get(k) != after.get(k)}


def _actor_unit(actor):
    staff = staff_of(actor)
    return staff.unit if staff is not None else None


def audit_record(
    *,
    action: str,
    obj=None,
    object_type: str | None = None,
    object_id=None,
    chain: str | None = None,
    actor=None,
    actor_unit=None,
    on_behalf_of=None,
    from_state: str = "",
    to_state: str = "",
    changes: dict | None = None,
    reason: str = "",
) -> AuditEvent:
    """Append one event to the chain of ``obj`` (or ``chain``), in the caller's transaction.

    seed/domain §7: who (user and unit), when, what (from → to, fields old → new), why, and on
    whose behalf. Only the chain's head row is locked, so different cases never wait on each other.
    """
    if obj is not None:
        chain = chain or chain_key(obj)
        object_type = object_type or audit_type(obj)
        object_id = obj.pk if object_id is None else object_id
    if not chain or not object_type or object_id is None:
        raise ValueError("audit_record needs obj, or chain + object_type + object_id")
    if actor_unit is None:
        actor_unit = _actor_unit(actor)
    if on_behalf_of is None and actor is not None:
        on_behalf_of = _acting_for.get()
    # Joins the caller's transaction (no savepoint: an audit failure must fail the whole change).
    with transaction.atomic(savepoint=False):
        event = _append(chain, actor, actor_unit, on_behalf_of, action, object_type, object_id,
                        from_state, to_state, changes, reason)
        for listener in listeners_for(action):
            listener(event)
        return event


# One statement creates the head if missing and locks it (ON CONFLICT DO UPDATE takes the row lock).
_LOCK_HEAD = (
    "INSERT INTO audit_auditchainhead (chain, seq, hash, anchored_seq) VALUES (%s, 0, '', 0) "
    "ON CONFLICT (chain) DO UPDATE SET chain = EXCLUDED.chain RETURNING seq, hash"
)


def _append(chain, actor, actor_unit, on_behalf_of, action, object_type, object_id, from_state, to_state,
            changes, reason) -> AuditEvent:
    with connection.cursor() as cur:
        cur.execute(_LOCK_HEAD, [chain])
        head_seq, head_hash = cur.fetchone()
    event = AuditEvent(
        chain=chain,
        seq=head_seq + 1,
        prev_hash=head_hash or GENESIS,
        occurred_at=timezone.now(),
        actor=actor,
        actor_name=actor.get_username() if actor is not None else "system",
        actor_unit=actor_unit,
        on_behalf_of=on_behalf_of,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        from_state=from_state or "",
        to_state=to_state or "",
        changes=normalise(changes or {}),
        reason=reason or "",
    )
    event.hash = event_hash(
        event_payload(
            chain=event.chain, seq=event.seq, prev_hash=event.prev_hash, occurred_at=event.occurred_at,
            actor_id=event.actor_id, actor_name=event.actor_name, actor_unit_id=event.actor_unit_id,
            on_behalf_of_id=event.on_behalf_of_id, action=event.action, object_type=event.object_type,
            object_id=event.object_id, from_state=event.from_state, to_state=event.to_state,
            changes=event.changes, reason=event.reason,
        )
    )
    event.save(force_insert=True)
    AuditChainHead.objects.filter(pk=chain).update(seq=event.seq, hash=event.hash)
    return event


def audit_anchor() -> AuditAnchor | None:
    """Anchor the heads of every chain that moved since the last anchor (run by beat).

    Heads being appended to right now are skipped (they are locked) and anchored next time, so
    anchoring never blocks case work.
    """
    with transaction.atomic():
        with connection.cursor() as cur:
            cur.execute("SELECT pg_advisory_xact_lock(hashtext('audit_anchor'))")
        heads = list(
            for_update(AuditChainHead.objects, skip_locked=True)
            .filter(seq__gt=F("anchored_seq"))
            .order_by("chain")[:ANCHOR_BATCH]
        )
        if not heads:
            return None
        last = AuditAnchor.objects.order_by("-id").first()
        created_at = timezone.now()
        entries = [[h.chain, h.seq, h.hash] for h in heads]
        prev = last.hash if last else GENESIS
        anchor = AuditAnchor(
            created_at=created_at,
            prev_hash=prev,
            heads=entries,
            hash=anchor_hash(prev_hash=prev, created_at=created_at, heads=entries),
        )
        anchor.save(force_insert=True)
        for h in heads:
            AuditChainHead.objects.filter(pk=h.chain).update(anchored_seq=h.seq)
        for listener in _anchor_listeners:
            listener(anchor)
        return anchor
