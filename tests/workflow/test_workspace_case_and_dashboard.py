"""The case page (facts, attachments with SHA-256, deadlines and how they were computed, the
timeline, letters, the entry's measure executions per implementing unit) and the unit dashboard
(open, due this week, overdue, on time / late / 3x late, objections and repairs, XLSX)."""

import datetime as dt
import io

import pytest
from django.core.files.base import ContentFile
from django.utils import timezone
from openpyxl import load_workbook

from cases.models import ListEntry, MeasureExecution, ObjectionCase
from letters.models import Letter
from workflow import services
from workflow.dashboard import classify
from workflow.models import WorkItem

from .test_listing_through_the_api import list_through_api
from .test_objections import file_on_portal
from .test_workspace_queue import browser_for, open_task

pytestmark = pytest.mark.django_db


def execution_task(execution, step):
    return WorkItem.objects.get(object_type="cases.measureexecution", object_id=execution.pk, step=step,
                                is_open=True).task_id


@pytest.fixture
def applied(province, as_user):
    """An active entry whose mandatory measure implementing unit A acknowledged and applied."""
    entry = ListEntry.objects.get(pk=list_through_api(province, as_user)["id"])
    execution = MeasureExecution.objects.get(entry=entry, unit=province["impl_a"], measure=province["mandatory"])
    officer_a = province["officer_a"]
    services.task_complete(actor=officer_a, task_id=execution_task(execution, "respond"), data={})
    services.task_complete(actor=officer_a, task_id=execution_task(execution, "feedback"),
                           data={"applied": True, "note": "暂停其政府采购投标资格"})
    return entry


def test_the_entry_page_shows_facts_deadlines_timeline_letters_and_executions_per_unit(province, applied):
    page = browser_for(province["officer"]).get(f"/work/cases/entry/{applied.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert applied.facts in html and applied.reasons in html
    assert "办理期限及其计算过程" in html and "期间起算日" in html  # prior_notice_response / publication
    assert "事先告知书送达" in html and "作出列入决定" in html and "环节办结" in html  # the timeline
    assert html.count('data-unit="') == 3  # mandatory at A and B, recommended at A
    row_a = html.split(f'data-unit="{province["impl_a"].code}"')[1].split("</tr>")[0]
    assert province["officer_a"].get_full_name() in row_a and "暂停其政府采购投标资格" in row_a
    assert province["officer_a"].username not in row_a  # people by name, not by username
    letters = Letter.objects.filter(case_chain=f"cases.listentry:{applied.pk}")
    assert letters.exists()
    for letter in letters:
        assert letter.document_number in html


def test_a_letter_with_its_pdf_has_a_download_link_that_works_for_the_unit(province, applied):
    letter = Letter.objects.filter(case_chain=f"cases.listentry:{applied.pk}").first()
    letter.pdf.save("test-letter.pdf", ContentFile(b"%PDF-1.4 test"), save=True)
    officer = browser_for(province["officer"])
    html = officer.get(f"/work/cases/entry/{applied.pk}/").content.decode()
    assert f"/letters/{letter.pk}/pdf/" in html
    assert officer.get(f"/letters/{letter.pk}/pdf/").status_code == 200


def test_an_implementing_unit_sees_the_entry_with_only_its_own_executions(province, applied):
    execution = MeasureExecution.objects.filter(entry=applied, unit=province["impl_b"]).first()
    officer_b = browser_for(province["officer_b"])
    # From the task, the case page of a measure task is its entry.
    response = officer_b.get(f"/work/tasks/{execution_task(execution, 'respond')}/case/")
    assert response.status_code == 302 and response["Location"] == f"/work/cases/entry/{applied.pk}/"
    html = officer_b.get(response["Location"]).content.decode()
    assert html.count('data-unit="') == 1 and f'data-unit="{province["impl_b"].code}"' in html


def test_an_objection_page_shows_the_attachments_with_their_hash(province, applied):
    number = file_on_portal(province, applied).json()["number"]
    case = ObjectionCase.objects.get(number=number)
    html = browser_for(province["officer"]).get(f"/work/cases/objection/{case.pk}/").content.decode()
    assert number in html and case.grounds in html and "凭证.pdf" in html
    attachment = __import__("cases.models", fromlist=["Attachment"]).Attachment.objects.get(object_id=case.pk)
    assert attachment.sha256 in html
    assert "提出异议" in html
    url = f"/work/cases/objection/{case.pk}/attachments/{attachment.pk}/"
    assert url in html
    download = browser_for(province["officer"]).get(url)
    assert download.status_code == 200
    import hashlib

    assert hashlib.sha256(b"".join(download.streaming_content)).hexdigest() == attachment.sha256
    assert browser_for(province["outsider"]).get(url).status_code == 404
    assert browser_for(province["officer"]).get(
        f"/work/cases/entry/{applied.pk}/attachments/{attachment.pk}/").status_code == 404
    # the acceptance task is found in the queue by its case number
    queue = browser_for(province["officer"]).get("/work/", {"q": number}).content.decode()
    assert queue.count('class="task-row') == 1 and number in queue


def test_other_units_and_unknown_kinds_get_404(province, applied):
    outsider = browser_for(province["outsider"])
    assert outsider.get(f"/work/cases/entry/{applied.pk}/").status_code == 404
    assert browser_for(province["officer"]).get(f"/work/cases/nonsense/{applied.pk}/").status_code == 404
    assert browser_for(province["officer"]).get("/work/cases/entry/999999/").status_code == 404


# --- the dashboard -------------------------------------------------------------------------------

def _done(work_id, *, due, completed, start, paused=0):
    WorkItem.objects.filter(pk=work_id).update(
        due=due, due_unit="CALENDAR_DAYS", is_open=False,
        completed_at=timezone.make_aware(dt.datetime.combine(completed, dt.time(10))),
        due_computation={"start": start.isoformat(), "paused_days": paused, "unit": "CALENDAR_DAYS"})


def test_late_and_three_times_late_exclude_paused_time():
    def work(start, due, done, paused=0):
        return {"due": due, "due_unit": "CALENDAR_DAYS", "created_at": timezone.now(),
                "completed_at": timezone.make_aware(dt.datetime.combine(done, dt.time(10))),
                "due_computation": {"start": start.isoformat(), "paused_days": paused}}

    d = dt.date
    assert classify(work(d(2026, 3, 1), d(2026, 3, 11), d(2026, 3, 11)), None) == "on_time"
    assert classify(work(d(2026, 3, 1), d(2026, 3, 11), d(2026, 3, 20)), None) == "late"
    assert classify(work(d(2026, 3, 1), d(2026, 3, 11), d(2026, 4, 1)), None) == "late_3x"  # 31 > 3 x 10
    # 10 days allowed + 10 paused (the due date moved to the 21st): 31 days taken, 21 without the pause
    assert classify(work(d(2026, 3, 1), d(2026, 3, 21), d(2026, 4, 1), paused=10), None) == "late"


def test_the_dashboard_counts_open_overdue_and_the_months_deadlines(province, as_user):
    from .test_listing_through_the_api import draft
    from tests.factories import SubjectFactory

    officer = as_user(province["officer"])
    ids = [draft(officer, {**province, "subject": SubjectFactory(name=f"看板公司{i}")})["id"] for i in range(5)]
    tasks = [open_task(i, "prior_notice") for i in ids]
    today = timezone.localdate()
    WorkItem.objects.filter(pk=tasks[0]).update(due=today - dt.timedelta(days=2))  # overdue
    WorkItem.objects.filter(pk=tasks[1]).update(due=today)  # due this week
    month = dt.date(2026, 3, 1)
    _done(tasks[2], start=dt.date(2026, 3, 1), due=dt.date(2026, 3, 11), completed=dt.date(2026, 3, 10))
    _done(tasks[3], start=dt.date(2026, 3, 1), due=dt.date(2026, 3, 11), completed=dt.date(2026, 3, 15))
    _done(tasks[4], start=dt.date(2026, 2, 1), due=dt.date(2026, 2, 6), completed=dt.date(2026, 3, 20))
    page = browser_for(province["officer"]).get("/work/dashboard/", {"month": "2026-03"})
    assert page.status_code == 200
    context = page.context
    assert context["now"]["open"] == 2 and context["now"]["overdue"] == 1 and context["now"]["due_this_week"] == 1
    totals = context["month_totals"]
    assert (totals["completed"], totals["on_time"], totals["late"], totals["late_3x"]) == (3, 1, 1, 1)
    html = page.content.decode()
    assert "超期三倍以上" in html and "每月异议及信用修复申请" in html
    assert [r["month"] for r in context["cases_by_month"]][-1] == month

    xlsx = browser_for(province["officer"]).get("/work/dashboard/", {"month": "2026-03", "format": "xlsx"})
    assert xlsx.status_code == 200 and xlsx["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(xlsx.content))
    summary = {row[0]: row[1] for row in book.worksheets[0].iter_rows(values_only=True) if row and row[0]}
    assert summary["待办任务"] == 2 and summary["按期"] == 1 and summary["超期三倍以上"] == 1
    assert len(book.worksheets) == 3


def test_the_dashboard_counts_objections_per_month_for_the_unit_only(province, applied):
    file_on_portal(province, applied)
    this_month = timezone.localdate().replace(day=1)
    mine = browser_for(province["officer"]).get("/work/dashboard/", {"month": this_month.strftime("%Y-%m")}).context
    assert mine["cases_by_month"][-1]["objections"] == 1
    theirs = browser_for(province["outsider"]).get("/work/dashboard/").context
    assert sum(r["objections"] for r in theirs["cases_by_month"]) == 0


def test_a_bad_month_is_a_400_and_auditors_have_no_dashboard(province):
    bad = browser_for(province["officer"]).get("/work/dashboard/", {"month": "März"})
    assert bad.status_code == 400 and "YYYY-MM" in bad.content.decode()
    assert browser_for(province["auditor"]).get("/work/dashboard/").status_code == 403


def test_an_objection_goes_through_its_steps_on_the_pages_with_a_correction(province, applied):
    number = file_on_portal(province, applied).json()["number"]
    case = ObjectionCase.objects.get(number=number)
    officer, leader = browser_for(province["officer"]), browser_for(province["leader"])

    def task(step):
        return WorkItem.objects.get(object_type="cases.objectioncase", object_id=case.pk, step=step,
                                    is_open=True).task_id

    acceptance = task("acceptance")
    form = officer.get(f"/work/tasks/{acceptance}/").content.decode()
    assert 'name="accept" value="true"' in form
    assert officer.post(f"/work/tasks/{acceptance}/complete/", {"accept": "true"}).status_code == 302
    verification = task("verification")
    form = officer.get(f"/work/tasks/{verification}/").content.decode()
    assert 'id="field-outcome"' in form and 'id="field-corrections-facts"' in form
    unchanged = {f"corrections.{name}": getattr(applied, name) for name in ("facts", "reasons", "basis")}
    wrong = officer.post(f"/work/tasks/{verification}/complete/", {
        "outcome": "CORRECTED", "findings": "欠薪金额有误", **unchanged})
    assert wrong.status_code == 400 and 'id="error-corrections"' in wrong.content.decode()
    assert officer.post(f"/work/tasks/{verification}/complete/", {
        "outcome": "CORRECTED", "findings": "经核实欠薪金额有误",
        **unchanged, "corrections.facts": "经核实，欠薪已于2026年2月全部支付"}).status_code == 302
    case.refresh_from_db()
    assert case.corrections == {"facts": "经核实，欠薪已于2026年2月全部支付"}
    assert leader.post(f"/work/tasks/{task('approval')}/complete/", {"approve": "true"}).status_code == 302
    case.refresh_from_db()
    assert case.state == ObjectionCase.State.CLOSED
    page = officer.get(f"/work/cases/objection/{case.pk}/").content.decode()
    assert "核查完毕" in page and "异议办结" in page


def test_the_case_pages_timeline_filters_only_the_events_the_page_shows(province, applied):
    """The filter is the auditors' (cases.audit.selectors.case_timeline) over this page's own chains:
    an objection's page filtered to the procedure shows its own steps, never its entry's; "who" offers
    only those who acted on it; a bad value is a message beside its field (400)."""
    number = file_on_portal(province, applied).json()["number"]
    case = ObjectionCase.objects.get(number=number)
    officer = browser_for(province["officer"])
    page = officer.get(f"/work/cases/objection/{case.pk}/", {"kind": "procedure"})
    assert page.status_code == 200
    actions = [e.action for e in page.context["timeline"].events]
    assert actions and all(a.startswith("objection.") for a in actions), actions
    offered = dict(page.context["timeline_form"].fields["actor"].choices)
    assert str(province["officer_a"].pk) not in offered  # acted on the entry's measures, not on this case
    tasks = [e.action for e in officer.get(f"/work/cases/objection/{case.pk}/", {"kind": "tasks"}).context["timeline"].events]
    assert tasks and all(a.startswith("task.") for a in tasks)
    bad = officer.get(f"/work/cases/objection/{case.pk}/", {"date_from": "2026-05-02", "date_to": "2026-05-01"})
    assert bad.status_code == 400 and "结束日期早于开始日期。" in bad.content.decode()
    assert browser_for(province["outsider"]).get(f"/work/cases/objection/{case.pk}/", {"kind": "tasks"}).status_code == 404
