"""Issue 19 items 2 and 3 in a real browser, at a desk (1366 px) and on a phone (390 px), in Chinese
and English: the verification page shows the objection's grounds and evidence and takes a
correction by picking the field (labels and current values, the fields shown once the outcome is
"corrected"); the approval page shows the conclusion and each correction old → new; neither shows
a code, a Python value or scrolls sideways, and axe-core finds nothing serious on them.
Screenshots of each page are kept as test artefacts."""

import os
from pathlib import Path

import pytest

from cases.models import ListEntry, ObjectionCase
from tests.api.status_fixtures import no_letter_production  # noqa: F401
from tests.workflow.test_listing_through_the_api import list_through_api
from tests.workflow.test_objections import file_on_portal
from workflow import services
from workflow.models import WorkItem

from .test_portal_support import axe_check
from .test_workspace import set_language, sign_in

pytestmark = pytest.mark.django_db(transaction=True)
WIDTHS = {"desk": 1366, "phone": 390}
# What must never reach a reader: field codes, Python values, state and step codes.
CODES = ("reasons:", "facts:", "True", "False", "None", "[{", "{'", "CORRECTED", "UPHELD", "VERIFYING",
         "CONCLUDED", "valid_until")
# Step codes that are also English words: a code only on a Chinese page.
STEP_CODES = ("acceptance", "verification", "approval")


@pytest.fixture
def verifying(province, as_user, no_letter_production):  # noqa: F811
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    case = ObjectionCase.objects.get(number=file_on_portal(province, entry).json()["number"])
    services.task_complete(actor=province["officer"], task_id=task_of(case, "acceptance"), data={"accept": True})
    return entry, case


def task_of(case, step):
    return WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step=step, is_open=True).task_id


def new_page(browser, width):
    context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": 900 if width > 600 else 844})
    page = context.new_page()
    page.set_default_timeout(15_000)
    return page


def shoot(page, name: str) -> None:
    """A full-page screenshot of this test's own page into $TEST_ARTIFACTS (the conftest's
    ``screenshot`` fixture shoots its own page, not one of another width)."""
    directory = os.environ.get("TEST_ARTIFACTS")
    if directory:
        Path(directory).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(directory) / f"{name}.png"), full_page=True)


def read_text(page) -> str:
    """The page's text as a person reads it, without the deadline's computation (its rule reference
    is another item of issue 19)."""
    return page.evaluate("""() => { const main = document.querySelector('main').cloneNode(true);
        main.querySelectorAll('details').forEach((d) => d.remove()); return main.innerText; }""")


def assert_readable(page, where: str, language: str):
    text = read_text(page)
    for code in CODES + (STEP_CODES if language == "zh" else ()):
        assert code not in text, f"{where}: {code!r} on the page"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"{where}: scrolls sideways ({width}px)"


@pytest.mark.parametrize("device", WIDTHS)
def test_the_correction_form_names_each_field_and_sends_only_what_changed(
        live_server, browser, province, verifying, device):
    entry, case = verifying
    page = new_page(browser, WIDTHS[device])
    sign_in(page, live_server, province["officer"], next_url=f"/work/tasks/{task_of(case, 'verification')}/")
    decision = page.locator("#decision")
    assert "欠薪金额有误，实际已于2026年2月全部支付" in decision.inner_text()
    evidence = decision.get_by_role("link", name="凭证.pdf")
    assert evidence.is_visible()
    with page.expect_download() as download:
        evidence.click()
    assert download.value.suggested_filename == "凭证.pdf"

    fields = page.locator("#field-corrections")
    assert fields.is_hidden()  # only with the outcome "corrected"
    page.select_option("#field-outcome", "CORRECTED")
    assert fields.is_visible()
    for label in ("事实", "列入原因", "认定依据", "有效期至"):
        assert page.get_by_label(label, exact=True).is_visible()
    assert page.locator("#field-corrections-reasons").input_value() == entry.reasons
    current = page.locator("#field-corrections-reasons-current").inner_text()
    assert current.startswith("现为：") and entry.reasons in current
    assert_readable(page, f"verification {device} zh", "zh")
    axe_check(page, f"verification {device}")
    shoot(page, f"task-verification-{device}-zh")
    set_language(page, "en")
    page.select_option("#field-outcome", "CORRECTED")
    for label in ("Facts", "Reasons", "Basis", "Valid until"):
        assert page.get_by_label(label, exact=True).is_visible()
    assert "The objection" in page.locator("#decision").inner_text()
    assert_readable(page, f"verification {device} en", "en")
    shoot(page, f"task-verification-{device}-en")
    set_language(page, "zh-hans")

    page.select_option("#field-outcome", "CORRECTED")
    page.fill("#field-findings", "列入理由表述有误")
    page.fill("#field-corrections-reasons", "符合失信被执行人认定标准（已更正）")
    with page.expect_navigation():
        page.get_by_role("button", name="办结").click()
    assert "环节已办结" in page.locator(".messages").inner_text()
    case.refresh_from_db()
    assert case.corrections == {"reasons": "符合失信被执行人认定标准（已更正）"}
    page.context.close()


@pytest.mark.parametrize("device", WIDTHS)
def test_the_approval_page_shows_the_conclusion_and_each_correction_old_to_new(
        live_server, browser, province, verifying, device):
    entry, case = verifying
    old_reasons = entry.reasons
    services.task_complete(actor=province["officer"], task_id=task_of(case, "verification"), data={
        "outcome": "CORRECTED", "findings": "列入理由表述有误", "corrections": {"reasons": "更正后的列入理由"}})
    page = new_page(browser, WIDTHS[device])
    sign_in(page, live_server, province["leader"], next_url=f"/work/tasks/{task_of(case, 'approval')}/")
    conclusion = page.locator("[data-group=conclusion]")
    text = conclusion.inner_text()
    assert "已更正" in text and "列入理由表述有误" in text
    change = conclusion.locator("[data-field=reasons]")
    assert "列入原因" in change.inner_text()
    assert change.locator("del").inner_text().endswith(old_reasons)
    assert change.locator("ins").inner_text().endswith("更正后的列入理由")
    assert page.locator("#decision").get_by_role("link", name="凭证.pdf").is_visible()  # the grounds' evidence
    assert_readable(page, f"approval {device} zh", "zh")
    axe_check(page, f"approval {device}")
    shoot(page, f"task-approval-{device}-zh")
    set_language(page, "en")
    text = page.locator("[data-group=conclusion]").inner_text()
    assert "The conclusion to approve" in text and "corrected" in text and "Reasons" in text
    assert_readable(page, f"approval {device} en", "en")
    shoot(page, f"task-approval-{device}-en")
    set_language(page, "zh-hans")

    page.get_by_label("是").check()
    with page.expect_navigation():
        page.get_by_role("button", name="办结").click()
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.CLOSED
    page.goto(f"{live_server.url}/work/cases/objection/{case.pk}/")
    shown = page.locator("#case-corrections").inner_text()
    assert "列入原因" in shown and old_reasons in shown and "更正后的列入理由" in shown
    assert "reasons:" not in page.locator("main").inner_text()
    shoot(page, f"case-corrections-{device}-zh")
    page.context.close()
