"""The stack keeps the audit trail out of its own processes' reach (issue 17 item 6; docs/adr/0006).

On the production-shaped stack (the shared ``stack`` fixture): web, workers and beat connect as
``credit_app`` and never see the owner's credentials; as that role PostgreSQL refuses to disable the
audit trigger or rewrite a row; each anchor reaches the platform's receiver as ``audit.anchor``; a
backup carries a signed ``anchors.json`` that ``audit_verify --anchors`` and the restore drill check.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import psycopg2
import psycopg2.errors
import pytest

from tests.deploy.stack_support import ROOT, _stack_env, _until

pytestmark = [pytest.mark.slow]


def _manage(stack, *args, env=None, timeout=300):
    env = {**stack.env, **_stack_env(stack), **(env or {})}
    env.pop("DATABASE_OWNER_URL")  # as the processes run: the application role only
    return subprocess.run([str(ROOT / ".venv" / "bin" / "python"), "manage.py", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=timeout)


def test_the_stacks_processes_connect_as_the_application_role_without_the_owners_credentials(stack):
    values = _stack_env(stack)
    assert values["DATABASE_URL"].startswith("postgres://credit_app:")
    assert values["DATABASE_OWNER_URL"].startswith("postgres://credit:")
    for name in ("web", "worker-deadlines", "worker-letters", "beat"):
        environ = Path(f"/proc/{stack.pid(name)}/environ").read_bytes().split(b"\0")
        assert any(v.startswith(b"DATABASE_URL=postgres://credit_app:") for v in environ), name
        assert not any(v.startswith((b"DATABASE_OWNER_URL=", b"STACK_DB_PASSWORD=")) for v in environ), name
    check = _manage(stack, "check", "--deploy")
    assert "audit.W001" not in check.stdout + check.stderr, check.stderr[-2000:]


def test_as_the_stacks_application_role_postgresql_refuses_to_rewrite_history(stack):
    conn = psycopg2.connect(_stack_env(stack)["DATABASE_URL"])
    conn.autocommit = True
    try:
        cur = conn.cursor()
        cur.execute("SELECT current_user, (SELECT count(*) FROM audit_auditevent)")
        user, events = cur.fetchone()
        assert user == "credit_app" and events > 0, "the demo cases are audited"
        for statement in ("ALTER TABLE audit_auditevent DISABLE TRIGGER audit_event_append_only",
                          "ALTER TABLE audit_auditanchor DISABLE TRIGGER ALL",
                          "UPDATE audit_auditevent SET reason = 'rewritten'",
                          "DELETE FROM audit_auditanchor",
                          "TRUNCATE audit_auditevent",
                          "SET session_replication_role = replica"):
            with pytest.raises(psycopg2.errors.InsufficientPrivilege):
                cur.execute(statement)
    finally:
        conn.close()


def test_anchors_reach_the_platform_and_a_backup_carries_a_verifiable_anchor_file(stack, tmp_path):
    anchored = _manage(stack, "audit_anchor")
    assert anchored.returncode == 0, anchored.stderr[-2000:]
    # beat anchors too; either way every anchor is pushed to the platform through the outbox.
    _until(lambda: [e for e in stack.events() if e.get("type") == "audit.anchor"], 60, "an audit.anchor event")
    pushed = [e for e in stack.events() if e.get("type") == "audit.anchor"]
    assert all(len(e["anchor"]["hash"]) == 64 and e["anchor"]["payload"]["heads"] for e in pushed)

    env = {**stack.env, **_stack_env(stack), "BACKUP_DIR": str(tmp_path / "backups")}
    made = subprocess.run(["bash", "scripts/backup"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert made.returncode == 0, made.stderr[-3000:]
    backup = Path(made.stdout.strip().splitlines()[-1])
    document = json.loads((backup / "anchors.json").read_text())
    assert document["signature"]["alg"] == "HMAC-SHA256" and document["anchors"]
    assert {a["hash"] for a in document["anchors"]} >= {e["anchor"]["hash"] for e in pushed}, \
        "what the platform was sent is in the backup's anchor file"
    assert "anchors.json" in (backup / "SHA256SUMS").read_text()

    verified = _manage(stack, "audit_verify", "--anchors", str(backup / "anchors.json"))
    assert verified.returncode == 0, verified.stderr[-2000:]
    assert "External anchors" in verified.stdout and "chain positions match" in verified.stdout

    forged = tmp_path / "forged.json"
    document["anchors"][-1]["hash"] = "f" * 64
    forged.write_text(json.dumps(document))
    refused = _manage(stack, "audit_verify", "--anchors", str(forged))
    assert refused.returncode == 2 and "signature does not verify" in refused.stderr

    # The restore drill restores as the owner, grants credit_app and checks the file as that role.
    drill_env = {k: v for k, v in stack.env.items() if k not in ("DATABASE_URL", "MEDIA_ROOT")}
    drill_env["AUDIT_ANCHOR_KEY"] = _stack_env(stack)["AUDIT_ANCHOR_KEY"]
    drill = subprocess.run(["bash", "scripts/restore-drill", str(backup)], cwd=ROOT, env=drill_env,
                           capture_output=True, text=True, timeout=900)
    assert drill.returncode == 0, drill.stdout[-2000:] + drill.stderr[-4000:]
    assert "External anchors" in drill.stdout and "restore drill: OK" in drill.stdout
