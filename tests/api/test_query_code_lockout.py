"""A few wrong query codes lock that case number's code checks for a while, whatever the client's
address (issue 17, item 3): objections and repairs, the public API and the portal page. The count
lives in PostgreSQL, is claimed atomically, resets on a right code, and a number without a case
locks exactly like one with a case."""

import datetime as dt
import io
import logging
import random
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.utils import timezone
from pypdf import PdfWriter
from rest_framework.test import APIClient

from cases.models import ListEntry, ObjectionCase, QueryCodeLockout
from cases.services import code_checks
from cases.services.objections import objection_file
from cases.services.repairs import repair_file
from tests.workflow.test_listing_through_the_api import list_through_api

LIMIT = 5  # QUERY_CODE_FAILURE_LIMIT's default


def _pdf(name: str) -> SimpleUploadedFile:
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def _address() -> str:
    return f"198.51.100.{random.randint(1, 254)}"


def visitor(language="zh-hans") -> APIClient:
    """A visitor that comes from a different address, with a different spoofed header, every request."""
    client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
    original = client.request

    def request(**kwargs):
        kwargs.update(REMOTE_ADDR=_address(), HTTP_X_FORWARDED_FOR=f"{_address()}, {_address()}")
        return original(**kwargs)

    client.request = request
    return client


@pytest.fixture
def entry(province, as_user):
    """A blacklist entry decided on 2 June 2025: listed, and old enough to repair."""
    return ListEntry.objects.get(pk=list_through_api(province, as_user, served_on="2025-05-06",
                                                     decision_date="2025-06-02")["id"])


@pytest.fixture
def objection(entry):
    case, code = objection_file(channel="PORTAL", entry=entry, grounds="欠薪金额有误，已全部支付完毕",
                                applicant_name="张三", applicant_contact="13800000000")
    return {"number": case.number, "code": code, "url": f"/api/v1/public/objections/{case.number}/"}


@pytest.fixture
def repair(entry):
    case, code = repair_file(channel="PORTAL", entry=entry, performance="已足额缴纳欠缴税款及滞纳金",
                             applicant_name="张三", applicant_contact="zhangsan@example.cn",
                             proof=[_pdf("完税证明.pdf")], commitment=[_pdf("信用承诺书.pdf")])
    return {"number": case.number, "code": code, "url": f"/api/v1/public/repairs/{case.number}/"}


def _wrong(client, url, times):
    return [client.get(url, {"code": f"WRONG{i:03d}"}).status_code for i in range(times)]


def test_five_wrong_codes_lock_the_case_even_for_the_right_code_from_any_address(objection):
    client = visitor()
    assert _wrong(client, objection["url"], LIMIT - 1) == [404] * (LIMIT - 1)
    locking = client.get(objection["url"], {"code": "WRONG999"})
    assert locking.status_code == 429
    right = client.get(objection["url"], {"code": objection["code"]})
    assert right.status_code == 429, "the right code is refused while the number is locked"
    body = right.json()
    assert body["code"] == "query_code_locked" and body["message"] == "该案件编号的查询码验证已暂停。"
    advice = body["fields"]["code"][0]
    until = timezone.localtime(dt.datetime.fromisoformat(body["locked_until"]))
    assert advice["code"] == "query_code_locked"
    assert f"{until:%Y-%m-%d %H:%M}" in advice["message"] and "受理窗口或受理单位" in advice["message"]
    assert dt.timedelta(minutes=29) < until - timezone.now() <= dt.timedelta(minutes=30)
    assert 29 * 60 < int(right["Retry-After"]) <= 30 * 60 and body["retry_after"] == int(right["Retry-After"])


def test_the_lock_ends_by_itself_after_the_lockout_period(objection):
    client = visitor()
    _wrong(client, objection["url"], LIMIT)
    assert client.get(objection["url"], {"code": objection["code"]}).status_code == 429
    QueryCodeLockout.objects.filter(number=objection["number"]).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1))  # 30 minutes later
    assert client.get(objection["url"], {"code": objection["code"]}).status_code == 200
    assert not QueryCodeLockout.objects.filter(number=objection["number"]).exists(), "a right code resets"


def test_a_right_code_resets_the_count(objection):
    client = visitor()
    assert _wrong(client, objection["url"], LIMIT - 1) == [404] * (LIMIT - 1)
    assert client.get(objection["url"], {"code": objection["code"].lower()}).status_code == 200
    assert _wrong(client, objection["url"], LIMIT - 1) == [404] * (LIMIT - 1)
    assert client.get(objection["url"], {"code": objection["code"]}).status_code == 200


def test_the_check_that_reaches_the_limit_with_the_right_code_passes(objection):
    client = visitor()
    _wrong(client, objection["url"], LIMIT - 1)
    assert client.get(objection["url"], {"code": objection["code"]}).status_code == 200


def test_a_number_without_a_case_locks_exactly_like_a_real_one(objection):
    """The answers to a guesser are the same for a filed number and an unused one: the lockout
    tells nothing about whether a case exists."""
    client = visitor("en")
    unused = f"YY-{timezone.localdate():%Y}-999999"

    def answers(url):
        out = []
        for i in range(LIMIT + 1):
            response = client.get(url, {"code": f"WRONG{i:03d}"})
            out.append((response.status_code, response.json()["code"], response.json()["message"]))
        return out

    assert answers(objection["url"]) == answers(f"/api/v1/public/objections/{unused}/")
    assert answers(f"/api/v1/public/objections/{unused}/")[-1][:2] == (429, "query_code_locked")


def test_the_repair_twin_locks_and_says_so_in_english(repair):
    client = visitor("en")
    assert _wrong(client, repair["url"], LIMIT)[-1] == 429
    response = client.post(repair["url"] + "chase-up/", {"code": repair["code"], "note": "x"}, format="json")
    assert response.status_code == 429
    body = response.json()
    assert body["message"] == "Query code checks for this case number are paused."
    assert "accepting window or unit can help" in body["fields"]["code"][0]["message"]
    assert "(Beijing time)" in body["fields"]["code"][0]["message"]


def test_letters_of_a_locked_case_cannot_be_fetched_with_the_code_either(objection):
    client = visitor()
    _wrong(client, objection["url"], LIMIT)
    assert client.get(objection["url"] + "letters/1/pdf/", {"code": objection["code"]}).status_code == 429


def test_the_portal_page_says_when_checks_resume_and_who_can_help(objection, repair):
    page = Client(HTTP_ACCEPT_LANGUAGE="zh-hans")
    for case in (objection, repair):
        statuses = []
        for i in range(LIMIT):
            statuses.append(page.post("/portal/follow/", {"number": case["number"], "code": f"WRONG{i:03d}"},
                                      REMOTE_ADDR=_address()).status_code)
        assert statuses == [404] * (LIMIT - 1) + [429]
        right = page.post("/portal/follow/", {"number": case["number"], "code": case["code"]}, REMOTE_ADDR=_address())
        assert right.status_code == 429
        html = right.content.decode()
        until = timezone.localtime(QueryCodeLockout.objects.get(number=case["number"]).locked_until)
        assert "验证已暂停至" in html and f"{until:%Y-%m-%d %H:%M}" in html
        assert "受理窗口或受理单位" in html
        # The API refuses the same number: one count for every way in.
        assert APIClient().get(case["url"], {"code": case["code"]}).status_code == 429


def test_an_administrator_unlocks_a_number_at_once(objection, capsys):
    client = visitor()
    _wrong(client, objection["url"], LIMIT)
    call_command("query_code_unlock", objection["number"].lower())
    assert f"{objection['number']}: unlocked" in capsys.readouterr().out
    assert client.get(objection["url"], {"code": objection["code"]}).status_code == 200


def test_each_lockout_is_logged(objection, caplog):
    client = visitor()
    with caplog.at_level(logging.WARNING, logger="cases.code_checks"):
        _wrong(client, objection["url"], LIMIT + 3)
    locked = [r for r in caplog.records if r.getMessage() == "query code checks locked"]
    assert len(locked) == 1 and locked[0].case_number == objection["number"]


def test_old_counts_are_pruned_and_running_lockouts_kept(db):
    now = timezone.now()
    old = now - dt.timedelta(days=2)
    QueryCodeLockout.objects.create(number="YY-2026-000001", failures=2, window_started_at=old, updated_at=old)
    QueryCodeLockout.objects.create(number="YY-2026-000002", failures=7, window_started_at=old, updated_at=old,
                                    locked_until=now + dt.timedelta(minutes=5))
    QueryCodeLockout.objects.create(number="YY-2026-000003", failures=1, window_started_at=now, updated_at=now)
    assert code_checks.code_lockouts_prune() == 1
    assert set(QueryCodeLockout.objects.values_list("number", flat=True)) == {"YY-2026-000002", "YY-2026-000003"}


def test_a_count_older_than_the_window_starts_again(objection):
    client = visitor()
    _wrong(client, objection["url"], LIMIT - 1)
    QueryCodeLockout.objects.filter(number=objection["number"]).update(
        window_started_at=timezone.now() - dt.timedelta(minutes=31))
    assert _wrong(client, objection["url"], LIMIT - 1) == [404] * (LIMIT - 1)
    assert QueryCodeLockout.objects.get(number=objection["number"]).failures == LIMIT - 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_guesses_cannot_slip_past_the_limit():
    """Twelve checks at once for one number: exactly five are compared, the rest refused."""
    number = "YY-2026-424242"
    allowed, refused, barrier = [], [], threading.Barrier(12)

    def guess():
        try:
            barrier.wait()
            try:
                allowed.append(code_checks.attempt_claim(number))
            except code_checks.CodeChecksLocked:
                refused.append(1)
        finally:
            connection.close()

    threads = [threading.Thread(target=guess) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(allowed) == list(range(1, LIMIT + 1)) and len(refused) == 12 - LIMIT
    assert QueryCodeLockout.objects.get(number=number).locked_until > timezone.now()
    assert not ObjectionCase.objects.filter(number=number).exists()
