"""Measure execution feedback (执行反馈) reported in bulk by an implementing unit (issue 8 item 4)."""

from __future__ import annotations

import datetime as dt

import pytest

from cases.audit.models import AuditEvent
from cases.models import ImportJob, MeasureExecution
from cases.services import entries as svc

pytestmark = pytest.mark.django_db
X = MeasureExecution.State
COLUMNS = "execution_id,entry_id,measure,outcome,note,reason,applied_on\n"


@pytest.fixture
def active(province):
    p = province
    entry = svc.entry_draft(actor=p["officer"], list_type=p["blacklist"], subject=p["subject"],
                            facts="拖欠税款逾期未缴", reasons="符合认定标准")
    svc.entry_send_notice(actor=p["officer"], entry=entry, on=dt.date(2026, 2, 16))
    svc.entry_receive_statement(actor=p["officer"], entry=entry, statement="请求从轻")
    svc.entry_decide(actor=p["leader"], entry=entry, decision_date=dt.date(2026, 3, 2), dating_reason="纸质决定书补录")
    svc.entry_publish(actor=p["officer"], entry=entry)
    return entry


def test_applied_and_not_applied_go_through_the_services_and_close_the_tasks(province, tokens, submit, active):
    from workflow.models import WorkItem

    p = province
    mandatory_a = active.executions.get(measure=p["mandatory"], unit=p["impl_a"])
    recommended_a = active.executions.get(measure=p["recommended"], unit=p["impl_a"])
    mandatory_b = active.executions.get(measure=p["mandatory"], unit=p["impl_b"])
    body = COLUMNS + "\n".join([
        f",{active.pk},{p['mandatory'].code},APPLIED,已限制其参与政府采购,,2026-03-10",  # line 2
        f"{recommended_a.pk},,,NOT_APPLIED,,本单位本月无相关审批事项,",  # line 3
        f"{mandatory_b.pk},,,APPLIED,已执行,,",  # line 4: another unit's execution
        f"{mandatory_a.pk},,,NOT_APPLIED,,不适用,",  # line 5: same execution, contradicting
        f",{active.pk},,APPLIED,x,,",  # line 6: measure missing
        f"{recommended_a.pk},,,MAYBE,,,",  # line 7
    ]) + "\n"
    response = submit(tokens["impl_a"], body.encode(), kind="feedback")
    assert response.status_code == 202, response.json()
    job = ImportJob.objects.get(pk=response.json()["id"])
    assert (job.state, job.updated_count, job.error_count) == ("DONE", 2, 4)
    assert [(e.line, e.field, e.code) for e in job.row_errors.order_by("line")] == [
        (4, "execution_id", "execution_not_found"), (5, "outcome", "execution_state"),
        (6, "measure", "required"), (7, "outcome", "invalid_outcome")]
    mandatory_a.refresh_from_db()
    recommended_a.refresh_from_db()
    mandatory_b.refresh_from_db()
    assert (mandatory_a.state, mandatory_a.applied_at.date()) == (X.APPLIED, dt.date(2026, 3, 10))
    assert (recommended_a.state, recommended_a.not_applied_reason) == (X.NOT_APPLIED, "本单位本月无相关审批事项")
    assert mandatory_b.state == X.PUSHED  # untouched: not impl_a's
    for execution in (mandatory_a, recommended_a):
        assert not WorkItem.objects.filter(object_type="cases.measureexecution", object_id=execution.pk,
                                           is_open=True).exists()
    actor = tokens["impl_a_token"].user
    assert AuditEvent.objects.filter(chain=f"cases.measureexecution:{mandatory_a.pk}", action="execution.apply",
                                     actor=actor, actor_unit=p["impl_a"]).exists()

    again = ImportJob.objects.get(pk=submit(tokens["impl_a"], body.encode(), kind="feedback").json()["id"])
    assert (again.updated_count, again.unchanged_count) == (0, 2)


def test_a_mandatory_measure_cannot_be_reported_as_not_applied(province, tokens, submit, active):
    p = province
    mandatory_a = active.executions.get(measure=p["mandatory"], unit=p["impl_a"])
    body = COLUMNS + f"{mandatory_a.pk},,,NOT_APPLIED,,不适用,\n"
    job = ImportJob.objects.get(pk=submit(tokens["impl_a"], body.encode(), kind="feedback").json()["id"])
    assert [(e.line, e.code) for e in job.row_errors.all()] == [(2, "measure_mandatory")]
    mandatory_a.refresh_from_db()
    assert mandatory_a.state == X.PUSHED
