"""Anchors leave the database: to the platform through the outbox (``audit.anchor``), and as a signed
file beside every backup; ``audit_verify --anchors FILE`` names a chain rewritten together with its
in-database anchors, which the database alone cannot (issue 17 item 6; docs/adr/0006)."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection

from cases.audit.hashing import GENESIS, anchor_hash, event_hash, event_payload_of
from cases.audit.models import AuditAnchor, AuditEvent
from cases.audit.services import audit_anchor, audit_record
from cases.audit.verify import verify
from notifications.models import Delivery, OutboxEvent

# Counts every row of the audit trail or the rules: without the session's seeded catalogue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pristine_database")]

KEY = "k" * 8 + "0123456789abcdef0123456789abcdef"
CHAIN = "cases.subject:501"


@pytest.fixture(autouse=True)
def _anchor_key(settings):
    settings.AUDIT_ANCHOR_KEY = KEY
    settings.PLATFORM_WEBHOOK_URL = ""


def _history():
    """Two chains, anchored twice: the rewrite below touches an event covered by the first anchor."""
    for chain in (CHAIN, "cases.subject:502"):
        for i in range(3):
            audit_record(action="test.step", chain=chain, object_type="cases.subject", object_id=chain[-3:],
                         to_state=f"S{i}", reason=f"第{i}步")
    first = audit_anchor()
    audit_record(action="test.step", chain=CHAIN, object_type="cases.subject", object_id=501, reason="第3步")
    return first, audit_anchor()


def _export(tmp_path, name="anchors.json"):
    path = tmp_path / name
    call_command("audit_anchors_export", out=str(path), stderr=io.StringIO())
    return path


def _verify(path):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", anchors=str(path), stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def _rewrite_chain_and_its_anchors(chain, seq, reason):
    """What an attacker who can write the database does: change an event, recompute every later hash
    of its chain, its head, and every anchor from the first that covers it. Returns (old, new) hash."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cur.execute("ALTER TABLE audit_auditanchor DISABLE TRIGGER audit_anchor_append_only")
        renamed, prev = {}, None
        for event in AuditEvent.objects.filter(chain=chain, seq__gte=seq).order_by("seq"):
            if event.seq == seq:
                event.reason, prev = reason, event.prev_hash
            event.prev_hash = prev
            new = event_hash(event_payload_of(event))
            renamed[event.hash] = new
            cur.execute("UPDATE audit_auditevent SET reason = %s, prev_hash = %s, hash = %s WHERE id = %s",
                        [event.reason, event.prev_hash, new, event.id])
            prev = new
        cur.execute("UPDATE audit_auditchainhead SET hash = %s WHERE chain = %s", [prev, chain])
        prev_anchor = GENESIS
        for anchor in AuditAnchor.objects.order_by("id"):
            heads = [[c, s, renamed.get(h, h)] for c, s, h in anchor.heads]
            new = anchor_hash(prev_hash=prev_anchor, created_at=anchor.created_at, heads=heads)
            cur.execute("UPDATE audit_auditanchor SET prev_hash = %s, heads = %s, hash = %s WHERE id = %s",
                        [prev_anchor, json.dumps(heads), new, anchor.id])
            prev_anchor = new
        cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")
        cur.execute("ALTER TABLE audit_auditanchor ENABLE TRIGGER audit_anchor_append_only")
    original = next(iter(renamed))
    return original, renamed[original]


def test_an_untouched_chain_passes_against_its_external_anchors(tmp_path):
    _history()
    path = _export(tmp_path)
    document = json.loads(path.read_text())
    assert document["format"] == "credit-audit-anchors/1" and len(document["anchors"]) == 2
    assert document["signature"]["alg"] == "HMAC-SHA256"
    code, out, err = _verify(path)
    assert code == 0, err
    assert "External anchors" in out and "2 anchors and 3 chain positions match" in out


def test_a_chain_rewritten_with_its_anchors_is_named_by_the_external_copy(tmp_path):
    _history()
    path = _export(tmp_path)
    old, new = _rewrite_chain_and_its_anchors(CHAIN, 2, "从未发生的理由")
    # The database agrees with itself again: the in-database anchors alone see nothing.
    assert verify().ok

    code, _out, err = _verify(path)
    assert code == 1
    assert f"chain {CHAIN} seq 3" in err, err  # the position the first anchor recorded
    assert AuditEvent.objects.get(chain=CHAIN, seq=2).hash == new != old
    first_anchor = json.loads(path.read_text())["anchors"][0]
    expected = dict(((c, s), h) for c, s, h in first_anchor["payload"]["heads"])[(CHAIN, 3)]
    found = AuditEvent.objects.get(chain=CHAIN, seq=3).hash
    assert f"expected hash {expected}" in err and f"found {found}: the chain was rewritten" in err
    assert f"anchor id={first_anchor['id']}: expected hash {first_anchor['hash']}" in err
    assert "the anchor was rewritten" in err
    assert "cases.subject:502" not in err, "the untouched chain is not blamed"


def test_an_anchor_file_with_a_bad_signature_is_refused_before_anything_is_checked(tmp_path, settings):
    _history()
    path = _export(tmp_path)
    document = json.loads(path.read_text())
    # A forger rewrites the file to fit a rewritten database, without the key.
    document["anchors"][0]["hash"] = "0" * 64
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(document))
    code, out, err = _verify(forged)
    assert code == 2 and "REFUSED" in err and "signature does not verify" in err and not out

    settings.AUDIT_ANCHOR_KEY = "another-key-" + "x" * 32
    code, _out, err = _verify(path)
    assert code == 2 and "signed with another key" in err

    unsigned = tmp_path / "unsigned.json"
    unsigned.write_text(json.dumps({k: v for k, v in json.loads(path.read_text()).items() if k != "signature"}))
    settings.AUDIT_ANCHOR_KEY = KEY
    code, _out, err = _verify(unsigned)
    assert code == 2 and "not signed" in err


def test_an_anchor_removed_from_the_database_is_named(tmp_path):
    _history()
    path = _export(tmp_path)
    with connection.cursor() as cur:
        cur.execute("ALTER TABLE audit_auditanchor DISABLE TRIGGER audit_anchor_append_only")
        cur.execute("DELETE FROM audit_auditanchor WHERE id = (SELECT max(id) FROM audit_auditanchor)")
        cur.execute("ALTER TABLE audit_auditanchor ENABLE TRIGGER audit_anchor_append_only")
    code, _out, err = _verify(path)
    assert code == 1 and "found no such anchor in the database" in err


def test_each_anchor_goes_to_the_platform_through_the_outbox(settings):
    settings.PLATFORM_WEBHOOK_URL = "http://platform.invalid/events"
    first, second = _history()
    events = OutboxEvent.objects.filter(kind="audit.anchor").order_by("id")
    assert [e.source for e in events] == [f"anchor:{first.pk}", f"anchor:{second.pk}"]
    sent = events[0].payload["anchor"]
    assert sent["id"] == first.pk and sent["hash"] == first.hash
    assert sent["payload"]["prev"] == GENESIS and [CHAIN, 3, first.heads[0][2]] in sent["payload"]["heads"]
    assert Delivery.objects.filter(event=events[0], channel=Delivery.Channel.PLATFORM).exists()
