"""The embedded default's demo cases put work in every role's queue, through the services."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from cases.models import ListEntry, ObjectionCase
from workflow.selectors import task_queue

pytestmark = pytest.mark.django_db


def steps_for(username):
    return sorted(t.work.step for t in task_queue(user=get_user_model().objects.get(username=username)))


def test_demo_cases_give_each_role_work_and_load_once():
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    assert set(ListEntry.objects.values_list("state", flat=True)) == {"DRAFT", "UNDER_REVIEW", "ACTIVE"}
    # 拉萨市税务局 lists (notice, decision, red-list publication) and implements the AMR entry's measures.
    assert steps_for("ls-tax-leader") == ["decision", "prior_notice", "publication", "respond"]
    assert "acceptance" in steps_for("ls-platform-officer")
    assert "respond" in steps_for("ls-finance-officer") or "respond" in steps_for("ls-housing-officer")
    assert ObjectionCase.objects.get().state == "SUBMITTED"
    out = io.StringIO()
    call_command("load_demo_cases", stdout=out)
    assert "already" in out.getvalue() and ListEntry.objects.count() == 4
