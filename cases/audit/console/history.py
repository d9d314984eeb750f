"""The case as it stood at an instant, and the verification of one case's chains, anchors and files.

As of T, everything shown comes from the audit events at or before T, never from today's row for a
value that changes over the case's life. The state is the ``to`` of the last transition event at or
before T. Each field is the value the last event at or before T gave it: a change old → new the
event records, or what its action does (``SETS``: a conclusion's findings are its event's reason, a
closing stamps the event's moment, an acceptance its Beijing day). A field no event had set by T is
empty; one given at filing and only ever changed old → new (the grounds, the facts) is its value
before the first later change. Related objects (the entry, each measure execution, restoration
tasks) are reconstructed from their own chains.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist
from django.utils import timezone

from cases.letter_types import LetterStatus
from cases.models import Attachment, ListEntry, ObjectionCase, RepairCase
from cases.selectors.case_letters import letters_of_cases

from ..hashing import anchor_hash, normalise
from ..models import AuditAnchor
from ..selectors import AuditCase, chain_events, chain_heads, covering_anchors
from ..verify import verify
from .timeline import chain_label, field_label, state_label, value_label

FIELDS = {
    "entry": ("facts", "reasons", "basis", "statement", "statement_due", "decision_date", "publication_due",
              "published_at", "valid_until", "removal_reason", "removed_at"),
    "objection": ("target", "grounds", "acceptance_due", "supplement_requested_on", "supplement_received_on",
                  "accepted_on", "verification_received_on", "verification_due", "extension_reason",
                  "outcome", "findings", "corrections", "closed_at", "chase_up_count"),
    "repair": ("performance", "acceptance_due", "supplement_requested_on", "supplement_received_on", "accepted_on",
               "decision_due", "extended_on", "extension_reason", "verification_requested_on", "verification_request",
               "verification_reported_on", "verification_performed", "verification_findings", "proposal",
               "proposal_findings", "outcome", "decision_reasons", "earliest_reapply_on", "decided_on", "closed_at",
               "revocation_reason", "revoked_at", "chase_up_count"),
}


def _moment_of(ev, obj):
    return normalise(ev.occurred_at)


def _day_of(ev, obj):
    # The services stamp a day with timezone.localdate(): the Beijing day of the event.
    return timezone.localdate(ev.occurred_at).isoformat()


def _reason_of(ev, obj):
    return ev.reason


def _cleared(ev, obj):
    return None


def _blank(ev, obj):
    return ""


def _row(name: str):
    """A value the action sets once and for good but its event does not carry (the row holds it
    since that event, and nothing changes it after): shown from that event on, never before."""
    return lambda ev, obj: normalise(getattr(obj, name))


# What an action sets that its event carries elsewhere than as a change old → new (a change the
# event records wins). A field named here is empty until an event at or before T sets it.
_CLOSES = {"closed_at": _moment_of}
SETS = {
    "entry.publish": {"published_at": _moment_of},
    "entry.publish_red": {"published_at": _moment_of},
    "entry.remove": {"removed_at": _moment_of},
    "objection.request_supplement": {"supplement_requested_on": _day_of},
    "objection.receive_supplement": {"supplement_received_on": _day_of},
    "objection.accept": {"accepted_on": _day_of, "verification_received_on": _day_of},
    "objection.extend": {"extension_reason": _reason_of},
    "objection.conclude": {"findings": _reason_of},
    "objection.refuse": _CLOSES,
    "objection.close": _CLOSES,
    "objection.withdraw": _CLOSES,
    "objection.supplement_lapse": _CLOSES,
    "repair.request_supplement": {"supplement_requested_on": _day_of},
    "repair.receive_supplement": {"supplement_received_on": _day_of},
    "repair.accept": {"accepted_on": _day_of},
    "repair.extend": {"extension_reason": _reason_of, "extended_on": _day_of},
    "repair.verification_requested": {"verification_requested_on": _day_of, "verification_request": _reason_of,
                                      "verification_reported_on": _cleared, "verification_performed": _cleared,
                                      "verification_findings": _blank},
    "repair.verification_reported": {"verification_reported_on": _day_of, "verification_findings": _reason_of},
    "repair.propose": {"proposal_findings": _reason_of},
    "repair.approve": {"decision_reasons": _reason_of, "decided_on": _day_of},
    "repair.reject": {"decision_reasons": _reason_of, "decided_on": _day_of, "closed_at": _moment_of,
                      "earliest_reapply_on": _row("earliest_reapply_on")},
    "repair.close": _CLOSES,
    "repair.refuse": _CLOSES,
    "repair.withdraw": _CLOSES,
    "repair.supplement_lapse": _CLOSES,
    "repair.lapse": _CLOSES,
    "repair.revoke": {"revocation_reason": _reason_of, "revoked_at": _moment_of},
}
SET_BY_ACTION = frozenset(name for sets in SETS.values() for name in sets)
INITIAL_STATE = {"cases.listentry": ListEntry.State.DRAFT, "cases.objectioncase": ObjectionCase.State.SUBMITTED,
                 "cases.repaircase": RepairCase.State.SUBMITTED, "cases.measureexecution": "PUSHED",
                 "cases.restorationtask": "OPEN"}


@dataclass
class FieldAsOf:
    name: str
    label: str
    value: object  # as the events store it (JSON)
    changed_after: bool  # a later event changed it (the value shown is the one before that change)
    shown: str = ""  # the words a person reads for the value ("" when it had none)


@dataclass
class ObjectAsOf:
    label: str
    existed: bool
    state: str
    state_label: str


@dataclass
class CaseAsOf:
    moment: dt.datetime
    existed: bool
    state: str
    state_label: str
    fields: list[FieldAsOf]
    related: list[ObjectAsOf]
    events: list
    letters: list
    attachments: list


def _state_at(object_type: str, events, moment) -> tuple[bool, str]:
    before = [e for e in events if e.occurred_at <= moment]
    if not before:
        return False, ""
    state = INITIAL_STATE.get(object_type, "")
    for ev in before:
        if ev.to_state and ev.object_type == object_type:
            state = ev.to_state
    return True, state


@dataclass
class _Moved:
    """A move the expiry night recorded in its batch's event (``removal.batch``, ADR 0007), read as
    the object's own transition: the entry's removal, or an execution's lift."""
    occurred_at: dt.datetime
    object_type: str
    to_state: str
    action: str = ""
    changes: dict = field(default_factory=dict)


def _batch_moves(case: AuditCase, by_chain: dict) -> tuple[list[_Moved], dict[int, _Moved]]:
    """The entry's removal and its executions' lifts recorded by the removal batch of the case's entry."""
    from .timeline import removal_row

    removal, lifts = [], {}
    for info in case.chains:
        if info.role != "removal":
            continue
        for ev in by_chain.get(info.chain, []):
            row = removal_row(ev, case.entry)
            if row is None:
                continue
            reason = ((ev.changes or {}).get("removal_reason") or [None, ""])[1]
            removal.append(_Moved(ev.occurred_at, "cases.listentry", ev.to_state, "entry.remove",
                                  {"removal_reason": ["", reason]}))
            for execution_id, _before in row.get("lifted") or []:
                lifts[int(execution_id)] = _Moved(ev.occurred_at, "cases.measureexecution", "LIFT_PENDING")
    return removal, lifts


def _set_by(ev, name: str, obj) -> tuple[bool, object]:
    """Whether ``ev`` gave ``name`` a value, and which: a change old → new, else its action's rule."""
    change = ev.changes.get(name) if isinstance(ev.changes, dict) else None
    if isinstance(change, list) and len(change) == 2:
        return True, change[1]
    rule = SETS.get(ev.action, {}).get(name)
    return (True, rule(ev, obj)) if rule is not None else (False, None)


def _field_at(obj, model_field, own: list, moment: dt.datetime) -> tuple[object, bool]:
    """The value of a field at ``moment`` from the object's own events, and whether a later event set it."""
    name = model_field.name
    if name in SET_BY_ACTION:
        value = None if model_field.null else model_field.get_default()
    else:
        # Given at filing and changed only old → new: before the first later change, its old value.
        later = (ev.changes[name] for ev in own if ev.occurred_at > moment and isinstance(ev.changes, dict)
                 and isinstance(ev.changes.get(name), list) and len(ev.changes[name]) == 2)
        first_later = next(later, None)
        value = first_later[0] if first_later is not None else getattr(obj, name)
    value, changed_after = normalise(value), False
    for ev in own:  # in the order they happened: those at or before the moment first
        done, new = _set_by(ev, name, obj)
        if not done:
            continue
        if ev.occurred_at <= moment:
            value = normalise(new)
        elif normalise(new) != value:
            changed_after = True
    return value, changed_after


def case_as_of(case: AuditCase, moment: dt.datetime, events: list) -> CaseAsOf:
    """``events``: every event of the case's chains (``selectors.case_events``), in order."""
    by_chain: dict[str, list] = {}
    for ev in events:
        by_chain.setdefault(ev.chain, []).append(ev)
    own_type = case.obj._meta.label_lower
    own = by_chain.get(case.own_chain, [])
    # An imported entry exists from its import batch's event on (ADR 0005), as a draft.
    born = [e for info in case.chains if info.role == "import" and case.kind == "entry"
            for e in by_chain.get(info.chain, [])]
    # An entry the expiry night removed: its removal and its executions' lifts are its batch's event (ADR 0007).
    removal, lifts = _batch_moves(case, by_chain)
    if case.kind == "entry":
        own = sorted([*own, *removal], key=lambda e: e.occurred_at)
    existed, state = _state_at(own_type, sorted(born + own, key=lambda e: e.occurred_at), moment)
    fields = []
    for name in FIELDS[case.kind]:
        try:
            model_field = case.obj._meta.get_field(name)
        except FieldDoesNotExist:
            continue
        value, changed = _field_at(case.obj, model_field, own, moment)
        fields.append(FieldAsOf(name, field_label(own_type, name), value, changed,
                                value_label(own_type, name, value)))
    related = []
    for info in case.chains[1:]:
        chain = by_chain.get(info.chain, [])
        if info.role == "execution" and info.obj.pk in lifts:
            chain = sorted([*chain, lifts[info.obj.pk]], key=lambda e: e.occurred_at)
        elif info.role == "entry":
            chain = sorted([*chain, *removal], key=lambda e: e.occurred_at)
        obj_existed, obj_state = _state_at(info.obj._meta.label_lower, chain, moment)
        # A batch's event moves entries (ADR 0005, 0007): its state reads as an entry's.
        labelled_as = "cases.listentry" if info.role in ("import", "removal") else info.obj._meta.label_lower
        related.append(ObjectAsOf(chain_label(info, case), obj_existed, obj_state, state_label(labelled_as, obj_state)))
    letters = [e for e in events if e.occurred_at <= moment and e.action in ("letter.signed", "letter.rendered")]
    uploads = [e for e in own if e.occurred_at <= moment and e.action == "attachments.add"]
    attachments = [item for ev in uploads for item in ((ev.changes or {}).get("attachments") or [None, []])[1] or []]
    return CaseAsOf(moment=moment, existed=existed, state=state, state_label=state_label(own_type, state),
                    fields=fields, related=related, events=[e for e in events if e.occurred_at <= moment],
                    letters=letters, attachments=attachments)


# --- verification ----------------------------------------------------------------------------------------
@dataclass
class ChainCheck:
    chain: str
    label: str
    events: int
    head_seq: int
    anchored_seq: int = 0
    anchor_id: int | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        if self.problems:
            return "broken"
        return "anchored" if self.anchored_seq >= self.head_seq else "pending"


@dataclass
class FileCheck:
    kind: str  # letter | attachment
    name: str
    recorded_sha256: str
    actual_sha256: str
    attested_by: tuple | None  # (chain, seq) of the event that recorded the hash

    @property
    def ok(self) -> bool:
        return bool(self.attested_by) and self.recorded_sha256 == self.actual_sha256


@dataclass
class CaseVerification:
    checked_at: dt.datetime
    chains: list[ChainCheck]
    anchors: list[dict]
    files: list[FileCheck]
    problems: list[str]

    @property
    def ok(self) -> bool:
        return not self.problems and all(not c.problems for c in self.chains) and all(f.ok for f in self.files)

    @property
    def events(self) -> int:
        return sum(c.events for c in self.chains)


def _sha_of(fieldfile) -> str:
    digest = hashlib.sha256()
    with fieldfile.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def case_letters(case: AuditCase):
    return list(letters_of_cases(case.chain_names)
                .exclude(pdf="").exclude(status__in=[LetterStatus.PENDING, LetterStatus.FAILED]).order_by("pk"))


def case_attachments(case: AuditCase):
    return list(Attachment.objects.filter(object_type=case.obj._meta.label_lower, object_id=case.obj.pk).order_by("pk"))


def letter_attestation(letter, events) -> tuple | None:
    for ev in events:
        if ev.action in ("letter.signed", "letter.rendered") and ev.object_id == str(letter.pk):
            sha = (ev.changes or {}).get("sha256")
            if isinstance(sha, list) and len(sha) == 2:
                return (ev.chain, ev.seq, sha[1])
    return None


def attachment_attestation(attachment, events) -> tuple | None:
    for ev in events:
        if ev.action == "attachments.add":
            items = ((ev.changes or {}).get("attachments") or [None, []])[1] or []
            for item in items:
                if isinstance(item, dict) and item.get("sha256") == attachment.sha256:
                    return (ev.chain, ev.seq, item["sha256"])
    return None


def case_verification(case: AuditCase) -> CaseVerification:
    """Every event of the case's chains recomputed and linked (``verify.verify``), each chain's head,
    the anchors that cover them (hash, link to the anchor before, the recorded head is the event of
    the chain), and every stored letter and attachment against the hash its audit event recorded."""
    names = case.chain_names
    report = verify(chains=names)
    events = chain_events(names)
    by_key = {(e.chain, e.seq): e for e in events}
    heads = chain_heads(names)
    labels = {info.chain: chain_label(info, case) for info in case.chains}
    checks = {}
    for name in names:
        head = heads.get(name)
        checks[name] = ChainCheck(name, labels[name], sum(1 for e in events if e.chain == name),
                                  head.seq if head else 0)
    for problem in report.problems:
        checks.setdefault(problem.chain, ChainCheck(problem.chain, problem.chain, 0, 0)).problems.append(str(problem))

    first = min((e.occurred_at for e in events), default=None)
    anchors = []
    for anchor in covering_anchors(names, since=first):
        ok = anchor_hash(prev_hash=anchor.prev_hash, created_at=anchor.created_at, heads=anchor.heads) == anchor.hash
        before = AuditAnchor.objects.filter(id__lt=anchor.id).order_by("-id").values_list("hash", flat=True).first()
        linked = anchor.prev_hash == (before or "0" * 64)
        covered = []
        for chain, seq, digest in anchor.heads:
            if chain not in checks:
                continue
            event = by_key.get((chain, seq))
            if event is None or event.hash != digest:
                checks[chain].problems.append(f"anchor #{anchor.id} records {chain}#{seq} {digest[:16]}…, "
                                              "which is not the event in the chain")
            elif ok and linked:
                if seq >= checks[chain].anchored_seq:
                    checks[chain].anchored_seq, checks[chain].anchor_id = seq, anchor.id
            covered.append((chain, seq))
        if not ok:
            checks[names[0]].problems.append(f"anchor #{anchor.id} does not match its hash")
        if not linked:
            checks[names[0]].problems.append(f"anchor #{anchor.id} does not follow the anchor before it")
        anchors.append({"id": anchor.id, "created_at": anchor.created_at, "hash": anchor.hash, "ok": ok,
                        "linked": linked, "covers": covered})

    files = []
    for letter in case_letters(case):
        att = letter_attestation(letter, events)
        files.append(FileCheck("letter", letter.document_number or letter.title, att[2] if att else "",
                               _sha_of(letter.pdf), att[:2] if att else None))
    for attachment in case_attachments(case):
        att = attachment_attestation(attachment, events)
        files.append(FileCheck("attachment", attachment.original_name, att[2] if att else "",
                               _sha_of(attachment.file), att[:2] if att else None))
    return CaseVerification(checked_at=timezone.now(), chains=list(checks.values()), anchors=anchors, files=files,
                            problems=[])
