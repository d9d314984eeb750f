"""Issue 19 item 4 in a real browser, at a desk (1366 px) and on a phone (390 px): an unclaimed
acceptance task shows its decision with one primary button, 「认领并办结」, styled (not the browser's
default) beside a secondary 「认领」; pressing it says 「处理中…」 and the next page has loaded in
under a second (measured in the browser, from the press to the next page's load event), because
the two letters the acceptance issues are produced after the response; the case page then shows
them arriving without a reload (its letters box polls while any is pending and stops after).

As on the embedded default, the step runs with Celery handing its work to Redis (``broker``: a
Redis of the test's own, tasks not run in-process), so the letters and the notices' deliveries are
queued at commit. The browser fixtures run no worker: the test produces the letters as the worker
would, by calling the production task, while the case page is open."""

import contextlib
import os
import threading

import coverage

import pytest
from django.db import connection

from cases.models import ListEntry, ObjectionCase
from letters.models import Letter
from tests.api.status_fixtures import no_letter_production  # noqa: F401
from tests.notifications.conftest import broker, redis_server  # noqa: F401
from tests.workflow.test_case_letters_arrive import letter_key_dir, letter_keys, produce_pending  # noqa: F401
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import file_on_portal
from tests.browser.step_timing import press_and_time
from workflow.models import WorkItem

from .test_task_decision import WIDTHS, new_page, shoot
from .test_workspace import sign_in

pytestmark = pytest.mark.django_db(transaction=True)
# Time from the press to the next page's load event, as the browser measures it.
@contextlib.contextmanager
def untraced():
    """The step is timed without coverage's tracer (scripts/test runs the suite under it): it slows
    every Python line the live server runs about 1.5×, and the answer time is the product's."""
    cov = coverage.Coverage.current()
    if cov is None:
        yield
        return
    cov.stop()
    try:
        yield
    finally:
        cov.start()


def note_timing(line: str) -> None:
    """The measured answer times, kept with the screenshots ($TEST_ARTIFACTS/step-response.txt)."""
    directory = os.environ.get("TEST_ARTIFACTS")
    if directory:
        with open(os.path.join(directory, "step-response.txt"), "a", encoding="utf-8") as out:
            out.write(line + "\n")


def produce_elsewhere(case) -> int:
    """``produce_pending`` in a thread of its own, as the worker is a process of its own: this
    thread runs Playwright's event loop, inside which the signer's own asyncio.run cannot start."""
    produced = []

    def run():
        try:
            produced.append(produce_pending(case))
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join(120)
    return produced[0] if produced else 0


@pytest.fixture
def queued(redis_server, broker):  # noqa: F811
    """Celery as on the embedded default: tasks go to a running Redis, nothing runs in-process (no
    worker here: what is queued stays queued)."""
    redis_server.start()
    return broker


@pytest.fixture
def filed(province, as_user, queued, no_letter_production):  # noqa: F811
    # Filed with Celery already handing work to Redis, as on a running system: its connection and
    # queues are set up by then (the embedded default's web workers keep theirs between requests).
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    case = ObjectionCase.objects.get(number=file_on_portal(province, entry).json()["number"])
    task_id = WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step="acceptance",
                                   is_open=True).task_id
    return case, task_id


@pytest.mark.parametrize("device", WIDTHS)
def test_claim_and_complete_answers_in_under_a_second_and_the_letters_arrive_without_a_reload(
        live_server, browser, province, filed, queued, letter_keys, device):  # noqa: F811
    case, task_id = filed
    page = new_page(browser, WIDTHS[device])
    sign_in(page, live_server, province["officer"], next_url=f"/work/tasks/{task_id}/")
    primary = page.locator("#complete-button")
    assert primary.inner_text() == "认领并办结" and primary.is_visible()
    assert page.locator("button.primary").count() == 1
    assert page.locator("#claim-button").inner_text() == "认领"
    styles = primary.evaluate("(b) => [getComputedStyle(b).backgroundColor, getComputedStyle(b).color]")
    assert styles == ["rgb(139, 0, 0)", "rgb(255, 255, 255)"], styles
    assert page.locator("#claim-button").evaluate("(b) => getComputedStyle(b).backgroundColor") == "rgb(255, 255, 255)"
    shoot(page, f"claim-and-complete-{device}-zh")

    page.get_by_label("是").check()
    # What the button says while the request runs, noted as the page sends it (after site.js's own
    # submit handler, which runs first: it listens on the document, this on the window).
    page.evaluate("""() => window.addEventListener("submit", () => {
        const b = document.querySelector("#complete-button");
        sessionStorage.setItem("busyText", b.innerText);
        setTimeout(() => sessionStorage.setItem("busyDisabled", String(b.disabled)), 0);
    })""")
    with untraced():
        elapsed, parts = press_and_time(page, primary)
    assert page.evaluate("() => sessionStorage.getItem('busyText')") == "处理中…"
    assert page.evaluate("() => sessionStorage.getItem('busyDisabled')") == "true"
    assert "环节已办结" in page.locator(".messages").inner_text()
    note_timing(f"claim-and-complete {device}: {elapsed:.0f} ms {parts}")
    assert elapsed < 1000, f"the step answered in {elapsed:.0f} ms ({parts})"
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.VERIFYING
    assert WorkItem.objects.get(pk=task_id).task.owner == province["officer"]

    page.goto(f"{live_server.url}/work/cases/objection/{case.pk}/")
    letters = page.locator("#letters")
    assert letters.locator("[data-status=pending]").count() == 2
    assert "正在生成" in letters.inner_text()
    shoot(page, f"case-letters-pending-{device}-zh")
    page.evaluate("() => { window.__notReloaded = true; }")
    letter_keys()
    assert produce_elsewhere(case) == 2  # what the worker does after the response
    page.wait_for_function("() => document.querySelectorAll('#letters [data-status=issued]').length === 2",
                           timeout=15_000)
    assert page.evaluate("() => window.__notReloaded") is True
    assert page.locator("#letters").get_attribute("hx-trigger") is None  # nothing pending: polling stopped
    assert page.locator("#letters li a").count() == 2  # each letter's PDF
    assert set(Letter.objects.filter(case_chain=f"cases.objectioncase:{case.pk}").values_list("status", flat=True)) \
        == {Letter.Status.ISSUED}
    shoot(page, f"case-letters-issued-{device}-zh")
    page.context.close()
