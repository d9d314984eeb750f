"""Every value a person reads is a label in their language (issue 19, items 1 and 11): the pages of
the demo province, in zh-hans and en, show no state code, rule key, spec section, Python boolean or
literal, 「待核」, username or unit code, nor an English or Django-worded error on a Chinese page
(the detector is tests/readable.py)."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import translation
from openpyxl import load_workbook

from cases.models import ListType, ObjectionCase, Unit
from cases.portal.forms import ObjectionDetailsForm
from tests.readable import assert_readable
from workflow.models import WorkItem
from workflow.services import task_complete

pytestmark = pytest.mark.django_db
LANGUAGES = ("zh-hans", "en")


def user(username):
    return get_user_model().objects.get(username=username)


def client_for(username=None, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    if username:
        client.force_login(user(username))
    return client


def codes() -> list[str]:
    """What a page must name, not show as a code: usernames, unit codes and list type codes."""
    return [*get_user_model().objects.values_list("username", flat=True),
            *Unit.objects.values_list("code", flat=True), *ListType.objects.values_list("code", flat=True)]


def open_task(case, step):
    return WorkItem.objects.get(object_type=case._meta.label_lower, object_id=case.pk, step=step, is_open=True)


@pytest.fixture
def demo():
    """The demo province; its objection is seen waiting for acceptance, then accepted (letters,
    tasks and measures suspended: the timelines have something of every kind)."""
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo_cases", stdout=io.StringIO())
    objection = ObjectionCase.objects.get()
    return {"objection": objection, "entry": objection.entry}


def check(pages: dict, forbidden: list[str]) -> None:
    for name, (who, path) in pages.items():
        for language in LANGUAGES:
            response = client_for(who, language).get(path)
            assert response.status_code == 200, (name, language, response.status_code)
            assert_readable(response, language, where=f"{name} {path}", forbidden=forbidden)


def test_the_pages_of_a_case_name_every_value_in_both_languages(demo):
    objection, entry = demo["objection"], demo["entry"]
    forbidden = codes()
    acceptance = open_task(objection, "acceptance")
    check({
        "public repair check": (None, f"/portal/repair-check/?subject={entry.subject.identifier}"),
        "acceptance task": ("ls-platform-officer", f"/work/tasks/{acceptance.task_id}/"),
        "queue": ("ls-platform-officer", "/work/"),
    }, forbidden)
    # The task's title was written in Chinese when the demo opened it; an English reader reads it in English.
    english = client_for("ls-platform-officer", "en")
    assert "Check the objection for acceptance · " in english.get(f"/work/tasks/{acceptance.task_id}/").content.decode()
    assert english.get(f"/api/v1/tasks/{acceptance.task_id}/").json()["title"].startswith("Check the objection")
    task_complete(actor=user("ls-platform-officer"), task_id=acceptance.task_id, data={"accept": True})
    check({
        "workspace objection": ("ls-platform-officer", f"/work/cases/objection/{objection.pk}/"),
        "workspace entry": ("ls-amr-officer", f"/work/cases/entry/{entry.pk}/"),
        "audit objection": ("xz-auditor", f"/audit/objection/{objection.pk}/"),
        "audit entry": ("xz-auditor", f"/audit/entry/{entry.pk}/"),
        "audit objection as of": ("xz-auditor", f"/audit/objection/{objection.pk}/as-of/?at=2099-01-01"),
        "audit entry as of": ("xz-auditor", f"/audit/entry/{entry.pk}/as-of/?at=2099-01-01"),
        "audit verification": ("xz-auditor", f"/audit/entry/{entry.pk}/verify/"),
    }, forbidden)


def test_the_administration_carries_our_name_and_translated_labels(demo):
    check({
        "admin index": ("demo-admin", "/admin/"),
        "admin regions": ("demo-admin", "/admin/cases/region/"),
        "admin units": ("demo-admin", "/admin/cases/unit/"),
        "admin unit form": ("demo-admin", f"/admin/cases/unit/{Unit.objects.get(code='ls-amr').pk}/change/"),
        "admin list types": ("demo-admin", "/admin/cases/listtype/"),
        "admin rules": ("demo-admin", "/admin/deadlines/procedurerule/"),
    }, forbidden=[])
    page = client_for("demo-admin").get("/admin/").content.decode()
    assert "Django" not in page and "信用联合奖惩案件管理系统" in page and "credit/admin.css" in page
    regions = client_for("demo-admin").get("/admin/cases/unit/").content.decode()
    assert "行政区划" in regions and ">region<" not in regions.lower()
    rules = client_for("demo-admin").get("/admin/deadlines/procedurerule/").content.decode()
    assert "事先告知书送达后当事人陈述申辩的期限" in rules and "prior_notice_response" not in rules
    # A filed case's read-only page names every field in Chinese (the objection and repair fields too).
    objection = client_for("demo-admin").get(f"/admin/cases/objectioncase/{demo['objection'].pk}/change/")
    assert objection.status_code == 200
    labels = re.findall(r"<label[^>]*>([^<]+)</label>", objection.content.decode())
    assert labels and not [text for text in labels if re.fullmatch(r"[A-Za-z ,.()'-]+:?", text.strip())], labels
    for field in ("受理单位", "核查单位", "补正材料收到日期", "撤回理由"):
        assert field in objection.content.decode(), field


def test_the_statistics_spreadsheet_names_kinds_and_states(demo):
    response = client_for("ls-drc-officer").get("/api/v1/exports/statistics/?format=xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    cells = [str(c) for row in sheet.iter_rows(min_row=2, values_only=True) for c in row[2:4]]
    assert "异议" in cells and "已提交，受理审查中" in cells
    assert not {"objection", "OBJECTION", "SUBMITTED", "ACTIVE"} & set(cells)


def test_a_too_short_text_is_refused_in_plain_chinese():
    with translation.override("zh-hans"):
        form = ObjectionDetailsForm({"target": ObjectionCase.Target.CONTENT, "grounds": "短"})
        assert not form.is_valid()
        assert form.errors["grounds"] == ["请至少填写10个字（目前为1个字）。"]


def test_the_signer_of_a_letter_is_named_by_its_unit_not_its_certificate_attributes():
    from asn1crypto.x509 import Name

    from letters.verification import signer_name

    subject = Name.build({"country_name": "CN", "organization_name": "拉萨市信用信息共享平台",
                          "organizational_unit_name": "ls-platform", "common_name": "拉萨市信用信息共享平台"})
    assert signer_name(subject) == "拉萨市信用信息共享平台"
