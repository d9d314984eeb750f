"""A public search result's links carry the codes into the portal's forms (issue 19 item 6):
``?subject=…&entry=…`` fills in the filing's subject step and chooses the entry in advance, and
the repair check answers at once. Whatever a link carries, a refused code leaves an empty form with
a message the visitor can read, never an error page."""

import datetime as dt

import pytest
from django.http import QueryDict
from django.utils import translation

from cases.identifiers import make_resident_id, make_uscc
from cases.portal.prefill import parse_prefill

from .test_portal_support import client_for, listed, portal_media, step  # noqa: F401

USCC = make_uscc("91", "540100", "T0000001")


def params(query: str) -> QueryDict:
    return QueryDict(query)


# --- parsing (no database) ---

def test_a_code_is_normalised_as_the_subject_step_would_and_the_entry_is_a_number():
    prefill = parse_prefill(params(f"subject=+{USCC.lower()}+&entry=42"))  # lower case, spaces around
    assert (prefill.subject, prefill.entry, prefill.problems, prefill.given) == (USCC, 42, (), True)


def test_a_person_s_id_number_is_accepted_as_a_code():
    code = make_resident_id("540102", dt.date(1980, 5, 1), "123")
    assert parse_prefill(params(f"subject={code}")).subject == code


def test_nothing_in_the_link_is_nothing_to_fill_in():
    prefill = parse_prefill(params("new=1"))
    assert (prefill.subject, prefill.entry, prefill.problems, prefill.given) == ("", None, (), False)


@pytest.mark.parametrize("code", [USCC[:-1] + ("0" if USCC[-1] != "0" else "1"), "123", "x" * 500, "公司名称"])
def test_a_code_that_is_not_one_is_dropped_with_a_reason(code):
    with translation.override("en"):
        prefill = parse_prefill(params(f"subject={code}&entry=7"))
    assert prefill.subject == "" and prefill.entry == 7 and prefill.given
    assert len(prefill.problems) == 1 and "cannot be used" in prefill.problems[0]


@pytest.mark.parametrize("entry", ["abc", "0", "-3", "1.5", "٣", "99999999999999999999999"])
def test_an_entry_that_is_not_a_whole_number_from_1_is_dropped_with_a_reason(entry):
    prefill = parse_prefill(params(f"entry={entry}"))
    assert prefill.entry is None and len(prefill.problems) == 1 and prefill.given


# --- the pages ---

pages = pytest.mark.django_db


@pages
def test_a_link_with_the_codes_opens_the_filing_with_the_subject_filled_in_and_the_entry_chosen(listed):
    client = client_for()
    response = client.get(f"/portal/file/objection/?new=1&subject={listed.subject.identifier}&entry={listed.pk}",
                          follow=True)
    assert response.redirect_chain[-1][0].endswith("/portal/file/objection/subject/")
    html = response.content.decode()
    assert f'value="{listed.subject.identifier}"' in html
    step(client, "objection", "subject", {"subject": listed.subject.identifier})
    entry_step = client.get("/portal/file/objection/entry/").content.decode()
    assert f'value="{listed.pk}" id="entry-{listed.pk}" checked' in entry_step


@pages
def test_a_link_replaces_a_filing_in_progress(listed):
    client = client_for()
    client.get("/portal/file/repair/?new=1")
    step(client, "repair", "subject", {"subject": listed.subject.identifier})
    response = client.get(f"/portal/file/repair/?subject={listed.subject.identifier}&entry={listed.pk}")
    assert response["Location"].endswith("/portal/file/repair/subject/")


@pages
@pytest.mark.parametrize("query", ["subject=913500001234567890", "subject=%3Cscript%3Ealert(1)%3C/script%3E", "entry=abc",
                                   "entry=99999999999999999999999", "subject=&entry=", "subject=x&entry=-1"])
def test_a_bad_code_in_a_link_shows_an_empty_form_with_a_readable_message(listed, query):
    client = client_for(language="en")
    response = client.get(f"/portal/file/objection/?new=1&{query}", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="id_subject"' in html and 'name="subject" value=' not in html
    if query != "subject=&entry=":
        assert "in the link" in html and 'class="messages"' in html


@pages
def test_a_code_without_listed_entries_or_an_entry_of_someone_else_is_explained(listed):
    from tests.factories import SubjectFactory

    stranger = SubjectFactory()
    client = client_for()
    html = client.get(f"/portal/file/objection/?subject={stranger.identifier}&entry={listed.pk}",
                      follow=True).content.decode()
    assert "链接中的主体代码无法使用" in html and f'value="{stranger.identifier}"' not in html
    html = client.get(f"/portal/file/objection/?subject={listed.subject.identifier}&entry={listed.pk + 1000}",
                      follow=True).content.decode()
    assert f'value="{listed.subject.identifier}"' in html and "不是该主体的公示条目" in html


@pages
def test_a_masked_person_s_link_asks_for_the_id_number_and_keeps_the_entry(listed):
    client = client_for(language="en")
    html = client.get(f"/portal/file/objection/?new=1&entry={listed.pk}", follow=True).content.decode()
    assert "enter it in full" in html
    step(client, "objection", "subject", {"subject": listed.subject.identifier})
    assert f'id="entry-{listed.pk}" checked' in client.get("/portal/file/objection/entry/").content.decode()


@pages
def test_the_repair_check_answers_a_link_at_once_with_the_linked_entry_first(listed):
    client = client_for()
    response = client.get(f"/portal/repair-check/?entry={listed.pk}&subject={listed.subject.identifier}")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'class="entry-choice linked" data-entry="{listed.pk}" id="check-entry-{listed.pk}"' in html
    masked = client.get(f"/portal/repair-check/?entry={listed.pk}")
    assert masked.status_code == 200 and "请完整输入" in masked.content.decode()
    bad = client.get(f"/portal/repair-check/?entry=zz&subject={listed.subject.identifier[:-1]}")
    assert bad.status_code == 400 and 'class="errorlist' in bad.content.decode()
