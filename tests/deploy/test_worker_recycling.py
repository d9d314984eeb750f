"""gunicorn's workers recycle one at a time, and nobody waits while one does (issue 17, item 8).

The stack's web process is restarted with ``WEB_MAX_REQUESTS=150`` (deploy/gunicorn.conf.py), a
steady load of cheap requests goes through nginx from a few threads across several recycles, and
then the web process is put back as it was. Before, both workers reached their limit together and
requests stalled 8.9 s and 20.4 s while both booted.
"""

from __future__ import annotations

import re
import subprocess
import threading
import time

import pytest
import requests

from tests.deploy.stack_support import ROOT, _readyz, _until

pytestmark = [pytest.mark.slow]

MAX_REQUESTS = 150
# Cheap pages, none throttled per address (all of the load comes from one address).
PATHS = ("/healthz", "/portal/", "/portal/repair-check/")
THREADS = 3
RECYCLES = 4  # the load runs until this many workers have been replaced (at least 3 are asserted)
LOAD_SECONDS = 180  # the bound: the load stops by then whatever happened
SLOWEST = 2.0


def _restart_web(stack, **env):
    for args in (("stop", "web"), ("start", "web")):
        done = subprocess.run(["bash", "scripts/stack", *args], cwd=ROOT, env={**stack.env, **env},
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (args, done.stdout[-2000:], done.stderr[-3000:])
    _until(lambda: len(stack.children(stack.pid("web"))) == 2, 120, "two gunicorn workers")
    _until(lambda: _readyz(stack)[0] == 200, 120, "readyz 200 after restarting web")


def test_workers_recycle_one_at_a_time_and_no_request_waits_over_two_seconds(stack):
    _restart_web(stack, WEB_MAX_REQUESTS=str(MAX_REQUESTS))
    try:
        master = stack.pid("web")
        log_from = len(stack.log("web"))
        first = set(stack.children(master))
        seen, timings, failures = set(first), [], []
        stop = threading.Event()

        def visitor(k):
            session = requests.Session()
            i = k
            while not stop.is_set():
                path = PATHS[i % len(PATHS)]
                i += 1
                started = time.monotonic()
                try:
                    status = session.get(stack.base + path, timeout=30, allow_redirects=False).status_code
                except requests.RequestException as exc:
                    status = repr(exc)
                took = time.monotonic() - started
                timings.append((took, path, time.time()))
                if status != 200:
                    failures.append((path, status))

        threads = [threading.Thread(target=visitor, args=(k,), daemon=True) for k in range(THREADS)]
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + LOAD_SECONDS
        while time.monotonic() < deadline and len(seen - first) < RECYCLES:
            seen.update(stack.children(master))
            time.sleep(0.05)
        time.sleep(1)  # and some load after the last replacement came up
        stop.set()
        for thread in threads:
            thread.join(60)

        replaced = len(seen - first)
        log = stack.log("web")[log_from:]
        events = sorted((float(when), kind) for kind, when in
                        re.findall(r"recycling: worker \d+ (retires|ready) at ([\d.]+)", log))
        retirements = [when for when, kind in events if kind == "retires"]
        boots = [float(s) for s in re.findall(r"recycling: worker \d+ ready at [\d.]+ after ([\d.]+) s", log)]

        def phase(at):  # while a worker was restarting, or with all of them up
            before = [kind for when, kind in events if when <= at]
            return "restarting" if before and before[-1] == "retires" else "all up"

        ordered = sorted(timings, reverse=True)
        took = sorted(t[0] for t in timings)
        print(f"\n{len(timings)} requests, {replaced} workers replaced ({len(retirements)} retirements logged, "
              f"{log.count('postpones at')} postponements), boots {min(boots, default=0):.1f}-"
              f"{max(boots, default=0):.1f} s; median {took[len(took) // 2]:.3f} s, p99 {took[len(took) * 99 // 100]:.3f} s, "
              f"slowest {ordered[0][0]:.3f} s ({ordered[0][1]}, {phase(ordered[0][2])})")
        assert replaced >= 3 and len(retirements) >= 3, (
            f"only {replaced} recycles in {LOAD_SECONDS} s ({len(timings)} requests)", log[-3000:])
        assert not failures, failures[:10]
        assert ordered[0][0] < SLOWEST, [(round(t, 3), path, phase(at)) for t, path, at in ordered[:8]]

        # At most one worker restarting at any time: each retirement is followed by its replacement's
        # readiness before the next retirement begins (deploy/gunicorn.conf.py logs both).
        restarting = 0
        for when, kind in events:
            restarting += 1 if kind == "retires" else -1 if restarting else 0
            assert restarting <= 1, (when, events)
    finally:
        _restart_web(stack)


def _gunicorn_conf(tmp_path, monkeypatch):
    """deploy/gunicorn.conf.py as gunicorn loads it, its mark under ``tmp_path``."""
    import runpy

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", None)  # gettempdir() reads TMPDIR again
    return runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))


def test_a_worker_that_comes_up_ends_only_the_retirement_it_replaces(tmp_path, monkeypatch):
    """Under load a boot outlasts the other worker's next limit: of two workers booted together,
    the first up retires while the second still boots. Had the second removed that retirement's
    mark when it came up, it would have retired at once as well, and both would have been booting
    (requests waited 9–11 s in the stack test with two busy cores beside it)."""
    conf = _gunicorn_conf(tmp_path, monkeypatch)
    mark = conf["_RECYCLING"]
    assert mark.parent == tmp_path
    forked_at = time.time()
    time.sleep(0.02)
    assert conf["_take_recycling_mark"]()  # another worker retires after this one was forked
    conf["_release_recycling_mark"](forked_at)
    assert mark.exists(), "a worker removed the mark of a retirement it does not replace"
    assert not conf["_take_recycling_mark"](), "so this worker, at its limit, postpones"
    conf["_release_recycling_mark"](time.time() + 1)  # the retiring worker's own replacement comes up
    assert not mark.exists()
    assert conf["_take_recycling_mark"]()
