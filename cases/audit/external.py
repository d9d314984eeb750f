"""Anchors outside the database (issue 17 item 6; docs/adr/0006-audit-out-of-reach.md).

Whoever can write the database could rewrite a chain *and* the anchors that cover it consistently;
a copy of the anchors kept elsewhere is what names such a rewrite. Two copies leave the system:
every anchor is pushed to the platform (outbox event ``audit.anchor``, notifications/events.py), and
``scripts/backup`` writes ``anchors.json`` beside the dump, signed (HMAC-SHA256 with
``AUDIT_ANCHOR_KEY``). ``manage.py audit_verify --anchors FILE`` checks the database against it.

The file::

    {"format": "credit-audit-anchors/1", "created_at": "…Z",
     "anchors": [{"id": 1, "hash": "…", "payload": {"prev": "…", "at": "…Z", "heads": [[chain, seq, hash], …]}}, …],
     "signature": {"alg": "HMAC-SHA256", "key_id": "<first 16 hex of sha256(key)>", "value": "<hex>"}}

The signature covers the canonical JSON (sorted keys, no spaces, UTF-8) of everything but
``signature``. An anchor item is the one the case bundle carries (``chain/anchors.json``).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json

from django.db.models import Q

from .hashing import GENESIS, anchor_hash, canonical
from .models import AuditAnchor, AuditEvent
from .verify import Problem, Report

FORMAT = "credit-audit-anchors/1"
ALGORITHM = "HMAC-SHA256"
_AT = "%Y-%m-%dT%H:%M:%S.%fZ"


class AnchorFileError(Exception):
    """The file cannot be trusted: unreadable, another format, unsigned or a signature that does not verify."""


def anchor_record(anchor: AuditAnchor) -> dict:
    """One anchor as it leaves the database: its hash and the payload the hash is computed from."""
    return {
        "id": anchor.id,
        "hash": anchor.hash,
        "payload": {"prev": anchor.prev_hash, "at": anchor.created_at.astimezone(dt.timezone.utc).strftime(_AT),
                    "heads": anchor.heads},
    }


def key_id(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def _signature(document: dict, key: str) -> str:
    body = canonical({k: v for k, v in document.items() if k != "signature"})
    return hmac.new(key.encode(), body, hashlib.sha256).hexdigest()


def anchors_document(*, key: str) -> dict:
    """Every anchor of the database, signed with ``key``."""
    if not key:
        raise AnchorFileError("AUDIT_ANCHOR_KEY is not set: the anchor file cannot be signed")
    anchors = [anchor_record(a) for a in AuditAnchor.objects.order_by("id").iterator(chunk_size=500)]
    document = {"format": FORMAT, "created_at": dt.datetime.now(dt.timezone.utc).strftime(_AT), "anchors": anchors}
    document["signature"] = {"alg": ALGORITHM, "key_id": key_id(key), "value": _signature(document, key)}
    return document


def read_anchor_file(data: bytes, *, key: str) -> list[dict]:
    """The anchors of a signed file, after its signature is verified with ``key``."""
    if not key:
        raise AnchorFileError("AUDIT_ANCHOR_KEY is not set: the anchor file's signature cannot be checked")
    try:
        document = json.loads(data)
    except ValueError as exc:
        raise AnchorFileError(f"not a JSON anchor file ({exc})") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise AnchorFileError(f"not an anchor file of format {FORMAT}")
    signature = document.get("signature") or {}
    if signature.get("alg") != ALGORITHM or not isinstance(signature.get("value"), str):
        raise AnchorFileError("the anchor file is not signed")
    if not hmac.compare_digest(signature["value"], _signature(document, key)):
        theirs = signature.get("key_id")
        hint = " (signed with another key)" if theirs and theirs != key_id(key) else " (the file was changed)"
        raise AnchorFileError("the anchor file's signature does not verify" + hint)
    anchors = document.get("anchors")
    if not isinstance(anchors, list):
        raise AnchorFileError("the anchor file has no list of anchors")
    return anchors


def _problem(chain, seq, row_id, detail) -> Problem:
    return Problem("external", chain, seq, row_id, detail)


def _check_file_chain(anchors: list[dict], report: Report) -> None:
    """The external copy agrees with itself (a signed file always should; a bug should not pass)."""
    prev = None
    for item in anchors:
        payload = item["payload"]
        at = dt.datetime.strptime(payload["at"], _AT).replace(tzinfo=dt.timezone.utc)
        if anchor_hash(prev_hash=payload["prev"], created_at=at, heads=payload["heads"]) != item["hash"]:
            report.problems.append(_problem("-", None, item["id"], "the external anchor's content does not match its hash"))
        if prev is not None and payload["prev"] != prev:
            report.problems.append(_problem("-", None, item["id"], "the external anchors are not one chain"))
        prev = item["hash"]


def verify_against(anchors: list[dict], report: Report, *, chains: list[str] | None = None) -> dict:
    """Check the database against an external copy of its anchors.

    Every anchor of the copy must be in the database with the same hash, and every chain position
    it recorded (chain, seq) must hold the event with the recorded hash. A chain rewritten together
    with its in-database anchors (hashes recomputed, so ``verify`` alone finds nothing) is named by
    chain and position, with the expected and the found hash.
    """
    anchors = sorted(anchors, key=lambda a: a["id"])
    wanted = set(chains) if chains is not None else None
    if chains is None:
        _check_file_chain(anchors, report)
        if anchors and anchors[0]["payload"]["prev"] != GENESIS and anchors[0]["id"] == 1:
            report.problems.append(_problem("-", None, 1, "the first external anchor does not start the chain"))
    positions, anchor_problems = 0, []
    for start in range(0, len(anchors), 200):
        batch = anchors[start:start + 200]
        stored = {a.id: a.hash for a in AuditAnchor.objects.filter(id__in=[a["id"] for a in batch]).only("id", "hash")}
        for item in batch:
            found = stored.get(item["id"])
            if chains is None and found is None:
                anchor_problems.append(_problem("-", None, item["id"],
                                                f"anchor id={item['id']}: expected hash {item['hash']} (external copy), "
                                                "found no such anchor in the database"))
            elif chains is None and found != item["hash"]:
                anchor_problems.append(_problem("-", None, item["id"],
                                                f"anchor id={item['id']}: expected hash {item['hash']} (external copy), "
                                                f"found {found}: the anchor was rewritten"))
            heads = [(c, s, h) for c, s, h in item["payload"]["heads"] if wanted is None or c in wanted]
            positions += len(heads)
            _check_positions(heads, item["id"], report)
    # The rewritten chain positions first (what was changed), then the anchors rewritten to hide it.
    report.problems.extend(anchor_problems)
    return {"anchors": len(anchors), "positions": positions}


def _check_positions(heads: list[tuple], anchor_id: int, report: Report) -> None:
    if not heads:
        return
    matching = set(AuditEvent.objects.filter(hash__in=[h for _c, _s, h in heads]).values_list("chain", "seq", "hash"))
    differ = [(c, s, h) for c, s, h in heads if (c, s, h) not in matching]
    if not differ:
        return
    where = Q()
    for chain, seq, _h in differ:
        where |= Q(chain=chain, seq=seq)
    found = {(e.chain, e.seq): e for e in AuditEvent.objects.filter(where).only("id", "chain", "seq", "hash")}
    for chain, seq, expected in differ:
        event = found.get((chain, seq))
        if event is None:
            report.problems.append(_problem(chain, seq, None, f"expected hash {expected} (external anchor id={anchor_id}), "
                                                              "found no event: removed"))
        else:
            report.problems.append(_problem(chain, seq, event.id,
                                            f"expected hash {expected} (external anchor id={anchor_id}), "
                                            f"found {event.hash}: the chain was rewritten"))
