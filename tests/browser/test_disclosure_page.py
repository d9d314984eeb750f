"""公示 in a real browser: search, htmx results, masked ID numbers, 异议处理中, and English."""

import pytest

from cases.services import entries as svc
from tests.api.status_fixtures import listed, no_letter_production, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def disclosed(world, no_letter_production):
    company = SubjectFactory(name="公示浏览器测试贸易有限公司")
    person = NaturalPersonFactory(name="公示浏览器测试人")
    gone = SubjectFactory(name="公示浏览器已移出公司")
    listed(world, subject=company, reasons="拖欠税款，符合严重失信主体认定标准")
    suspended = listed(world, subject=person, list_type=world["focus"], reasons="多次违规经营")
    svc.entry_suspend(actor=None, entry=suspended, reason="异议核查中")
    removed = listed(world, subject=gone)
    svc.entry_remove(actor=None, entry=removed, removal_reason="REPAIRED", reason="信用修复")
    return {"company": company, "person": person, "gone": gone}


def test_a_visitor_searches_and_reads_the_results_in_chinese(live_server, page, screenshot, disclosed):
    page.goto(f"{live_server.url}/public/")
    assert page.locator("h1").inner_text() == "信用名单公示"
    page.evaluate("window.__notReloaded = true")
    page.fill("#q", "公示浏览器")
    page.click("#disclosure-search button[type=submit]")
    page.wait_for_selector("#results article.entry")
    # The results were swapped in by htmx: the page itself was not reloaded.
    assert page.evaluate("window.__notReloaded") is True
    entries = page.locator("#results article.entry")
    assert entries.count() == 2
    text = page.locator("#results").inner_text()
    assert "公示浏览器测试贸易有限公司" in text and "公示浏览器测试人" in text
    assert "公示浏览器已移出公司" not in text
    suspended = page.locator("article.entry[data-status=SUSPENDED]")
    assert "异议处理中" in suspended.inner_text()
    person = disclosed["person"].identifier
    assert person[:6] + "*" * 11 + person[-1] in suspended.locator(".subject-code").inner_text()
    assert person not in page.content()
    screenshot("public-disclosure-zh")


def test_a_visitor_switches_to_english(live_server, page, screenshot, disclosed):
    page.goto(f"{live_server.url}/public/")
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("h1").inner_text() == "Public disclosure of credit lists"
    page.fill("#q", disclosed["person"].identifier)
    page.click("#disclosure-search button[type=submit]")
    page.wait_for_selector("#results article.entry")
    text = page.locator("#results").inner_text()
    assert "objection being processed" in text and "异议处理中" not in text
    assert disclosed["person"].identifier not in page.locator("#results").inner_html()
    screenshot("public-disclosure-en")


def test_too_short_a_query_is_explained_in_place(live_server, page, disclosed):
    page.goto(f"{live_server.url}/public/?lang=en")
    page.eval_on_selector("#q", "el => el.removeAttribute('minlength')")  # past the browser's own check
    page.fill("#q", "公")
    page.click("#disclosure-search button[type=submit]")
    alert = page.wait_for_selector("#results [role=alert]")
    assert "at least 2 characters" in alert.inner_text()
