"""The stepper of a filed case in a real browser (issue 19 item 5): on the portal case page (the
applicant following their case by number and query code) and on the workspace case page, at 1366
and 390 px, in zh-hans and English: passed steps with their dates, the current step with its
deadline and the time left, no raw code, and nothing scrolls sideways."""

import re

import pytest

from cases.models import ObjectionCase
from cases.services import objections as objection_services

from .test_portal_support import off_loop, repairable, signing, use_language  # noqa: F401
from .test_workspace import sign_in

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}
# What must never reach a reader: state and step codes, units, Python values.
RAW = re.compile(r"\b(SUBMITTED|NEEDS_SUPPLEMENT|VERIFYING|CONCLUDED|CLOSED|WITHDRAWN|NOT_ACCEPTED|WORKING_DAYS|"
                 r"CALENDAR_DAYS|acceptance|verification|not_reached|upcoming|True|False|None)\b")
WORDS = {
    "zh-hans": {"steps": ["提交", "受理", "核查", "审批", "办结"], "next": "下一步：信息提供单位将于",
                "left": "剩余"},
    "en": {"steps": ["Submission", "Acceptance", "Verification", "Approval", "Completion"],
           "next": "What happens next: The unit that provided the information verifies it by", "left": "left"},
}


@pytest.fixture
def verifying(province, repairable):  # noqa: F811
    """An objection filed on the portal and accepted: the verification step is under way."""

    def file_and_accept():
        case, code = objection_services.objection_file(
            channel=ObjectionCase.Channel.PORTAL, entry=repairable, grounds="公示的欠税金额有误，已于2026年2月缴清",
            applicant_name="张三", applicant_contact="13800000000")
        objection_services.objection_accept(actor=province["officer"], case=case)
        return ObjectionCase.objects.get(pk=case.pk), code

    return off_loop(file_and_accept)


def check_stepper(page, language: str, width: str, case) -> None:
    words = WORDS[language]
    stepper = page.locator("#stepper")
    labels = [t.strip() for t in stepper.locator(".stepper-label").all_inner_texts()]
    assert [re.sub(r"[（(].*$", "", label).strip() for label in labels] == words["steps"]
    current = stepper.locator("[aria-current=step]")
    assert current.get_attribute("data-step") == "verification"
    assert case.verification_due.isoformat() in current.inner_text()
    assert words["left"] in current.inner_text()
    accepted = stepper.locator("[data-step=acceptance]").inner_text()
    assert case.accepted_on.isoformat() in accepted
    # The stepper's box: on the portal the status, the stepper and what happens next.
    box = page.locator("#progress" if page.locator("#progress").count() else ".status-box").inner_text()
    assert not RAW.search(box), box
    if width == "phone":
        page_width = page.evaluate("document.documentElement.scrollWidth")
        assert page_width <= WIDTHS[width]["width"] + 1, f"sideways scrolling on a phone: {page_width}px"


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_applicant_sees_the_steps_of_their_case(live_server, page, screenshot, verifying, language, width):
    case, code = verifying
    page.set_viewport_size(WIDTHS[width])
    use_language(page, live_server, language)
    page.goto(f"{live_server.url}/portal/follow/")
    page.fill("#id_number", case.number)
    page.fill("#id_code", code)
    with page.expect_navigation():
        page.click("#follow-form button[type=submit]")
    check_stepper(page, language, width, case)
    assert page.locator("#next-step").inner_text().startswith(WORDS[language]["next"])
    screenshot(f"stepper-portal-{language}-{width}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("width", ["desktop", "phone"])
def test_the_officer_sees_the_same_steps_on_the_case_page(live_server, page, screenshot, province, verifying,
                                                          language, width):
    case, _code = verifying
    page.set_viewport_size(WIDTHS[width])
    use_language(page, live_server, language)
    sign_in(page, live_server, province["officer"], next_url=f"/work/cases/objection/{case.pk}/")
    assert page.locator("#progress").count() == 1
    check_stepper(page, language, width, case)
    screenshot(f"stepper-workspace-{language}-{width}")
