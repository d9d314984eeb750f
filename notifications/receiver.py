"""Receiver helper for platform integrators (信用信息共享平台): verify our signed webhooks.

Standard library only: copy this one file. The algorithm (docs/notifications.md):

    headers  X-Credit-Event-Id:   the event's UUID (also in the body as "event_id")
             X-Credit-Timestamp:  Unix seconds when this attempt was sent
             X-Credit-Signature:  v1=hex(HMAC-SHA256(secret, "<timestamp>.<raw body>"))
    accept   signature matches (constant-time compare; several secrets allowed while rotating),
             |now - timestamp| <= tolerance (300 s), the header event id equals the body's,
             and the event id was not accepted before (a retry of an event you already have is
             answered 200 "duplicate" so the sender stops, and is not processed again).

Run a recording receiver (what the deploy smoke test and the tests use)::

    python -m notifications.receiver --port 8099 --secret S --log /tmp/events.jsonl

It answers 200 {"status": "accepted"|"duplicate"} and appends each accepted event to the log
(one JSON line), 401 for a bad or stale signature, 400 for a malformed request. Event ids already
in the log are remembered across restarts.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import socket
import threading
import time
from collections import OrderedDict
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

HEADER_EVENT_ID = "X-Credit-Event-Id"
HEADER_EVENT_TYPE = "X-Credit-Event-Type"
HEADER_TIMESTAMP = "X-Credit-Timestamp"
HEADER_SIGNATURE = "X-Credit-Signature"
HEADER_SUBJECT = "X-Credit-Subject"
HEADER_SEQUENCE = "X-Credit-Sequence"
VERSION = "v1"
DEFAULT_TOLERANCE = 300
MAX_BODY = 1_000_000


def sign(secret, timestamp, body: bytes) -> str:
    """``v1=`` + hex HMAC-SHA256 over ``"<timestamp>.<body>"`` with the shared secret."""
    key = secret.encode() if isinstance(secret, str) else secret
    mac = hmac.new(key, str(timestamp).encode("ascii") + b"." + body, hashlib.sha256)
    return f"{VERSION}={mac.hexdigest()}"


class Rejected(Exception):
    """The request is not ours or not intact: answer 401/400 and do nothing with it."""

    status = 401

    def __init__(self, reason: str, status: int = 401):
        super().__init__(reason)
        self.reason, self.status = reason, status


class Replayed(Exception):
    """An event id already accepted: acknowledge it (so the sender stops) but do not process it."""


class Verifier:
    """Verifies requests and remembers accepted event ids (bounded memory; seed it from storage)."""

    def __init__(self, secrets, *, tolerance: int = DEFAULT_TOLERANCE, remember: int = 1_000_000, seen=()):
        self.secrets = [secrets] if isinstance(secrets, (str, bytes)) else list(secrets)
        self.tolerance = tolerance
        self.remember = remember
        self._seen: OrderedDict[str, None] = OrderedDict((s, None) for s in seen)
        self._lock = threading.Lock()

    def verify(self, headers, body: bytes, *, now: float | None = None) -> dict:
        """Return the event (the parsed body) or raise Rejected / Replayed. ``headers`` is any
        mapping with case-insensitive .get (http.server's, Django's request.headers)."""
        timestamp = headers.get(HEADER_TIMESTAMP) or ""
        signature = headers.get(HEADER_SIGNATURE) or ""
        header_id = headers.get(HEADER_EVENT_ID) or ""
        if not timestamp.isdigit() or not signature or not header_id:
            raise Rejected("missing or malformed signature headers", 400)
        if not any(hmac.compare_digest(sign(s, timestamp, body), signature) for s in self.secrets):
            raise Rejected("bad signature")
        now = time.time() if now is None else now
        if abs(now - int(timestamp)) > self.tolerance:
            raise Rejected("stale timestamp")
        try:
            event = json.loads(body.decode("utf-8"))
        except (UnicodeDecodeError, ValueError):
            raise Rejected("body is not JSON", 400) from None
        if not isinstance(event, dict) or event.get("event_id") != header_id:
            raise Rejected("event id in header and body differ", 400)
        with self._lock:
            if header_id in self._seen:
                raise Replayed(header_id)
        return event

    def accept(self, event_id: str) -> bool:
        """Mark an event processed (call once it is stored). False if it was already there."""
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > self.remember:
                self._seen.popitem(last=False)
            return True


class RecordingReceiver(ThreadingHTTPServer):
    """A tiny platform stand-in: verifies, appends accepted events to a JSON-lines log.

    An event is answered only once its line is fsynced. Requests that arrive together share one
    fsync (group commit): whoever finds no write under way writes every waiting line and syncs
    once, the others wait for it; alone, a request writes and syncs its own line."""

    daemon_threads = True

    def __init__(self, address, *, secrets, log_path: str, tolerance: int = DEFAULT_TOLERANCE, behave=None):
        seen = []
        if log_path and os.path.exists(log_path):
            with open(log_path, encoding="utf-8") as fh:
                seen = [json.loads(line)["event_id"] for line in fh if line.strip()]
        self.verifier = Verifier(secrets, tolerance=tolerance, seen=seen)
        self.log_path = log_path
        self.behave = behave  # tests: callable(event) -> None | "fail" | seconds to sleep
        self._journal = threading.Condition()
        self._waiting: list[str] = []  # accepted lines not yet written
        self._accepted = self._durable = 0  # lines accepted / lines known to be on disk
        self._writing = False
        super().__init__(address, _Handler)

    def record(self, event: dict) -> bool:
        """Store an accepted event durably; False if its id was accepted before (then it returns
        once everything accepted so far, that event included, is on disk)."""
        with self._journal:
            new = self.verifier.accept(event["event_id"])
            if new:
                self._waiting.append(json.dumps(event, ensure_ascii=False, sort_keys=True) + "\n")
                self._accepted += 1
            self._until_durable(self._accepted)
        return new

    def durable(self) -> None:
        """Return once every event accepted so far is on disk (a duplicate's answer waits for it)."""
        with self._journal:
            self._until_durable(self._accepted)

    def _until_durable(self, target: int) -> None:
        # Called holding self._journal.
        while self._durable < target:
            if self._writing:
                self._journal.wait()
                continue
            lines, upto = self._waiting, self._accepted
            self._waiting, self._writing = [], True
            self._journal.release()
            try:
                if self.log_path:
                    with open(self.log_path, "a", encoding="utf-8") as fh:
                        fh.write("".join(lines))
                        fh.flush()
                        os.fsync(fh.fileno())
            except BaseException:
                self._journal.acquire()
                self._waiting[:0] = lines  # the next writer tries them again
                self._writing = False
                self._journal.notify_all()
                raise
            self._journal.acquire()
            self._durable, self._writing = upto, False
            self._journal.notify_all()


class _Handler(BaseHTTPRequestHandler):
    server: RecordingReceiver
    protocol_version = "HTTP/1.1"  # keep-alive: a sender reuses its connection
    # The answer's headers and body are buffered and leave in one write when the request is done
    # (http.server flushes wfile after each request), one packet instead of two.
    wbufsize = 16384

    def setup(self):
        super().setup()
        # Without NODELAY a kept-alive connection may wait for the peer's delayed ACK (~40 ms).
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def do_POST(self):  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return self._answer(413, {"status": "rejected", "reason": "too large"})
        body = self.rfile.read(length)
        try:
            event = self.server.verifier.verify(self.headers, body)
        except Rejected as exc:
            return self._answer(exc.status, {"status": "rejected", "reason": exc.reason})
        except Replayed:
            self.server.durable()
            return self._answer(200, {"status": "duplicate"})
        if self.server.behave is not None:
            action = self.server.behave(event)
            if action == "fail":
                return self._answer(500, {"status": "error"})
            if isinstance(action, (int, float)):
                time.sleep(action)
        status = "accepted" if self.server.record(event) else "duplicate"
        return self._answer(200, {"status": status})

    def _answer(self, code: int, data: dict):
        out = json.dumps(data).encode()
        try:
            self.send_response(code)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the sender gave up (timeout, killed); what was recorded stays recorded

    def log_message(self, fmt, *args):  # quiet by default
        if os.environ.get("RECEIVER_VERBOSE"):
            super().log_message(fmt, *args)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Verify and record signed credit-platform webhooks.")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8099)
    parser.add_argument("--secret", action="append", required=True, help="shared secret (repeat while rotating)")
    parser.add_argument("--log", required=True, help="JSON-lines file of accepted events")
    parser.add_argument("--tolerance", type=int, default=DEFAULT_TOLERANCE, help="seconds of clock skew allowed")
    args = parser.parse_args(argv)
    server = RecordingReceiver((args.host, args.port), secrets=args.secret, log_path=args.log,
                               tolerance=args.tolerance)
    print(f"receiver listening on http://{args.host}:{server.server_address[1]}/", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


if __name__ == "__main__":
    main()
