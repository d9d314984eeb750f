"""The auditor sees the past as it was (issue 18): an objection and a credit repair are walked through
every step with the clock pinned at each, and the "case as of" view, asked between every pair of
steps, shows exactly the state and the fields the case (and its entry) had then. Nothing written
later shows early (findings concluded at 06:55 are not there at 06:54), nothing done earlier is
missing, and the Chinese page reads in Chinese."""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from cases.audit.console.history import FIELDS, case_as_of
from cases.audit.console.timeline import value_label
from cases.audit.hashing import normalise
from cases.audit.selectors import case_events, case_for
from cases.models import ListEntry, ObjectionCase, RepairCase
from tests.pdfs import minimal_pdf
from tests.workflow.repair_helpers import file_repair, step
from tests.workflow.test_listing_through_the_api import complete, list_through_api, queue
from tests.workflow.test_objections import accept_via_queue, file_on_portal

pytestmark = pytest.mark.django_db
BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")
PDF = minimal_pdf("supplementary material")
MODELS = {"entry": ListEntry, "objection": ObjectionCase, "repair": RepairCase}
TYPES = {kind: model._meta.label_lower for kind, model in MODELS.items()}
ROW = re.compile(r'<tr data-field="(\w+)"><th scope="row">(.*?)</th><td[^>]*>(.*?)</td>', re.S)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 12, day, hour, minute, tzinfo=BEIJING)


def _empty(value):
    return None if value in (None, "", {}, []) else value


class Walk:
    """Steps taken at pinned moments. After each step, every shown field of each followed object
    as its row holds it then: what the as-of view must show for any moment until the next step."""

    def __init__(self):
        self.steps: list[tuple[str, dt.datetime, dict]] = []
        self.followed: dict[str, int] = {}

    def follow(self, kind: str, pk: int) -> None:
        """Follow an object from the step that made it (the last one taken) on."""
        self.followed[kind] = pk
        self.steps[-1][2][kind] = self._row(kind, pk)

    def step(self, name: str, moment: dt.datetime, do) -> None:
        with time_machine.travel(moment, tick=False):
            do()
        self.steps.append((name, moment, {kind: self._row(kind, pk) for kind, pk in self.followed.items()}))

    @staticmethod
    def _row(kind: str, pk: int) -> dict:
        obj = MODELS[kind].objects.get(pk=pk)
        return {"state": obj.state, **{f: normalise(getattr(obj, f)) for f in FIELDS[kind] if hasattr(obj, f)}}

    def moments(self):
        """(after which step, a moment before the next step, the rows then): one minute before each
        next step, and an hour after the last."""
        for i, (name, moment, rows) in enumerate(self.steps):
            following = self.steps[i + 1][1] - dt.timedelta(minutes=1) if i + 1 < len(self.steps) \
                else moment + dt.timedelta(hours=1)
            yield name, following, rows


def check_every_moment(walk: Walk, auditor, kinds: tuple[str, ...]) -> int:
    """The selector's reconstruction and the zh page, at every moment, against the rows then."""
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(auditor)
    checked = 0
    for kind in kinds:
        pk = walk.followed[kind]
        case = case_for(user=auditor, kind=kind, pk=pk)
        events = case_events(case)
        for name, moment, rows in walk.moments():
            then = rows.get(kind)
            if then is None:
                continue
            where = f"{kind} as of {moment:%Y-%m-%d %H:%M} (after {name})"
            state = case_as_of(case, moment, events)
            assert state.existed and state.state == then["state"], where
            shown = {f.name: f for f in state.fields}
            assert set(shown) == {f for f in FIELDS[kind] if f in then}, where
            with translation.override("zh-hans"):
                for field, value in then.items():
                    if field == "state":
                        continue
                    assert _empty(shown[field].value) == _empty(value), f"{where}: {field}"
                    assert shown[field].shown == value_label(TYPES[kind], field, value), f"{where}: {field}"
                expected = {f: value_label(TYPES[kind], f, v) or "—" for f, v in then.items() if f != "state"}
            page = client.get(f"/audit/{kind}/{pk}/as-of/", {"at": f"{moment.astimezone(BEIJING):%Y-%m-%dT%H:%M}"})
            assert page.status_code == 200, where
            text = page.content.decode()
            assert f'data-state="{then["state"]}"' in text, where
            on_page = {field: html.unescape(value) for field, _label, value in ROW.findall(text)}
            assert on_page == expected, where
            checked += 1
    return checked


def check_not_yet(kind: str, pk: int, auditor, moment: dt.datetime) -> None:
    case = case_for(user=auditor, kind=kind, pk=pk)
    assert not case_as_of(case, moment, case_events(case)).existed


# --- an objection: filed, supplement asked and received, chased up, accepted, extended, concluded,
# approved and closed ---------------------------------------------------------------------------------
def walk_objection(province, as_user) -> tuple[Walk, dict]:
    officer, leader = as_user(province["officer"]), as_user(province["leader"])
    walk, case = Walk(), {}
    walk.step("listed", at(1, 10), lambda: case.update(entry=list_through_api(province, as_user)["id"]))
    walk.follow("entry", case["entry"])

    def file():
        body = file_on_portal(province, ListEntry.objects.get(pk=case["entry"])).json()
        case.update(number=body["number"], code=body["query_code"],
                    pk=ObjectionCase.objects.get(number=body["number"]).pk)

    walk.step("filed", at(2, 9), file)
    walk.follow("objection", case["pk"])
    walk.step("supplement requested", at(2, 15), lambda: _ok(officer.post(
        f"/api/v1/objections/{case['pk']}/supplement-request/", {"materials": ["身份证明复印件"]}, format="json")))
    walk.step("supplement received", at(3, 10), lambda: _ok(APIClient().post(
        f"/api/v1/public/objections/{case['number']}/supplement/",
        {"code": case["code"], "note": "补交身份证明", "attachments": [SimpleUploadedFile("身份证明.pdf", PDF,
                                                                                     "application/pdf")]},
        format="multipart")))
    walk.step("chased up", at(3, 16), lambda: _ok(APIClient().post(
        f"/api/v1/public/objections/{case['number']}/chase-up/", {"code": case["code"], "note": "请尽快处理"},
        format="json")))
    walk.step("accepted", at(4, 6), lambda: accept_via_queue(province, as_user, case["number"]))
    walk.step("extended", at(4, 6, 30), lambda: _ok(leader.post(
        f"/api/v1/objections/{case['pk']}/extend/", {"days": 10, "reason": "需调取原始缴款凭证"}, format="json")))
    walk.step("concluded", at(4, 6, 55), lambda: complete(
        officer, queue(officer, case_type="OBJECTION", step="verification")[0]["id"],
        {"outcome": "UPHELD", "findings": "经核查，欠薪金额与原始凭证一致，信息准确"}))
    walk.step("approved and closed", at(4, 11), lambda: complete(
        leader, queue(leader, case_type="OBJECTION", step="approval")[0]["id"], {"approve": True}))
    return walk, case


def _ok(response):
    assert response.status_code in (200, 201), response.json()
    return response


def test_the_objection_as_of_every_step_shows_what_was_then(province, as_user):
    walk, case = walk_objection(province, as_user)
    auditor = province["auditor"]
    check_not_yet("objection", case["pk"], auditor, at(2, 8, 59))
    assert check_every_moment(walk, auditor, ("objection", "entry")) == 2 * len(walk.steps) - 1
    # The defect as reported: as of 06:54 the findings written at 06:55 are not there.
    objection = case_for(user=auditor, kind="objection", pk=case["pk"])
    events = case_events(objection)
    before = {f.name: f for f in case_as_of(objection, at(4, 6, 54), events).fields}
    after = {f.name: f for f in case_as_of(objection, at(4, 6, 56), events).fields}
    assert before["findings"].value == "" and before["findings"].changed_after
    assert before["outcome"].value == "" and before["accepted_on"].value == "2026-12-04"
    assert after["findings"].value == "经核查，欠薪金额与原始凭证一致，信息准确" and after["outcome"].value == "UPHELD"
    assert after["closed_at"].value is None
    # And the entry: suspended while the objection was verified, in force again once it closed.
    entry = case_for(user=auditor, kind="entry", pk=case["entry"])
    entry_events = case_events(entry)
    assert case_as_of(entry, at(4, 6, 54), entry_events).state == ListEntry.State.SUSPENDED
    assert case_as_of(entry, at(4, 12), entry_events).state == ListEntry.State.ACTIVE


def test_the_chinese_as_of_page_says_every_field_and_value_in_chinese(province, as_user):
    walk, case = walk_objection(province, as_user)
    client = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    client.force_login(province["auditor"])
    for moment in (at(2, 16), at(4, 12)):
        text = client.get(f"/audit/objection/{case['pk']}/as-of/",
                          {"at": f"{moment:%Y-%m-%dT%H:%M}"}).content.decode()
        rows = ROW.findall(text)
        assert rows
        for field, label, value in rows:
            assert not re.search("[A-Za-z]", label), f"{field}: {label}"
            assert not re.search("[A-Za-z]", html.unescape(value)), f"{field}: {value}"
    for english in ("supplement requested on", "supplement received on", "closed at", ">CONTENT<", "UPHELD"):
        assert english not in text


# --- a credit repair: filed, supplement asked and received, accepted, performance verified by another
# unit, proposed, approved, and closed when the last implementing unit confirmed its lift --------------
def test_the_repair_as_of_every_step_shows_what_was_then(province, as_user):
    officer, officer_a = as_user(province["officer"]), as_user(province["officer_a"])
    walk, case = Walk(), {}
    walk.step("listed", at(1, 10), lambda: case.update(entry=list_through_api(
        province, as_user, served_on="2025-05-06", decision_date="2025-06-02")["id"]))
    walk.follow("entry", case["entry"])

    def file():
        response = file_repair(ListEntry.objects.get(pk=case["entry"]))
        body = _ok(response).json()
        case.update(number=body["number"], code=body["query_code"],
                    pk=RepairCase.objects.get(number=body["number"]).pk)

    walk.step("filed", at(7, 9), file)
    walk.follow("repair", case["pk"])
    walk.step("supplement requested", at(7, 14), lambda: _ok(officer.post(
        f"/api/v1/repairs/{case['pk']}/supplement-request/", {"materials": ["完税证明原件扫描件"]}, format="json")))
    walk.step("supplement received", at(8, 10), lambda: _ok(APIClient().post(
        f"/api/v1/public/repairs/{case['number']}/material/",
        {"code": case["code"], "note": "补交完税证明", "attachments": [SimpleUploadedFile("完税证明.pdf", PDF,
                                                                                     "application/pdf")]},
        format="multipart")))
    walk.step("accepted", at(8, 15), lambda: complete(officer, step(officer, "acceptance")["id"], {"accept": True}))
    walk.step("verification requested", at(9, 9), lambda: complete(officer, step(officer, "review")["id"], {
        "action": "VERIFY", "verification_unit": province["impl_a"].code, "request": "请核实是否已缴清税款"}))
    walk.step("verification reported", at(9, 15), lambda: complete(
        officer_a, step(officer_a, "performance_check")["id"], {"performed": True, "findings": "经核实已缴清"}))
    walk.step("proposed", at(10, 9), lambda: complete(officer, step(officer, "review")["id"], {
        "action": "PROPOSE", "proposal": "APPROVE", "findings": "已足额缴纳，经核实无误"}))
    leader = as_user(province["leader"])
    walk.step("approved", at(10, 15), lambda: complete(leader, step(leader, "decision")["id"], {"decision": "APPROVE"}))

    def confirm_lifts(who):
        client = as_user(province[who])
        for task in queue(client, step="lift"):
            complete(client, task["id"])

    walk.step("lifts of one unit confirmed", at(11, 10), lambda: confirm_lifts("officer_a"))
    walk.step("lifts of the other confirmed, closed", at(11, 11), lambda: confirm_lifts("officer_b"))
    assert RepairCase.objects.get(pk=case["pk"]).state == RepairCase.State.CLOSED

    auditor = province["auditor"]
    check_not_yet("repair", case["pk"], auditor, at(7, 8, 59))
    assert check_every_moment(walk, auditor, ("repair", "entry")) == 2 * len(walk.steps) - 1
    repair = case_for(user=auditor, kind="repair", pk=case["pk"])
    events = case_events(repair)
    reviewed = {f.name: f.value for f in case_as_of(repair, at(9, 14, 59), events).fields}
    assert reviewed["verification_request"] == "请核实是否已缴清税款"
    assert reviewed["verification_findings"] == "" and reviewed["verification_performed"] is None
    approved = {f.name: f.value for f in case_as_of(repair, at(10, 16), events).fields}
    assert approved["decided_on"] == "2026-12-10" and approved["closed_at"] is None
