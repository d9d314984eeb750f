"""Issue 19 items 2 and 3: a task page shows what its step decides on (the objection's grounds and
evidence for verification, the conclusion with each correction old → new for approval, the
application and its material for a repair, the proposal for its decision, the measure and the
entry for a response), in words, never codes; a correction is made by picking the field on a form
that shows its current value, and only the fields changed are corrected."""

import re

import pytest
from django.utils import translation

from cases.errors import ValidationFailed
from cases.models import ListEntry, MeasureExecution, ObjectionCase, RepairCase
from cases.services import objections as svc
from workflow import services
from workflow.models import WorkItem

from .repair_helpers import accept, filed, propose, repairable  # noqa: F401
from .test_listing_through_the_api import list_through_api
from .test_objections import file_on_portal
from .test_workspace_queue import browser_for

pytestmark = pytest.mark.django_db
CODES = ("reasons:", "facts:", "True", "False", "CORRECTED", "[{", "{'", "VERIFYING", "CONCLUDED")


@pytest.fixture
def active(province, as_user):
    return ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])


def task_of(case, step):
    return WorkItem.objects.get(object_type=case._meta.label_lower, object_id=case.pk, step=step, is_open=True).task_id


def verifying(province, active):
    case = ObjectionCase.objects.get(number=file_on_portal(province, active).json()["number"])
    services.task_complete(actor=province["officer"], task_id=task_of(case, "acceptance"), data={"accept": True})
    return case


def decision_text(html: str) -> str:
    return html.split('id="decision"')[1].split("</section>")[0]


def assert_no_codes(html: str):
    """No code in the text a person reads (attributes and option values are not read)."""
    text = re.sub(r"<[^>]+>", " ", html)
    for code in CODES:
        assert code not in text, f"{code!r} on the page"


def test_the_verification_page_shows_the_grounds_and_evidence_with_a_working_download(province, active):
    case = verifying(province, active)
    officer = browser_for(province["officer"])
    html = officer.get(f"/work/tasks/{task_of(case, 'verification')}/").content.decode()
    panel = decision_text(html)
    assert "欠薪金额有误，实际已于2026年2月全部支付" in panel  # the grounds
    assert "凭证.pdf" in panel
    assert active.facts in panel and active.reasons in panel
    assert "异议申请" in panel and "名单信息" in panel
    assert_no_codes(panel)
    link = panel.split('href="')[1].split('"')[0]
    download = officer.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_correction_form_lists_each_field_by_label_with_its_current_value(province, active):
    case = verifying(province, active)
    html = browser_for(province["officer"]).get(f"/work/tasks/{task_of(case, 'verification')}/").content.decode()
    form = html.split('id="complete-form"')[1]
    for name, label in (("facts", "事实"), ("reasons", "列入原因"), ("basis", "认定依据"), ("valid_until", "有效期至")):
        part = form.split(f'data-part="{name}"')[1].split("</div>\n")[0]
        assert f">{label}</label>" in part
    assert f">{active.reasons}</textarea>" in form  # filled with the current value
    assert "现为：" in form
    assert "每行一项" not in html and "field: corrected value" not in html
    assert_no_codes(form.split("</form>")[0])


def test_only_the_fields_the_officer_changed_are_corrected(province, active):
    case = verifying(province, active)
    task_id = task_of(case, "verification")
    posted = {f"corrections.{name}": getattr(active, name) for name in ("facts", "reasons", "basis")}
    posted["corrections.valid_until"] = active.valid_until.isoformat()
    response = browser_for(province["officer"]).post(f"/work/tasks/{task_id}/complete/", {
        "outcome": "CORRECTED", "findings": "列入理由表述有误",
        **posted, "corrections.reasons": "符合失信被执行人认定标准（已更正）\r\n"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.corrections == {"reasons": "符合失信被执行人认定标准（已更正）"}


def test_a_correction_with_nothing_changed_is_refused_in_words(province, active):
    case = verifying(province, active)
    task_id = task_of(case, "verification")
    posted = {f"corrections.{name}": getattr(active, name) for name in ("facts", "reasons", "basis")}
    response = browser_for(province["officer"]).post(f"/work/tasks/{task_id}/complete/", {
        "outcome": "CORRECTED", "findings": "有误", **posted})
    assert response.status_code == 400
    html = response.content.decode()
    assert "请至少修改一项需更正的内容" in html and "列入原因" in html
    assert 'id="error-corrections"' in html


def test_fields_changed_with_another_outcome_are_refused(province, active):
    case = verifying(province, active)
    response = browser_for(province["officer"]).post(f"/work/tasks/{task_of(case, 'verification')}/complete/", {
        "outcome": "UPHELD", "findings": "信息准确", "corrections.facts": "改动"})
    assert response.status_code == 400 and 'id="error-corrections"' in response.content.decode()
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.VERIFYING


def test_the_service_takes_a_field_by_its_label_as_well_as_its_code(province, active):
    case = verifying(province, active)
    concluded = svc.objection_conclude(actor=province["officer"], case=case, outcome="CORRECTED", findings="有误",
                                       corrections={"列入理由": "新的理由", "Facts": "新的事实"})
    assert concluded.corrections == {"reasons": "新的理由", "facts": "新的事实"}


def test_an_unknown_field_is_refused_naming_the_fields_that_can_be_corrected(province, active):
    case = verifying(province, active)
    with pytest.raises(ValidationFailed) as refused:
        svc.objection_conclude(actor=province["officer"], case=case, outcome="CORRECTED", findings="有误",
                               corrections={"金额": "12万"})
    message = str(refused.value.fields["corrections"][0][1])
    assert "金额" in message and "事实、列入原因、认定依据、有效期至" in message


def test_the_approval_page_shows_the_conclusion_and_each_correction_old_to_new(province, active):
    case = verifying(province, active)
    old_reasons = active.reasons
    services.task_complete(actor=province["officer"], task_id=task_of(case, "verification"), data={
        "outcome": "CORRECTED", "findings": "列入理由表述有误", "corrections": {"reasons": "更正后的列入理由"}})
    leader = browser_for(province["leader"])
    html = leader.get(f"/work/tasks/{task_of(case, 'approval')}/").content.decode()
    panel = decision_text(html)
    conclusion = panel.split('data-group="conclusion"')[1].split('data-group="entry"')[0]
    assert "待审批的核查结论" in conclusion and "已更正" in conclusion and "列入理由表述有误" in conclusion
    officer = province["officer"]
    assert (officer.get_full_name() or officer.username) in conclusion
    change = conclusion.split('data-field="reasons"')[1].split("</li>")[0]
    assert "列入原因" in change and old_reasons in change and "更正后的列入理由" in change
    assert "凭证.pdf" in panel and "欠薪金额有误" in panel  # the grounds and evidence too
    assert_no_codes(panel)
    english = decision_text(browser_for(province["leader"], "en").get(
        f"/work/tasks/{task_of(case, 'approval')}/").content.decode())
    assert "The conclusion to approve" in english and "Reasons" in english and "corrected" in english
    assert_no_codes(english)


def test_after_approval_the_case_page_shows_the_correction_by_label_old_to_new(province, active):
    case = verifying(province, active)
    old_reasons = active.reasons
    services.task_complete(actor=province["officer"], task_id=task_of(case, "verification"), data={
        "outcome": "CORRECTED", "findings": "列入理由表述有误", "corrections": {"列入理由": "更正后的列入理由"}})
    services.task_complete(actor=province["leader"], task_id=task_of(case, "approval"), data={"approve": True})
    active.refresh_from_db()
    assert active.reasons == "更正后的列入理由"
    html = browser_for(province["officer"]).get(f"/work/cases/objection/{case.pk}/").content.decode()
    shown = html.split('id="case-corrections"')[1].split("</ul>")[0]
    assert "列入原因" in shown and old_reasons in shown and "更正后的列入理由" in shown
    assert "reasons:" not in html
    timeline = html.split('id="timeline"')[1]
    proposed = timeline.split('data-action="objection.conclude"')[1].split("</ul>")[0]
    assert "列入原因" in proposed and "更正后的列入理由" in proposed
    entry_page = browser_for(province["officer"]).get(f"/work/cases/entry/{active.pk}/").content.decode()
    corrected = entry_page.split('data-action="entry.correct"')[1].split("</ul>")[0]
    assert "列入原因" in corrected and old_reasons in corrected and "更正后的列入理由" in corrected
    assert_no_codes(corrected)


def test_a_response_task_shows_the_measure_and_the_entry(province, active):
    execution = MeasureExecution.objects.get(entry=active, unit=province["impl_a"], measure=province["mandatory"])
    html = browser_for(province["officer_a"]).get(f"/work/tasks/{task_of(execution, 'respond')}/").content.decode()
    panel = decision_text(html)
    assert province["mandatory"].title in panel and province["impl_a"].name in panel
    assert active.facts in panel and active.subject.name in panel
    assert "是否必须执行" in panel and ">是<" in panel
    assert_no_codes(panel)


def test_the_repair_review_shows_the_application_and_its_material_and_the_decision_the_proposal(
        province, as_user, repairable):  # noqa: F811
    number = filed(repairable)["number"]
    case = RepairCase.objects.get(number=number)
    accept(province, as_user)
    review = browser_for(province["officer"]).get(f"/work/tasks/{task_of(case, 'review')}/").content.decode()
    panel = decision_text(review)
    assert "已足额缴纳欠缴税款及滞纳金" in panel and "完税证明.pdf" in panel and "信用承诺书" in panel
    assert_no_codes(panel)
    propose(province, as_user, findings="已足额缴纳，经核实无误")
    decision = decision_text(browser_for(province["leader"]).get(
        f"/work/tasks/{task_of(case, 'decision')}/").content.decode())
    proposal = decision.split('data-group="proposal"')[1].split('data-group="entry"')[0]
    assert "拟作出的决定" in proposal and "已足额缴纳，经核实无误" in proposal
    with translation.override("zh-hans"):
        assert str(RepairCase.Proposal.APPROVE.label) in proposal
    assert "APPROVE" not in proposal
    assert_no_codes(decision)


def test_a_corrected_validity_in_the_past_is_refused_when_concluding(province, active):
    case = verifying(province, active)
    with pytest.raises(ValidationFailed) as refused:
        svc.objection_conclude(actor=province["officer"], case=case, outcome="CORRECTED", findings="有误",
                               corrections={"valid_until": "2020-01-01"})
    assert refused.value.fields["corrections"][0][0] == "valid_until_not_future"
    with pytest.raises(ValidationFailed) as refused:
        svc.objection_conclude(actor=province["officer"], case=case, outcome="CORRECTED", findings="有误",
                               corrections={"有效期至": "明年"})
    assert refused.value.fields["corrections"][0][0] == "invalid_date"


def test_the_repair_review_offers_the_unit_to_verify_by_name(province, as_user, repairable):  # noqa: F811
    case = RepairCase.objects.get(number=filed(repairable)["number"])
    accept(province, as_user)
    officer = browser_for(province["officer"])
    task_id = task_of(case, "review")
    html = officer.get(f"/work/tasks/{task_id}/").content.decode()
    select = html.split('id="field-verification_unit"')[1].split("</select>")[0]
    impl_a = province["impl_a"]
    assert f'<option value="{impl_a.code}">{impl_a.name}</option>' in select
    assert f'value="{province["listing"].code}"' not in select  # not the deciding unit itself
    assert "Code of the unit" not in html and "单位代码" not in html
    response = officer.post(f"/work/tasks/{task_id}/complete/", {
        "action": "VERIFY", "verification_unit": impl_a.code, "request": "请核实税款是否已足额缴纳"})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.verification_unit == impl_a
    check = decision_text(browser_for(province["officer_a"]).get(
        f"/work/tasks/{task_of(case, 'performance_check')}/").content.decode())
    assert "请核实税款是否已足额缴纳" in check and "已足额缴纳欠缴税款及滞纳金" in check
    assert_no_codes(check)


def test_a_lift_task_shows_why_the_entry_left_the_list(province, active):
    execution = MeasureExecution.objects.get(entry=active, unit=province["impl_a"], measure=province["mandatory"])
    services.task_complete(actor=province["officer_a"], task_id=task_of(execution, "respond"), data={})
    case = verifying(province, active)
    services.task_complete(actor=province["officer"], task_id=task_of(case, "verification"),
                           data={"outcome": "REVOKED", "findings": "认定事实错误"})
    services.task_complete(actor=province["leader"], task_id=task_of(case, "approval"), data={"approve": True})
    panel = decision_text(browser_for(province["officer_a"]).get(
        f"/work/tasks/{task_of(execution, 'lift')}/").content.decode())
    with translation.override("zh-hans"):
        assert str(ListEntry.RemovalReason.REVOKED.label) in panel
        assert str(ListEntry.State.REMOVED.label) in panel
    assert province["mandatory"].title in panel
    assert_no_codes(panel)
    assert "REVOKED" not in re.sub(r"<[^>]+>", " ", panel)
