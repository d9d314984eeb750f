"""The single status check's lean view (cases/api/status.py ``status_check``; issue 21 item 1)
answers as DRF's ``StatusCheck`` does: the same status, body and headers (but the request id), for
the requests it answers itself and for those it hands on. Both go through the WSGI application
gunicorn serves; DRF's view is mounted at the same path by ``tests/api/status_drf_urls.py``.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.test import RequestFactory
from django.utils import timezone

from cases.api.status import _lean_request
from cases.identifiers import make_uscc
from cases.models import ListTypeMeasure
from cases.services import entries as svc
from tests.api.status_fixtures import listed, no_letter_production, world  # noqa: F401
from tests.api.test_token_api_chain import app, token_of, wsgi  # noqa: F401
from tests.factories import MeasureFactory

pytestmark = pytest.mark.django_db

DRF_URLS = "tests.api.status_drf_urls"
UNKNOWN = make_uscc("91", "630100", "Y0000001")  # well formed, names no subject


@pytest.fixture
def both(wsgi, settings):
    """Ask the same request of the lean view and of DRF's view; return the two answers."""

    def ask(path, **kwargs):
        lean = wsgi("GET", path, **kwargs)
        urls = settings.ROOT_URLCONF
        settings.ROOT_URLCONF = DRF_URLS
        try:
            full = wsgi("GET", path, **kwargs)
        finally:
            settings.ROOT_URLCONF = urls
        return lean, full

    return ask


def assert_same(lean, full):
    assert lean["status"] == full["status"]
    assert lean["body"] == full["body"]
    assert lean["headers"].pop("X-Request-ID") and full["headers"].pop("X-Request-ID")
    assert lean["headers"] == full["headers"]


def status_path(code):
    return f"/api/v1/status/{code}/"


def takes_itself(user_or_key, code, query="", **headers):
    """Whether the lean view answers this request itself (else it hands it to StatusCheck)."""
    key = user_or_key if isinstance(user_or_key, str) else token_of(user_or_key)
    request = RequestFactory().get(status_path(code) + (f"?{query}" if query else ""),
                                   HTTP_AUTHORIZATION=f"Token {key}", **headers)
    return _lean_request(request, code) is not None


def test_a_listed_subject_gets_the_same_answer_and_headers(world, both):
    listed(world)
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    assert takes_itself(key, code)
    lean, full = both(status_path(code), token=key)
    assert_same(lean, full)
    body = json.loads(lean["body"])
    assert lean["status"] == 200 and body["listed"] is True
    assert [m["measure"] for m in body["measures"]["mandatory"]] == [world["mandatory"].code]
    headers = lean["headers"]
    assert headers["Content-Type"] == "application/json"
    assert headers["Allow"] == "GET, HEAD, OPTIONS"
    assert headers["Vary"] == "Accept, Accept-Language"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize("which", ["unlisted", "unknown"])
def test_a_subject_not_listed_or_unknown_gets_the_same_answer(world, both, which):
    code = world["subject"].identifier if which == "unlisted" else UNKNOWN
    key = token_of(world["officer_a"])
    assert takes_itself(key, code)
    lean, full = both(status_path(code), token=key)
    assert_same(lean, full)
    body = json.loads(lean["body"])
    assert lean["status"] == 200 and body["listed"] is False and body["entries"] == []
    assert (body["subject"] is None) is (which == "unknown")


@pytest.mark.django_db(transaction=True)
def test_a_suspension_committed_a_moment_ago_is_honoured_by_the_lean_view(world, both, no_letter_production):
    entry = listed(world)
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    before, _full = both(status_path(code), token=key)
    assert [m["measure"] for m in json.loads(before["body"])["measures"]["mandatory"]] == [world["mandatory"].code]

    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")  # its own transaction, committed

    lean, full = both(status_path(code), token=key)
    assert_same(lean, full)
    body = json.loads(lean["body"])
    assert body["measures"] == {"mandatory": [], "recommended": []}
    assert [(r["state"], r["suspended"]) for r in body["entries"]] == [("SUSPENDED", True)]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_state_labels_come_in_the_readers_language(world, both, language):
    entry = listed(world)
    svc.entry_suspend(actor=None, entry=entry, reason="异议核查中")
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    lean, full = both(status_path(code), token=key, headers={"Accept-Language": language})
    assert_same(lean, full)
    label = json.loads(lean["body"])["entries"][0]["state_label"]
    assert label == {"zh-hans": "暂停（异议处理中）", "en": "suspended (objection being verified)"}[language]
    assert lean["headers"]["Content-Language"] == language


def test_as_of_a_past_day_gets_the_same_answer(world, both):
    listed(world)
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    for as_of in ((timezone.localdate() - dt.timedelta(days=1)).isoformat(), "2020-01-01"):
        assert takes_itself(key, code, f"as_of={as_of}")
        lean, full = both(status_path(code), token=key, query=f"as_of={as_of}")
        assert_same(lean, full)
        assert lean["status"] == 200 and json.loads(lean["body"])["as_of"] == as_of


@pytest.mark.parametrize("language", ["zh-hans", "en"])
@pytest.mark.parametrize("as_of", ["tomorrow", "2026-13-01", "", "2026-03-01&as_of=2026-03-02"])
def test_a_bad_or_future_as_of_is_the_same_field_error(world, both, language, as_of):
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    if as_of == "tomorrow":
        as_of = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    lean, full = both(status_path(code), token=key, query=f"as_of={as_of}", headers={"Accept-Language": language})
    assert_same(lean, full)
    if "&" in as_of:  # twice: the last one counts, as everywhere in Django
        assert lean["status"] == 200
        return
    assert lean["status"] == 400
    [error] = json.loads(lean["body"])["fields"]["as_of"]
    chinese = any("\u4e00" <= ch <= "\u9fff" for ch in error["message"])
    assert chinese is (language == "zh-hans")


@pytest.mark.parametrize("token", ["0" * 40, "", "two words"])
def test_a_bad_or_missing_token_is_refused_alike(world, both, token):
    code = world["subject"].identifier
    lean, full = both(status_path(code), token=token or None)
    assert_same(lean, full)
    assert lean["status"] in (401, 403)  # 403: DRF's session authentication comes first and sends no challenge
    assert json.loads(lean["body"])["code"] in ("authentication_failed", "not_authenticated")


def test_a_user_without_staff_profile_is_refused_alike(world, both):
    code, key = world["subject"].identifier, token_of(world["nobody"])
    assert not takes_itself(key, code)
    lean, full = both(status_path(code), token=key)
    assert_same(lean, full)
    assert lean["status"] == 403


@pytest.mark.parametrize("code", ["91-630100", "9163010%00T0000001X", UNKNOWN[:-1] + "\x00"])
def test_a_malformed_code_or_a_nul_in_it_is_the_same_400(world, both, code):
    key = token_of(world["officer_a"])
    for language in ("zh-hans", "en"):
        lean, full = both(status_path(code), token=key, headers={"Accept-Language": language})
        assert_same(lean, full)
        assert lean["status"] == 400
        assert "identifier" in json.loads(lean["body"])["fields"]


def test_a_nul_in_a_parameter_is_refused_at_the_door_alike(world, both):
    lean, full = both(status_path(world["subject"].identifier), token=token_of(world["officer_a"]),
                      query="unit=a%00b")
    assert_same(lean, full)
    assert lean["status"] == 400 and "unit" in json.loads(lean["body"])["fields"]


def test_the_unit_parameter_answers_alike(world, both):
    listed(world)
    code = world["subject"].identifier
    officer, auditor = token_of(world["officer_a"]), token_of(world["auditor"])
    own = f"unit={world['impl_a'].code}"
    assert takes_itself(officer, code, own)
    cases = [
        (officer, own, 200),  # its own unit, answered by the lean view
        (officer, f"unit={world['impl_b'].code}", 403),  # another unit: the scope rule refuses
        (officer, "unit=NO-SUCH-UNIT", 400),
        (auditor, f"unit={world['impl_a'].code}", 200),  # an auditor on behalf of a unit supervised
        (officer, "unit=", 200),
        (officer, "format=json", 200),  # a parameter the lean view does not take: DRF answers
    ]
    for key, query, status in cases:
        lean, full = both(status_path(code), token=key, query=query)
        assert_same(lean, full)
        assert lean["status"] == status, (query, lean["body"])
    body = json.loads(both(status_path(code), token=auditor, query=f"unit={world['impl_a'].code}")[0]["body"])
    assert body["unit"]["code"] == world["impl_a"].code
    assert [m["measure"] for m in body["measures"]["recommended"]] == [world["recommended"].code]


def test_what_the_lean_view_hands_on(world):
    """Anything unusual goes to StatusCheck: a session, HTML asked for, another parameter, HEAD."""
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    assert takes_itself(key, code, HTTP_ACCEPT="application/json")
    assert not takes_itself(key, code, HTTP_ACCEPT="text/html")
    assert not takes_itself(key, code, "format=json")
    assert not takes_itself(key, code, f"unit={world['impl_b'].code}")
    head = RequestFactory().head(status_path(code), HTTP_AUTHORIZATION=f"Token {key}")
    assert _lean_request(head, code) is None


def test_a_catalogue_change_reaches_the_lean_view(world, both):
    listed(world)
    code, key = world["subject"].identifier, token_of(world["officer_a"])
    lean, _full = both(status_path(code), token=key)
    assert [m["measure"] for m in json.loads(lean["body"])["measures"]["mandatory"]] == [world["mandatory"].code]
    added = MeasureFactory(implementing_units=[world["impl_a"]], code="ZZ-LEAN")
    added.mandatory = True
    added.save()
    ListTypeMeasure.objects.create(list_type=world["blacklist"], measure=added)
    lean, full = both(status_path(code), token=key)
    assert_same(lean, full)
    assert [m["measure"] for m in json.loads(lean["body"])["measures"]["mandatory"]] == sorted(
        [world["mandatory"].code, added.code])
