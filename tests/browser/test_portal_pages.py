"""Every portal page in a real browser, in Chinese and English, on a desktop and on a 375px-wide
phone: axe-core finds no serious or critical violation, nothing scrolls sideways on the phone, the
keyboard reaches each form's fields and button in order, and a screenshot of each page is kept."""

import pytest

from .test_portal_support import (  # noqa: F401
    axe_check, fits_phone, repairable, signing, use_language, walk_filing,
)

pytestmark = pytest.mark.django_db(transaction=True)

DEVICES = {"desktop": {"width": 1280, "height": 900}, "phone": {"width": 375, "height": 740}}


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_every_portal_page_is_accessible_translated_and_fits_the_screen(
        live_server, page, screenshot, repairable, language, device):
    entry = repairable
    lang = "zh" if language == "zh-hans" else "en"
    page.set_viewport_size(DEVICES[device])
    use_language(page, live_server, language)

    def check(name):
        page.wait_for_load_state()
        axe_check(page, f"{name} ({language}, {device})")
        if device == "phone":
            fits_phone(page)
        assert page.locator("html").get_attribute("lang") == language
        screenshot(f"portal-{name}-{lang}-{device}")

    page.goto(f"{live_server.url}/portal/")
    assert page.locator("h1").inner_text() == ("信用主体门户" if lang == "zh" else "Subjects' portal")
    check("front")

    page.goto(f"{live_server.url}/portal/signup/")
    page.click("#signup-form button[type=submit]")  # empty: every required field explains itself
    page.wait_for_selector(".errorlist")
    check("signup-errors")
    page.fill("#id_username", f"subject-{lang}-{device}")
    page.fill("#id_first_name", "西藏测试甲公司")
    page.fill("#id_password1", "Portal-pass-2026!")
    page.fill("#id_password2", "Portal-pass-2026!")
    with page.expect_navigation():
        page.click("#signup-form button[type=submit]")
    check("my-cases-empty")

    page.goto(f"{live_server.url}/portal/repair-check/?subject={entry.subject.identifier}")
    check("repair-check")

    page.goto(f"{live_server.url}/public/?q={entry.subject.identifier}")  # 公示, in the portal's frame
    assert page.locator("#results article.entry").count() == 1
    check("public-search")

    page.goto(f"{live_server.url}/portal/file/objection/?new=1")
    page.fill("#id_subject", entry.subject.identifier[:-1] + ("0" if entry.subject.identifier[-1] != "0" else "1"))
    page.click("#step-form button[type=submit]")
    page.wait_for_selector(".errorlist")
    assert page.get_attribute("#id_subject", "aria-invalid") == "true"
    check("file-subject-error")
    # Focus order: the field, then the button that continues.
    page.focus("#id_subject")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == ("下一步" if lang == "zh" else "Continue")
    number, _code = walk_filing(
        page, kind="objection", entry=entry,
        details={"#id_grounds": f"公示信息有误（{lang} {device}）：欠缴税款已于2026年2月缴清。"},
        applicant={"#id_applicant_contact": "13800000000"}, uploads={"attachments": ["凭证.pdf"]},
        shoot=lambda step: check(f"file-objection-{step}"))

    page.goto(f"{live_server.url}/portal/cases/{number}/")
    check("case")
    with page.expect_navigation():
        page.click("#chase-up-form button[type=submit]")
    assert page.locator(".messages p").count() == 1
    assert page.inner_text("#chase-up-count").strip() == "1"
    check("case-chased-up")

    page.goto(f"{live_server.url}/portal/my/")
    assert number in page.inner_text("#my-cases")
    check("my-cases")

    page.goto(f"{live_server.url}/portal/follow/")
    page.fill("#id_number", number)
    page.fill("#id_code", "WRONG234")
    page.click("#follow-form button[type=submit]")
    page.wait_for_selector("#follow-form [role=alert]")
    check("follow-wrong-code")

    page.goto(f"{live_server.url}/portal/file/repair/?new=1")
    check("file-repair-subject")
