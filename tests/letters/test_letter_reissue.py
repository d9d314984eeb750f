"""A reissue makes a new letter in the same case; the old one is kept and marked superseded."""

import pytest

from cases.audit.models import AuditEvent
from cases.errors import Conflict, ValidationFailed
from letter_contexts import contexts
from letter_tools import pdf_bytes
from letters import services
from letters.models import Letter

pytestmark = pytest.mark.django_db


def _reissue(django_capture_on_commit_callbacks, **kwargs):
    with django_capture_on_commit_callbacks(execute=True):
        new = services.letter_reissue(**kwargs)
    new.refresh_from_db()
    return new


def test_reissue_supersedes_the_old_letter_and_keeps_it(issue, officer, django_capture_on_commit_callbacks):
    old = issue("LISTING_DECISION", case_chain="cases.listentry:5", case_ref="LB-5")
    old_pdf = pdf_bytes(old)
    corrected = contexts()["LISTING_DECISION"] | {"validity": "三年（自2026年3月6日至2029年3月5日）"}

    new = _reissue(django_capture_on_commit_callbacks, actor=officer, letter=old,
                   reason="有效期起算日期有误", context=corrected)
    old.refresh_from_db()

    assert old.status == Letter.Status.SUPERSEDED and old.superseded_reason == "有效期起算日期有误"
    assert pdf_bytes(old) == old_pdf  # kept, unchanged
    assert new.status == Letter.Status.ISSUED and new.supersedes == old
    assert (new.case_chain, new.case_ref, new.subject, new.unit) == (old.case_chain, old.case_ref, old.subject, old.unit)
    assert new.number == old.number + 1
    assert new.context["validity"].startswith("三年（自2026年3月6日")
    superseded = AuditEvent.objects.get(chain="cases.listentry:5", action="letter.superseded")
    assert superseded.reason == "有效期起算日期有误"
    assert superseded.changes["superseded_by"] == [None, new.document_number]


def test_reissue_without_new_content_repeats_the_old_content(issue, officer, django_capture_on_commit_callbacks):
    old = issue("PRIOR_NOTICE")

    new = _reissue(django_capture_on_commit_callbacks, actor=officer, letter=old, reason="送达地址变更，重新送达")

    assert new.context == old.context


def test_a_superseded_letter_cannot_be_reissued_again(issue, officer, django_capture_on_commit_callbacks):
    old = issue("LISTING_DECISION")
    _reissue(django_capture_on_commit_callbacks, actor=officer, letter=old, reason="更正")

    with pytest.raises(Conflict):
        services.letter_reissue(actor=officer, letter=old, reason="再次更正")


def test_reissue_needs_a_reason(issue, officer):
    old = issue("LISTING_DECISION")

    with pytest.raises(ValidationFailed) as err:
        services.letter_reissue(actor=officer, letter=old, reason="  ")

    assert "reason" in err.value.fields
