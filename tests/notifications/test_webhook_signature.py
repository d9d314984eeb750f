"""The documented signature, checked against the receiver helper we ship, over real HTTP."""

import hashlib
import hmac
import json
import time
import uuid

import pytest
import requests

from notifications import receiver as rx
from tests.notifications.conftest import SECRET

# (the suite-wide session fixtures open the test database, so every module asks for it)
pytestmark = pytest.mark.django_db


def signed(body: dict, *, secret=SECRET, timestamp=None, event_id=None):
    raw = json.dumps(body, ensure_ascii=False).encode()
    ts = str(int(time.time()) if timestamp is None else timestamp)
    # The algorithm as docs/notifications.md states it, written out here rather than imported.
    mac = hmac.new(secret.encode(), ts.encode() + b"." + raw, hashlib.sha256).hexdigest()
    return raw, {"Content-Type": "application/json", "X-Credit-Event-Id": event_id or body["event_id"],
                 "X-Credit-Timestamp": ts, "X-Credit-Signature": f"v1={mac}"}


def event(**extra):
    return {"event_id": str(uuid.uuid4()), "type": "entry.published", "subject": {"identifier": "91350100M000100Y43"},
            **extra}


def test_the_helper_signs_exactly_as_documented():
    raw, headers = signed(event())
    assert rx.sign(SECRET, headers["X-Credit-Timestamp"], raw) == headers["X-Credit-Signature"]


def test_a_signed_event_is_accepted_once_and_a_replay_is_not_processed_again(receiver):
    raw, headers = signed(event())
    first = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    replay = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    assert first.status_code == 200 and first.json() == {"status": "accepted"}
    assert replay.status_code == 200 and replay.json() == {"status": "duplicate"}
    assert len(receiver.recorded()) == 1


def test_a_retry_with_a_fresh_signature_is_recognised_by_its_event_id(receiver):
    body = event()
    requests.post(receiver.url, data=signed(body)[0], headers=signed(body)[1], timeout=5)
    raw, headers = signed(body, timestamp=int(time.time()) + 1)
    again = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    assert again.json() == {"status": "duplicate"} and len(receiver.recorded()) == 1


@pytest.mark.parametrize("tamper", ["body", "timestamp", "secret", "signature_missing"])
def test_an_altered_request_is_refused(receiver, tamper):
    body = event()
    raw, headers = signed(body, secret="another-secret" if tamper == "secret" else SECRET)
    if tamper == "body":
        raw = raw.replace(b"entry.published", b"entry.removed__")
    elif tamper == "timestamp":
        headers["X-Credit-Timestamp"] = str(int(headers["X-Credit-Timestamp"]) + 5)
    elif tamper == "signature_missing":
        del headers["X-Credit-Signature"]
    response = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    assert response.status_code in (400, 401) and response.json()["status"] == "rejected"
    assert receiver.recorded() == []


def test_a_stale_request_is_refused_even_with_a_valid_signature(receiver):
    raw, headers = signed(event(), timestamp=int(time.time()) - rx.DEFAULT_TOLERANCE - 10)
    response = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    assert response.status_code == 401 and response.json()["reason"] == "stale timestamp"
    assert receiver.recorded() == []


def test_the_event_id_header_must_match_the_signed_body(receiver):
    raw, headers = signed(event(), event_id=str(uuid.uuid4()))
    response = requests.post(receiver.url, data=raw, headers=headers, timeout=5)
    assert response.status_code == 400 and receiver.recorded() == []


def test_a_rotated_secret_is_accepted_while_both_are_configured():
    verifier = rx.Verifier(["new-secret", SECRET])
    raw, headers = signed(event())
    assert verifier.verify(headers, raw)["type"] == "entry.published"


def test_the_receiver_remembers_event_ids_across_a_restart(tmp_path):
    log = str(tmp_path / "events.jsonl")
    body = event()
    raw, headers = signed(body)
    first = rx.RecordingReceiver(("127.0.0.1", 0), secrets=[SECRET], log_path=log)
    first.verifier.verify(headers, raw)
    first.record(body)
    first.server_close()
    second = rx.RecordingReceiver(("127.0.0.1", 0), secrets=[SECRET], log_path=log)
    with pytest.raises(rx.Replayed):
        second.verifier.verify(headers, raw)
    second.server_close()


def test_the_command_line_receiver_verifies_and_records(tmp_path):
    import subprocess
    import sys

    from tests.notifications.conftest import ROOT, free_port, wait_for

    port, log = free_port(), tmp_path / "cli.jsonl"
    proc = subprocess.Popen([sys.executable, "-m", "notifications.receiver", "--port", str(port), "--secret", SECRET,
                             "--log", str(log)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        url = f"http://127.0.0.1:{port}/"

        def up():
            try:
                return requests.post(url, data=b"{}", timeout=1).status_code == 400
            except requests.ConnectionError:
                return False

        wait_for(up, 15, what="the receiver")
        raw, headers = signed(event())
        assert requests.post(url, data=raw, headers=headers, timeout=5).json() == {"status": "accepted"}
        bad = requests.post(url, data=raw + b" ", headers=headers, timeout=5)
        assert bad.status_code == 401
        assert len(log.read_text().splitlines()) == 1
    finally:
        proc.terminate()
        proc.wait(10)
