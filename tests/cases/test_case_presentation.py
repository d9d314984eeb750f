"""One presentation of a filed case (cases.presentation): in each state the right step is current,
passed steps carry their dates, the current step its legal deadline and the time left from the
countdown (deadlines.countdown), and the words are the reader's language."""

import datetime as dt

import pytest
from django.utils import timezone, translation

from cases.models import ObjectionCase, RepairCase
from cases.presentation import present
from deadlines.calendar import ChinaCalendar
from deadlines.countdown import CountdownClock

pytestmark = pytest.mark.django_db  # the session seeds the catalogue; these tests read no row
O, R = ObjectionCase.State, RepairCase.State
D = dt.date
TODAY = D(2026, 12, 1)  # a Tuesday
CLOCK = CountdownClock(TODAY, ChinaCalendar())
FILED = timezone.make_aware(dt.datetime(2026, 11, 30, 9, 30))
WORKING = {"unit": "WORKING_DAYS"}
CALENDAR = {"unit": "CALENDAR_DAYS"}


def objection(state, **fields):
    fields.setdefault("deadlines", {"acceptance": WORKING, "verification": CALENDAR})
    return ObjectionCase(state=state, filed_at=FILED, acceptance_due=D(2026, 12, 2), **fields)


def repair(state, **fields):
    fields.setdefault("deadlines", {"acceptance": WORKING, "decision": WORKING})
    return RepairCase(state=state, filed_at=FILED, acceptance_due=D(2026, 12, 3), decision_due=D(2026, 12, 14),
                      **fields)


def statuses(p):
    return [(s.key, s.status) for s in p.steps]


def test_a_new_objection_is_at_acceptance_with_its_deadline_and_the_working_days_left():
    p = present(objection(O.SUBMITTED), clock=CLOCK)
    assert statuses(p) == [("filed", "done"), ("acceptance", "current"), ("verification", "upcoming"),
                           ("approval", "upcoming"), ("closed", "upcoming")]
    assert p.steps[0].date == D(2026, 11, 30)
    current = p.current_step
    assert current.due == D(2026, 12, 2) and current.countdown.days_left == 1
    assert current.countdown.unit == "WORKING_DAYS"
    assert p.countdown.days_left == 1 and p.deadline_step == "acceptance"
    assert "2026-12-02" in p.next_text


def test_the_objection_steps_read_in_chinese_and_in_english():
    case = objection(O.SUBMITTED)
    assert [s.label for s in present(case, clock=CLOCK).steps] == ["提交", "受理", "核查", "审批", "办结"]
    assert present(case, clock=CLOCK).status_text == "已收到，正在进行受理审查。"
    with translation.override("en"):
        p = present(case, clock=CLOCK)
        assert [s.label for s in p.steps] == ["Submission", "Acceptance", "Verification", "Approval", "Completion"]
        assert p.status_text == "Received; the acceptance check is under way."
        assert p.next_text.startswith("The accepting unit decides by 2026-12-02")
        assert p.current_step.countdown.label == "Working days left: 1"


def test_an_objection_being_verified_shows_acceptance_passed_and_the_verification_deadline():
    p = present(objection(O.VERIFYING, accepted_on=D(2026, 12, 1), verification_due=D(2026, 12, 21)), clock=CLOCK)
    assert statuses(p)[:3] == [("filed", "done"), ("acceptance", "done"), ("verification", "current")]
    assert p.steps[1].date == D(2026, 12, 1)
    assert p.current_step.due == D(2026, 12, 21) and p.current_step.countdown.days_left == 20
    assert p.current_step.countdown.unit == "CALENDAR_DAYS"
    assert "2026-12-21" in p.next_text


def test_a_concluded_objection_awaits_approval_under_the_verification_deadline():
    p = present(objection(O.CONCLUDED, accepted_on=D(2026, 12, 1), verification_due=D(2026, 12, 21)), clock=CLOCK)
    assert p.current_step.key == "approval" and p.current_step.due == D(2026, 12, 21)
    assert p.steps[2].status == "done"


def test_a_closed_objection_has_every_step_passed_and_no_countdown():
    closed = timezone.make_aware(dt.datetime(2026, 12, 18, 23, 30))  # late evening, Beijing
    p = present(objection(O.CLOSED, accepted_on=D(2026, 12, 1), closed_at=closed), clock=CLOCK)
    assert [s.status for s in p.steps] == ["done"] * 5
    assert p.steps[-1].date == D(2026, 12, 18) and p.current_step is None
    assert not p.countdown.shown and p.next_text == "本案已办结，不再有后续步骤。"


def test_a_paused_objection_stays_at_acceptance_with_the_clock_stopped():
    case = objection(O.NEEDS_SUPPLEMENT, pauses=[{"start": "2026-12-01"}])
    p = present(case, clock=CLOCK)
    assert p.current_step.key == "acceptance" and p.current_step.countdown.paused
    assert p.current_step.countdown.label == "已暂停（剩余 1 个工作日）"


def test_an_objection_not_accepted_ends_at_acceptance_and_reaches_nothing_after():
    closed = timezone.make_aware(dt.datetime(2026, 12, 2, 10))
    p = present(objection(O.NOT_ACCEPTED, closed_at=closed), clock=CLOCK)
    assert statuses(p) == [("filed", "done"), ("acceptance", "ended"), ("verification", "not_reached"),
                           ("approval", "not_reached"), ("closed", "not_reached")]
    assert p.steps[1].note == "不予受理" and p.steps[1].date == D(2026, 12, 2)


def test_an_objection_withdrawn_during_verification_ends_there():
    closed = timezone.make_aware(dt.datetime(2026, 12, 5, 10))
    p = present(objection(O.WITHDRAWN, accepted_on=D(2026, 12, 1), closed_at=closed), clock=CLOCK)
    assert statuses(p)[1:3] == [("acceptance", "done"), ("verification", "ended")]
    assert p.steps[2].note == "已撤回"


@pytest.mark.parametrize(("state", "current"), [
    (R.SUBMITTED, "acceptance"), (R.NEEDS_SUPPLEMENT, "acceptance"), (R.ACCEPTED, "review"),
    (R.REVIEWING, "decision"), (R.APPROVED, "closed"),
])
def test_each_open_repair_state_has_its_step_current(state, current):
    fields = {"accepted_on": D(2026, 12, 1)} if state not in (R.SUBMITTED, R.NEEDS_SUPPLEMENT) else {}
    if state == R.APPROVED:
        fields["decided_on"] = D(2026, 12, 10)
    p = present(repair(state, **fields), clock=CLOCK)
    assert p.current_step.key == current


def test_the_repair_steps_follow_the_repair_procedure_in_both_languages():
    case = repair(R.ACCEPTED, accepted_on=D(2026, 12, 1))
    p = present(case, clock=CLOCK)
    assert [s.label for s in p.steps] == ["提交", "受理", "审核", "决定", "办结"]
    # The review runs under the decision deadline: 10 working days of applying.
    assert p.current_step.due == D(2026, 12, 14) and p.current_step.countdown.days_left == 9
    assert p.steps[3].status == "upcoming" and p.steps[3].due == D(2026, 12, 14)
    with translation.override("en"):
        p = present(case, clock=CLOCK)
        assert [s.label for s in p.steps] == ["Submission", "Acceptance", "Review", "Decision", "Completion"]
        assert p.next_text == ("The listing unit reviews your application; you will have the decision by "
                               "2026-12-14.")


def test_a_rejected_repair_is_complete_on_the_day_of_the_decision():
    p = present(repair(R.REJECTED, accepted_on=D(2026, 12, 1), decided_on=D(2026, 12, 10)), clock=CLOCK)
    assert p.steps[3] .status == "done" and p.steps[3].date == D(2026, 12, 10)
    assert p.steps[4].status == "done" and p.steps[4].date == D(2026, 12, 10)
    assert "决定书" in p.next_text


def test_the_api_and_the_presentation_give_the_same_countdown():
    from cases.countdowns import case_countdown

    case = repair(R.SUBMITTED)
    assert present(case, clock=CLOCK).countdown == case_countdown(case, CLOCK)


def test_the_deadline_after_acceptance_is_the_verification_or_the_decision():
    from cases.presentation import deadline_after_acceptance

    assert deadline_after_acceptance(objection(O.VERIFYING, verification_due=D(2026, 12, 21))) == D(2026, 12, 21)
    assert deadline_after_acceptance(repair(R.ACCEPTED)) == D(2026, 12, 14)
