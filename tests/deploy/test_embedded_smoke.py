"""The README's run command works on the embedded default: a private PostgreSQL cluster and Redis
under var/, the web server and one Celery worker with the periodic jobs.

It runs ``scripts/run`` exactly as a newcomer would, with no database or Redis configured, and
checks that it serves the login page and the OpenAPI schema, that a printed demo login signs in,
that the periodic jobs run (beat's heartbeat in /readyz), that the status check answers (single
and batch: the raw SQL that once failed on SQLite), that a restart keeps the data, and, in Chromium,
that completing an acceptance step answers in under a second while the worker signs its letters
(issue 19).
"""

import fcntl
import json
import os
import tempfile
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.parse import urlencode

import pytest

from tests.browser.conftest import _no_csp_violation, browser, page, screenshot  # noqa: F401
from tests.browser.step_timing import press_and_time

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.slow  # scripts/run started, then restarted: minutes


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _start(var_dir: Path, log_path: Path):
    port = _free_port()
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY")
    }
    # The production schedule, but the deadline sweep every few seconds so the test sees it run.
    env.update({"PORT": str(port), "CREDIT_VAR_DIR": str(var_dir), "DEADLINE_SWEEP_SECONDS": "5"})
    log = open(log_path, "w+")
    proc = subprocess.Popen(
        ["bash", "scripts/run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        preexec_fn=_ctrl_c_heard,
    )
    return proc, log, f"http://127.0.0.1:{port}"


def _ctrl_c_heard():
    # A suite started in the background of a script (``scripts/test &``, a CI runner) inherits
    # SIGINT ignored, and bash cannot trap a signal ignored when it starts: scripts/run would never
    # hear the test's Ctrl-C, be killed after the wait, and leave its server, worker, PostgreSQL
    # and Redis running. In the child, before bash starts, Ctrl-C is heard again.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _stop(proc, log) -> int:
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGINT)  # as Ctrl-C: scripts/run stops what it started
        try:
            # Its stop waits up to 30 s for each of the web server and the worker, then PostgreSQL's
            # fast shutdown: under a loaded suite that takes more than a minute.
            proc.wait(timeout=180)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)
    log.close()
    return proc.returncode


def _wait_unlocked(var_dir: Path, seconds: int = 120) -> None:
    """Until nothing of a stopped ``scripts/run`` holds its var/ lock (the processes it started
    inherit it, so a second run is refused until the last of them has exited)."""
    deadline = time.monotonic() + seconds
    with open(var_dir / "run.lock", "a") as lock:
        while True:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if time.monotonic() > deadline:
                    pytest.fail(f"the stopped scripts/run still holds {var_dir / 'run.lock'} after {seconds} s")
                time.sleep(0.5)
            else:
                fcntl.flock(lock, fcntl.LOCK_UN)
                return


def _new_var_dir():
    # PostgreSQL runs as the postgres user, which must reach the cluster: not under pytest's 0700 tmp.
    path = Path(tempfile.mkdtemp(prefix="credit-embedded-", dir="/tmp"))
    path.chmod(0o755)
    return path / "var"


@pytest.fixture(scope="module")
def var_dir():
    path = _new_var_dir()
    yield path
    shutil.rmtree(path.parent, ignore_errors=True)


@pytest.fixture(scope="module")
def embedded_process(var_dir):
    """The module's one ``scripts/run``: a dict of its process, log and address, which the restart
    test (the module's last) replaces with the restarted one; the one running at the end is stopped."""
    proc, log, base = _start(var_dir, var_dir.parent / "run.log")
    running = {"proc": proc, "log": log, "base": base}
    try:
        yield running
    finally:
        _stop(running["proc"], running["log"])


@pytest.fixture(scope="module")
def embedded_server(embedded_process):
    proc, log, base = embedded_process["proc"], embedded_process["log"], embedded_process["base"]
    _wait_ready(proc, log, base)
    log.seek(0)
    return base, log.read()


def test_run_command_serves_login_page_schema_and_demo_logins(embedded_server):
    base, output = embedded_server
    assert "open http://127.0.0.1:" in output
    assert "starting PostgreSQL on 127.0.0.1" in output and "starting Redis" in output
    assert "periodic jobs" in output
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

    # The status check, single and batch, answers on the embedded database.
    auth = {"Authorization": f"Token {token}"}
    subjects = json.loads(urllib.request.urlopen(urllib.request.Request(
        base + "/api/v1/subjects/", headers=auth)).read())
    code = subjects["results"][0]["identifier"]
    single = urllib.request.urlopen(urllib.request.Request(base + f"/api/v1/status/{code}/", headers=auth))
    assert single.status == 200
    batch = urllib.request.urlopen(urllib.request.Request(
        base + "/api/v1/status/batch/", data=json.dumps({"identifiers": [code]}).encode(),
        headers={**auth, "Content-Type": "application/json"}))
    assert batch.status == 200 and code in batch.read().decode()

    # The periodic jobs run: beat's heartbeat reaches /readyz within its period.
    deadline = time.monotonic() + 90
    while True:
        try:
            ready = json.loads(urllib.request.urlopen(base + "/readyz", timeout=5).read())
        except urllib.error.HTTPError as exc:
            ready = json.loads(exc.read())
        if ready["checks"].get("beat", {}).get("ok") or time.monotonic() > deadline:
            break
        time.sleep(2)
    assert ready["status"] == "ok", ready

    # An unknown page is ours, not Django's debug page (DEBUG is off).
    try:
        urllib.request.urlopen(base + "/no/such/page/")
    except urllib.error.HTTPError as exc:
        assert exc.code == 404 and "URLconf" not in exc.read().decode()


def test_fifty_letters_at_once_get_consecutive_numbers_and_are_all_signed_within_a_minute(embedded_server, var_dir):
    """Issued at once on the embedded PostgreSQL, produced by its worker as production does."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY")}
    env["CREDIT_VAR_DIR"] = str(var_dir)
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "tests" / "deploy" / "embedded_fifty_letters.py")],
                            cwd=ROOT, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    numbers = outcome["numbers"]
    assert len(numbers) == 50 and numbers == list(range(numbers[0], numbers[0] + 50)), numbers
    assert outcome["statuses"] == ["ISSUED"], outcome
    assert outcome["signed_after"] is not None and outcome["signed_after"] < 60, outcome


def _wait_ready(proc, log, base):
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            log.seek(0)
            pytest.fail(f"scripts/run exited with {proc.returncode}:\n{log.read()[-4000:]}")
        try:
            urllib.request.urlopen(base + "/accounts/login/", timeout=2)
            log.seek(0)
            if "open http://127.0.0.1:" in log.read():  # the script has printed where to go
                return
        except OSError:
            pass
        time.sleep(0.5)
    pytest.fail("scripts/run did not serve within 240 s")


def _embedded_python(var_dir, code: str) -> dict:
    """Run ``code`` (which prints one JSON line) with Django set up on the embedded default."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY")}
    env.update({"CREDIT_VAR_DIR": str(var_dir), "DJANGO_SETTINGS_MODULE": "config.settings.embedded"})
    prelude = "import django, json; django.setup()\n"
    result = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "-c", prelude + code], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_an_objection_and_a_bulk_import_run_end_to_end_on_the_embedded_default(embedded_server, var_dir, tmp_path):
    """Filing to result over HTTP: a periodic job (the deadline sweep) reminds the unit of a task
    near its deadline, the worker signs the letters and delivers the notifications; a bulk import
    (COPY, advisory locks) runs as in production."""
    import requests

    from cases.identifiers import make_uscc
    from tests.deploy.stack_support import EVIDENCE, Api, _list_entry, _until

    base, _output = embedded_server
    officer = Api(base, "ls-amr-officer")
    identifier = make_uscc("91", "540102", "EMB00001")
    officer.post("/api/v1/subjects/", {"identifier": identifier, "name": "拉萨嵌入测试建筑有限公司", "kind": "LEGAL_PERSON",
                                        "legal_representative": "测试", "address": "拉萨市城关区"}, expect=(201,))
    entry = _list_entry(base, identifier)
    filed = requests.post(f"{base}/api/v1/public/objections/", data={
        "subject": identifier, "entry": entry["id"], "grounds": "资质撤销决定已被复议机关变更，申请更正。",
        "applicant_name": "拉萨嵌入测试建筑有限公司", "applicant_contact": "13800000000",
    }, files={"attachments": ("复议决定书.pdf", EVIDENCE, "application/pdf")}, timeout=60)
    assert filed.status_code == 201, filed.text[:500]
    number = filed.json()["number"]
    Api(base, "ls-platform-officer").complete("acceptance", identifier, {"accept": True}, case_type="OBJECTION")

    # The verification task is made due tomorrow: the periodic deadline sweep reminds the unit.
    _embedded_python(var_dir, (
        "import datetime as dt\nfrom django.utils import timezone\nfrom workflow.models import WorkItem\n"
        "today = timezone.localdate()\n"
        f"n = WorkItem.objects.filter(is_open=True, step='verification', subject__identifier={identifier!r})"
        ".update(due=today + dt.timedelta(days=1), remind_on=today, reminders_sent=[])\n"
        "print(json.dumps({'n': n}))"))
    _until(lambda: _embedded_python(var_dir, (
        "from cases.audit.models import AuditEvent\nfrom workflow.models import WorkItem\n"
        f"work = WorkItem.objects.get(is_open=True, step='verification', subject__identifier={identifier!r})\n"
        "print(json.dumps({'n': AuditEvent.objects.filter(action='task.remind', object_type=work.object_type, "
        "object_id=str(work.object_id)).count()}))"))["n"] or None, 90, "the periodic sweep's reminder", interval=2)

    officer.complete("verification", identifier, {"outcome": "UPHELD", "findings": "经核查，认定信息准确。"},
                     case_type="OBJECTION")
    Api(base, "ls-amr-leader").complete("approval", identifier, {"approve": True}, case_type="OBJECTION")

    code = filed.json()["query_code"]

    def signed_letters():  # what the applicant sees, with a download link once signed
        case = requests.get(f"{base}/api/v1/public/objections/{number}/", params={"code": code}, timeout=30).json()
        issued = {r["type"] for r in case.get("letters", []) if r["status"] == "ISSUED" and r.get("pdf")}
        return case if {"OBJECTION_ACCEPTED", "OBJECTION_RESULT"} <= issued else None

    case = _until(signed_letters, 120, "the objection's letters, signed by the worker", interval=2)
    result = [r for r in case["letters"] if r["type"] == "OBJECTION_RESULT"][0]
    pdf = requests.get(base + result["pdf"], timeout=30)
    pdf_path = tmp_path / "result.pdf"
    pdf_path.write_bytes(pdf.content)
    check = subprocess.run(["pdfsig", str(pdf_path)], capture_output=True, text=True)
    assert "Signature is Valid" in check.stdout, check.stdout
    _until(lambda: (d := _embedded_python(var_dir, (
        "from notifications.models import Delivery\n"
        f"rows = Delivery.objects.filter(event__payload__case_number={number!r})\n"
        "print(json.dumps({'total': rows.count(), 'sent': rows.filter(state='DELIVERED').count()}))"
    ))) and d["total"] and d["sent"] == d["total"], 120, "the applicant's notifications, delivered", interval=2)

    # A bulk import, through a unit token, as a unit's system sends it.
    issued = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", "api_token", "issue", "--unit",
                             "ls-amr", "--name", "embedded-test", "--scope", "entries:submit"], cwd=ROOT,
                            env={**{k: v for k, v in os.environ.items() if k not in (
                                "DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_SECRET_KEY")},
                                 "CREDIT_VAR_DIR": str(var_dir)}, capture_output=True, text=True, timeout=120)
    assert issued.returncode == 0, issued.stderr
    raw = issued.stdout.strip().splitlines()[-1]
    rows = "record_id,list_type,identifier,subject_name,facts,reasons\n" + "".join(
        f"EMB-{i},amr-serious,{make_uscc('91', '540102', f'EMBT{i:04d}')},拉萨导入测试{i}有限公司,提交虚假材料,情节严重\n"
        for i in range(20))
    job = requests.post(f"{base}/api/v1/imports/entries/", files={"file": ("batch.csv", rows.encode(), "text/csv")},
                        headers={"Authorization": f"Bearer {raw}"}, timeout=60)
    assert job.status_code == 202, job.text[:500]
    done = _until(lambda: (j := requests.get(f"{base}/api/v1/imports/{job.json()['id']}/",
                                             headers={"Authorization": f"Bearer {raw}"}, timeout=30).json())
                  and j["state"] in ("DONE", "FAILED") and j, 120, "the import job", interval=1)
    assert done["state"] == "DONE" and done["created_count"] == 20 and done["error_count"] == 0, done


def test_claim_and_complete_answers_in_under_a_second_and_the_signed_letters_arrive_without_a_reload(
        embedded_server, page, screenshot):  # noqa: F811
    """Issue 19's acceptance, on the embedded default itself (gunicorn, its own PostgreSQL and
    Redis, the Celery worker): the platform window's officer signs in with a printed demo login,
    opens the demo objection waiting for acceptance in the queue, presses 「认领并办结」, and the
    next page has loaded in under a second, measured in the browser from the press to its load
    event. The two letters the acceptance issues are rendered and signed by the worker after the
    response: the case page, opened next, shows them being produced and then signed, without a
    reload. The demo objection is the platform window's own (the module's other tests file theirs;
    its letters are numbered in the platform's series, apart from the tax office's fifty)."""
    base, output = embedded_server
    login = re.search(r"^\s*(ls-platform-officer)\s+(\S+)\s", output, re.MULTILINE)
    assert login, output
    username, password = login.groups()
    page.goto(f"{base}/accounts/login/?next=/work/%3Fstep%3Dacceptance")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    with page.expect_navigation():
        page.click("main button[type=submit]")
    row = page.locator("tr.task-row[data-step=acceptance]", has_text="西藏雪域天成建筑工程有限公司")
    assert row.count() == 1, "the demo objection waits for acceptance in the platform window's queue"
    screenshot("embedded-acceptance-queue-zh")
    with page.expect_navigation():
        row.locator("a").first.click()
    task_url = page.url

    # The case page before the step: which letters it already has (none is pending).
    with page.expect_navigation():
        page.click("#case-link")
    case_url = page.url
    assert re.search(r"/work/cases/objection/\d+/$", case_url), case_url
    before = page.locator("#letters [data-letter]").evaluate_all("(rows) => rows.map((r) => r.dataset.letter)")
    page.goto(task_url)

    primary = page.locator("#complete-button")
    assert primary.inner_text() == "认领并办结" and primary.is_visible()
    page.get_by_label("是").check()
    screenshot("embedded-acceptance-task-zh")
    elapsed, parts = press_and_time(page, primary)
    assert "环节已办结" in page.locator(".messages").inner_text()
    load = os.getloadavg()
    directory = os.environ.get("TEST_ARTIFACTS")
    if directory:  # kept with the screenshots, as tests/browser/test_claim_and_complete.py keeps its own
        with open(os.path.join(directory, "step-response.txt"), "a", encoding="utf-8") as out:
            out.write(f"claim-and-complete embedded default: {elapsed:.0f} ms {parts} load {load[0]:.2f}\n")
    assert elapsed < 1000, f"the step answered in {elapsed:.0f} ms ({parts}; load average {load[0]:.2f})"
    screenshot("embedded-acceptance-done-zh")

    # The case page, opened at once: the worker is still rendering and signing the two letters.
    page.goto(case_url)
    new = """(before) => [...document.querySelectorAll('#letters [data-letter]')]
        .filter((r) => !before.includes(r.dataset.letter)).map((r) => r.dataset.status)"""
    arrived = page.evaluate(new, before)
    assert len(arrived) == 2, arrived
    assert "pending" in arrived, f"the letters were signed before the case page loaded ({arrived}): nothing to watch"
    assert page.locator("#letters").get_attribute("hx-trigger") == "every 2s"
    screenshot("embedded-case-letters-pending-zh")
    page.evaluate("() => { window.__notReloaded = true; }")
    all_signed = f"(before) => {{ const s = ({new})(before); return s.length === 2 && s.every((x) => x === 'issued'); }}"
    page.wait_for_function(all_signed, arg=before, timeout=60_000)  # the worker signs them; the box polls
    assert page.evaluate("() => window.__notReloaded") is True
    assert page.locator("#letters").get_attribute("hx-trigger") is None  # nothing pending: polling stopped
    titles = page.locator("#letters").inner_text()
    assert "异议申请受理通知书" in titles and "异议信息核查通知书" in titles, titles
    links = page.evaluate("""(before) => [...document.querySelectorAll('#letters [data-letter]')]
        .filter((r) => !before.includes(r.dataset.letter) && r.querySelector('a[href$="/pdf/"]')).length""", before)
    assert links == 2, "each signed letter offers its PDF"
    screenshot("embedded-case-letters-issued-zh")


def test_a_restart_keeps_the_data_and_a_second_run_is_refused(embedded_server, embedded_process, var_dir):
    """Last in the module, on the module's own var/ (a second fresh cluster would cost a minute):
    a second ``scripts/run`` on the same var/ is refused while the first runs; stopped and started
    again, it serves the same database (the cases the tests above filed are still there) and does
    not load the demo cases twice."""
    second = subprocess.run(["bash", "scripts/run"], cwd=ROOT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "CREDIT_VAR_DIR": str(var_dir), "PORT": str(_free_port())})
    assert second.returncode != 0 and "already running" in second.stderr
    count = "from cases.models import ObjectionCase; print(json.dumps({'n': ObjectionCase.objects.count()}))"
    before = _embedded_python(var_dir, count)["n"]
    assert before >= 1  # the demo objections (and the one the end-to-end test filed)
    assert _stop(embedded_process["proc"], embedded_process["log"]) != -signal.SIGKILL, \
        "scripts/run did not stop on Ctrl-C: it was killed"
    _wait_unlocked(var_dir)
    proc, log, base = _start(var_dir, var_dir.parent / "restart.log")
    embedded_process.update(proc=proc, log=log, base=base)
    _wait_ready(proc, log, base)
    log.seek(0)
    assert "demo cases already loaded" in log.read()
    assert _embedded_python(var_dir, count)["n"] == before
