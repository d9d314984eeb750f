"""The auditors' timeline of a case, filtered and paged (issue 19 item 9): by kind of event, actor and
period, as GET parameters a page can be bookmarked with; bad values are messages beside their field
(400), never an error page; the auditor's scope still decides whether the case exists; and a
200-event case costs the same number of queries as a small one (one page of rows is read)."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cases.audit.models import AuditEvent
from cases.audit.selectors import TIMELINE_PAGE_SIZE, case_for
from cases.services import entries as entry_svc

from .console_fixtures import CORRECTED_AT, LISTED_AT, OBJECTION_AT, clock_at, history, world  # noqa: F401
from .test_console_pages import client_for

pytestmark = pytest.mark.django_db


def timeline_of(history, language="zh-hans", **params):
    objection = history["objection"]
    return client_for(history["city_auditor"], language).get(f"/audit/objection/{objection.pk}/", params)


def actions(response) -> list[str]:
    return [row.event.action for row in response.context["rows"]]


def grow_to(history, events: int) -> int:
    """Corrections of the entry's facts, one audit event each, on 2026-05-06, until the objection's
    timeline holds at least ``events`` events; returns how many it holds."""
    case = case_for(user=history["city_auditor"], kind="objection", pk=history["objection"].pk)
    have = AuditEvent.objects.filter(chain__in=case.chain_names).count()
    with clock_at(dt.datetime(2026, 5, 6, 9, 0, tzinfo=OBJECTION_AT.tzinfo)):
        for i in range(max(0, events - have)):
            entry_svc.entry_correct(actor=history["officer"], entry=history["entry"], reason=f"核对第{i + 1}次",
                                    facts=f"拖欠税款逾期未缴，金额人民币{100000 + i}元")
    return AuditEvent.objects.filter(chain__in=case.chain_names).count()


def test_the_timeline_filters_by_kind_of_event(history):
    everything = timeline_of(history)
    assert everything.status_code == 200
    for kind, prefixes in {"letters": ("letter.",), "tasks": ("task.",), "materials": ("attachments.",),
                           "measures": ("execution.", "restoration."),
                           "procedure": ("entry.", "objection.", "repair.", "import.", "removal.", "case.")}.items():
        shown = actions(timeline_of(history, kind=kind))
        assert shown and all(a.startswith(prefixes) for a in shown), (kind, shown)
    assert sorted(sum((actions(timeline_of(history, kind=k)) for k in
                       ("letters", "tasks", "materials", "measures", "procedure")), [])) == sorted(actions(everything))


def test_the_timeline_filters_by_actor_and_by_period(history):
    stand_in = history["stand_in"]
    by_stand_in = timeline_of(history, actor=stand_in.pk)
    assert actions(by_stand_in) == ["entry.correct"]
    assert '代理经办人' in by_stand_in.content.decode()  # the stand-in is offered by name
    by_system = timeline_of(history, actor="system")
    assert by_system.context["rows"] and all(row.event.actor_id is None for row in by_system.context["rows"])
    corrected_on = timezone.localdate(CORRECTED_AT).isoformat()  # the filter's days are Beijing days
    march_10 = timeline_of(history, date_from=corrected_on, date_to=corrected_on)
    assert actions(march_10) == ["entry.correct"]
    listed_on = timezone.localdate(LISTED_AT)
    listing_day = timeline_of(history, date_to=listed_on.isoformat())
    assert listing_day.context["rows"] and all(
        timezone.localdate(row.event.occurred_at) <= listed_on for row in listing_day.context["rows"])
    assert "entry.correct" not in actions(listing_day)
    combined = timeline_of(history, kind="procedure", actor=history["officer"].pk, date_from="2026-04-01")
    assert combined.context["rows"] and all(
        row.event.actor_id == history["officer"].pk and timezone.localdate(row.event.occurred_at) >= dt.date(2026, 4, 1)
        for row in combined.context["rows"])


def test_the_filters_are_kept_in_the_form_and_the_pager(history):
    grow_to(history, TIMELINE_PAGE_SIZE + 30)
    response = timeline_of(history, kind="procedure", date_from="2026-03-01")
    text = response.content.decode()
    assert 'value="2026-03-01"' in text and re.search(r'<option value="procedure" selected>', text)
    assert 'href="?kind=procedure&amp;date_from=2026-03-01&amp;page=2"' in text
    second = timeline_of(history, kind="procedure", date_from="2026-03-01", page=2)
    assert second.context["timeline"].page == 2
    assert 'href="?kind=procedure&amp;date_from=2026-03-01&amp;page=1"' in second.content.decode()


@pytest.mark.parametrize("params, field, message", [
    ({"kind": "everything"}, "kind", "选择一个有效的选项"),
    ({"actor": "99999"}, "actor", "选择一个有效的选项"),
    ({"actor": "robert'); drop table"}, "actor", "选择一个有效的选项"),
    ({"date_from": "2026-13-01"}, "date_from", "请输入有效日期"),
    ({"date_from": "2026-05-01", "date_to": "2026-04-01"}, "date_to", "结束日期早于开始日期"),
    ({"page": "two"}, "page", "输入整数"),
    ({"page": "0"}, "page", "1"),
])
def test_a_bad_filter_value_is_a_message_beside_its_field(history, params, field, message):
    response = timeline_of(history, **params)
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    text = response.content.decode()
    assert f'id="id_{field}-error"' in text or field == "page"
    assert message in text or message in str(response.context["form"].errors[field])
    assert 'id="timeline"' not in text  # nothing is shown as if it were the filtered timeline


def test_a_bad_filter_value_in_english(history):
    response = timeline_of(history, "en", date_from="2026-05-01", date_to="2026-04-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_a_page_past_the_last_shows_the_last(history):
    response = timeline_of(history, page=999)
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline.page == timeline.pages and response.context["rows"]


def test_filters_do_not_widen_the_scope(history):
    objection = history["objection"]
    for auditor in (history["far_auditor"], history["lonely_auditor"]):
        response = client_for(auditor).get(f"/audit/objection/{objection.pk}/",
                                            {"kind": "procedure", "actor": history["officer"].pk})
        assert response.status_code == 404
    # The actor filter offers only people who acted in this case's chains.
    offered = dict(timeline_of(history).context["form"].fields["actor"].choices)
    assert str(history["far_auditor"].pk) not in offered and str(history["stand_in"].pk) in offered


def test_a_200_event_case_reads_one_page_with_as_many_queries_as_a_small_one(history):
    client, url = client_for(history["city_auditor"]), f"/audit/objection/{history['objection'].pk}/"
    client.get(url)  # the session and the language settle before counting
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    assert grow_to(history, 200) >= 200
    with CaptureQueriesContext(connection) as large:
        response = client.get(url, {"page": 2})
    assert response.status_code == 200
    timeline = response.context["timeline"]
    assert timeline.count >= 200 and len(response.context["rows"]) == TIMELINE_PAGE_SIZE
    assert timeline.first == TIMELINE_PAGE_SIZE + 1
    assert len(large.captured_queries) <= len(small.captured_queries) + 1, [q["sql"] for q in large.captured_queries]
    assert len(large.captured_queries) <= 30, [q["sql"] for q in large.captured_queries]
