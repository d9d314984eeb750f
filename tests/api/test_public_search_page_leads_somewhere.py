"""The public search page (issue 19 item 6): it says how many entries match (capped like the
registry's counts), the address follows an htmx search (never with an ID number in it), and each
result links to the objection filing and the repair check with its codes."""

import pytest
from django.core.cache import cache
from django.test import Client

from cases.selectors import disclosure
from tests.api.status_fixtures import listed, world  # noqa: F401
from tests.factories import NaturalPersonFactory, SubjectFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_throttle(settings):
    settings.PUBLIC_DISCLOSURE_RATE = "1000/minute"
    cache.delete("throttle_public_disclosure_127.0.0.1")
    yield
    cache.delete("throttle_public_disclosure_127.0.0.1")


def test_the_count_and_each_result_s_links_with_its_codes(world):
    company = SubjectFactory(name="链接测试贸易有限公司")
    person = NaturalPersonFactory(name="链接测试人")
    entry = listed(world, subject=company)
    red = listed(world, subject=SubjectFactory(name="链接测试红名单公司"), list_type=world["red"])
    person_entry = listed(world, subject=person)
    html = Client(HTTP_ACCEPT_LANGUAGE="en").get("/public/", {"q": "链接测试"}).content.decode()
    assert "3 listed entries match." in html
    assert f'href="/portal/file/objection/?new=1&amp;entry={entry.pk}&amp;subject={company.identifier}"' in html
    assert f'href="/portal/repair-check/?entry={entry.pk}&amp;subject={company.identifier}#check-entry-{entry.pk}"' in html
    assert f'href="/portal/file/objection/?new=1&amp;entry={person_entry.pk}"' in html
    assert person.identifier not in html
    assert f"/portal/repair-check/?entry={red.pk}" not in html, "a red list entry has nothing to repair"


def test_an_htmx_search_moves_the_address_but_never_with_an_id_number(world):
    person = NaturalPersonFactory(name="地址测试人")
    listed(world, subject=person)
    client = Client()
    response = client.get("/public/", {"q": "地址测试", "kind": ""}, HTTP_HX_REQUEST="true")
    assert response["HX-Push-Url"].startswith("/public/?q=%E5%9C%B0")
    by_id = client.get("/public/", {"q": person.identifier}, HTTP_HX_REQUEST="true")
    assert "article" in by_id.content.decode() and person.identifier not in by_id["HX-Push-Url"]


def test_a_count_past_what_the_pages_can_show_is_more_than(world, monkeypatch):
    monkeypatch.setattr(disclosure, "COUNT_CAP", 2)
    for n in range(3):
        listed(world, subject=SubjectFactory(name=f"上限测试{n}公司"))
    page = disclosure.public_page(query=disclosure.parse_query(q="上限测试"))
    assert (page["count"], page["count_capped"]) == (2, True)
    html = Client().get("/public/", {"q": "上限测试"}).content.decode()
    assert "超过2条公示条目符合条件" in html
