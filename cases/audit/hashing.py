"""Canonical serialisation and hashing of audit events and anchors. Pure; used by writer and verifier."""

import datetime as dt
import decimal
import hashlib
import json
import uuid

GENESIS = "0" * 64


def _default(value):
    if isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    if hasattr(value, "pk"):
        return value.pk
    raise TypeError(f"cannot serialise {type(value).__name__} in an audit record")


def normalise(value):
    """Round-trip through JSON so what is stored is exactly what was hashed."""
    return json.loads(json.dumps(value, default=_default, ensure_ascii=False))


def canonical(payload: dict) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def event_payload(*, chain, seq, prev_hash, occurred_at, actor_id, actor_name, actor_unit_id, on_behalf_of_id,
                  action, object_type, object_id, from_state, to_state, changes, reason) -> dict:
    return {
        "chain": chain,
        "seq": seq,
        "prev": prev_hash,
        "at": occurred_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "actor": actor_id,
        "actor_name": actor_name,
        "unit": actor_unit_id,
        "for": on_behalf_of_id,
        "action": action,
        "type": object_type,
        "id": str(object_id),
        "from": from_state,
        "to": to_state,
        "changes": changes,
        "reason": reason,
    }


def event_hash(payload: dict) -> str:
    return hashlib.sha256(canonical(payload)).hexdigest()


def event_payload_of(event) -> dict:
    return event_payload(
        chain=event.chain, seq=event.seq, prev_hash=event.prev_hash, occurred_at=event.occurred_at,
        actor_id=event.actor_id, actor_name=event.actor_name, actor_unit_id=event.actor_unit_id,
        on_behalf_of_id=event.on_behalf_of_id, action=event.action, object_type=event.object_type,
        object_id=event.object_id, from_state=event.from_state, to_state=event.to_state,
        changes=event.changes, reason=event.reason,
    )


def anchor_hash(*, prev_hash: str, created_at: dt.datetime, heads: list) -> str:
    payload = {
        "prev": prev_hash,
        "at": created_at.astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "heads": heads,
    }
    return hashlib.sha256(canonical(payload)).hexdigest()
