"""Issue 19 items 6 and 7 in a real browser, at 1366 and 390 px, in Chinese and English.

公示 that leads somewhere: the search says how many entries match, its pages keep the query, the
address carries the query (a search can be bookmarked, reloaded and shared), and each result's
「提出异议」 and 「能否修复」 open the filing and the repair check with the codes filled in.

Uploads that cannot be lost: choosing a file uploads it, 下一步 pressed at once waits for the
upload and the file reaches the review; a refused file resets the progress bar and says why beside
its input; without script, 下一步 posts the chosen file with the form."""

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.api.status_fixtures import listed, no_letter_production, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

from .test_portal_support import PDF, axe_check, continue_, fits_phone, use_language

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"1366": {"width": 1366, "height": 900}, "390": {"width": 390, "height": 844}}
WORDS = {
    "zh-hans": {"count": "共22条公示条目符合条件", "page2": "第2页，共2页", "next": "下一页", "object": "提出异议",
                "repair": "能否修复", "masked": "身份证号码已做遮蔽处理"},
    "en": {"count": "22 listed entries match", "page2": "Page 2 of 2", "next": "Next page", "object": "File an objection",
           "repair": "Can it be repaired?", "masked": "The ID number is masked here"},
}
FRAGMENT = "翻页浏览器测试"


@pytest.fixture
def many(world, no_letter_production):
    """21 listed companies named with FRAGMENT (one page of 20 and one more) and a listed person."""
    companies = [SubjectFactory(name=f"{FRAGMENT}{n:02d}贸易有限公司") for n in range(21)]
    entries = [listed(world, subject=s, reasons="拖欠税款，符合严重失信主体认定标准") for s in companies]
    person = NaturalPersonFactory(name="翻页浏览器测试人")
    return {"entries": entries, "person_entry": listed(world, subject=person)}


def query_of(url: str) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(url).query).items()}


def open_page(page, live_server, language, width):
    use_language(page, live_server, language)
    page.set_viewport_size(WIDTHS[width])


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", WORDS)
def test_the_search_counts_pages_keeps_its_address_and_leads_to_prefilled_forms(
        live_server, page, screenshot, many, language, width):
    words = WORDS[language]
    open_page(page, live_server, language, width)
    page.goto(f"{live_server.url}/public/")
    page.evaluate("window.__notReloaded = true")
    page.fill("#q", FRAGMENT)
    page.click("#disclosure-search button[type=submit]")
    page.wait_for_selector("#results article.entry")
    assert page.evaluate("window.__notReloaded") is True, "htmx swapped the results in"
    assert words["count"] in page.inner_text("#result-count")
    assert page.locator("#results article.entry").count() == 20
    page.wait_for_function(f"() => location.search.includes('q=')")
    assert query_of(page.url)["q"] == FRAGMENT, "the address carries the query"
    masked = page.locator("#results article.entry", has_text="翻页浏览器测试人")
    assert words["masked"] in masked.inner_text()
    assert "subject=" not in masked.locator("a.object-link").get_attribute("href"), "a masked code stays masked"
    fits_phone(page)
    axe_check(page, f"search results {language} {width}")
    screenshot(f"search-results-{language}-{width}")

    page.click(f"#results .pager a[rel=next]")
    page.wait_for_function("() => location.search.includes('page=2')")
    page.wait_for_selector(f"#results .pager :text('{words['page2']}')")
    assert query_of(page.url) == {"q": FRAGMENT, "page": "2"}, "the page keeps the query"
    assert page.locator("#results article.entry").count() == 2  # the first two companies listed

    page.reload()  # the address is the search: a bookmark shows the same page
    assert page.input_value("#q") == FRAGMENT
    assert page.locator("#results article.entry").count() == 2
    fits_phone(page)
    axe_check(page, f"search page 2 {language} {width}")

    company = page.locator("#results article.entry").first
    entry_id = int(company.get_attribute("data-entry"))
    code = company.locator(".subject-code").inner_text().strip()
    with page.expect_navigation():
        company.get_by_role("link", name=words["object"]).click()
    assert page.url.endswith("/portal/file/objection/subject/")
    assert page.input_value("#id_subject") == code, "the code is filled in"
    fits_phone(page)
    axe_check(page, f"prefilled filing {language} {width}")
    continue_(page)
    assert page.is_checked(f"#entry-{entry_id}"), "the entry is chosen in advance"
    screenshot(f"search-prefilled-objection-{language}-{width}")

    page.go_back()
    page.go_back()
    page.wait_for_selector("#results article.entry")
    company = page.locator(f"#results article.entry[data-entry='{entry_id}']")
    with page.expect_navigation():
        company.get_by_role("link", name=words["repair"]).click()
    assert page.input_value("#id_subject") == code
    linked = page.locator(f"article.entry-choice.linked#check-entry-{entry_id}")
    assert linked.count() == 1, "the repair check answered for the linked entry"
    fits_phone(page)
    axe_check(page, f"repair check from a result {language} {width}")
    screenshot(f"search-repair-check-{language}-{width}")


FAKE = {"name": "伪装.pdf", "mimeType": "application/pdf", "buffer": b"MZ\x90\x00 not a pdf at all"}
TEXT = {"name": "notes.txt", "mimeType": "text/plain", "buffer": b"just some notes"}
GOOD = {"name": "完税凭证.pdf", "mimeType": "application/pdf", "buffer": PDF}


def to_attachments(page, live_server, entry):
    page.goto(f"{live_server.url}/portal/file/objection/?new=1&subject={entry.subject.identifier}&entry={entry.pk}")
    continue_(page)  # subject (filled in by the link)
    continue_(page)  # entry (chosen by the link)
    page.fill("#id_grounds", "公示的欠税金额有误，实际已于2026年2月全部缴清。")
    continue_(page)
    page.fill("#id_applicant_name", "张三")
    page.fill("#id_applicant_contact", "13800000000")
    continue_(page)
    page.wait_for_selector("#files-attachments")


@pytest.fixture
def one_listed(world, no_letter_production):
    return listed(world, subject=SubjectFactory(name="上传守护测试有限公司"))


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("language", WORDS)
def test_a_chosen_file_is_uploaded_or_refused_with_its_reason_and_never_dropped(
        live_server, page, screenshot, one_listed, language, width):
    open_page(page, live_server, language, width)
    to_attachments(page, live_server, one_listed)
    assert page.is_hidden("#attachments-form .upload-button"), "choosing uploads: no 上传 to press"

    for refused in (FAKE, TEXT):
        page.set_input_files("#files-attachments", [refused])
        page.wait_for_selector(f"#refusal-attachments li:has-text('{refused['name']}')")
        bar = page.eval_on_selector("#progress-attachments", "el => [el.value, el.hidden]")
        assert bar == [0, True], "a refused upload resets the progress bar"
        assert page.locator("#draft-files .file-name").count() == 0
        assert page.get_attribute("#files-attachments", "aria-invalid") == "true"
    fits_phone(page)
    axe_check(page, f"refused upload {language} {width}")
    screenshot(f"upload-refused-{language}-{width}")

    # Choose a good file and press 下一步 at once: the step waits for the upload, and moves on.
    page.set_input_files("#files-attachments", [GOOD])
    with page.expect_navigation():
        page.click("#attachments-continue")
    assert page.url.endswith("/portal/file/objection/review/")
    assert "完税凭证.pdf" in page.inner_text("main"), "the chosen file reached the review"
    screenshot(f"upload-kept-{language}-{width}")


@pytest.mark.parametrize("language", WORDS)
def test_without_script_continue_posts_the_chosen_file(live_server, browser, one_listed, language):
    context = browser.new_context(java_script_enabled=False, locale="zh-CN", viewport=WIDTHS["390"])
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        use_language(page, live_server, language)
        to_attachments(page, live_server, one_listed)
        assert page.is_visible("#attachments-form .upload-button"), "without script, 上传 is there"
        page.set_input_files("#files-attachments", [FAKE])
        with page.expect_navigation():
            page.click("#attachments-continue")
        assert page.url.endswith("/portal/file/objection/attachments/")
        assert "伪装.pdf" in page.inner_text("#refusal-attachments"), "the step refuses with the reason"
        page.set_input_files("#files-attachments", [GOOD])
        with page.expect_navigation():
            page.click("#attachments-continue")
        assert page.url.endswith("/portal/file/objection/review/")
        assert "完税凭证.pdf" in page.inner_text("main")
        fits_phone(page)
    finally:
        context.close()
