"""The officers' queue (issue 21 item 3): Python per request of the first page at a small and a
large backlog, beside the SQL time of the same requests.

    scripts/bench queue_page [--backlogs 1000,100000] [--requests 200] [--profile]

1. Loads the demo province and puts one demo entry through the real procedure (``province.py``'s
   probe), so viewflow's stored task and flow references are the real ones.
2. Loads open tasks into one unit's queue by COPY (measure executions' respond and feedback steps
   of generated subjects, with every kind of row the page draws: claimed ones, paused, escalated,
   provisional, leader-only, working-day, calendar-day and month deadlines, no deadline).
3. For each backlog, calls the WSGI handler in-process (``config.settings.production``, as
   gunicorn does) for ``GET /api/v1/tasks/?ordering=due`` (a page of 50, token) and ``GET /work/``
   (the workspace page, 25 rows, signed in) and reports per request: this process's CPU (the
   Python, psycopg's client side included), the wall time spent in SQL (from a query wrapper:
   the server's work and the round trip), and the number of queries.

Exits 1 when a page costs more than 5 ms of Python per request at any backlog (the target of issue
21 item 3), or when the number of queries depends on the backlog. ``--profile`` prints cProfile's
top functions of the API page at the largest backlog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from io import BytesIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import province  # noqa: E402  (sets up Django with the production settings, as gunicorn runs)
import province_data as data  # noqa: E402

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402

LIMIT_MS = 5.0
say = province.say


# --- the data ---------------------------------------------------------------------------------------

def setup() -> tuple[data.FlowShape, object, object]:
    """The demo province, one real flow, and the officer whose queue is measured."""
    from cases.management.commands.load_demo import load_demo
    from cases.models import Unit

    t0 = time.monotonic()
    load_demo()
    shape = province.probe_flow_shape()
    officer = get_user_model().objects.select_related("staff__unit").get(username="ls-housing-officer")
    lead = Unit.objects.filter(is_credit_lead_office=True).first()
    say(f"demo province and one real flow in {time.monotonic() - t0:.1f} s; queue of {officer.staff.unit.name}")
    return shape, officer, lead


def load_tasks(shape: data.FlowShape, officer, lead, start: int, count: int) -> None:
    """``count`` more open tasks in the officer's unit, with their processes, subjects and work items."""
    from cases.models import StaffProfile

    unit = officer.staff.unit
    colleagues = list(StaffProfile.objects.filter(unit=unit).values_list("user_id", flat=True))
    today = timezone.localdate()
    bases = {t: province.max_id(t, c) for t, c in (
        ("viewflow_process", "id"), ("viewflow_task", "id"), ("viewflow_task_previous", "id"),
        ("cases_subject", "id"))}
    with connection.cursor() as c:
        c.execute("SELECT id FROM cases_region ORDER BY id LIMIT 1")
        region = c.fetchone()[0]
    permission = f"cases.unit_{unit.code}"
    stamp = f"{today - dt.timedelta(days=40)} 10:05:00+08"
    ks = range(start, start + count)

    def subject(k):
        return bases["cases_subject"] + (k - start) + 1

    def ids(k):
        j = k - start
        return bases["viewflow_process"] + j + 1, bases["viewflow_task"] + 2 * j + 1, bases["viewflow_task"] + 2 * j + 2

    def subject_rows():
        for k in ks:
            yield data._row(subject(k), "LEGAL_PERSON", "USCC", f"91540100QB{k:08d}", data.subject_name(k * 20 + 5),
                            "某某", "拉萨", stamp, stamp, region)

    def process_rows():
        for k in ks:
            process, _s, _h = ids(k)
            yield data._row(process, shape.flow_class, "NEW", stamp, None, shape.execution_content_type, 10_000_000 + k,
                            json.dumps({"case": f"cases.measureexecution:{10_000_000 + k}"}), None, None, None)

    def owner(k):
        return colleagues[(k // 4) % len(colleagues)] if k % 4 == 0 and colleagues else None

    def task_rows():
        for k in ks:
            process, start_id, human = ids(k)
            yield data._row(start_id, shape.start_task, "START", "DONE", stamp, stamp, stamp, "start", None, None, None,
                            process, None, None, None, None, None, "{}", None, None, None)
            step = shape.respond_task if k % 3 else shape.feedback_task
            who = owner(k)
            yield data._row(human, step, "HUMAN", "ASSIGNED" if who else "NEW", stamp, None, None, "start", None,
                            permission, who, process, None, None, stamp if who else None, None, None, "{}",
                            None, None, None)

    def previous_rows():
        for k in ks:
            _p, start_id, human = ids(k)
            yield data._row(bases["viewflow_task_previous"] + (k - start) + 1, human, start_id)

    def work_rows():
        for k in ks:
            _p, _s, human = ids(k)
            due = None if k % 37 == 0 else today + dt.timedelta(days=(k * 7919) % 76 - 30)
            unit_kind = ("WORKING_DAYS", "CALENDAR_DAYS", "MONTHS")[k % 3]
            computation = dict(shape.due_computation, due=str(due), raw_due=str(due), unit=unit_kind,
                               provisional=k % 11 == 0)
            step = "respond" if k % 3 else "feedback"
            title = f"{shape.titles[step]} · {data.subject_name(k * 20 + 5)}"
            paused = f"{today - dt.timedelta(days=k % 9 + 1)} 09:00:00+08" if k % 13 == 0 else None
            escalated = k % 17 == 0 and due is not None and due < today
            yield data._row(human, "MEASURE", step, "cases.measureexecution", 10_000_000 + k, title[:255],
                            "t" if k % 29 == 0 else "f", due, unit_kind if due else "",
                            json.dumps(computation, ensure_ascii=False), "t", paused,
                            due and due - dt.timedelta(days=5), "[]",
                            f"{due} 08:00:00+08" if escalated else None, stamp, None, None,
                            lead.pk if escalated else None, subject(k), unit.pk)

    with connection.cursor() as c, transaction.atomic():
        c.execute("SET LOCAL session_replication_role = replica")
        for table, columns, rows in (
            ("cases_subject", data.SUBJECT_COLUMNS, subject_rows),
            ("viewflow_process", data.PROCESS_COLUMNS, process_rows),
            ("viewflow_task", data.TASK_COLUMNS, task_rows),
            ("viewflow_task_previous", data.PREVIOUS_COLUMNS, previous_rows),
            ("workflow_workitem", data.WORK_COLUMNS, work_rows),
        ):
            c.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", data.LineStream(rows()))
    with connection.cursor() as c:
        for table in ("cases_subject", "viewflow_process", "viewflow_task", "viewflow_task_previous"):
            data.reset_sequence(c, table)
        for table in ("cases_subject", "viewflow_process", "viewflow_task", "workflow_workitem"):
            c.execute(f"VACUUM (ANALYZE) {table}")


def open_in_unit(unit) -> int:
    from workflow.models import WorkItem

    return WorkItem.objects.filter(unit=unit, is_open=True).count()


# --- the requests ---------------------------------------------------------------------------------------

def quiet_logs() -> None:
    """The access log line is still formatted per request (gunicorn does that too), but written nowhere."""
    import logging
    import os

    sink = open(os.devnull, "w")  # noqa: SIM115  (for the life of the process)
    for logger in [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]:
        for handler in getattr(logger, "handlers", []):
            if isinstance(handler, logging.StreamHandler):
                handler.setStream(sink)


class Caller:
    """Calls the WSGI handler as gunicorn would (one environ per request), timing the SQL it runs."""

    def __init__(self):
        from django.core.handlers.wsgi import WSGIHandler

        self.handler = WSGIHandler()
        quiet_logs()
        self.sql_s = 0.0
        self.queries = 0

    def _record(self, execute, sql, params, many, context):
        t0 = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.sql_s += time.perf_counter() - t0
            self.queries += 1

    def get(self, path: str, headers: dict[str, str]) -> tuple[int, bytes]:
        route, _, query = path.partition("?")
        environ = {
            "REQUEST_METHOD": "GET", "PATH_INFO": route, "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "443", "HTTP_HOST": "127.0.0.1", "REMOTE_ADDR": "127.0.0.1", "SERVER_PROTOCOL": "HTTP/1.1",
            "wsgi.url_scheme": "https", "wsgi.input": BytesIO(b""), "wsgi.errors": sys.stderr, "wsgi.version": (1, 0),
            "wsgi.multithread": False, "wsgi.multiprocess": True, "wsgi.run_once": False,
            "HTTP_X_FORWARDED_PROTO": "https", "HTTP_X_FORWARDED_FOR": "10.0.0.8", "HTTP_ACCEPT_LANGUAGE": "zh-hans",
            **{"HTTP_" + k.upper().replace("-", "_"): v for k, v in headers.items()},
        }
        status = []
        body = b"".join(self.handler(environ, lambda s, h, exc_info=None: status.append(s)))
        return int(status[0].split()[0]), body


class PageRun:
    def __init__(self, name: str, cpu_ms: list[float], sql_ms: float, queries: float, rows: int):
        self.name, self.cpu_ms, self.sql_ms, self.queries, self.rows = name, cpu_ms, sql_ms, queries, rows

    @property
    def python_ms(self) -> float:
        return statistics.median(self.cpu_ms)


def run_page(caller: Caller, name: str, path: str, headers: dict, requests: int, count_rows) -> PageRun:
    for _ in range(max(10, requests // 10)):  # warm: templates, translations, the calendar
        status, body = caller.get(path, headers)
        assert status == 200, (path, status, body[:400])
    rows = count_rows(body)
    cpu, caller.sql_s, caller.queries = [], 0.0, 0
    with connection.execute_wrapper(caller._record):
        for _ in range(requests):
            t0 = time.process_time()
            caller.get(path, headers)
            cpu.append((time.process_time() - t0) * 1000)
    return PageRun(name, cpu, caller.sql_s * 1000 / requests, caller.queries / requests, rows)


def profile(caller: Caller, path: str, headers: dict, requests: int) -> None:
    import cProfile
    import pstats

    profiler = cProfile.Profile(time.process_time)  # CPU, as the figures: waits on PostgreSQL are not Python
    profiler.enable()
    for _ in range(requests):
        caller.get(path, headers)
    profiler.disable()
    say(f"\ncProfile (CPU) of {requests} × {path} (cumulative, top 40; then by own time):")
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("cumulative").print_stats(40)
    pstats.Stats(profiler, stream=sys.stdout).sort_stats("tottime").print_stats(30)


def credentials(officer) -> tuple[dict, dict]:
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from importlib import import_module

    from rest_framework.authtoken.models import Token

    token, _ = Token.objects.get_or_create(user=officer)
    store = import_module(settings.SESSION_ENGINE).SessionStore()
    store[SESSION_KEY] = str(officer.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    store.save()
    return ({"Authorization": f"Token {token.key}"},
            {"Cookie": f"{settings.SESSION_COOKIE_NAME}={store.session_key}"})


PAGES = [  # (name, path, the same request matching no task: what the page costs before its rows)
    ("API GET /api/v1/tasks/?ordering=due (page of 50)", "/api/v1/tasks/?ordering=due",
     "/api/v1/tasks/?ordering=due&paused=true&overdue=true"),
    ("page GET /work/ (page of 25)", "/work/", "/work/?paused=yes&overdue=yes"),
]


def measure(officer, requests: int) -> list[tuple[PageRun, PageRun]]:
    """Each page, and the same page with no row (paused and overdue at once: nothing is both)."""
    api, browser = credentials(officer)
    caller = Caller()

    def rows(body: bytes) -> int:
        return len(json.loads(body)["results"]) if body.startswith(b"{") else body.count(b'class="task-row')

    out = []
    for name, path, empty in PAGES:
        headers = api if path.startswith("/api/") else browser
        out.append((run_page(caller, name, path, headers, requests, rows),
                    run_page(caller, name, empty, headers, requests, rows)))
    return out


def queue_page_figures(officer, backlogs: list[int], requests: int, load) -> list[tuple[int, list[PageRun]]]:
    """For each backlog (open tasks in the officer's unit), load up to it and measure both pages."""
    results = []
    for backlog in backlogs:
        have = open_in_unit(officer.staff.unit)
        if have < backlog:
            t0 = time.monotonic()
            load(have, backlog - have)
            say(f"\nloaded {backlog - have:,} open tasks by COPY in {time.monotonic() - t0:.1f} s")
        backlog = open_in_unit(officer.staff.unit)
        connection.close()
        runs = measure(officer, requests)
        say(f"\nbacklog {backlog:,} open tasks in the unit; {requests} requests per page, in-process "
            f"(WSGI handler, config.settings.production); {province.machine_load()}")
        say(f"  {'':<52}{'rows':>5}{'Python ms':>11}{'p90':>7}{'limit':>7}{'ratio':>7}{'SQL ms':>8}{'queries':>9}"
            f"{'Python/SQL':>12}{'no rows ms':>12}{'per row µs':>12}")
        for run, empty in runs:
            p90 = statistics.quantiles(run.cpu_ms, n=10)[-1]
            per_row = (run.python_ms - empty.python_ms) / run.rows * 1000 if run.rows else float("nan")
            say(f"  {run.name:<52}{run.rows:>5}{run.python_ms:>11.2f}{p90:>7.2f}{LIMIT_MS:>7.1f}"
                f"{run.python_ms / LIMIT_MS:>7.0%}{run.sql_ms:>8.2f}{run.queries:>9.1f}"
                f"{run.python_ms / run.sql_ms:>11.1f}×{empty.python_ms:>12.2f}{per_row:>12.0f}")
        results.append((backlog, [run for run, _empty in runs]))
    return results


def verdict(results) -> bool:
    ok = True
    say("")
    for name_index in range(len(results[0][1])):
        name = results[0][1][name_index].name
        worst = max(runs[name_index].python_ms for _b, runs in results)
        queries = {round(runs[name_index].queries, 1) for _b, runs in results}
        met = worst <= LIMIT_MS and len(queries) == 1
        ok &= met
        say(f"{'MET   ' if met else 'MISSED'} {name}: at most {worst:.2f} ms of Python per request against "
            f"{LIMIT_MS:.0f} ms ({worst / LIMIT_MS:.0%}); queries per request {sorted(queries)} "
            f"at backlogs {', '.join(f'{b:,}' for b, _r in results)}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backlogs", default="1000,100000", help="open tasks in the unit, ascending")
    parser.add_argument("--requests", type=int, default=200, help="measured requests per page and backlog")
    parser.add_argument("--profile", action="store_true", help="cProfile the API page at the last backlog")
    args = parser.parse_args()
    backlogs = sorted(int(b) for b in args.backlogs.split(","))

    say(f"queue page benchmark; {province.machine_load()}")
    shape, officer, lead = setup()
    results = queue_page_figures(officer, backlogs, args.requests,
                                 lambda have, more: load_tasks(shape, officer, lead, have, more))
    if args.profile:
        api, browser = credentials(officer)
        caller = Caller()
        profile(caller, "/api/v1/tasks/?ordering=due", api, 100)
        profile(caller, "/work/", browser, 100)
    sys.exit(0 if verdict(results) else 1)


if __name__ == "__main__":
    main()
