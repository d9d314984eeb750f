"""Gunicorn under test and a small closed-loop HTTP load generator for ``bench/province.py``.

Each client is a thread with its own ``http.client`` connection, sending the next request as soon
as the previous answer is read (closed loop: the offered load adapts to the server). Gunicorn's
sync workers answer ``Connection: close``, so a client reconnects per request, as a browser or a
checking system behind the proxy would. Latency is send → last byte read, so it includes the wait
in gunicorn's accept queue when all workers are busy.

CPU is accounted from ``/proc``: busy time of the whole machine, of gunicorn's workers and of this
process (the load generator), so a figure can be read against what the 2 cores were doing.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import secrets
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TICK = os.sysconf("SC_CLK_TCK")

Request = tuple[str, str, bytes | None]  # method, path, body


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# --- CPU accounting --------------------------------------------------------------------------------

def machine_busy_seconds() -> float:
    with open("/proc/stat") as f:
        values = [int(v) for v in f.readline().split()[1:]]
    idle = values[3] + values[4]  # idle + iowait
    return (sum(values[:8]) - idle) / TICK


def process_cpu_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICK  # utime + stime


def children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


@dataclass
class CpuSample:
    """Busy CPU seconds: the machine, gunicorn's workers, PostgreSQL (every child of the
    postmaster: backends, pgbench's included, and background workers) and this process."""

    machine: float
    server: float
    database: dict[int, float]
    client: float

    @classmethod
    def take(cls, server_pids: list[int], postmaster: int | None = None) -> CpuSample:
        database = {p: process_cpu_seconds(p) for p in children(postmaster)} if postmaster else {}
        return cls(machine_busy_seconds(), sum(process_cpu_seconds(p) for p in server_pids), database,
                   time.process_time())

    def __sub__(self, before: CpuSample) -> CpuUse:
        # Backends that started during the run count whole; those that ended are lost (rare: the
        # workers keep their connections, CONN_MAX_AGE).
        database = sum(cpu - before.database.get(pid, 0.0) for pid, cpu in self.database.items())
        return CpuUse(self.machine - before.machine, self.server - before.server, database,
                      self.client - before.client)


@dataclass
class CpuUse:
    machine: float
    server: float
    database: float
    client: float


# --- gunicorn ----------------------------------------------------------------------------------------

class Gunicorn:
    """``gunicorn config.wsgi -w 2`` on a free loopback port with the production settings.
    ``BENCH_GUNICORN_ARGS`` adds arguments, to compare worker classes (e.g. ``-k gthread --threads 1
    --keep-alive 5``: keep-alive connections instead of one per request)."""

    def __init__(self, *, workers: int = 2, settings: str = "config.settings.production"):
        self.port = free_port()
        self.workers = workers
        self.env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE=settings,
            DJANGO_SECRET_KEY=secrets.token_urlsafe(64),
            LETTERS_P12_PASSPHRASE=os.environ.get("LETTERS_P12_PASSPHRASE") or secrets.token_urlsafe(24),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            LOG_LEVEL="WARNING",
        )
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        self.process = subprocess.Popen(
            [str(ROOT / ".venv/bin/gunicorn"), "config.wsgi:application", "-w", str(self.workers), "-b", f"127.0.0.1:{self.port}",
             "--log-level", "warning", *os.environ.get("BENCH_GUNICORN_ARGS", "").split()],
            cwd=ROOT, env=self.env,
        )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("gunicorn exited at start")
            if len(self.worker_pids()) == self.workers:
                try:
                    status, _body = self.call("GET", "/api/v1/units/")
                    if status in (200, 401, 403):
                        return self
                except OSError:
                    pass
            time.sleep(0.2)
        raise RuntimeError("gunicorn did not answer within 60 s")

    def __exit__(self, *exc) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def worker_pids(self) -> list[int]:
        return children(self.process.pid)

    # The TLS-terminating proxy in front of gunicorn says the request came over HTTPS (production
    # settings redirect plain HTTP and trust SECURE_PROXY_SSL_HEADER).
    base_headers = {"X-Forwarded-Proto": "https", "Accept": "application/json"}

    def call(self, method: str, path: str, *, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={**self.base_headers, **(headers or {})})
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def token(self, username: str, password: str) -> str:
        body = json.dumps({"username": username, "password": password}).encode()
        status, data = self.call("POST", "/api/v1/auth/token/", body=body,
                                 headers={"Content-Type": "application/json"})
        if status != 200:
            raise RuntimeError(f"token request failed: {status} {data[:200]!r}")
        return json.loads(data)["token"]


# --- the load run ---------------------------------------------------------------------------------------

@dataclass
class LoadResult:
    name: str
    clients: int
    seconds: float
    latencies: list[float]
    errors: int
    cpu: CpuUse
    items_per_request: int = 1

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.seconds

    def percentile(self, q: float) -> float:
        ordered = sorted(self.latencies)
        if not ordered:
            return float("nan")
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))] * 1000

    @property
    def server_cpu_ms(self) -> float:
        """Gunicorn workers' CPU per request (Django, DRF, psycopg2), in milliseconds."""
        return self.cpu.server / max(1, len(self.latencies)) * 1000

    @property
    def database_cpu_ms(self) -> float:
        return self.cpu.database / max(1, len(self.latencies)) * 1000

    @property
    def capacity(self) -> float:
        """Requests per second two idle cores would give at this CPU cost (gunicorn + PostgreSQL
        per request; the load generator excluded): what the run would reach on a quiet machine."""
        return 2 / max(1e-9, (self.server_cpu_ms + self.database_cpu_ms) / 1000)

    def line(self) -> str:
        per_item = "" if self.items_per_request == 1 else f"  ({self.throughput * self.items_per_request:,.0f} codes/s)"
        return (f"{self.name:<34}{self.clients:>3} cl  {self.throughput:>8,.1f} req/s  p50 {self.percentile(0.50):>7.1f} ms"
                f"  p99 {self.percentile(0.99):>7.1f} ms  err {self.errors}{per_item}\n{'':<38}"
                f"cores busy: machine {self.cpu.machine / self.seconds:.2f} = gunicorn {self.cpu.server / self.seconds:.2f}"
                f" + postgres {self.cpu.database / self.seconds:.2f} + loadgen {self.cpu.client / self.seconds:.2f}"
                f" + other {(self.cpu.machine - self.cpu.server - self.cpu.database - self.cpu.client) / self.seconds:.2f}"
                f"; CPU per request: gunicorn {self.server_cpu_ms:.2f} ms, postgres {self.database_cpu_ms:.2f} ms"
                f" → {self.capacity:,.0f} req/s on 2 idle cores")


def drive(server: Gunicorn, name: str, next_request: Callable[[random.Random], Request], *, token: str,
          clients: int, seconds: float, warmup: float, items_per_request: int = 1,
          postmaster: int | None = None) -> LoadResult:
    headers = {**Gunicorn.base_headers, "Authorization": f"Token {token}", "Content-Type": "application/json"}
    start = time.monotonic()
    measure_from, end = start + warmup, start + warmup + seconds
    collected: list[tuple[list[float], int]] = []
    lock = threading.Lock()

    def client(n: int) -> None:
        rng = random.Random(n * 7919 + len(name))
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=60)
        latencies, errors = [], 0
        while (t0 := time.monotonic()) < end:
            method, path, body = next_request(rng)
            ok = False
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    conn.close()
            except (OSError, http.client.HTTPException):
                conn.close()
            elapsed = time.monotonic() - t0
            if t0 >= measure_from:
                if ok:
                    latencies.append(elapsed)
                else:
                    errors += 1
        conn.close()
        with lock:
            collected.append((latencies, errors))

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    time.sleep(max(0.0, measure_from - time.monotonic()))
    pids = server.worker_pids()
    before = CpuSample.take(pids, postmaster)
    time.sleep(max(0.0, end - time.monotonic()))
    cpu = CpuSample.take(pids, postmaster) - before
    for t in threads:
        t.join()
    latencies = [x for lat, _e in collected for x in lat]
    return LoadResult(name, clients, seconds, latencies, sum(e for _l, e in collected), cpu, items_per_request)


# --- the same closed loop from wrk ----------------------------------------------------------------------------
# pgbench, the limit the status check is measured against, drives PostgreSQL from C on the same two cores.
# The Python load generator above costs ~0.3 ms of CPU per request, a quarter of the check itself, which
# the ratio then charged to the server. wrk (C, epoll) is the HTTP counterpart of pgbench: the same
# closed loop (each connection sends its next request when the answer is read), a fixed list of requests
# drawn from the same mix, latency and errors counted per request. Keep-alive where the server keeps the
# connection; a new connection per request where it answers ``Connection: close`` (the sync worker).

WRK = "wrk"
WRK_REQUESTS = 20_000  # drawn from the mix; each connection walks the list from its own offset

_WRK_SCRIPT = """
local requests = {%(requests)s}
local n = #requests
local offsets, created = {}, 0
wrk.headers = {%(headers)s}
function setup(thread)
  thread:set("offset", created * 7919)
  created = created + 1
end
function init(args)
  i = offset %% n
end
function request()
  i = i %% n + 1
  local r = requests[i]
  return wrk.format(r[1], r[2], nil, r[3])
end
function done(summary, latency, requests)
  local e = summary.errors
  local p = {}
  for _, q in ipairs({50, 90, 99, 99.9}) do p[#p + 1] = string.format("%%.0f", latency:percentile(q)) end
  io.write(string.format(
    "WRK-RESULT {\\"requests\\": %%d, \\"duration_us\\": %%d, \\"errors\\": %%d, \\"p_us\\": [%%s]}\\n",
    summary.requests, summary.duration, e.connect + e.read + e.write + e.status + e.timeout,
    table.concat(p, ", ")))
end
"""


def _lua(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


@dataclass
class PercentileLatencies:
    """wrk reports percentiles, not each request: enough for ``LoadResult`` (count, p50, p99)."""

    count: int
    percentiles: dict[float, float]  # quantile -> seconds

    def __len__(self) -> int:
        return self.count

    def percentile(self, q: float) -> float:
        return self.percentiles.get(q, float("nan")) * 1000


class WrkResult(LoadResult):
    """A run measured by wrk: ``latencies`` holds its percentiles."""

    def percentile(self, q: float) -> float:
        return self.latencies.percentile(q)


def _children_cpu_seconds() -> float:
    import resource

    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def wrk_available() -> bool:
    import shutil

    return shutil.which(WRK) is not None


def drive_wrk(server: Gunicorn, name: str, next_request: Callable[[random.Random], Request], *, token: str,
              clients: int, seconds: float, warmup: float, items_per_request: int = 1,
              postmaster: int | None = None, threads: int = 2) -> LoadResult:
    """``drive`` with wrk as the load generator: ``clients`` connections on ``threads`` threads."""
    import tempfile

    rng = random.Random(7919 + len(name))
    requests = [next_request(rng) for _ in range(WRK_REQUESTS)]
    headers = {**Gunicorn.base_headers, "Authorization": f"Token {token}", "Content-Type": "application/json"}
    lua = _WRK_SCRIPT % {
        "requests": ",\n".join(
            f"{{{_lua(m)}, {_lua(p)}, {_lua(b.decode()) if b else 'nil'}}}" for m, p, b in requests),
        "headers": ", ".join(f"[{_lua(k)}] = {_lua(v)}" for k, v in headers.items()),
    }
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(lua)
        script = f.name
    base = [WRK, "-t", str(min(threads, clients)), "-c", str(clients), "--timeout", "60s", "-s", script]
    url = f"http://127.0.0.1:{server.port}"
    try:
        if warmup > 0:
            subprocess.run([*base, "-d", f"{max(1, round(warmup))}s", url], check=True, capture_output=True)
        pids = server.worker_pids()
        before, client_before = CpuSample.take(pids, postmaster), _children_cpu_seconds()
        process = subprocess.run([*base, "-d", f"{max(1, round(seconds))}s", url], capture_output=True, text=True)
        # wrk's own CPU: the children's totals grow by what wrk used once it is reaped.
        after, client = CpuSample.take(pids, postmaster), _children_cpu_seconds() - client_before
    finally:
        os.unlink(script)
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {process.stderr[-400:]}")
    line = next(line for line in process.stdout.splitlines() if line.startswith("WRK-RESULT "))
    figures = json.loads(line.removeprefix("WRK-RESULT "))
    elapsed = figures["duration_us"] / 1e6
    cpu = after - before
    cpu.client = client
    ok = figures["requests"] - figures["errors"]
    p50, p90, p99, p999 = (us / 1e6 for us in figures["p_us"])
    latencies = PercentileLatencies(ok, {0.5: p50, 0.9: p90, 0.99: p99, 0.999: p999})
    return WrkResult(name, clients, elapsed, latencies, figures["errors"], cpu, items_per_request)

