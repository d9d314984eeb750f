"""The subjects' journeys end to end in a real browser (issue 7 acceptance):

1. a subject files an objection on the portal → the data-providing unit verifies it within the
   deadline → the subject follows the case by number + query code and downloads the signed result
   letter, which pdfsig validates;
2. a subject signs up, checks that it may apply, files a repair application → it is accepted and
   approved, every implementing unit confirms the lift of its measure → the subject sees the closed
   case under "my cases" and downloads the signed decision.

The officers' steps go through the officers' workspace pages (/work/tasks/<id>/, each step's own
form), signed in as the responsible unit's officer or leader.
"""

import zoneinfo

import pytest

from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase

from tests.readable import unreadable
from .test_portal_support import (  # noqa: F401
    axe_check, nss_db, officer_completes, open_work, pdfsig, repairable, signing, use_language, walk_filing,
)

pytestmark = pytest.mark.django_db(transaction=True)

BEIJING = zoneinfo.ZoneInfo("Asia/Shanghai")


def _shot(page, tmp_path, name):
    page.screenshot(path=str(tmp_path / f"{name}.png"), full_page=True)
    _keep(tmp_path / f"{name}.png", name)


def _keep(path, name):
    import os
    import shutil

    if os.environ.get("TEST_ARTIFACTS"):
        shutil.copy(path, os.path.join(os.environ["TEST_ARTIFACTS"], f"{name}.png"))


def _download(page, selector, tmp_path, name):
    with page.expect_download() as info:
        page.click(selector)
    path = tmp_path / name
    info.value.save_as(path)
    return path


def test_objection_filed_verified_and_the_signed_result_letter_downloaded(
        live_server, page, browser, screenshot, province, as_user, repairable, nss_db, tmp_path):
    entry = repairable
    page.goto(f"{live_server.url}/")
    assert page.locator("h1").inner_text() == "信用主体门户", "a visitor lands on the portal's front page"
    with page.expect_navigation():
        page.click("main .cards a[href='/portal/file/objection/']")
    number, code = walk_filing(
        page, kind="objection", entry=entry,
        details={"#id_grounds": "公示的欠缴税款金额有误：税款已于2026年2月全部缴清，附完税凭证。"},
        applicant={"#id_applicant_name": "张三", "#id_applicant_contact": "13800000000"},
        uploads={"attachments": ["完税凭证.pdf"]},
        shoot=lambda step: screenshot(f"portal-journey-objection-{step}-zh"))
    assert number.startswith("YY-") and len(code) == 8
    case = ObjectionCase.objects.get(number=number)
    assert case.channel == "PORTAL" and case.filed_by is None
    # The done page says where the case stands and what happens next (issue 19 item 5): submitted
    # today, the acceptance check under way with its legal deadline, in words.
    done = page.locator("#what-next")
    current = done.locator("#stepper [aria-current=step]")
    assert current.get_attribute("data-step") == "acceptance"
    assert f"{case.acceptance_due:%Y-%m-%d}" in current.inner_text()
    assert f"{case.filed_at.astimezone(BEIJING):%Y-%m-%d}" in done.locator("#stepper [data-step=filed]").inner_text()
    assert done.locator("#next-step").inner_text().startswith("下一步：")
    assert not unreadable(done.inner_html()), unreadable(done.inner_html())

    # The platform-window step falls to the listing unit (no window in this province), then the
    # data-providing unit verifies and its leader approves.
    officer_completes(browser, live_server, province["officer"], open_work(case, "acceptance"), {"accept": "true"},
                      shoot=lambda p: _shot(p, tmp_path, "portal-journey-objection-officer-acceptance-zh"))
    entry.refresh_from_db()
    assert entry.state == ListEntry.State.SUSPENDED, "joint punishment suspended while verifying"
    officer_completes(browser, live_server, province["officer"], open_work(case, "verification"),
                      {"outcome": "REVOKED", "findings": "经核实，欠缴税款已于列入前缴清，列入依据不成立。"},
                      shoot=lambda p: _shot(p, tmp_path, "portal-journey-objection-officer-verification-zh"))
    officer_completes(browser, live_server, province["leader"], open_work(case, "approval"), {"approve": "true"})
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.CLOSED and case.outcome == "REVOKED"
    assert case.closed_at.date() <= case.verification_due, "verified within the 20-day deadline"

    # A fresh visitor (another browser context) follows the case by number + query code.
    visitor = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    visitor.goto(f"{live_server.url}/portal/follow/")
    visitor.fill("#id_number", number)
    visitor.fill("#id_code", code)
    with visitor.expect_navigation():
        visitor.click("#follow-form button[type=submit]")
    assert "已办结" in visitor.inner_text("#status-text")
    assert "撤销" in visitor.inner_text("#outcome")
    axe_check(visitor, "case page (closed objection)")
    visitor.screenshot(path=str(tmp_path / "result.png"), full_page=True)
    _keep(tmp_path / "result.png", "portal-journey-objection-result-zh")
    pdf = _download(visitor, "#letters tr[data-type=OBJECTION_RESULT] a.download", tmp_path, "result.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert "Signature is Valid" in pdfsig(pdf, nss_db), "the result letter's signature validates"
    with visitor.expect_navigation():
        visitor.click("#letters tr[data-type=OBJECTION_RESULT] a.verify")
    assert "/letters/verify/" in visitor.url
    visitor.context.close()


def test_repair_applied_for_with_an_account_approved_lifted_and_seen_by_the_subject(
        live_server, page, browser, screenshot, province, as_user, repairable, nss_db, tmp_path):
    entry = repairable
    page.goto(f"{live_server.url}/portal/signup/")
    page.fill("#id_username", "xizang-jia")
    page.fill("#id_first_name", "西藏测试甲公司")
    page.fill("#id_password1", "Portal-pass-2026!")
    page.fill("#id_password2", "Portal-pass-2026!")
    screenshot("portal-journey-repair-signup-zh")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    assert page.url.endswith("/portal/my/")

    page.goto(f"{live_server.url}/portal/repair-check/")
    page.fill("#id_subject", entry.subject.identifier)
    with page.expect_navigation():
        page.click("main form button[type=submit]")
    assert page.locator(f"article[data-entry='{entry.pk}'] .eligible").count() == 1
    screenshot("portal-journey-repair-check-zh")
    with page.expect_navigation():
        page.click(f"article[data-entry='{entry.pk}'] a.button")
    number, _code = walk_filing(
        page, kind="repair", entry=entry,
        details={"#id_performance": "已于2026年3月足额缴纳欠缴税款及滞纳金，违法行为已纠正。"},
        applicant={"#id_applicant_contact": "13900000000"},  # the name comes from the account
        uploads={"proof": ["完税证明.pdf"], "commitment": ["信用承诺书（已签字）.pdf"]},
        shoot=lambda step: screenshot(f"portal-journey-repair-{step}-zh"))
    case = RepairCase.objects.get(number=number)
    assert case.filed_by.username == "xizang-jia" and case.applicant_name == "西藏测试甲公司"

    officer_completes(browser, live_server, province["officer"], open_work(case, "acceptance"), {"accept": "true"})
    officer_completes(browser, live_server, province["officer"], open_work(case, "review"),
                      {"action": "PROPOSE", "proposal": "APPROVE", "findings": "已足额缴纳，经核实无误"})
    officer_completes(browser, live_server, province["leader"], open_work(case, "decision"), {"decision": "APPROVE"})
    entry.refresh_from_db()
    assert entry.state == ListEntry.State.REMOVED
    from workflow.models import WorkItem

    for key, unit in (("officer_a", "impl_a"), ("officer_b", "impl_b")):
        for work in WorkItem.objects.filter(step="lift", is_open=True, unit=province[unit]):
            officer_completes(browser, live_server, province[key], work)
    assert set(MeasureExecution.objects.filter(entry=entry).values_list("state", flat=True)) == {"LIFTED"}
    case.refresh_from_db()
    assert case.state == RepairCase.State.CLOSED

    page.goto(f"{live_server.url}/portal/my/")
    row = page.locator(f"#my-cases tr[data-number='{number}']")
    assert "已办结" in row.inner_text()
    with page.expect_navigation():
        row.locator("a").click()
    assert "准予信用修复" in page.inner_text("#outcome")
    axe_check(page, "case page (closed repair)")
    screenshot("portal-journey-repair-result-zh")
    pdf = _download(page, "#letters tr[data-type=REPAIR_APPROVED] a.download", tmp_path, "decision.pdf")
    assert "Signature is Valid" in pdfsig(pdf, nss_db)
    use_language(page, live_server, "en")
    page.reload()
    assert "Closed" in page.inner_text("#status-text")
    screenshot("portal-journey-repair-result-en")
