"""Every front door fits a phone (issue 19 item 8) and the auditors' timeline filters and pages
(item 9), in a real browser.

Each front door's pages, at 390 and 1366 px, in zh-hans and English: the subject's portal (their
cases and a case page), the officers' workspace (queue, task, case), the auditors' console (the
case list and a case's timeline) and the public letter verification page. A page fails if it
scrolls sideways (the document wider than the window), if axe-core finds a serious or critical
violation, or if a table's cell on a phone does not say which column it is; a screenshot of each
page is kept ($TEST_ARTIFACTS, var/test-artifacts under scripts/test)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from cases.audit.models import AuditEvent
from cases.models import ObjectionCase
from cases.services import entries as entry_svc
from cases.services import objections as objection_services
from letters.models import Letter
from letters.services import letter_produce
from tests.audit.console_fixtures import accept_objection
from tests.factories import TEST_PASSWORD
from tests.pdfs import minimal_pdf

from tests.readable import unreadable

from .test_portal_support import axe_check, off_loop, open_work, repairable, signing  # noqa: F401

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"phone": {"width": 390, "height": 844}, "desktop": {"width": 1366, "height": 900}}
LANGUAGES = ("zh-hans", "en")


@pytest.fixture
def front_doors(province, repairable):  # noqa: F811
    """An objection filed on the portal by a signed-up applicant, with a PDF of evidence, accepted
    (the verification task is open at the listing unit); one of its letters issued and signed."""

    def build():
        applicant = get_user_model().objects.create_user(
            "phone-applicant", password=TEST_PASSWORD, first_name="手机测试申请人")
        case, _code = objection_services.objection_file(
            actor=applicant, channel=ObjectionCase.Channel.PORTAL, entry=repairable,
            grounds="公示的欠税金额有误，已于2026年2月缴清；完税凭证编号 3201 0000 1111 2222 3333 4444 5555 6666。",
            applicant_name="手机测试申请人", applicant_contact="13800000000",
            files=[SimpleUploadedFile("完税凭证（2026年2月补缴）扫描件.pdf", minimal_pdf("evidence"), "application/pdf")])
        accept_objection(case, province["officer"])  # through its task, as the workspace does
        chains = [f"cases.objectioncase:{case.pk}", f"cases.listentry:{repairable.pk}"]
        for letter in Letter.objects.filter(case_chain__in=chains, status=Letter.Status.PENDING):
            letter_produce(letter_id=letter.pk)
        letter = Letter.objects.filter(case_chain__in=chains, status=Letter.Status.ISSUED).order_by("pk").first()
        assert letter is not None, "a letter of the case is issued"
        return {"case": ObjectionCase.objects.get(pk=case.pk), "applicant": applicant, "letter": letter,
                "task": open_work(case, "verification").task_id}

    return {**province, **off_loop(build)}


# A column header on a wide screen: in English it wraps only between words; in Chinese it is not one
# character a line. Lines are counted from the rectangles of the header's text.
HEADERS_BROKEN = """[...document.querySelectorAll('main table thead th')].filter(th => {
  const text = th.innerText.trim();
  if (!text) return false;
  const range = document.createRange(); range.selectNodeContents(th);
  const lines = new Set([...range.getClientRects()].map(r => Math.round(r.top))).size;
  if (/[\u4e00-\u9fff]/.test(text)) return text.length >= 3 && lines >= text.length;
  return lines > text.split(/\\s+/).length;
}).map(th => th.innerText.trim())"""


def sign_in(page, live_server, user, next_url: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/?next={next_url}")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def walk(page, live_server, screenshot, door: str, paths: dict[str, str]) -> None:
    """Every page of ``paths`` in both languages at both widths; one failure lists every page that
    scrolled sideways, left a table cell unlabelled on a phone or showed a person a code (a state
    code, a rule key, ``True``/``False``, a Python literal, an untranslated error)."""
    problems = []
    for language in LANGUAGES:
        page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
        for width, viewport in WIDTHS.items():
            page.set_viewport_size(viewport)
            for name, path in paths.items():
                page.goto(f"{live_server.url}{path}")
                page.wait_for_load_state()
                label = f"{door}-{name}-{language}-{width}"
                assert page.locator("html").get_attribute("lang") == language, label
                screenshot(f"phones/{label}")
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > viewport["width"] + 1:
                    problems.append(f"{label}: the page is {scroll}px wide in a {viewport['width']}px window")
                unlabelled = page.evaluate("""[...document.querySelectorAll('main table tbody td')]
                    .filter(td => !td.hasAttribute('data-label') && !td.hasAttribute('colspan')).length""")
                if unlabelled:
                    problems.append(f"{label}: {unlabelled} table cells without data-label")
                broken = page.evaluate(HEADERS_BROKEN) if width == "desktop" else []
                if broken:
                    problems.append(f"{label}: column headers broken inside a word or one character a line: {broken}")
                if width == "phone" and page.locator("main table.card-table tbody tr").count():
                    # A card: the row is as wide as the page, and each cell says its column's name.
                    before = page.evaluate("""getComputedStyle(document.querySelector(
                        'main table.card-table tbody td[data-label]'), '::before').content""")
                    if before in ("none", "normal", '""'):
                        problems.append(f"{label}: a table row is not a card on a phone")
                # No code, rule key, Python value or untranslated error on the page (tests/readable.py).
                problems += [f"{label}: shows {snippet!r}" for snippet in unreadable(page.content(), language)]
                axe_check(page, label)
    assert not problems, "\n".join(problems)


def test_the_portal_fits_every_screen(live_server, page, screenshot, front_doors):
    case = front_doors["case"]
    sign_in(page, live_server, front_doors["applicant"], "/portal/my/")
    walk(page, live_server, screenshot, "portal", {"my-cases": "/portal/my/", "case": f"/portal/cases/{case.number}/"})


def test_the_workspace_fits_every_screen(live_server, page, screenshot, front_doors):
    case = front_doors["case"]
    sign_in(page, live_server, front_doors["officer"], "/work/")
    walk(page, live_server, screenshot, "workspace", {
        "queue": "/work/", "task": f"/work/tasks/{front_doors['task']}/", "case": f"/work/cases/objection/{case.pk}/"})


def test_the_auditors_console_fits_every_screen(live_server, page, screenshot, front_doors):
    case = front_doors["case"]
    sign_in(page, live_server, front_doors["auditor"], "/audit/")
    walk(page, live_server, screenshot, "audit", {
        "case-list": f"/audit/?q={case.subject.identifier}", "timeline": f"/audit/objection/{case.pk}/",
        "timeline-filtered": f"/audit/objection/{case.pk}/?kind=procedure&date_from=2020-01-01"})


def test_the_letter_verification_page_fits_every_screen(live_server, page, screenshot, front_doors):
    letter = front_doors["letter"]
    walk(page, live_server, screenshot, "letter", {"verification": f"/letters/verify/{letter.public_token}/"})
    page.set_viewport_size(WIDTHS["phone"])
    page.goto(f"{live_server.url}/letters/verify/{letter.public_token}/")
    sha = page.locator("#letter code").first
    assert sha.inner_text().strip() == letter.sha256
    box = sha.bounding_box()
    assert box["x"] + box["width"] <= WIDTHS["phone"]["width"], "the SHA-256 wraps inside the window"


# --- the auditors' timeline: filters and pages ---------------------------------------------------------
@pytest.fixture
def long_history(front_doors):
    """The objection's timeline grown past one page (50 events) by 60 corrections of the entry's
    facts, made by a second officer (so "who" picks them out)."""

    def grow():
        for i in range(60):
            entry_svc.entry_correct(actor=front_doors["officer2"], entry=front_doors["case"].entry,
                                    reason=f"核对第{i + 1}次", facts=f"拖欠税款逾期未缴，金额人民币{100000 + i}元")

    off_loop(grow)
    return front_doors


@pytest.mark.parametrize("language", LANGUAGES)
def test_an_auditor_filters_and_pages_the_timeline(live_server, page, screenshot, long_history, language):
    case, officer = long_history["case"], long_history["officer2"]
    # A period around the Beijing day the corrections were recorded on (built from the data, not the clock).
    today = timezone.localdate(AuditEvent.objects.filter(action="entry.correct").latest("occurred_at").occurred_at)
    since, until = (today - dt.timedelta(days=1)).isoformat(), (today + dt.timedelta(days=1)).isoformat()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.set_viewport_size(WIDTHS["phone"])
    sign_in(page, live_server, long_history["auditor"], f"/audit/objection/{case.pk}/")
    rows = page.locator("#timeline tbody tr")
    assert rows.count() == 50
    assert page.locator("#timeline-pager a[rel=next]").count() == 1
    with page.expect_navigation():
        page.click("#timeline-pager a[rel=next]")
    assert "page=2" in page.url and rows.count() > 0
    screenshot(f"phones/audit-timeline-page-2-{language}")

    # Kind of event, who and a period: the address carries them, so the page can be bookmarked.
    page.select_option("#id_kind", "procedure")  # corrections are steps of the entry's procedure
    page.select_option("#id_actor", str(officer.pk))
    page.fill("#id_date_from", since)
    page.fill("#id_date_to", until)
    with page.expect_navigation():
        page.click("#timeline-filter button[type=submit]")
    assert "kind=procedure" in page.url and f"actor={officer.pk}" in page.url and f"date_from={since}" in page.url
    actions = set(page.locator("#timeline tbody tr").evaluate_all("rows => rows.map(r => r.dataset.action)"))
    assert actions == {"entry.correct"}
    count = page.inner_text("#timeline-count")
    assert "60" in count, count
    axe_check(page, f"filtered timeline ({language})")
    screenshot(f"phones/audit-timeline-filtered-{language}")
    bookmarked = page.url
    page.goto(f"{live_server.url}/audit/")
    page.goto(bookmarked)
    assert page.locator("#id_kind").input_value() == "procedure"
    assert page.locator("#timeline tbody tr").count() == 50

    # A period that ends before it starts: a message beside the field, not an error page.
    page.fill("#id_date_from", (today + dt.timedelta(days=2)).isoformat())
    with page.expect_navigation():
        page.click("#timeline-filter button[type=submit]")
    message = page.inner_text("#id_date_to-error")
    assert message == ("结束日期早于开始日期。" if language == "zh-hans" else "The end date is before the start date.")
    assert page.locator("#timeline").count() == 0
    axe_check(page, f"timeline filter error ({language})")
    screenshot(f"phones/audit-timeline-error-{language}")
    with page.expect_navigation():
        page.click("#timeline-reset")
    assert page.locator("#timeline tbody tr").count() == 50
