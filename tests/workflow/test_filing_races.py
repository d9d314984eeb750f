"""Two identical filings at the same moment (a double click, two tabs) file one objection; the
other gets the clear 400 a repeated objection gets, never a second case."""

import pytest

from cases.audit.verify import verify
from cases.models import ListEntry, ObjectionCase

from .test_listing_through_the_api import list_through_api
from .test_objections import file_on_portal
from .test_task_races import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def test_two_identical_objections_filed_at_once_make_one_case(province, as_user):
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    responses = run_together(*(lambda: file_on_portal(province, entry, grounds="处罚金额有误") for _ in range(2)))
    codes = sorted(r.status_code for r in responses)
    assert codes == [201, 400], [r.json() for r in responses]
    loser = next(r for r in responses if r.status_code == 400).json()
    assert loser["code"] == "duplicate_objection"
    assert ObjectionCase.objects.filter(entry=entry).count() == 1
    assert verify().ok
