"""Verifying the audit trail: every chain, every head, every anchor.

Finds rows that were altered (hash no longer matches the content), removed (a gap in a chain's
sequence, a head ahead of its last event, an anchored event missing) or reordered (an event whose
``prev_hash`` is not its predecessor's hash).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .hashing import GENESIS, anchor_hash, event_hash, event_payload_of
from .models import AuditAnchor, AuditChainHead, AuditEvent


@dataclass
class Problem:
    kind: str  # altered | removed | reordered | anchor
    chain: str
    seq: int | None
    row_id: int | None
    detail: str

    def __str__(self) -> str:
        row = f"row id={self.row_id}" if self.row_id is not None else "row (missing)"
        return f"{self.kind}: chain {self.chain} seq {self.seq} {row}: {self.detail}"


@dataclass
class Report:
    events: int = 0
    chains: int = 0
    anchors: int = 0
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def verify_chain_events(events, report: Report, last_of_chain: dict):
    chain, expected_seq, prev = None, 1, GENESIS
    for ev in events:
        report.events += 1
        if ev.chain != chain:
            if chain is not None:
                last_of_chain[chain] = (expected_seq - 1, prev)
            chain, expected_seq, prev = ev.chain, 1, GENESIS
            report.chains += 1
        if event_hash(event_payload_of(ev)) != ev.hash:
            report.problems.append(Problem("altered", ev.chain, ev.seq, ev.id, "content does not match its hash"))
        if ev.seq != expected_seq:
            kind = "removed" if ev.seq > expected_seq else "reordered"
            report.problems.append(
                Problem(kind, ev.chain, expected_seq, None if kind == "removed" else ev.id,
                        f"expected seq {expected_seq}, found seq {ev.seq} (row id={ev.id}); "
                        f"the missing event's hash was {ev.prev_hash}")
            )
        elif ev.prev_hash != prev:
            report.problems.append(
                Problem("reordered", ev.chain, ev.seq, ev.id, "previous hash does not match the preceding event")
            )
        expected_seq, prev = ev.seq + 1, ev.hash
    if chain is not None:
        last_of_chain[chain] = (expected_seq - 1, prev)


def verify(*, chains: list[str] | None = None) -> Report:
    report = Report()
    last_of_chain: dict[str, tuple[int, str]] = {}
    events = AuditEvent.objects.order_by("chain", "seq")
    heads = AuditChainHead.objects.all()
    if chains is not None:
        events, heads = events.filter(chain__in=chains), heads.filter(chain__in=chains)
    verify_chain_events(events.iterator(chunk_size=5000), report, last_of_chain)

    for head in heads.iterator(chunk_size=5000):
        last_seq, last_hash = last_of_chain.get(head.chain, (0, GENESIS))
        if head.seq > last_seq:
            report.problems.append(
                Problem("removed", head.chain, last_seq + 1, None,
                        f"the chain head records seq {head.seq} but the last event is seq {last_seq}")
            )
        elif head.seq < last_seq or (head.seq and head.hash != last_hash):
            report.problems.append(
                Problem("altered", head.chain, head.seq, None, "the chain head does not match the last event")
            )

    if chains is None:
        verify_anchors(report)
    return report


def verify_anchors(report: Report) -> None:
    prev = GENESIS
    for anchor in AuditAnchor.objects.order_by("id").iterator(chunk_size=100):
        report.anchors += 1
        if anchor.prev_hash != prev:
            report.problems.append(Problem("anchor", "-", None, anchor.id, "anchor chain broken (removed or reordered)"))
        if anchor_hash(prev_hash=anchor.prev_hash, created_at=anchor.created_at, heads=anchor.heads) != anchor.hash:
            report.problems.append(Problem("anchor", "-", None, anchor.id, "anchor content does not match its hash"))
        prev = anchor.hash
        wanted = {h: (c, s) for c, s, h in anchor.heads}
        found = set(AuditEvent.objects.filter(hash__in=list(wanted)).values_list("hash", flat=True))
        for missing in sorted(set(wanted) - found, key=lambda h: wanted[h]):
            chain, seq = wanted[missing]
            report.problems.append(
                Problem("removed", chain, seq, None, f"anchored event (anchor id={anchor.id}) is missing or altered")
            )
