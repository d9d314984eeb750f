"""The officers' workspace in a real browser: the queue with its filters (htmx), claim → complete a
step with its form, a leader's reassign and bulk reassign, a substitute acting for an absent
officer, the case page (its timeline filtered and paged) and the dashboard; screenshots of each page
in zh-hans and English."""

import pytest
from django.utils import timezone

from cases.audit.models import AuditEvent
from cases.models import ListEntry
from cases.services import entries as entry_services
from tests.api.status_fixtures import no_letter_production  # noqa: F401
from tests.factories import TEST_PASSWORD, SubjectFactory
from tests.readable import assert_readable
from workflow.models import WorkItem

from .test_portal_support import axe_check, off_loop, repairable, signing  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)


def sign_in(page, live_server, user, next_url="/work/"):
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def set_language(page, code):
    if page.locator("#lang-select").input_value() != code:
        with page.expect_navigation():
            page.select_option("#lang-select", code)


def shoot_both(page, screenshot, name):
    """Screenshots of the current page in Chinese and in English; back to Chinese afterwards."""
    set_language(page, "zh-hans")
    screenshot(f"{name}-zh")
    set_language(page, "en")
    screenshot(f"{name}-en")
    english = page.locator("main").inner_text()
    set_language(page, "zh-hans")
    return english


def open_task(entry_id, step):
    return WorkItem.objects.get(object_type="cases.listentry", object_id=entry_id, step=step, is_open=True).task_id


@pytest.fixture
def drafted(province, no_letter_production):  # noqa: F811
    officer = province["officer"]
    entries = []
    for name in ("浏览器工作台测试贸易有限公司", "浏览器工作台第二建筑公司", "浏览器工作台第三运输公司"):
        entries.append(entry_services.entry_draft(
            actor=officer, list_type=province["blacklist"], subject=SubjectFactory(name=name),
            facts="拖欠税款逾期未缴", reasons="符合税收违法黑名单认定标准").pk)
    return entries


def test_the_queue_filters_and_searches_in_place(live_server, page, screenshot, province, drafted):
    sign_in(page, live_server, province["officer"])
    assert page.locator("h1").inner_text().endswith("待办任务")
    rows = page.locator("#queue-table tbody tr")
    assert rows.count() == 3
    page.evaluate("window.__notReloaded = true")
    page.fill("#filter-q", "第二建筑")
    page.wait_for_function("() => document.querySelectorAll('#queue-table tbody tr').length === 1")
    assert "浏览器工作台第二建筑公司" in page.locator("#queue-results").inner_text()
    page.fill("#filter-q", "")
    page.wait_for_function("() => document.querySelectorAll('#queue-table tbody tr').length === 3")
    page.select_option("#filter-step", "decision")
    page.wait_for_selector("#queue-results .no-results")
    page.select_option("#filter-step", "prior_notice")
    page.wait_for_function("() => document.querySelectorAll('#queue-table tbody tr').length === 3")
    page.select_option("#filter-ordering", "-created")
    page.wait_for_function(
        "() => document.querySelector('#queue-table tbody tr td:nth-child(2)')?.innerText.includes('第三运输')")
    assert page.evaluate("window.__notReloaded") is True  # every change came in by htmx
    assert "filter-step" not in page.url and "step=prior_notice" in page.url  # pushed, so it can be shared
    english = shoot_both(page, screenshot, "workspace-queue")
    assert "Queue of" in english and "Deadline" in english


def test_claim_then_complete_a_step_with_its_form(live_server, page, screenshot, province, drafted):
    task_id = open_task(drafted[0], "prior_notice")
    sign_in(page, live_server, province["officer"], next_url=f"/work/tasks/{task_id}/")
    assert "送达日期" in page.locator("#complete-form").inner_text()
    with page.expect_navigation():
        page.get_by_role("button", name="认领", exact=True).click()
    assert "您已认领该任务" in page.locator(".messages").inner_text()
    assert province["officer"].username in page.locator("#task-owner").inner_text() or \
        page.locator("#task-owner").inner_text().strip() != "未认领"
    english = shoot_both(page, screenshot, "workspace-task")
    assert "Complete this step" in english and "How the deadline was computed" in english
    page.fill("#field-served_on", "2026-09-01")
    with page.expect_navigation():
        page.get_by_role("button", name="办结").click()
    assert "环节已办结" in page.locator(".messages").inner_text()
    assert ListEntry.objects.get(pk=drafted[0]).state == ListEntry.State.NOTICE_SENT
    # the next step (statement) is in the queue; an empty required choice is explained in place
    statement = open_task(drafted[0], "statement")
    page.goto(f"{live_server.url}/work/tasks/{statement}/")
    assert page.locator("#field-statement").is_visible()


def test_a_form_error_is_shown_next_to_its_field(live_server, page, province, drafted):
    for step, data in (("prior_notice", {"served_on": "2026-09-01"}), ("statement", {"statement": "陈述"})):
        from workflow import services

        services.task_complete(actor=province["officer"], task_id=open_task(drafted[0], step), data=data)
    decision = open_task(drafted[0], "decision")
    sign_in(page, live_server, province["leader"], next_url=f"/work/tasks/{decision}/")
    page.get_by_label("否").check()
    with page.expect_navigation():
        page.get_by_role("button", name="办结").click()
    assert page.locator("#error-reason").is_visible()
    assert ListEntry.objects.get(pk=drafted[0]).state == ListEntry.State.UNDER_REVIEW


def test_a_leader_reassigns_one_task_then_several(live_server, page, screenshot, province, drafted):
    first = open_task(drafted[0], "prior_notice")
    sign_in(page, live_server, province["leader"], next_url=f"/work/tasks/{first}/")
    page.select_option("#reassign-to", province["officer2"].username)
    with page.expect_navigation():
        page.get_by_role("button", name="改派", exact=True).click()
    assert "任务已改派给" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/work/")
    others = [open_task(e, "prior_notice") for e in drafted[1:]]
    for task_id in others:
        page.check(f"#pick-{task_id}")
    page.select_option("#bulk-assignee", province["officer"].username)
    screenshot("workspace-bulk-reassign-zh")
    with page.expect_navigation():
        page.get_by_role("button", name="改派所选任务").click()
    assert "已将 2 项任务改派给" in page.locator(".messages").inner_text()
    owners = {w.task.owner_id for w in WorkItem.objects.filter(pk__in=others).select_related("task")}
    assert owners == {province["officer"].pk}
    set_language(page, "en")
    screenshot("workspace-bulk-reassign-en")
    set_language(page, "zh-hans")


def test_a_substitute_acts_for_an_absent_officer(live_server, browser, page, screenshot, province, drafted):
    from workflow import services

    task_id = open_task(drafted[0], "prior_notice")
    services.task_claim(actor=province["officer"], task_id=task_id)
    sign_in(page, live_server, province["leader"], next_url="/work/substitutes/")
    page.select_option("#sub-absent", province["officer"].username)
    page.select_option("#sub-substitute", province["officer2"].username)
    page.fill("#sub-ends_on", (timezone.localdate() + timezone.timedelta(days=3)).isoformat())
    page.fill("#sub-reason", "外出培训")
    with page.expect_navigation():
        page.get_by_role("button", name="指定").click()
    assert "外出培训" in page.locator("#current-substitutes").inner_text()
    shoot_both(page, screenshot, "workspace-substitutes")

    substitute = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900}).new_page()
    sign_in(substitute, live_server, province["officer2"], next_url="/work/?view=inbox")
    assert substitute.locator("#acting-note").is_visible()
    assert substitute.locator("#queue-table tbody tr").count() == 1
    with substitute.expect_navigation():  # is_visible() does not wait: the task page must be loaded first
        substitute.click(f"#queue-table a[href='/work/tasks/{task_id}/']")
    assert substitute.locator("#acting-for").is_visible()
    substitute.fill("#field-served_on", "2026-09-01")
    with substitute.expect_navigation():
        substitute.get_by_role("button", name="办结").click()
    substitute.goto(f"{live_server.url}/work/cases/entry/{drafted[0]}/")
    assert "代理" in substitute.locator("#timeline .acting-for").first.inner_text()
    substitute.context.close()
    event = AuditEvent.objects.get(chain=f"cases.listentry:{drafted[0]}", action="task.complete")
    assert event.actor == province["officer2"] and event.on_behalf_of == province["officer"]


def test_the_case_page_and_the_dashboard(live_server, page, screenshot, province, drafted):
    from workflow import services

    services.task_complete(actor=province["officer"], task_id=open_task(drafted[0], "prior_notice"),
                           data={"served_on": "2026-09-01"})
    sign_in(page, live_server, province["officer"], next_url=f"/work/cases/entry/{drafted[0]}/")
    assert "拖欠税款逾期未缴" in page.locator("#facts").inner_text()
    assert "事先告知书送达" in page.locator("#timeline").inner_text()
    assert page.locator("#deadlines .computation").count() >= 1
    english = shoot_both(page, screenshot, "workspace-case")
    assert "Timeline" in english and "Deadlines and how they were computed" in english
    for language in ("en", "zh-hans"):  # no state code, rule key or username in the timeline and the deadlines
        set_language(page, language)
        assert_readable(page.content(), language, where="workspace case page",
                        forbidden=[province["officer"].username, province["listing"].code])
    page.goto(f"{live_server.url}/work/dashboard/")
    assert page.locator("[data-figure=open] strong").inner_text() == "3"
    with page.expect_download() as download:
        page.click("#xlsx-link")
    assert download.value.suggested_filename.endswith(".xlsx")
    english = shoot_both(page, screenshot, "workspace-dashboard")
    assert "Open tasks" in english


def test_another_units_officer_is_refused_in_the_browser(live_server, page, province, drafted):
    task_id = open_task(drafted[0], "prior_notice")
    sign_in(page, live_server, province["outsider"])
    assert page.locator("#queue-table").count() == 0
    response = page.goto(f"{live_server.url}/work/tasks/{task_id}/")
    assert response.status == 403
    response = page.goto(f"{live_server.url}/work/cases/entry/{drafted[0]}/")
    assert response.status == 404


def test_the_workspace_pages_have_no_serious_accessibility_violations(live_server, page, province, drafted):
    from axe_playwright_python.sync_playwright import Axe

    from workflow import services

    task_id = open_task(drafted[0], "prior_notice")
    services.task_claim(actor=province["officer"], task_id=task_id)
    sign_in(page, live_server, province["leader"])
    axe = Axe()
    for path in ("/work/", f"/work/tasks/{task_id}/", f"/work/cases/entry/{drafted[0]}/", "/work/dashboard/",
                 "/work/substitutes/"):
        page.goto(f"{live_server.url}{path}")
        violations = axe.run(page).response["violations"]
        bad = [v for v in violations if v.get("impact") in ("serious", "critical")]
        assert not bad, f"{path}: " + "; ".join(
            f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in bad)


# --- the case page's timeline: filtered and paged as the auditors' is (issue 19 item 9) ----------------
WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}


@pytest.fixture
def corrected_often(province, repairable):  # noqa: F811
    """A listed entry whose timeline runs past one page (50 events): 60 corrections of its facts."""

    def grow():
        for i in range(60):
            entry_services.entry_correct(actor=province["officer"], entry=repairable, reason=f"核对第{i + 1}次",
                                         facts=f"拖欠税款逾期未缴，金额人民币{100000 + i}元")

    off_loop(grow)
    return repairable


@pytest.mark.parametrize("language", ("zh-hans", "en"))
def test_the_case_pages_timeline_filters_by_kind_and_pages(live_server, page, screenshot, province,
                                                          corrected_often, language):
    from cases.audit.selectors import TIMELINE_PAGE_SIZE

    entry = corrected_often
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    sign_in(page, live_server, province["officer"], next_url=f"/work/cases/entry/{entry.pk}/")
    rows = page.locator("#timeline ol.timeline > li[data-action]")
    shown = lambda: rows.evaluate_all("items => items.map(li => li.dataset.action)")  # noqa: E731
    assert rows.count() == TIMELINE_PAGE_SIZE
    with page.expect_navigation():
        page.click("#timeline-pager a[rel=next]")
    assert "page=2" in page.url and rows.count() > 0
    everything = set(shown()) | {"entry.correct"}

    page.select_option("#id_kind", "tasks")
    with page.expect_navigation():
        page.click("#timeline-filter button[type=submit]")
    assert "kind=tasks" in page.url and "page=" not in page.url
    tasks = shown()
    assert tasks and all(action.startswith("task.") for action in tasks), tasks
    assert rows.count() < TIMELINE_PAGE_SIZE and everything - set(tasks)  # the corrections are gone
    assert page.locator("#timeline-pager").count() == 0 and page.locator("#timeline-reset").count() == 1

    for width, viewport in WIDTHS.items():  # readable, and no sideways scroll, on a wide screen and a phone
        page.set_viewport_size(viewport)
        for address in (f"/work/cases/entry/{entry.pk}/?kind=tasks", f"/work/cases/entry/{entry.pk}/?page=2"):
            page.goto(f"{live_server.url}{address}")
            where = f"workspace case timeline {address} {width}"
            scroll = page.evaluate("document.documentElement.scrollWidth")
            assert scroll <= viewport["width"] + 1, f"{where}: {scroll}px wide in a {viewport['width']}px window"
            assert_readable(page.content(), language, where=where,
                            forbidden=[province["officer"].username, province["listing"].code])
            axe_check(page, where)
        screenshot(f"workspace-case-timeline-{width}-{language}")
