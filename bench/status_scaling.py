"""Status-check throughput with 1 vs 2 gunicorn workers, and with a streaming read replica (issue 9).

Run with ``scripts/bench status_scaling [--scale 0.02] [--seconds 15] [--clients 8]``: scripts/bench
provisions the primary PostgreSQL (fsync on) and Redis. This script generates a province like
``bench/province.py`` (same generator), then starts a streaming replica of that primary on loopback
(``pg_basebackup -R``, hot standby) and drives ``GET /api/v1/status/<code>/`` (the 应查必查 single
check, half listed, 30 % registered but unlisted, 20 % unknown codes) through gunicorn:

1. ``-w 1``, primary only;  2. ``-w 2``, primary only;  3. ``-w 2`` with ``DATABASE_REPLICA_URL``
set, so ``config.db_routers`` sends the status check's reads to the replica.

For each run it prints throughput, latency and the CPU per request of gunicorn, the primary and the
replica (from /proc), and checks from ``pg_stat_database`` that run 3's reads did reach the replica.
Results also go to ``bench/results/status_scaling.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.embedded")

import django  # noqa: E402

django.setup()

import province as prov  # noqa: E402
from httpload import CpuSample, Gunicorn, drive, free_port  # noqa: E402


def say(message: str = "") -> None:
    print(message, flush=True)


def as_postgres(*cmd, **kw):
    prefix = ["runuser", "-u", "postgres", "--"] if os.getuid() == 0 else []
    return subprocess.run([*prefix, *map(str, cmd)], check=True, **kw)


class Replica:
    """A hot-standby streaming replica of the bench's primary, on a free loopback port."""

    def __init__(self):
        self.url = urlparse(os.environ["DATABASE_URL"])
        self.bin = Path(os.environ["PG_BIN_DIR"])
        self.port = free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="credit-replica."))
        os.chmod(self.dir, 0o755)
        if os.getuid() == 0:
            subprocess.run(["chown", "postgres:", str(self.dir)], check=True)

    def __enter__(self) -> Replica:
        started = time.monotonic()
        as_postgres(self.bin / "pg_basebackup", "-h", self.url.hostname, "-p", self.url.port, "-U", "postgres",
                    "-D", self.dir / "data", "-R", "-X", "stream", "-c", "fast", capture_output=True)
        as_postgres(self.bin / "pg_ctl", "-D", self.dir / "data", "-l", self.dir / "replica.log", "-w", "-t", "120",
                    "start", "-o", f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c hot_standby=on "
                    "-c max_connections=200 -c shared_buffers=1GB", capture_output=True)
        say(f"streaming replica on 127.0.0.1:{self.port} (pg_basebackup -R) in {time.monotonic() - started:.1f} s; "
            f"lag {self.lag()}")
        return self

    def __exit__(self, *exc) -> None:
        as_postgres(self.bin / "pg_ctl", "-D", self.dir / "data", "-m", "immediate", "-w", "stop",
                    capture_output=True)
        subprocess.run(["rm", "-rf", str(self.dir)], check=False)

    @property
    def database_url(self) -> str:
        u = self.url
        return f"postgres://{u.username}:{u.password or ''}@127.0.0.1:{self.port}{u.path}"

    def sql(self, query: str) -> str:
        env = dict(os.environ, PGPASSWORD=self.url.password or "")
        return subprocess.run([self.bin / "psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", self.url.username,
                               "-d", self.url.path.lstrip("/"), "-Atc", query], check=True, env=env,
                              capture_output=True, text=True).stdout.strip()

    def transactions(self) -> int:
        return int(self.sql("SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = current_database()"))

    def lag(self) -> str:
        return self.sql("SELECT coalesce(now() - pg_last_xact_replay_timestamp(), '0')::text")

    def postmaster(self) -> int:
        return int((self.dir / "data" / "postmaster.pid").read_text().split()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.02, help="1.0 = 1 M subjects, 2 M entries")
    parser.add_argument("--seconds", type=float, default=15)
    parser.add_argument("--warmup", type=float, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seed", type=int, default=20261122)
    args = parser.parse_args()

    say(f"load before: {prov.machine_load()}")
    province = prov.generate(args.scale, args.seed)
    officer, password = prov.bench_officer()
    samples = prov.code_samples(province, n=5000)
    pick = prov.code_mix(samples)
    postmaster = prov.postmaster_pid()

    def single(rng):
        return "GET", f"/api/v1/status/{pick(rng)}/", None

    results = []
    with Replica() as replica:
        runs = [("1 worker, primary", 1, False), ("2 workers, primary", 2, False),
                ("2 workers, replica for reads", 2, True)]
        for name, workers, use_replica in runs:
            if use_replica:
                os.environ["DATABASE_REPLICA_URL"] = replica.database_url
            else:
                os.environ.pop("DATABASE_REPLICA_URL", None)
            with Gunicorn(workers=workers) as server:
                token = server.token(officer.username, password)
                before_tx, before_cpu = replica.transactions(), CpuSample.take([], replica.postmaster())
                result = drive(server, name, single, token=token, clients=args.clients, seconds=args.seconds,
                               warmup=args.warmup, postmaster=postmaster)
                replica_cpu = CpuSample.take([], replica.postmaster()) - before_cpu
                replica_tx = replica.transactions() - before_tx
            n = max(1, len(result.latencies))
            row = {"run": name, "workers": workers, "replica": use_replica, "req_s": round(result.throughput, 1),
                   "p50_ms": round(result.percentile(0.5), 1), "p95_ms": round(result.percentile(0.95), 1),
                   "errors": result.errors, "gunicorn_cpu_ms": round(result.server_cpu_ms, 2),
                   "primary_cpu_ms": round(result.database_cpu_ms, 2),
                   "replica_cpu_ms": round(replica_cpu.database / n * 1000, 2),
                   "replica_transactions_per_request": round(replica_tx / n, 2),
                   "machine_cores_busy": round(result.cpu.machine / result.seconds, 2)}
            say(result.line())
            say(f"{'':<38}replica: {row['replica_cpu_ms']} ms CPU and {row['replica_transactions_per_request']} "
                f"transactions per request")
            results.append(row)
        say(f"replica lag at the end: {replica.lag()}")
    if results[2]["replica_transactions_per_request"] < 0.5:
        raise SystemExit("the replica run did not read from the replica")

    say("\n| run | req/s | p50 ms | p95 ms | gunicorn CPU ms/req | primary CPU ms/req | replica CPU ms/req |")
    say("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in results:
        say(f"| {r['run']} | {r['req_s']:,.1f} | {r['p50_ms']} | {r['p95_ms']} | {r['gunicorn_cpu_ms']} | "
            f"{r['primary_cpu_ms']} | {r['replica_cpu_ms']} |")
    say(f"load after: {prov.machine_load()}")
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "status_scaling.json").write_text(json.dumps({"scale": args.scale, "clients": args.clients,
                                                          "seconds": args.seconds, "runs": results}, indent=2))


if __name__ == "__main__":
    main()
