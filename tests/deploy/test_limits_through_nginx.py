"""Limits that hold through the production stack (issue 17, item 3), over HTTP through nginx only,
every request with a different random ``X-Forwarded-For`` and ``X-Real-IP``:

- five wrong query codes lock that case number's code checks: the right code is refused (API and
  portal page, with when it unlocks and who can help), a number without a case locks the same way,
  and ``manage.py query_code_unlock NUMBER`` lifts the lock;
- five wrong passwords at ``POST /api/v1/auth/token/`` lock the account: the right password is
  refused, and ``manage.py axes_reset_username USERNAME`` lifts the lock;
- the request log records the address nginx saw, never the forged one.

The account is created for this test, so no other test's account is ever locked.
"""

from __future__ import annotations

import json
import random
import re
import subprocess
import uuid

import pytest
import requests

from tests.deploy.stack_support import (
    EVIDENCE, ROOT, _list_entry, _server_errors, _stack_env, fresh_subject,
)

pytestmark = [pytest.mark.slow]

LIMIT = 5


def _spoofed(request_id: str | None = None) -> dict:
    def address():
        return f"{random.randint(1, 223)}.{random.randint(0, 255)}.{random.randint(0, 255)}.{random.randint(1, 254)}"

    headers = {"X-Forwarded-For": f"{address()}, {address()}", "X-Real-IP": address(), "Accept-Language": "en"}
    if request_id:
        headers["X-Request-ID"] = request_id
    return headers


def _manage(stack, *args) -> str:
    env = {**stack.env, **_stack_env(stack)}
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, (args, result.stdout[-2000:], result.stderr[-3000:])
    return result.stdout


def _web_log_lines(stack) -> list[dict]:
    return [json.loads(line) for line in stack.log("web").splitlines() if line.startswith("{")]


def test_a_case_s_code_checks_lock_after_five_wrong_codes_from_changing_addresses(stack):
    base = stack.base
    identifier = fresh_subject(base)
    entry = _list_entry(base, identifier)
    filed = requests.post(f"{base}/api/v1/public/objections/", data={
        "subject": identifier, "entry": entry["id"], "grounds": "处罚决定已被撤销，申请删除该失信信息。",
        "applicant_name": "西藏测试建筑有限公司", "applicant_contact": "0891-6000000",
    }, files={"attachments": ("撤销决定书.pdf", EVIDENCE, "application/pdf")}, headers=_spoofed(), timeout=60)
    assert filed.status_code == 201, (filed.text[:500], _server_errors())
    number, code = filed.json()["number"], filed.json()["query_code"]
    url = f"{base}/api/v1/public/objections/{number}/"
    assert requests.get(url, params={"code": code}, headers=_spoofed(), timeout=30).status_code == 200

    # Five wrong codes, each from a "new address": the fifth locks the number.
    wrong = [requests.get(url, params={"code": f"WRONG{i:03d}"}, headers=_spoofed(), timeout=30).status_code
             for i in range(LIMIT)]
    assert wrong == [404] * (LIMIT - 1) + [429], wrong
    request_id = uuid.uuid4().hex
    locked = requests.get(url, params={"code": code}, headers=_spoofed(request_id), timeout=30)
    assert locked.status_code == 429, "the right code is refused while the number is locked"
    body = locked.json()
    assert body["code"] == "query_code_locked" and body["locked_until"] and int(locked.headers["Retry-After"]) > 0
    assert "accepting window or unit can help" in body["fields"]["code"][0]["message"]

    # The request log has the address nginx saw (the test's own loopback), not any forged one.
    line = [x for x in _web_log_lines(stack)
            if x.get("request_id") == request_id and x.get("logger") == "credit.request"]
    assert line and line[-1]["client"] == "127.0.0.1" and line[-1]["status"] == 429, line
    assert any(x.get("message") == "query code checks locked" and x.get("case_number") == number
               for x in _web_log_lines(stack)), "each lockout is logged"

    # The portal's follow page says the same, with the time and who can help.
    page = requests.get(f"{base}/portal/follow/", headers=_spoofed(), timeout=30)
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    cookie = page.cookies.get("csrftoken") or re.search(r"csrftoken=([^;]+)", page.headers["Set-Cookie"]).group(1)
    follow = requests.post(f"{base}/portal/follow/", data={"number": number, "code": code, "csrfmiddlewaretoken": csrf},
                           headers={**_spoofed(), "Cookie": f"csrftoken={cookie}"}, timeout=30, allow_redirects=False)
    assert follow.status_code == 429, (follow.status_code, follow.text[:500])
    assert "Checks are paused until" in follow.text and "accepting window or unit can help" in follow.text

    # A number nobody filed answers exactly the same way: the lockout reveals nothing.
    unused = f"{number[:8]}{999990 + random.randint(0, 9):06d}"
    ghost = [requests.get(f"{base}/api/v1/public/objections/{unused}/", params={"code": f"WRONG{i:03d}"},
                          headers=_spoofed(), timeout=30) for i in range(LIMIT)]
    assert [r.status_code for r in ghost] == wrong
    assert ghost[-1].json()["code"] == body["code"]

    # Unlocked as documented (docs/operations.md): an administrator runs query_code_unlock.
    assert f"{number}: unlocked" in _manage(stack, "query_code_unlock", number)
    assert requests.get(url, params={"code": code}, headers=_spoofed(), timeout=30).status_code == 200


def test_the_token_endpoint_locks_an_account_after_five_wrong_passwords_from_changing_addresses(stack):
    base = stack.base
    username, password = f"limits-probe-{uuid.uuid4().hex[:8]}", f"Probe-{uuid.uuid4().hex}"
    _manage(stack, "shell", "-c", "from django.contrib.auth import get_user_model; "
                                  f"get_user_model().objects.create_user({username!r}, password={password!r})")

    def token(secret):
        return requests.post(f"{base}/api/v1/auth/token/", data={"username": username, "password": secret},
                             headers=_spoofed(), timeout=30)

    assert token(password).status_code == 200
    wrong = [token(f"wrong-{i}").status_code for i in range(LIMIT)]
    assert wrong == [400] * (LIMIT - 1) + [429], wrong
    locked = token(password)
    assert locked.status_code == 429, "the right password is refused while the account is locked"
    assert locked.json()["code"] == "account_locked" and "token" not in locked.json()
    assert int(locked.headers["Retry-After"]) > 0

    # Unlocked as documented (docs/operations.md): an administrator runs axes_reset_username.
    _manage(stack, "axes_reset_username", username)
    unlocked = token(password)
    assert unlocked.status_code == 200 and unlocked.json()["token"]
