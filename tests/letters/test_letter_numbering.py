"""Document numbers: per unit, letter type and year; gapless and unique under concurrency."""

import threading

import pytest
from django.db import connection, transaction
from django.utils import timezone

from letter_contexts import contexts
from letters import services
from letters.models import Letter
from letters.numbering import format_document_number
from tests.factories import UnitFactory

YEAR = timezone.localdate().year


def _issue_without_rendering(monkeypatch, **kwargs):
    monkeypatch.setattr(services, "_schedule_production", lambda letter: None)
    defaults = dict(
        actor=None, letter_type="LISTING_DECISION", case_chain="cases.listentry:1", case_ref="LB-1",
        context=contexts()["LISTING_DECISION"], addressee="西藏雪域高原建筑工程有限公司",
    )
    return services.letter_issue(**(defaults | kwargs))


def test_number_reads_prefix_marker_year_in_hexagonal_brackets_and_sequence():
    assert format_document_number(prefix="拉发改信用", marker="决", year=2026, number=12) == "拉发改信用决〔2026〕12号"


@pytest.mark.django_db
def test_numbers_run_per_unit_and_type_and_types_never_collide(monkeypatch, unit, other_unit, subject):
    first = _issue_without_rendering(monkeypatch, unit=unit, subject=subject)
    second = _issue_without_rendering(monkeypatch, unit=unit, subject=subject)
    notice = _issue_without_rendering(monkeypatch, unit=unit, subject=subject, letter_type="PRIOR_NOTICE",
                                      context=contexts()["PRIOR_NOTICE"])
    elsewhere = _issue_without_rendering(monkeypatch, unit=other_unit, subject=subject)

    assert (first.number, second.number) == (1, 2)
    assert first.document_number == f"拉发改信用决〔{YEAR}〕1号"
    assert second.document_number == f"拉发改信用决〔{YEAR}〕2号"
    assert notice.number == 1 and notice.document_number == f"拉发改信用告〔{YEAR}〕1号"
    assert elsewhere.number == 1 and elsewhere.document_number == f"拉人社信用决〔{YEAR}〕1号"


@pytest.mark.django_db
def test_a_rolled_back_case_step_does_not_burn_a_number(monkeypatch, unit, subject):
    with pytest.raises(RuntimeError), transaction.atomic():
        _issue_without_rendering(monkeypatch, unit=unit, subject=subject)
        raise RuntimeError("the case step failed after issuing its letter")

    letter = _issue_without_rendering(monkeypatch, unit=unit, subject=subject)

    assert letter.number == 1


@pytest.mark.django_db(transaction=True)
def test_fifty_concurrent_requests_get_fifty_distinct_consecutive_numbers(monkeypatch, region, subject):
    unit = UnitFactory(code="ls-xyb", name="拉萨市信用办", short_name="信用办", region=region, document_prefix="拉信用")
    monkeypatch.setattr(services, "_schedule_production", lambda letter: None)
    barrier = threading.Barrier(50)
    numbers, errors = [], []
    lock = threading.Lock()

    def request_letter():
        try:
            barrier.wait(timeout=30)
            with transaction.atomic():  # the calling case step's transaction
                letter = services.letter_issue(
                    actor=None, unit=unit, letter_type="LISTING_DECISION", subject=subject,
                    case_chain="cases.listentry:9", case_ref="LB-9", context=contexts()["LISTING_DECISION"],
                    addressee=subject.name,
                )
            with lock:
                numbers.append(letter.number)
        except Exception as exc:  # noqa: BLE001 - reported below
            with lock:
                errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=request_letter) for _ in range(50)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    assert errors == []
    assert sorted(numbers) == list(range(1, 51))
    stored = list(Letter.objects.filter(unit=unit).values_list("document_number", flat=True))
    assert len(set(stored)) == 50
