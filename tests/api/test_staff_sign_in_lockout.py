"""Staff sign-in locks an account after repeated failures, whatever the address (issue 17, item 3):
``POST /api/v1/auth/token/`` answers 429 in the API's error shape, ``/accounts/login/`` shows a page
saying when to try again; the cool-off ends the lock, and so does ``axes_reset_username``. Django's
test client still signs in (``login()`` and ``force_login()``)."""

import datetime as dt
import random

import pytest
from axes.models import AccessAttempt
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db

LIMIT = 5  # AXES_FAILURE_LIMIT's default
PASSWORD = "Right-pass-2026!"
TOKEN = "/api/v1/auth/token/"


@pytest.fixture
def staff():
    return get_user_model().objects.create_user(username="ls-limit-officer", password=PASSWORD)


def _address() -> str:
    return f"203.0.113.{random.randint(1, 254)}"


def _token(username, password, language="zh-hans"):
    """One attempt, from a fresh address with a fresh spoofed header."""
    return APIClient(HTTP_ACCEPT_LANGUAGE=language).post(
        TOKEN, {"username": username, "password": password}, format="json",
        REMOTE_ADDR=_address(), HTTP_X_FORWARDED_FOR=_address())


def test_the_token_endpoint_locks_an_account_after_five_failures_from_any_address(staff):
    assert [_token(staff.username, "wrong").status_code for _ in range(LIMIT - 1)] == [400] * (LIMIT - 1)
    assert _token(staff.username, "wrong").status_code == 429, "the failure that reaches the limit locks"
    locked = _token(staff.username, PASSWORD)
    assert locked.status_code == 429, "the right password is refused while locked"
    body = locked.json()
    assert body["code"] == "account_locked" and body["message"] == "该账号暂时被锁定。"
    until = timezone.localtime(dt.datetime.fromisoformat(body["locked_until"]))
    advice = body["fields"]["username"][0]
    assert advice["code"] == "account_locked" and f"{until:%Y-%m-%d %H:%M}" in advice["message"]
    assert "请管理员解除锁定" in advice["message"]
    assert dt.timedelta(minutes=29) < until - timezone.now() <= dt.timedelta(minutes=30)
    assert 29 * 60 < int(locked["Retry-After"]) <= 30 * 60
    assert "token" not in body


def test_an_administrator_unlocks_the_account_with_axes_reset_username(staff):
    for _ in range(LIMIT):
        _token(staff.username, "wrong")
    assert _token(staff.username, PASSWORD).status_code == 429
    call_command("axes_reset_username", staff.username)
    response = _token(staff.username, PASSWORD)
    assert response.status_code == 200 and response.json()["token"]


def test_the_lock_ends_after_the_cool_off(staff):
    for _ in range(LIMIT):
        _token(staff.username, "wrong")
    AccessAttempt.objects.filter(username=staff.username).update(
        attempt_time=timezone.now() - dt.timedelta(minutes=31))
    assert _token(staff.username, PASSWORD).status_code == 200


def test_a_right_password_before_the_limit_resets_the_count(staff):
    for _ in range(LIMIT - 1):
        _token(staff.username, "wrong")
    assert _token(staff.username, PASSWORD).status_code == 200
    assert [_token(staff.username, "wrong").status_code for _ in range(LIMIT - 1)] == [400] * (LIMIT - 1)
    assert _token(staff.username, PASSWORD).status_code == 200


def test_one_locked_account_leaves_the_others_alone(staff):
    other = get_user_model().objects.create_user(username="ls-limit-leader", password=PASSWORD)
    for _ in range(LIMIT):
        _token(staff.username, "wrong")
    assert _token(other.username, PASSWORD).status_code == 200


def test_the_sign_in_form_locks_and_says_when_to_try_again(staff):
    def sign_in(password, language="zh-hans"):
        return Client(HTTP_ACCEPT_LANGUAGE=language).post(
            "/accounts/login/", {"username": staff.username, "password": password},
            REMOTE_ADDR=_address(), HTTP_X_FORWARDED_FOR=_address())

    assert [sign_in("wrong").status_code for _ in range(LIMIT - 1)] == [200] * (LIMIT - 1)  # the form again
    assert sign_in("wrong").status_code == 429
    page = sign_in(PASSWORD)
    assert page.status_code == 429 and "sessionid" not in page.cookies
    html = page.content.decode()
    assert "该账号暂时被锁定。" in html and "请管理员解除锁定" in html
    assert "This account is locked for now." in html, "the other language beneath"
    english = sign_in(PASSWORD, language="en")
    assert english.status_code == 429 and "ask an administrator to unlock the account" in english.content.decode()
    # The API refuses the same account: one count for every way in.
    assert _token(staff.username, PASSWORD).status_code == 429


def test_the_test_client_still_signs_in(staff):
    client = Client()
    assert client.login(username=staff.username, password=PASSWORD)
    assert not client.login(username=staff.username, password="wrong")
    forced = Client()
    forced.force_login(staff)
    assert forced.get("/accounts/login/").wsgi_request.user == staff
