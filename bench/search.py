"""Name searches and the 1,000-code batch check at many subjects (issue 21, item 6).

    scripts/bench search [--scale 0.01] [--subjects 10000000] [--runs 15]

1. Generates the province of ``bench/province.py`` at ``--scale`` (entries, their history, open
   tasks: what the public search and the queue search join to), then COPYs registered, never-listed
   subjects with the same generator (``province_data.subject_name``/``subject_identifier``) until
   there are ``--subjects`` of them, and rebuilds ``cases_subject``'s indexes (the trigram one too).
   ``--subjects 10000000`` is the province bench's scale 1.0 ×10 in subjects.
2. Times each search in-process through the selectors the API and the pages call (the median and the
   worst of ``--runs`` runs after one warm-up), beside the limit measured in the same run: one
   primary-key lookup of a subject (``SELECT ... WHERE id = %s``), the cheapest statement there is.
3. Prints ``EXPLAIN (ANALYZE, BUFFERS)`` of the statements the selectors really run (recorded with
   an execute wrapper, ``province.explain``).

Exits non-zero when a search of 2 or more characters takes more than 20 ms (median) or the batch
check's plan scans ``cases_subject`` sequentially (one character is a bounded walk, not a target). Figures go to docs/performance.md by hand.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import time

import province as prov  # sets up Django with the production settings, like province.py  # noqa: I001
import province_data as data

from django.db import connection, transaction  # noqa: E402

TARGET_MS = 20.0


def say(message: str = "") -> None:
    print(message, flush=True)


def more_subjects(province: data.Province, total: int):
    """Registered subjects ``province.n_subjects`` … ``total - 1``, as ``Province.subject_rows`` makes them."""
    stamp = f"{province.today - dt.timedelta(days=400)} 09:00:00+08"
    for i in range(province.n_subjects, total):
        kind = data.subject_kind(i)
        region_id, code = province.county(i)
        person = kind == "NATURAL_PERSON"
        yield data._row(province.subject_id(i), kind, "RESIDENT_ID" if person else "USCC",
                        data.subject_identifier(i, code), data.subject_name(i),
                        "" if person else data.subject_name(i * 7 + 1)[:2] + "某", f"{code}号", stamp, stamp, region_id)


def grow_subjects(province: data.Province, total: int) -> None:
    if total <= province.n_subjects:
        return
    with connection.cursor() as c:
        c.execute("SET maintenance_work_mem = '512MB'")
        c.execute("SET session_replication_role = replica")  # no FK triggers while bulk loading (province.py)
        with transaction.atomic():
            timing = data.copy_table(c, "cases_subject", data.SUBJECT_COLUMNS, more_subjects(province, total))
        c.execute("SET session_replication_role = origin")
        data.reset_sequence(c, "cases_subject")
        # The bigram index's build alone (the COPY's rebuild times every index together).
        c.execute("SELECT pg_get_indexdef('subject_name_bigrams'::regclass)")
        definition = c.fetchone()[0]
        c.execute("DROP INDEX subject_name_bigrams")
        started = time.monotonic()
        c.execute(definition)
        bigrams_s = time.monotonic() - started
        started = time.monotonic()
        c.execute("VACUUM (ANALYZE) cases_subject")  # after the rebuild: ANALYZE gathers the index expression's statistics
        say(f"cases_subject +{timing.rows:,} registered subjects: COPY {timing.copy_s:.1f} s, indexes rebuilt "
            f"{timing.index_s:.1f} s (both name indexes included), subject_name_bigrams alone {bigrams_s:.1f} s, "
            f"VACUUM (ANALYZE) {time.monotonic() - started:.1f} s")
        c.execute("SELECT count(*), pg_size_pretty(pg_relation_size('cases_subject')), "
                  "pg_size_pretty(pg_relation_size('subject_name_trgm')), "
                  "pg_size_pretty(pg_relation_size('subject_name_bigrams')) FROM cases_subject")
        n, table, trigrams, bigrams = c.fetchone()
        say(f"cases_subject: {n:,} rows, heap {table}, subject_name_trgm {trigrams}, subject_name_bigrams {bigrams}")


def timed(run, runs: int) -> tuple[float, float, object]:
    result = run()  # warm-up
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        result = run()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), max(times), result


def searches(province: data.Province, officer, auditor, samples) -> list[tuple[str, str, object]]:
    """(label, fragment, run) for every name search, from a rare full name to a two-character one."""
    from cases.selectors.paging import RegistryPaginator
    from cases.audit.selectors import FinderQuery, find_cases
    from cases.selectors import disclosure
    from cases.selectors.registry import subject_search
    from workflow.selectors import task_queue

    def registry(q):  # the API's page: one statement counts to the cap and picks the ids, then 50 rows by id
        def run():
            page = RegistryPaginator(subject_search(user=officer, query=q), 50).page(1)
            return page.paginator.count, [s.pk for s in page.object_list]
        return run

    def public(q):
        return lambda: disclosure.public_page(query=disclosure.parse_query(q=q))["rows"]

    def queue(q):
        def run():
            qs = task_queue(user=officer, search=q, ordering="due")
            return qs.count(), list(qs[:50])
        return run

    def finder(q):
        return lambda: find_cases(user=auditor, query=FinderQuery(q=q)).rows

    with connection.cursor() as c:
        c.execute("SELECT max(id) FROM cases_subject")
        top = c.fetchone()[0]
        c.execute("SELECT name FROM cases_subject WHERE id <= %s AND kind = 'LEGAL_PERSON' ORDER BY id DESC LIMIT 1",
                  [top])
        rare = c.fetchone()[0]  # one company's full name: a handful of matches
        c.execute("""SELECT s.name FROM cases_subject s JOIN workflow_workitem w ON w.subject_id = s.id
                     WHERE w.is_open AND w.unit_id = %s ORDER BY w.task_id LIMIT 1""", [officer.staff.unit_id])
        queued = c.fetchone()[0]
        c.execute("""SELECT s.name FROM cases_subject s WHERE s.kind = 'LEGAL_PERSON' AND EXISTS (
                     SELECT 1 FROM cases_listentry e WHERE e.subject_id = s.id AND e.state = 'ACTIVE')
                     ORDER BY s.id LIMIT 1""")
        listed = c.fetchone()[0]
        c.execute("""SELECT name FROM cases_subject WHERE kind = 'NATURAL_PERSON' AND length(name) = 2 AND id <= 100000
                     GROUP BY name ORDER BY count(*) DESC, name LIMIT 1""")
        person = c.fetchone()[0]  # a two-character personal name as common as they come here
    body = rare[2:-4].rstrip("0123456789")  # place + word + trade: 1 company in 1,960
    cases = []
    for label, q in [("full company name (3+ chars, rare)", rare), ("name body (3+ chars, 1 in 1,960 companies)", body),
                     ("trade, 4 chars (1 in 10 companies)", "建筑工程"), (f"2-char personal name {person}", person),
                     ("2-char given name 多吉 (1 in 105 subjects)", "多吉"),
                     ("2-char word 鸿运 (1 in 16 subjects)", "鸿运"),
                     ("2-char fragment nobody carries", "鑫鑫")]:
        cases.append((f"registry: {label}", q, registry(q)))
    for label, q in [("listed company's full name", listed), ("name body", listed[2:-4].rstrip("0123456789")),
                     ("trade, 4 chars (1 in 10 companies)", "建筑工程"), (f"2-char personal name {person}", person),
                     ("2-char fragment nobody carries", "鑫鑫"), ("2-char legal-form word 公司", "公司")]:
        cases.append((f"public: {label}", q, public(q)))
    for label, q in [("a queued subject's full name", queued), (f"2-char personal name {person}", person)]:
        cases.append((f"queue: {label}", q, queue(q)))
    for label, q in [("full company name", rare), ("2-char fragment nobody carries", "鑫鑫")]:
        cases.append((f"auditors' finder: {label}", q, finder(q)))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=float, default=0.01, help="the province's entries and tasks (province.py)")
    parser.add_argument("--subjects", type=int, default=10_000_000, help="registered subjects in all")
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()

    from django.contrib.auth import get_user_model

    from cases.selectors import status

    began = time.monotonic()
    say(f"search benchmark: scale {args.scale}, {args.subjects:,} subjects; {prov.machine_load()}")
    province = prov.generate(args.scale, args.seed)
    grow_subjects(province, args.subjects)
    officer, _password = prov.bench_officer()
    auditor = get_user_model().objects.get(username="xz-auditor")
    samples = prov.code_samples(province, n=2_000)
    unit = officer.staff.unit
    batch = samples["listed"][:500] + samples["unlisted"][:300] + samples["unknown"][:200]

    with connection.cursor() as c:
        c.execute("SELECT max(id) FROM cases_subject")
        top = c.fetchone()[0]

        def pk_lookup():
            c.execute("SELECT id, identifier, name FROM cases_subject WHERE id = %s", [top // 2])
            return c.fetchone()
        limit_ms, _worst, _ = timed(pk_lookup, args.runs * 10)
    say(f"\nthe limit, same run: a subject by primary key {limit_ms:.3f} ms (median of {args.runs * 10})")
    say(f"\n{'search':<62}{'median ms':>10}{'worst ms':>10}{'×limit':>9}  rows")
    failed = []
    cases = searches(province, officer, auditor, samples)
    cases.append(("status batch of 1,000 codes (500 listed, 300 unlisted, 200 unknown)", "",
                  lambda: status.subjects_status(user=officer, codes=batch, unit=unit)))
    for label, q, run in cases:
        median, worst, result = timed(run, args.runs)
        rows = result[0] if isinstance(result, tuple) else len(result)
        say(f"{label:<62}{median:>10.1f}{worst:>10.1f}{median / limit_ms:>9.0f}  {rows}")
        if len(q) >= 2 and median > TARGET_MS:
            failed.append(f"{label}: {median:.1f} ms > {TARGET_MS:.0f} ms")

    plans: list[str] = []
    for label, q, run in cases:
        plans = prov.explain(f"{label} [{q}]", run)
    if any("Seq Scan on cases_subject" in line for line in plans):  # the last one: the batch check
        failed.append("the batch check scans cases_subject sequentially")
    say(f"\ntotal wall time {(time.monotonic() - began) / 60:.1f} min; {prov.machine_load()}")
    if failed:
        say("MISSED: " + "; ".join(failed))
        sys.exit(1)
    say(f"all searches of 2+ characters ≤ {TARGET_MS:.0f} ms; the batch check uses the identifier index")


if __name__ == "__main__":
    main()
