"""The auditors' console pages: finding cases, the timeline, the case as of a date, the chain
verification, scope (404 outside it) and who may enter (auditors only)."""

import datetime as dt

import pytest
from django.test import Client

from cases.audit.console.history import case_as_of, case_verification
from cases.audit.selectors import FinderQuery, case_events, case_for, find_cases
from cases.models import MeasureExecution

from .console_fixtures import (  # noqa: F401
    CORRECTED_AT, FACTS_AFTER, FACTS_BEFORE, LISTED_AT, OBJECTION_AT, history, world,
)

pytestmark = pytest.mark.django_db


def client_for(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def refs(page):
    return [row.reference for row in page.rows]


# --- the finder -------------------------------------------------------------------------------------
def test_the_finder_finds_a_case_by_number_subject_code_name_unit_type_and_dates(history):
    auditor, entry, objection = history["city_auditor"], history["entry"], history["objection"]
    entry_ref = f"MD-{LISTED_AT:%Y}-{entry.pk:06d}"
    assert refs(find_cases(user=auditor, query=FinderQuery(q=objection.number))) == [objection.number]
    assert refs(find_cases(user=auditor, query=FinderQuery(q=entry_ref.lower()))) == [entry_ref]
    by_code = find_cases(user=auditor, query=FinderQuery(q=entry.subject.identifier))
    assert refs(by_code) == [objection.number, entry_ref]  # newest first
    by_name = find_cases(user=auditor, query=FinderQuery(q=entry.subject.name[2:8], kind="objection"))
    assert refs(by_name) == [objection.number]
    by_unit = find_cases(user=auditor, query=FinderQuery(unit=history["listing"], kind="entry"))
    assert refs(by_unit) == [entry_ref]
    march = find_cases(user=auditor, query=FinderQuery(date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 31)))
    assert entry_ref in refs(march) and objection.number not in refs(march)
    assert refs(find_cases(user=auditor, query=FinderQuery(list_type=history["red"]))) == []


def test_the_finder_pages_without_counting(history):
    page = find_cases(user=history["city_auditor"], query=FinderQuery(page=1))
    assert len(page.rows) == 2 and not page.has_next
    assert find_cases(user=history["city_auditor"], query=FinderQuery(page=2)).rows == []


def test_the_finder_page_in_chinese_and_english(history):
    zh = client_for(history["city_auditor"]).get("/audit/", {"q": history["objection"].number})
    assert zh.status_code == 200
    text = zh.content.decode()
    assert "审计" in text and history["objection"].number in text and "异议" in text
    en = client_for(history["city_auditor"], "en").get("/audit/", {"q": history["objection"].number})
    assert "Auditors' console" in en.content.decode() and "Objection" in en.content.decode()


def test_a_bad_finder_query_is_a_400_with_field_messages(history):
    response = client_for(history["city_auditor"]).get("/audit/", {"date_from": "2026-05-01", "date_to": "2026-04-01"})
    assert response.status_code == 400
    assert "结束日期早于开始日期" in response.content.decode()
    response = client_for(history["city_auditor"], "en").get("/audit/", {"date_from": "yesterday"})
    assert response.status_code == 400 and "Enter a valid date" in response.content.decode()


# --- scope and access ---------------------------------------------------------------------------------
def test_auditors_outside_the_scope_get_404_and_find_nothing(history):
    entry, objection = history["entry"], history["objection"]
    for auditor in (history["far_auditor"], history["lonely_auditor"]):
        client = client_for(auditor)
        for path in (f"/audit/entry/{entry.pk}/", f"/audit/objection/{objection.pk}/",
                     f"/audit/objection/{objection.pk}/as-of/?at=2026-03-05",
                     f"/audit/objection/{objection.pk}/verify/", f"/audit/objection/{objection.pk}/bundle.zip"):
            assert client.get(path).status_code == 404, (auditor.username, path)
        assert find_cases(user=auditor, query=FinderQuery(q=entry.subject.identifier)).rows == []


def test_a_wider_scope_and_the_own_unit_scope_see_the_case(history):
    for auditor in (history["province_auditor"], history["unit_auditor"]):
        assert client_for(auditor).get(f"/audit/objection/{history['objection'].pk}/").status_code == 200


def test_only_auditors_enter_the_console(history):
    for user in (history["officer"], history["leader"], history["lead_officer"]):
        assert client_for(user).get("/audit/").status_code == 403
        assert client_for(user).get(f"/audit/entry/{history['entry'].pk}/").status_code == 403
    anonymous = Client().get("/audit/")
    assert anonymous.status_code == 302 and "/accounts/login/" in anonymous["Location"]


# --- the timeline -------------------------------------------------------------------------------------
def test_the_timeline_shows_every_transition_change_upload_task_actor_and_acting_for(history):
    objection = history["objection"]
    response = client_for(history["city_auditor"]).get(f"/audit/objection/{objection.pk}/")
    assert response.status_code == 200
    text = response.content.decode()
    for expected in ("异议已提交", "完税凭证.pdf", "已公示", "暂停", "任务已办结", "更正金额",
                     FACTS_BEFORE, FACTS_AFTER, history["stand_in"].get_full_name()):
        assert expected in text, expected
    assert history["stand_in"].username not in text  # people by name, not by username
    rows = response.context["rows"]
    correction = next(r for r in rows if r.event.action == "entry.correct")
    assert correction.event.actor_name == history["stand_in"].username
    assert correction.acting_for == history["officer"].get_full_name()
    assert correction.unit == history["listing"].name
    upload = next(r for r in rows if r.event.action == "attachments.add")
    assert upload.changes[0].new[0]["sha256"] in text
    suspended = [r for r in rows if r.event.action == "execution.suspend"]
    assert len(suspended) == MeasureExecution.objects.filter(entry=history["entry"]).count() == 4  # each own chain
    assert [r.event.occurred_at for r in rows] == sorted(r.event.occurred_at for r in rows)


# --- as of a date -------------------------------------------------------------------------------------
def test_the_case_as_it_stood_on_a_date(history):
    case = case_for(user=history["city_auditor"], kind="entry", pk=history["entry"].pk)
    events = case_events(case)
    before_correction = case_as_of(case, CORRECTED_AT - dt.timedelta(days=1), events)
    assert before_correction.existed and before_correction.state == "ACTIVE"
    facts = {f.name: f for f in before_correction.fields}
    assert facts["facts"].value == FACTS_BEFORE and facts["facts"].changed_after
    after_correction = case_as_of(case, CORRECTED_AT + dt.timedelta(days=1), events)
    assert {f.name: f.value for f in after_correction.fields}["facts"] == FACTS_AFTER
    assert after_correction.state == "ACTIVE"
    assert {r.state for r in after_correction.related} == {"PUSHED"}
    now = case_as_of(case, OBJECTION_AT + dt.timedelta(days=1), events)
    assert now.state == "SUSPENDED" and {r.state for r in now.related} == {"SUSPENDED"}
    assert not case_as_of(case, LISTED_AT - dt.timedelta(days=30), events).existed


def test_the_as_of_page_for_a_day_and_for_a_bad_date(history):
    client = client_for(history["city_auditor"])
    page = client.get(f"/audit/entry/{history['entry'].pk}/as-of/", {"at": "2026-03-05"})
    assert page.status_code == 200
    text = page.content.decode()
    assert 'data-state="ACTIVE"' in text and FACTS_BEFORE in text
    objection = client.get(f"/audit/objection/{history['objection'].pk}/as-of/", {"at": "2026-03-05"})
    assert "案件在该时刻尚不存在" in objection.content.decode()
    bad = client_for(history["city_auditor"], "en").get(f"/audit/entry/{history['entry'].pk}/as-of/", {"at": "soon"})
    assert bad.status_code == 400 and "Enter a valid date/time" in bad.content.decode()


# --- verification -------------------------------------------------------------------------------------
def test_the_verification_page_says_ok_with_anchored_and_pending_chains(history):
    response = client_for(history["city_auditor"]).get(f"/audit/objection/{history['objection'].pk}/verify/")
    assert response.status_code == 200
    result = response.context["result"]
    assert result.ok, [c.problems for c in result.chains]
    statuses = {c.chain: c.status for c in result.chains}
    assert statuses[f"cases.listentry:{history['entry'].pk}"] == "pending"  # suspended after the anchor
    assert statuses[f"cases.objectioncase:{history['objection'].pk}"] == "pending"
    assert result.anchors and result.anchors[0]["id"] == history["anchor"].id
    entry_chain = next(c for c in result.chains if c.chain == f"cases.listentry:{history['entry'].pk}")
    assert entry_chain.anchor_id == history["anchor"].id and entry_chain.anchored_seq > 0
    assert [f.ok for f in result.files] == [True]
    page = response.content.decode()
    assert 'data-ok="true"' in page and 'id="verdict-unanchored"' not in page


def test_the_verdict_says_exactly_what_was_proven_when_no_anchor_covers_the_case(history):
    from tests.api.status_fixtures import listed

    fresh = listed(history, facts="新列入、尚未锚定的名单信息", decision_date=dt.date(2026, 5, 6))
    response = client_for(history["city_auditor"]).get(f"/audit/entry/{fresh.pk}/verify/")
    page = response.content.decode()
    assert response.status_code == 200 and response.context["result"].ok and not response.context["result"].anchors
    assert 'id="verdict-unanchored"' in page and "尚无锚点" in page
    assert "锚点和文件均一致" not in page


def test_verification_names_an_altered_event(history):
    from tests.audit.test_audit_chain import _tamper

    _tamper("UPDATE audit_auditevent SET reason = 'x' WHERE chain = %s AND action = 'entry.correct'",
            [f"cases.listentry:{history['entry'].pk}"])
    case = case_for(user=history["city_auditor"], kind="entry", pk=history["entry"].pk)
    result = case_verification(case)
    assert not result.ok
    broken = [c for c in result.chains if c.problems]
    assert broken and broken[0].chain == f"cases.listentry:{history['entry'].pk}"
    assert any("altered" in p for p in broken[0].problems)


# --- a credit repair case -----------------------------------------------------------------------------
def test_a_repair_case_is_found_read_and_its_bundle_verifies(history):
    import io
    import zipfile

    from cases.audit import offline_verify
    from cases.models import RepairCase
    from tests.audit.console_fixtures import clock_at, listed
    from tests.workflow.repair_helpers import file_repair

    decided = dt.datetime(2025, 6, 2, 10, 0, tzinfo=LISTED_AT.tzinfo)
    with clock_at(decided):
        old_entry = listed(history, decision_date=decided.date())
    response = file_repair(old_entry)
    assert response.status_code == 201, response.json()
    repair = RepairCase.objects.get(number=response.json()["number"])
    auditor = history["city_auditor"]
    assert refs(find_cases(user=auditor, query=FinderQuery(q=repair.number))) == [repair.number]
    assert refs(find_cases(user=auditor, query=FinderQuery(kind="repair"))) == [repair.number]
    client = client_for(auditor)
    page = client.get(f"/audit/repair/{repair.pk}/")
    assert page.status_code == 200 and "信用修复申请已提交" in page.content.decode()
    assert client_for(history["far_auditor"]).get(f"/audit/repair/{repair.pk}/").status_code == 404
    bundle = client.get(f"/audit/repair/{repair.pk}/bundle.zip")
    with zipfile.ZipFile(io.BytesIO(b"".join(bundle.streaming_content))) as archive:
        files = {name: archive.read(name) for name in archive.namelist()}
    result = offline_verify.verify_files(files)
    assert result.ok, result.problems
    assert sum(1 for name in files if name.startswith("attachments/")) == 2  # proof and commitment


# --- the demo province --------------------------------------------------------------------------------
def test_the_demo_auditors_read_every_demo_case(db):
    """The embedded default's auditors (province and Lhasa) open every page of every demo case."""
    import io

    from django.contrib.auth import get_user_model
    from django.core.management import call_command

    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    auditor = get_user_model().objects.get(username="xz-auditor")
    client = client_for(auditor)
    page = find_cases(user=auditor, query=FinderQuery())
    assert {row.kind for row in page.rows} >= {"entry", "objection"}
    for row in page.rows:
        base = f"/audit/{row.kind}/{row.pk}"
        for path in (f"{base}/", f"{base}/as-of/?at=2026-01-01", f"{base}/verify/", f"{base}/bundle.zip"):
            assert client.get(path).status_code == 200, path
    assert client_for(get_user_model().objects.get(username="ls-auditor")).get("/audit/?kind=entry").status_code == 200
