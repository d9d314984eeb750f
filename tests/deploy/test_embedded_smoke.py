"""The README's run command works on the embedded default (SQLite, tasks in-process).

This is the one test that uses SQLite: it runs ``scripts/run`` exactly as a newcomer would, with
no database or Redis configured, and checks that it serves the login page and the OpenAPI schema
and that a printed demo login signs in.
"""

import json
import os
import re
import signal
import socket
import subprocess
import time
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def embedded_server(tmp_path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY")
    }
    env.update({"PORT": str(port), "CREDIT_VAR_DIR": str(tmp_path / "var")})
    log = open(tmp_path / "run.log", "w+")
    proc = subprocess.Popen(
        ["bash", "scripts/run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 240
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                log.seek(0)
                pytest.fail(f"scripts/run exited with {proc.returncode}:\n{log.read()[-4000:]}")
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("scripts/run did not serve within 240 s")
        log.seek(0)
        yield base, log.read()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=30)
        log.close()


def test_run_command_serves_login_page_schema_and_demo_logins(embedded_server):
    base, output = embedded_server
    assert "open http://127.0.0.1:" in output
    assert "db.sqlite3" in output  # the embedded default, not PostgreSQL
    assert urllib.request.urlopen(base + "/api/schema/").status == 200
    page = urllib.request.urlopen(base + "/accounts/login/").read().decode()
    assert "登录" in page  # Chinese first

    # A printed demo login signs in.
    match = re.search(r"^\s*(\S+-officer)\s+(\S+)\s", output, re.MULTILINE)
    assert match, output
    username, password = match.groups()
    jar = CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    login_page = opener.open(base + "/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', login_page).group(1)
    response = opener.open(
        urllib.request.Request(
            base + "/accounts/login/",
            data=urlencode({"username": username, "password": password, "csrfmiddlewaretoken": token}).encode(),
            headers={"Referer": base + "/accounts/login/"},
        )
    )
    # The home page sends an officer on to the workspace (their front door).
    assert response.url.rstrip("/") == base + "/work", "a demo officer should land in the workspace"
    assert username in response.read().decode()

    # The demo cases put work in the queues: the tax office's officer sees its tasks over the API.
    token_response = urllib.request.urlopen(urllib.request.Request(
        base + "/api/v1/auth/token/", data=urlencode({"username": "ls-tax-officer", "password": password}).encode()))
    token = json.loads(token_response.read())["token"]
    tasks = json.loads(urllib.request.urlopen(urllib.request.Request(
        base + "/api/v1/tasks/", headers={"Authorization": f"Token {token}"})).read())
    assert {t["step"] for t in tasks["results"]} >= {"prior_notice", "decision"}
