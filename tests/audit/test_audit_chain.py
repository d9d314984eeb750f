"""The audit trail is append-only and hash-chained; audit_verify names tampered rows."""

import io

import pytest
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction

from cases.audit.models import AppendOnlyError, AuditChainHead, AuditEvent
from cases.audit.services import audit_anchor, audit_record
from cases.audit.verify import verify

# Counts every row of the audit trail or the rules: without the session's seeded catalogue.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("pristine_database")]


def _record_some(chains=("cases.subject:1", "cases.subject:2"), per_chain=3):
    events = []
    for chain in chains:
        for i in range(per_chain):
            events.append(
                audit_record(
                    action="test.step",
                    chain=chain,
                    object_type="cases.subject",
                    object_id=chain.rsplit(":", 1)[1],
                    from_state=f"S{i}",
                    to_state=f"S{i + 1}",
                    changes={"name": [f"旧名{i}", f"新名{i}"]},
                    reason=f"第{i}步",
                )
            )
    return events


def _tamper(sql, params=()):
    """Change rows behind the system's back, as an attacker with table ownership would."""
    with connection.cursor() as cur:
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")  # flush Django's deferred FK checks first
        cur.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only")
        cur.execute(sql, params)
        cur.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER audit_event_append_only")


def _run_verify():
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("audit_verify", stdout=out, stderr=err)
        code = 0
    except SystemExit as exc:
        code = exc.code
    return code, out.getvalue(), err.getvalue()


def test_chain_links_each_event_to_the_previous_one():
    events = _record_some(chains=("c:1",), per_chain=3)
    assert [e.seq for e in events] == [1, 2, 3]
    assert events[1].prev_hash == events[0].hash
    assert events[2].prev_hash == events[1].hash
    assert AuditChainHead.objects.get(chain="c:1").hash == events[2].hash


def test_audit_verify_passes_on_untouched_data_with_anchors():
    _record_some()
    assert audit_anchor() is not None
    _record_some(chains=("cases.subject:3",))
    code, out, _ = _run_verify()
    assert code == 0
    assert "OK: 9 events in 3 chains and 1 anchors verified" in out


def test_altered_row_is_named_by_audit_verify():
    events = _record_some()
    victim = events[1]
    _tamper("UPDATE audit_auditevent SET reason = %s WHERE id = %s", ["改过的理由", victim.id])
    code, _, err = _run_verify()
    assert code == 1
    assert f"altered: chain {victim.chain} seq {victim.seq} row id={victim.id}" in err


def test_deleted_row_in_the_middle_is_named_by_audit_verify():
    events = _record_some()
    victim = events[1]
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [victim.id])
    code, _, err = _run_verify()
    assert code == 1
    assert f"removed: chain {victim.chain} seq {victim.seq}" in err
    assert victim.hash in err  # the successor still remembers the missing event's hash


def test_deleted_tail_is_detected_by_the_chain_head():
    events = _record_some(chains=("c:9",))
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    report = verify()
    assert not report.ok
    assert report.problems[0].kind == "removed" and report.problems[0].seq == 3


def test_deleted_tail_with_a_forged_head_is_caught_by_the_anchor():
    events = _record_some(chains=("c:7",))
    audit_anchor()
    _tamper("DELETE FROM audit_auditevent WHERE id = %s", [events[-1].id])
    AuditChainHead.objects.filter(chain="c:7").update(seq=2, hash=events[1].hash)
    report = verify()
    assert [p.kind for p in report.problems] == ["removed"]
    assert "anchored event" in report.problems[0].detail


def test_reordered_rows_are_detected():
    events = _record_some(chains=("c:5",))
    a, b = events[0], events[1]
    _tamper("UPDATE audit_auditevent SET seq = 100 WHERE id = %s", [a.id])
    _tamper("UPDATE audit_auditevent SET seq = 1 WHERE id = %s", [b.id])
    _tamper("UPDATE audit_auditevent SET seq = 2 WHERE id = %s", [a.id])
    report = verify()
    assert not report.ok
    assert {p.kind for p in report.problems} >= {"altered"}


def test_update_and_delete_through_the_orm_are_refused():
    event = _record_some(chains=("c:3",), per_chain=1)[0]
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(pk=event.pk).update(reason="x")
    with pytest.raises(AppendOnlyError):
        event.reason = "x"
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()


def test_database_trigger_refuses_update_and_delete_even_past_the_model():
    event = _record_some(chains=("c:4",), per_chain=1)[0]
    plain = models.QuerySet(model=AuditEvent)  # bypasses the append-only manager
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            plain.filter(pk=event.pk).update(reason="x")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic():
            plain.filter(pk=event.pk).delete()
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cur:
            cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cur.execute("SET LOCAL credit.audit_maintenance = 'off'")
            cur.execute("TRUNCATE audit_auditevent CASCADE")
    assert AuditEvent.objects.get(pk=event.pk).reason == "第0步"


def test_changes_are_stored_exactly_as_hashed():
    import datetime as dt

    event = audit_record(
        action="x", chain="c:6", object_type="t", object_id=6,
        changes={"due": [dt.date(2026, 10, 8), None], "数额": [1, 2.5]},
    )
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.changes == {"due": ["2026-10-08", None], "数额": [1, 2.5]}
    assert verify(chains=["c:6"]).ok


def test_beat_anchors_the_audit_chains_periodically():
    from django.conf import settings

    from config.celery import app

    app.loader.import_default_modules()  # what a worker or beat does at start: autodiscover tasks
    entry = settings.CELERY_BEAT_SCHEDULE["audit-anchor"]
    assert entry["task"] in app.tasks
    _record_some(chains=("c:8",), per_chain=2)
    anchor_id = app.tasks[entry["task"]].delay().get()
    assert anchor_id is not None and verify().ok
