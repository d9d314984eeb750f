"""Who may issue, and what content each letter type needs from its case."""

import pytest

from cases.errors import Forbidden, ValidationFailed
from cases.models import StaffProfile
from letter_contexts import contexts
from letter_tools import make_staff
from letters import services
from letters.models import Letter

pytestmark = pytest.mark.django_db


def _issue(**kwargs):
    defaults = dict(letter_type="LISTING_DECISION", case_chain="cases.listentry:1", case_ref="LB-1",
                    context=contexts()["LISTING_DECISION"], addressee="西藏雪域高原建筑工程有限公司")
    return services.letter_issue(**(defaults | kwargs))


def test_missing_content_is_named_field_by_field(officer, unit, subject):
    content = contexts()["VERIFICATION_NOTICE"]
    del content["evidence"]
    content["reply_deadline"] = ""

    with pytest.raises(ValidationFailed) as err:
        _issue(actor=officer, unit=unit, subject=subject, letter_type="VERIFICATION_NOTICE", context=content)

    assert set(err.value.fields) == {"context.evidence", "context.reply_deadline"}
    assert not Letter.objects.exists()


def test_unknown_objection_outcome_is_refused(officer, unit, subject):
    content = contexts()["OBJECTION_RESULT"] | {"outcome": "MAYBE"}

    with pytest.raises(ValidationFailed) as err:
        _issue(actor=officer, unit=unit, subject=subject, letter_type="OBJECTION_RESULT", context=content)

    assert "context.outcome" in err.value.fields


def test_unknown_letter_type_is_refused(officer, unit, subject):
    with pytest.raises(ValidationFailed) as err:
        _issue(actor=officer, unit=unit, subject=subject, letter_type="LOVE_LETTER")

    assert "letter_type" in err.value.fields


def test_officer_of_another_unit_may_not_issue(unit, other_unit, subject):
    stranger = make_staff(other_unit, "stranger", StaffProfile.Role.OFFICER)

    with pytest.raises(Forbidden):
        _issue(actor=stranger, unit=unit, subject=subject)


def test_auditor_of_the_unit_may_not_issue(unit, subject):
    auditor = make_staff(unit, "auditor", StaffProfile.Role.AUDITOR)

    with pytest.raises(Forbidden):
        _issue(actor=auditor, unit=unit, subject=subject)


def test_leader_may_issue_and_the_case_chain_records_who(unit, subject):
    from cases.audit.models import AuditEvent

    leader = make_staff(unit, "leader", StaffProfile.Role.LEADER)

    letter = _issue(actor=leader, unit=unit, subject=subject, case_chain="cases.listentry:3")

    event = AuditEvent.objects.get(chain="cases.listentry:3", action="letter.issued")
    assert event.actor == leader and event.actor_unit == unit
    assert event.changes["document_number"] == [None, letter.document_number]
    assert letter.status == Letter.Status.PENDING  # rendering waits for the commit
