"""Shared steps of the credit repair tests: an entry old enough to repair, filing on the portal,
and walking the repair tasks through the queue."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from cases.models import ListEntry
from tests.pdfs import minimal_pdf

from .test_listing_through_the_api import complete, list_through_api, queue

PDF = minimal_pdf("proof of performance")


@pytest.fixture
def repairable(province, as_user):
    """A severe-tier blacklist entry decided on 2 June 2025: its 12-month minimum has passed."""
    entry = list_through_api(province, as_user, served_on="2025-05-06", decision_date="2025-06-02")
    return ListEntry.objects.get(pk=entry["id"])


@pytest.fixture
def recent(province, as_user):
    """A severe-tier blacklist entry decided on 29 September 2026: too recent to repair."""
    entry = list_through_api(province, as_user)
    return ListEntry.objects.get(pk=entry["id"])


def pdf(name="完税证明.pdf"):
    return SimpleUploadedFile(name, PDF, "application/pdf")


def file_repair(entry, *, proof=True, commitment=True, subject=None, **extra):
    data = {"subject": subject or entry.subject.identifier, "entry": entry.pk,
            "performance": "已足额缴纳欠缴税款及滞纳金，违法行为已纠正", "applicant_name": "张三",
            "applicant_contact": "13800000000", **extra}
    if proof:
        data["proof"] = [pdf()]
    if commitment:
        data["commitment"] = [pdf("信用承诺书（已签字）.pdf")]
    return APIClient().post("/api/v1/public/repairs/", data, format="multipart")


def filed(entry, **kwargs) -> dict:
    response = file_repair(entry, **kwargs)
    assert response.status_code == 201, response.json()
    return response.json()


def step(client, name):
    tasks = queue(client, case_type="REPAIR", step=name)
    assert len(tasks) == 1, tasks
    return tasks[0]


def accept(province, as_user):
    officer = as_user(province["officer"])
    complete(officer, step(officer, "acceptance")["id"], {"accept": True})


def propose(province, as_user, proposal="APPROVE", findings="已足额缴纳，经核实无误"):
    officer = as_user(province["officer"])
    complete(officer, step(officer, "review")["id"], {"action": "PROPOSE", "proposal": proposal, "findings": findings})


def decide(province, as_user, decision="APPROVE", expect=200, **data):
    leader = as_user(province["leader"])
    return complete(leader, step(leader, "decision")["id"], {"decision": decision, **data}, expect=expect)


def approve_through_queue(province, as_user):
    accept(province, as_user)
    propose(province, as_user)
    decide(province, as_user)
