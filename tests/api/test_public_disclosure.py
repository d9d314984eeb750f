"""公示: the public, unauthenticated search of listed entries, as an API and a page (domain.md §8)."""

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from cases.services import entries as svc
from tests.api.status_fixtures import listed, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db
API, PAGE = "/api/v1/public/entries/", "/public/"


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    settings.PUBLIC_DISCLOSURE_RATE = "1000/minute"
    cache.delete("throttle_public_disclosure_127.0.0.1")
    yield
    cache.delete("throttle_public_disclosure_127.0.0.1")


def search(**params):
    headers = {}
    if "lang" in params:
        headers["HTTP_ACCEPT_LANGUAGE"] = params.pop("lang")
    return APIClient().get(API, params, **headers)


def test_anyone_finds_a_listed_entry_by_name_fragment_without_signing_in(world):
    entry = listed(world, reasons="拖欠税款，符合认定标准")
    response = search(q=world["subject"].name[2:6])
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["subject_name"] == world["subject"].name
    assert row["subject_code"] == world["subject"].identifier  # a company's code is public
    assert (row["list_kind"], row["list_type"]) == ("SERIOUS", world["blacklist"].name)
    assert row["status"] == "ACTIVE"
    assert row["reasons"] == "拖欠税款，符合认定标准"
    assert row["basis"] == entry.basis and row["listing_unit"] == world["listing"].name
    assert row["decision_date"] == "2026-03-02" and row["valid_until"] == entry.valid_until.isoformat()
    assert row["published_on"]
    assert "facts" not in row and "拖欠税款逾期未缴" not in response.content.decode()


def test_a_full_code_finds_the_subject_but_a_code_prefix_finds_nothing(world):
    listed(world)
    code = world["subject"].identifier
    assert len(search(q=code.lower()).json()["results"]) == 1
    assert search(q=code[:10]).json()["results"] == []


def test_a_natural_persons_id_number_is_masked_and_never_in_the_response(world):
    person = world["person"]
    listed(world, subject=person)
    for q in (person.name, person.identifier):
        response = search(q=q)
        body = response.content.decode()
        [row] = response.json()["results"]
        assert row["subject_code"] == person.identifier[:6] + "*" * 11 + person.identifier[-1]
        assert person.identifier not in body


def test_a_removed_entry_leaves_public_view_at_once(world):
    entry = listed(world)
    assert len(search(q=world["subject"].identifier).json()["results"]) == 1
    svc.entry_remove(actor=None, entry=entry, removal_reason="REPAIRED", reason="信用修复")
    assert search(q=world["subject"].identifier).json()["results"] == []
    assert search(q=world["subject"].name).json()["results"] == []
    page = APIClient().get(PAGE, {"q": world["subject"].name}).content.decode()
    assert world["subject"].name not in page.split('id="results"')[1]


def test_drafts_notices_decisions_and_withdrawn_entries_never_appear(world):
    w = world
    draft = svc.entry_draft(actor=w["officer"], list_type=w["blacklist"], subject=w["subject"], facts="f", reasons="r1")
    noticed = svc.entry_draft(actor=w["officer"], list_type=w["focus"], subject=w["subject"], facts="f", reasons="r2")
    svc.entry_send_notice(actor=w["officer"], entry=noticed)
    decided = svc.entry_draft(actor=w["officer"], list_type=w["blacklist"], subject=w["subject"], facts="f", reasons="r3")
    svc.entry_send_notice(actor=w["officer"], entry=decided)
    svc.entry_decide(actor=w["leader"], entry=decided)
    withdrawn = svc.entry_draft(actor=w["officer"], list_type=w["red"], subject=w["subject"], facts="f", reasons="r4")
    svc.entry_withdraw(actor=w["officer"], entry=withdrawn, reason="撤回")
    assert draft.state == "DRAFT"
    assert search(q=w["subject"].identifier).json()["results"] == []


def test_a_suspended_entry_shows_objection_being_processed_in_chinese_and_english(world):
    entry = listed(world)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    [row] = search(q=world["subject"].identifier).json()["results"]
    assert (row["status"], row["status_label"]) == ("SUSPENDED", "异议处理中")
    [row_en] = search(q=world["subject"].identifier, lang="en").json()["results"]
    assert row_en["status_label"] == "objection being processed"
    assert row_en["list_kind_label"] == "serious untrustworthy list (blacklist)"


def test_red_black_and_focus_lists_can_be_filtered_by_kind(world):
    listed(world)
    listed(world, list_type=world["red"])
    listed(world, list_type=world["focus"])
    code = world["subject"].identifier
    assert sorted(r["list_kind"] for r in search(q=code).json()["results"]) == ["FOCUS", "RED", "SERIOUS"]
    assert [r["list_kind"] for r in search(q=code, kind="red").json()["results"]] == ["RED"]
    assert [r["list_kind"] for r in search(q=code, kind="FOCUS").json()["results"]] == ["FOCUS"]


@pytest.mark.parametrize("params, field", [({"q": "拉"}, "q"), ({"q": " "}, "q"), ({}, "q"),
                                           ({"q": "测试", "kind": "GREY"}, "kind")])
def test_too_short_a_query_or_an_unknown_kind_is_a_field_error(world, params, field):
    response = APIClient().get(API, params)
    assert response.status_code == 400
    assert list(response.json()["fields"]) == [field]


def test_results_come_in_pages_of_twenty(world):
    for i in range(21):
        listed(world, subject=SubjectFactory(name=f"翻页测试{i:02d}有限公司"), list_type=world["red"])
    first = search(q="翻页测试").json()
    assert (len(first["results"]), first["page"], first["has_next"], first["has_previous"]) == (20, 1, True, False)
    assert (first["count"], first["count_capped"], first["pages"]) == (21, False, 2)  # as the search page says
    second = search(q="翻页测试", page=2).json()
    assert (len(second["results"]), second["has_next"], second["has_previous"]) == (1, False, True)
    names = {r["subject_name"] for r in first["results"]} | {r["subject_name"] for r in second["results"]}
    assert len(names) == 21


def test_searches_are_throttled_per_address(world, settings):
    settings.PUBLIC_DISCLOSURE_RATE = "3/minute"
    client = APIClient()
    assert [client.get(API, {"q": "测试"}).status_code for _ in range(3)] == [200, 200, 200]
    assert client.get(API, {"q": "测试"}).status_code == 429
    assert client.get(PAGE, {"q": "测试"}).status_code == 429


# --- the page ---------------------------------------------------------------------------------

def test_the_page_lists_entries_in_chinese_with_masked_id_numbers(world):
    person = NaturalPersonFactory(name="公示测试人甲")
    entry = listed(world, subject=person)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    for q in ("公示测试人", person.identifier):
        response = APIClient().get(PAGE, {"q": q})
        html = response.content.decode()
        assert response.status_code == 200
        assert "公示测试人甲" in html and "异议处理中" in html
        assert person.identifier[:6] + "*" * 11 + person.identifier[-1] in html
        assert person.identifier not in html
        assert '<html lang="zh-hans">' in html


def test_an_htmx_request_gets_only_the_results_partial(world):
    listed(world)
    response = APIClient().get(PAGE, {"q": world["subject"].name}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert world["subject"].name in html
    assert "HX-Request" in response["Vary"]
    short = APIClient().get(PAGE, {"q": "拉"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'role="alert"' in short


def test_the_page_in_english_with_lang_or_accept_language(world):
    entry = listed(world)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    by_param = APIClient().get(PAGE, {"q": world["subject"].name, "lang": "en"}).content.decode()
    by_header = APIClient().get(PAGE, {"q": world["subject"].name}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for html in (by_param, by_header):
        assert "Public disclosure of credit lists" in html and "objection being processed" in html
        assert "异议处理中" not in html


def test_the_empty_page_shows_the_search_form_only(world):
    response = APIClient().get(PAGE)
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="q"' in html and 'class="entry"' not in html and "htmx" in html


def test_a_broad_query_searches_a_bounded_number_of_subjects_and_says_so(world, monkeypatch):
    from cases.selectors import disclosure

    monkeypatch.setattr(disclosure, "MAX_SUBJECTS", 2)
    for i in range(3):
        listed(world, subject=SubjectFactory(name=f"宽泛查询{i}有限公司"), list_type=world["red"])
    broad = search(q="宽泛查询").json()
    assert broad["truncated"] is True and len(broad["results"]) == 2
    assert (broad["count"], broad["count_capped"]) == (2, True)  # at least 2: more subjects match
    narrow = search(q="宽泛查询2").json()
    assert narrow["truncated"] is False and len(narrow["results"]) == 1
    html = APIClient().get(PAGE, {"q": "宽泛查询"}).content.decode()
    assert 'class="truncated"' in html
