"""The production-shaped stack, end to end through nginx (issue 9).

``scripts/stack up --demo`` starts PostgreSQL, Redis, gunicorn (1 master, 2 workers), two Celery
workers, beat, nginx and the platform's recording receiver from nothing, with production settings.
Then, over HTTP through nginx only: a blacklist entry is listed, a subject files an objection, the
platform window accepts it, the verification task appears at the data-providing unit, which
concludes, the leader approves; a worker signs the result letter (checked with ``pdfsig``) and the
platform receiver gets the ``objection.result`` event. Meanwhile one gunicorn worker and the whole
letters worker are killed with SIGKILL: nothing is lost. Finally ``/readyz`` turns 503 when Redis or
PostgreSQL is stopped and 200 again when restarted.
"""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from tests.deploy.stack_support import (
    DEMO_CASE_SUBJECTS, EVIDENCE, PASSWORD, ROOT, Api, _alive, _env_value, _list_entry, _readyz, _server_errors,
    _stack_env, _until, fresh_subject,
)

pytestmark = [pytest.mark.slow]


def test_an_objection_runs_end_to_end_through_nginx_while_processes_die(stack):
    base = stack.base
    officer = Api(base, "ls-amr-officer")
    identifier = fresh_subject(base)
    entry = _list_entry(base, identifier)
    # Other subjects for the burst of drafts below (drafts only: no task is opened for them).
    subjects = [s for s in officer.get("/api/v1/subjects/", kind="LEGAL_PERSON")["results"]
                if s["name"] not in DEMO_CASE_SUBJECTS and s["identifier"] != identifier]
    random.shuffle(subjects)

    # Kill one gunicorn worker outright: the master replaces it, nginx keeps serving.
    workers = stack.children(stack.pid("web"))
    assert len(workers) == 2, "one gunicorn master with two workers"
    os.kill(workers[0], signal.SIGKILL)

    # The subject files an objection on the public API (multipart upload through nginx).
    request_id = uuid.uuid4().hex
    filed = requests.post(f"{base}/api/v1/public/objections/", data={
        "subject": identifier, "entry": entry["id"], "grounds": "资质撤销决定已被复议机关变更，申请更正。",
        "applicant_name": "西藏测试建筑有限公司", "applicant_contact": "0891-6000000",
    }, files={"attachments": ("复议决定书.pdf", EVIDENCE, "application/pdf")},
        headers={"X-Request-ID": request_id}, timeout=60)
    assert filed.status_code == 201, (filed.text[:500], _server_errors())
    assert filed.headers["X-Request-ID"] == request_id
    number, code = filed.json()["number"], filed.json()["query_code"]
    _until(lambda: len(stack.children(stack.pid("web"))) == 2, 30, "gunicorn to replace the killed worker")

    # The platform window accepts it; the verification task appears at the data-providing unit.
    Api(base, "ls-platform-officer").complete("acceptance", identifier, {"accept": True}, case_type="OBJECTION")
    verification = _until(lambda: officer.task("verification", identifier, "OBJECTION"), 30, "the verification task")
    assert verification["unit"] == "ls-amr"

    # A burst of writes while another gunicorn worker is killed: every 2xx answer's effect is there.
    marker = f"燃烧测试{uuid.uuid4().hex[:8]}-"

    def draft(i):
        try:
            response = officer.session.post(f"{base}/api/v1/entries/", json={
                "list_type": "amr-serious", "subject": subjects[1 + i]["identifier"],
                "facts": f"{marker}{i}", "reasons": "测试"}, timeout=60)
            return response.status_code, response.json().get("id") if response.status_code == 201 else None
        except requests.RequestException:
            return 0, None

    with ThreadPoolExecutor(4) as pool:
        futures = [pool.submit(draft, i) for i in range(8)]
        time.sleep(0.05)
        os.kill(stack.children(stack.pid("web"))[-1], signal.SIGKILL)
        results = [f.result() for f in futures]
    created = [pk for status, pk in results if status == 201]
    assert created, results
    for pk in created:
        assert officer.get(f"/api/v1/entries/{pk}/")["state"] == "DRAFT"
    drafts = [e for e in officer.get("/api/v1/entries/", state="DRAFT", page_size=200)["results"]
              if e["facts"].startswith(marker)]
    assert len(created) <= len(drafts) <= len(results), "no effect lost, none without a request"

    # Conclude and approve; kill the whole letters worker right away, then start it again.
    officer.complete("verification", identifier, {"outcome": "UPHELD", "findings": "经核查，认定信息准确。"},
                     case_type="OBJECTION")
    leader = Api(base, "ls-amr-leader")
    approved_id = uuid.uuid4().hex
    leader.session.headers["X-Request-ID"] = approved_id
    leader.complete("approval", identifier, {"approve": True}, case_type="OBJECTION")
    letters_worker = stack.pid("worker-letters")
    for pid in [letters_worker, *stack.children(letters_worker)]:
        os.kill(pid, signal.SIGKILL)
    _until(lambda: not _alive(letters_worker), 10, "the letters worker to die")
    stack.run("start", "worker-letters")

    # The result letter is produced by a worker, signed, and verifies with poppler's pdfsig.
    def result_letter():  # staff API: the public one is throttled per address
        rows = officer.get("/api/v1/letters/", letter_type="OBJECTION_RESULT")["results"]
        return [r for r in rows if r["case_ref"] == number and r["status"] == "ISSUED"]

    _until(result_letter, 180, "the signed result letter", interval=1)
    case = requests.get(f"{base}/api/v1/public/objections/{number}/", params={"code": code}, timeout=30).json()
    letter = [r for r in case["letters"] if r["type"] == "OBJECTION_RESULT"][0]
    pdf = requests.get(base + letter["pdf"], timeout=30)  # what the applicant downloads
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    pdf_path = stack.dir / "result.pdf"
    pdf_path.write_bytes(pdf.content)
    check = subprocess.run(["pdfsig", str(pdf_path)], capture_output=True, text=True)
    assert "Signature #1" in check.stdout and "Signature is Valid" in check.stdout, check.stdout

    # The platform's receiver got the result event, signed and exactly once.
    def result_events():
        return [e for e in stack.events() if e.get("type") == "objection.result"
                and (e.get("payload") or e).get("case_number", json.dumps(e)) and number in json.dumps(e)]

    events = _until(result_events, 120, "the objection.result event at the platform receiver", interval=1)
    assert len(events) == 1

    # One request id and case id follow the case from the web request into the letters worker.
    web_lines = [json.loads(line) for line in stack.log("web").splitlines() if line.startswith("{")]
    approval = [x for x in web_lines if x.get("request_id") == approved_id and x.get("logger") == "credit.request"]
    assert approval and approval[-1]["case_id"].startswith("cases.objectioncase:"), approval
    case_id = approval[-1]["case_id"]
    worker_lines = [json.loads(line) for line in stack.log("worker-letters").splitlines() if line.startswith("{")]
    assert any(x.get("request_id") == approved_id and x.get("case_id") == case_id for x in worker_lines), (
        "the letters worker logs the approval's request and case id")

    # Metrics: scraped with the token, they show the requests and the tasks per queue.
    token = _env_value(stack, "OPS_METRICS_TOKEN")
    assert requests.get(f"{base}/metrics", timeout=10).status_code == 403
    metrics = requests.get(f"{base}/metrics", headers={"Authorization": f"Bearer {token}"}, timeout=30).text
    assert 'credit_celery_tasks_total{outcome="success",queue="letters",task="letters.produce"}' in metrics
    assert 'view="public-objection-file"' in metrics and "credit_deadlines_overdue" in metrics


def test_a_backup_restores_into_a_fresh_cluster_and_audit_verify_passes(stack, tmp_path):
    env = {**stack.env, **_stack_env(stack), "BACKUP_DIR": str(tmp_path / "backups")}
    made = subprocess.run(["bash", "scripts/backup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr
    backup = Path(made.stdout.strip().splitlines()[-1])
    assert {p.name for p in backup.iterdir()} == {"db.dump", "media.tar.gz", "media-files.sha256", "meta.json",
                                                  "anchors.json", "SHA256SUMS"}
    assert json.loads((backup / "meta.json").read_text())["media_files"] > 0, "letters and attachments are in it"

    drill_env = {k: v for k, v in stack.env.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    drill = subprocess.run(["bash", "scripts/restore-drill", str(backup)], cwd=ROOT, env=drill_env,
                           capture_output=True, text=True, timeout=900)
    assert drill.returncode == 0, drill.stdout[-2000:] + drill.stderr[-4000:]
    assert "restore drill: OK" in drill.stdout
    assert "OK:" in drill.stdout and "events in" in drill.stdout, "audit_verify ran on the restored copy"
    assert "letter files present and unchanged" in drill.stdout

    # A damaged backup is refused before anything is restored.
    damaged = tmp_path / "damaged"
    shutil.copytree(backup, damaged)
    with open(damaged / "db.dump", "r+b") as handle:
        handle.seek(-100, os.SEEK_END)
        handle.write(b"\x00" * 8)
    refused = subprocess.run(["bash", "scripts/restore-drill", str(damaged)], cwd=ROOT, env=drill_env,
                             capture_output=True, text=True, timeout=300)
    assert refused.returncode != 0 and "checksum mismatch" in refused.stderr


@pytest.mark.parametrize("component,check", [("redis", "redis"), ("postgres", "database")])
def test_readyz_turns_503_when_a_dependency_stops_and_200_when_it_is_back(stack, component, check):
    _until(lambda: _readyz(stack)[0] == 200, 60, "readyz 200 before stopping anything")
    stack.run("stop", component)
    try:
        status, body = _until(lambda: (lambda r: r if r[0] == 503 else None)(_readyz(stack)), 30, "readyz 503")
        assert body["status"] == "unavailable" and body["checks"][check]["ok"] is False, body
        assert requests.get(f"{stack.base}/healthz", timeout=10).status_code == 200, "the process itself is alive"
    finally:
        stack.run("start", component)
    _until(lambda: _readyz(stack)[0] == 200, 90, f"readyz 200 after restarting {component}", interval=1)


def test_the_demo_stack_prints_logins_loads_cases_and_a_browser_signs_in_on_localhost(stack):
    """A newcomer's `scripts/stack up --demo`: the logins are printed, the queues have work, and
    signing in through nginx works at http://localhost:PORT/ as at http://127.0.0.1:PORT/."""
    from playwright.sync_api import sync_playwright

    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    logins = (stack.dir / "demo-logins.txt").read_text()
    assert "ls-tax-officer" in logins and "demo-pass-2026" in logins
    tasks = Api(stack.base, "ls-tax-officer").get("/api/v1/tasks/")["results"]
    assert tasks, "the demo cases put work in the tax office's queue"
    port = stack.base.rsplit(":", 1)[1]
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            for host in ("localhost", "127.0.0.1"):
                page = browser.new_page()
                page.goto(f"http://{host}:{port}/accounts/login/")
                page.fill("input[name=username]", "ls-tax-officer")
                page.fill("input[name=password]", PASSWORD)
                page.click("button[type=submit], input[type=submit]")
                page.wait_for_url(f"http://{host}:{port}/work/**", timeout=30_000)
                assert "ls-tax-officer" in page.content() or "税务" in page.content()
                page.close()
        finally:
            browser.close()
