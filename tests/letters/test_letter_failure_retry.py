"""A failed render keeps its number, says why, and a retry issues it under the same number."""

import pytest

from cases.audit.models import AuditEvent
from cases.errors import Conflict
from cases.models import StaffProfile
from letter_tools import make_staff, make_unit
from letters import pki, rendering, services
from letters.models import Letter

pytestmark = pytest.mark.django_db


def _retry(django_capture_on_commit_callbacks, letter, actor):
    with django_capture_on_commit_callbacks(execute=True):
        services.letter_retry(actor=actor, letter=letter)
    letter.refresh_from_db()
    return letter


def test_render_failure_keeps_the_number_with_status_failed_and_the_reason(issue, monkeypatch):
    def broken(letter):
        raise OSError("font cache unavailable")

    monkeypatch.setattr(rendering, "render_letter", broken)

    letter = issue("LISTING_DECISION")

    assert letter.status == Letter.Status.FAILED
    assert letter.number == 1 and letter.document_number.endswith("〕1号")
    assert "render" in letter.failure_reason and "font cache unavailable" in letter.failure_reason
    assert not letter.pdf and letter.sha256 == ""
    failed = AuditEvent.objects.get(chain=letter.case_chain, action="letter.failed")
    assert "font cache unavailable" in failed.reason


def test_retry_after_a_render_failure_issues_the_letter_under_the_same_number(
    issue, monkeypatch, officer, django_capture_on_commit_callbacks
):
    real = rendering.render_letter
    monkeypatch.setattr(rendering, "render_letter", lambda letter: (_ for _ in ()).throw(OSError("disk full")))
    letter = issue("LISTING_DECISION")
    number = letter.document_number
    monkeypatch.setattr(rendering, "render_letter", real)

    letter = _retry(django_capture_on_commit_callbacks, letter, officer)

    assert letter.status == Letter.Status.ISSUED
    assert letter.document_number == number and letter.number == 1
    assert letter.sha256 and letter.attempts == 2 and letter.failure_reason == ""
    actions = list(AuditEvent.objects.filter(chain=letter.case_chain).values_list("action", flat=True))
    assert actions == ["letter.issued", "letter.failed", "letter.retried", "letter.signed"]


def test_missing_signing_key_fails_at_the_sign_stage_and_retry_succeeds_once_keys_exist(
    issue, region, officer, django_capture_on_commit_callbacks
):
    keyless = make_unit(region, code="ls-new", name="拉萨市新设局", prefix="拉新", with_key=False)
    clerk = make_staff(keyless, "clerk", StaffProfile.Role.OFFICER)
    letter = issue("REPAIR_ACCEPTED", unit=keyless, actor=clerk)

    assert letter.status == Letter.Status.FAILED
    assert letter.failure_reason.startswith("sign: SigningError") and "letters_demo_ca" in letter.failure_reason

    ca, _ = pki.ensure_demo_ca()
    pki.issue_unit_credentials(ca, unit_code=keyless.code, unit_name=keyless.name)
    letter = _retry(django_capture_on_commit_callbacks, letter, clerk)

    assert letter.status == Letter.Status.ISSUED and letter.number == 1


def test_an_issued_letter_cannot_be_retried(issue, officer):
    letter = issue("LISTING_DECISION")

    with pytest.raises(Conflict):
        services.letter_retry(actor=officer, letter=letter)


def test_the_task_is_idempotent_for_a_letter_already_issued(issue):
    letter = issue("LISTING_DECISION")

    again = services.letter_produce(letter_id=letter.pk)

    assert again.sha256 == letter.sha256
    assert AuditEvent.objects.filter(chain=letter.case_chain, action="letter.signed").count() == 1


def test_a_letter_whose_production_task_was_lost_is_produced_by_the_sweep(officer, unit, subject, settings):
    """The broker was down at commit: the letter stays PENDING until the beat sweep enqueues it again."""
    import datetime as dt

    from django.utils import timezone

    from letter_contexts import addressee_for, contexts
    from letters.tasks import letters_sweep_pending_task

    # No on-commit callbacks run here: the production task is "lost".
    letter = services.letter_issue(actor=officer, unit=unit, letter_type="PRIOR_NOTICE", subject=subject,
                                   case_chain="cases.listentry:9", case_ref="LB-2026-0009",
                                   context=contexts()["PRIOR_NOTICE"],
                                   addressee=addressee_for("PRIOR_NOTICE", subject, unit))
    assert letter.status == Letter.Status.PENDING
    assert letters_sweep_pending_task.apply().get() == 0, "a fresh letter is still within the grace period"

    Letter.objects.filter(pk=letter.pk).update(created_at=timezone.now() - dt.timedelta(seconds=601))
    assert letters_sweep_pending_task.apply().get() == 1
    letter.refresh_from_db()
    assert letter.status == Letter.Status.ISSUED and letter.sha256
    assert letters_sweep_pending_task.apply().get() == 0, "an issued letter is never produced again"
