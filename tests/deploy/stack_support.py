"""The production-shaped stack for the tests under tests/deploy: one stack per package run
(``scripts/stack up --demo`` in a throwaway directory), shared by every test file that asks for the
``stack`` fixture (tests/deploy/conftest.py), torn down after the last of them.

Tests that change the stack (stop a component, lock an account) put it back as they found it.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import random
import re
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

from tests.pdfs import minimal_pdf

ROOT = Path(__file__).resolve().parents[2]
PASSWORD = "demo-pass-2026"

# The PDF an applicant attaches (a real, minimal PDF so the upload check passes).
EVIDENCE = minimal_pdf("evidence")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _until(predicate, timeout: float, what: str, interval: float = 0.5):
    deadline = time.monotonic() + timeout
    last = None
    while time.monotonic() < deadline:
        last = predicate()
        if last:
            return last
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


class Stack:
    def __init__(self, directory: Path):
        self.dir = directory
        self.ports = {name: _free_port() for name in ("HTTP", "WEB", "PG", "REDIS", "RECEIVER")}
        self.base = f"http://127.0.0.1:{self.ports['HTTP']}"
        self.env = {k: v for k, v in os.environ.items()
                    if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "CELERY_", "PROMETHEUS_"))}
        self.env.update({f"STACK_{k}_PORT": str(v) for k, v in self.ports.items()})
        # scripts/test (or /tmp/th) already installed packages and the virtualenv.
        self.env.update({"STACK_DIR": str(directory), "STACK_SKIP_INSTALL": "1",
                         # Compressing every static file takes minutes on a busy machine: keep them.
                         "STACK_STATIC_ROOT": str(ROOT / "var" / "stack-static")})

    def run(self, *args, timeout=600, check=True):
        result = subprocess.run(["bash", "scripts/stack", *args], cwd=ROOT, env=self.env, capture_output=True,
                                text=True, timeout=timeout)
        if check and result.returncode != 0:
            pytest.fail(f"scripts/stack {' '.join(args)} failed ({result.returncode}):\n"
                        f"{result.stdout[-3000:]}\n{result.stderr[-5000:]}")
        return result

    def pid(self, name: str) -> int:
        return int((self.dir / "run" / f"{name}.pid").read_text().strip())

    def children(self, pid: int) -> list[int]:
        out = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
        return [int(p) for p in out]

    def log(self, name: str) -> str:
        path = self.dir / "log" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def errors(self, last: int = 3) -> str:
        """The last server-side errors (web and workers), tracebacks included: a failed request in CI
        must say why, since the stack's logs go away with its directory."""
        found = []
        for path in sorted((self.dir / "log").glob("*.log")):
            for line in path.read_text(errors="replace").splitlines():
                if '"level": "ERROR"' in line and "/readyz" not in line:
                    try:
                        record = json.loads(line)
                    except ValueError:
                        continue
                    found.append(f"{path.name}: {record.get('message')}\n{record.get('exc_info', '')[-2500:]}")
        return "\n".join(found[-last:])

    def events(self) -> list[dict]:
        path = self.dir / "platform-events.jsonl"
        if not path.exists():
            return []
        return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


# The subjects `load_demo_cases` lists (scripts/stack up --demo loads them).
DEMO_CASE_SUBJECTS = set(re.findall(r'_subject\("([^"]+)"\)', (ROOT / "workflow" / "demo.py").read_text()))

_CURRENT: list = []  # the stack under test, so that a failed request can show the server's errors


def _server_errors() -> str:
    return _CURRENT[0].errors() if _CURRENT else ""


def stack_up():
    if not shutil.which("nginx"):
        pytest.fail("nginx is not installed: scripts/test installs it (TEST_PACKAGES in scripts/lib.sh)")
    if os.environ.get("STACK_REUSE_DIR"):  # development: a stack already up (scripts/stack up --demo)
        reused = Stack(Path(os.environ["STACK_REUSE_DIR"]))
        reused.base = "http://127.0.0.1:" + _env_value(reused, "STACK_HTTP_PORT")
        _CURRENT[:] = [reused]
        yield reused
        return
    # Not under pytest's tmp_path (mode 0700): the postgres user must reach its data directory.
    directory = Path(tempfile.mkdtemp(prefix="credit-stack."))
    os.chmod(directory, 0o755)
    stack = Stack(directory)
    try:
        up = stack.run("up", "--demo", timeout=900)
        assert '"status": "ok"' in up.stdout, up.stdout
        _CURRENT[:] = [stack]
        yield stack
    finally:
        stack.run("down", timeout=300, check=False)
        artifacts = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "var" / "test-artifacts")) / "stack-logs"
        shutil.rmtree(artifacts, ignore_errors=True)
        if (directory / "log").exists():
            shutil.copytree(directory / "log", artifacts)
        shutil.rmtree(directory, ignore_errors=True)


class Api:
    """A staff member's token client, always through nginx."""

    def __init__(self, base: str, username: str):
        self.base, self.session = base, requests.Session()
        response = self.session.post(f"{base}/api/v1/auth/token/", data={"username": username, "password": PASSWORD},
                                     timeout=30)
        assert response.status_code == 200, response.text
        self.session.headers["Authorization"] = f"Token {response.json()['token']}"

    def get(self, path, **params):
        response = self.session.get(self.base + path, params=params, timeout=60)
        assert response.status_code == 200, (path, response.status_code, response.text[:500], _server_errors())
        return response.json()

    def post(self, path, body=None, expect=(200, 201), **kw):
        response = self.session.post(self.base + path, json=body or {}, timeout=60, **kw)
        assert response.status_code in expect, (path, response.status_code, response.text[:500], _server_errors())
        return response.json()

    def task(self, step, identifier, case_type=None, case_id=None):
        params = {"step": step, "search": identifier, **({"case_type": case_type} if case_type else {})}
        tasks = [t for t in self.get("/api/v1/tasks/", **params)["results"]
                 if (t.get("subject") or {}).get("identifier") == identifier
                 and (case_id is None or t["case"]["id"] == case_id)]
        return tasks[0] if tasks else None

    def complete(self, step, identifier, data=None, case_type=None, case_id=None, **kw):
        task = _until(lambda: self.task(step, identifier, case_type, case_id), 30, f"the {step} task")
        return self.post(f"/api/v1/tasks/{task['id']}/complete/", data, **kw)


def fresh_subject(base) -> str:
    """A legal person, picked at random, that no demo case and no earlier test has an objection task
    open on: the stack's tests find their tasks by the subject's code, and each test on the one stack
    files its own objection (an acceptance task of another case was once accepted in a test's place)."""
    officer, window = Api(base, "ls-amr-officer"), Api(base, "ls-platform-officer")
    subjects = [s for s in officer.get("/api/v1/subjects/", kind="LEGAL_PERSON")["results"]
                if s["name"] not in DEMO_CASE_SUBJECTS]  # the demo cases' subjects have entries already
    random.shuffle(subjects)  # a reused development stack already has entries for some
    return next(s["identifier"] for s in subjects
                if not any(api.task(step, s["identifier"], "OBJECTION")
                           for api, step in ((window, "acceptance"), (officer, "verification"), (officer, "approval"))))


def _list_entry(base, identifier):
    officer, leader = Api(base, "ls-amr-officer"), Api(base, "ls-amr-leader")
    today = dt.date.today()
    entry = officer.post("/api/v1/entries/", {
        "list_type": "amr-serious", "subject": identifier,
        "facts": "提交虚假材料取得建筑业企业资质，情节严重。", "reasons": "提交虚假材料取得行政许可"})
    pk = entry["id"]
    officer.complete("prior_notice", identifier, {"served_on": str(today - dt.timedelta(days=30))}, case_id=pk)
    officer.complete("statement", identifier, {"statement": "对处罚决定无异议。"}, case_id=pk)
    leader.complete("decision", identifier, {"approve": True, "decision_date": str(today - dt.timedelta(days=14)),
                                          "dating_reason": "纸质决定书补录"},
                    case_id=pk)
    officer.complete("publication", identifier, case_id=pk)
    return entry


def _stack_env(stack) -> dict:
    pairs = [line.split("=", 1) for line in (stack.dir / "stack.env").read_text().splitlines()
             if "=" in line and not line.startswith("#")]
    return dict(pairs)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (already dead, not yet reaped) counts as gone.
    state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0] if Path(f"/proc/{pid}").exists() else "X"
    return state not in ("Z", "X")


def _env_value(stack, name):
    for line in (stack.dir / "stack.env").read_text().splitlines():
        if line.startswith(f"{name}="):
            return line.split("=", 1)[1]
    raise KeyError(name)


def _readyz(stack):
    try:
        response = requests.get(f"{stack.base}/readyz", timeout=10)
    except requests.RequestException as exc:
        return 0, {"error": str(exc)}
    return response.status_code, response.json()
