"""The set-based writer of imported list entries (one transaction per chunk of validated rows).

Per chunk: rows are COPYed into a temporary staging table; rows whose record id the unit sent
before are split off (unchanged → counted, changed draft → updated, changed otherwise → a bad row);
new subjects and their name history are inserted in one statement; entry ids are reserved from the
sequence so that one ``INSERT … SELECT`` writes every entry, its state period and its record-id
mapping; the chunk is one ``ImportBatch`` with one audit event listing every entry and subject it
created (docs/adr/0005-import-batch-audit.md). A per-unit advisory lock serialises concurrent jobs of one
unit, so a record id sent twice at once still yields one entry. Listing flows are started after
commit by cases.imports.flows, not here: a flow start costs more than the rest of a row together.

Imported entries start as DRAFT for the listing unit (docs/adr/0004-bulk-import.md): the data-
providing unit owns the facts, the listing unit decides (domain.md §1).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.utils import timezone

from cases.audit.services import audit_record
from cases.models import ImportBatch, ImportedRecord, ListEntry, Subject

STAGE_COLUMNS = ["line", "record_id", "list_type_id", "kind", "identifier_type", "identifier", "subject_name", "facts",
                 "reasons", "basis", "listing_unit_id", "document_date", "row_hash"]
UPDATABLE = ("facts", "reasons", "basis")


@dataclass
class ChunkResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list = field(default_factory=list)  # (line, record_id, field, code, params)


def _constants(model, explicit: set[str]) -> tuple[list[str], list]:
    """Columns of ``model`` not given explicitly, with their Python defaults (so a field another
    room adds later with a default does not break the raw INSERT)."""
    cols, values = [], []
    for f in model._meta.concrete_fields:
        if f.primary_key or f.column in explicit:
            continue
        default = f.get_default()
        if default is None and not f.null:
            raise RuntimeError(f"{model.__name__}.{f.name} has no default: the import writer must set it")
        cols.append(f.column)
        values.append(f.get_db_prep_save(default, connection))
    return cols, values


def _copy_stage(cur, rows: list[dict]) -> None:
    # Dropped at commit; dropped here too when the caller's transaction spans several chunks.
    cur.execute("DROP TABLE IF EXISTS pg_temp.import_stage")
    cur.execute(
        "CREATE TEMP TABLE import_stage (line int PRIMARY KEY, record_id text, list_type_id bigint, kind text, "
        "identifier_type text, identifier text, subject_name text, facts text, reasons text, basis text, "
        "listing_unit_id bigint, document_date date, row_hash text) "
        "ON COMMIT DROP"
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for r in rows:
        writer.writerow([r["line"], r["record_id"], r["list_type_id"], r["kind"], r["identifier_type"],
                         r["identifier"], r["subject_name"], r["facts"], r["reasons"], r["basis"],
                         r["listing_unit_id"], r["document_date"].isoformat() if r["document_date"] else "\\N",
                         r["row_hash"]])
    data = buf.getvalue()
    # One read of the whole buffer: psycopg2 reads the file in ``size`` pieces, each needing the
    # GIL, which the validating thread holds (jobs._ahead); 8 KB pieces cost a second per chunk.
    cur.copy_expert(f"COPY import_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')",
                    io.StringIO(data), len(data) + 1)


# The staging table is only ever scanned whole, and the big tables are probed by index: by
# ``= ANY(ARRAY(SELECT … FROM import_stage))`` (the array is built inside PostgreSQL, and an
# ``= ANY`` on an indexed column is an index probe whatever the statistics say) or by a correlated
# subquery on a unique key. Never a join: right after a large import the big tables' statistics are
# stale, and the planner then risks a hash join over a whole 10-million-row table.

def _split_known(cur, rows_by_line: dict, *, job, actor, unit, result: ChunkResult) -> int:
    """Rows whose record id this unit sent before: unchanged, updated (still a draft) or refused.
    They leave the staging table; returns how many did."""
    cur.execute("SELECT record_id, row_hash, entry_id FROM cases_importedrecord WHERE unit_id = %s "
                "AND record_id = ANY(ARRAY(SELECT record_id FROM import_stage))", [unit.pk])
    records = cur.fetchall()
    if not records:
        return 0
    cur.execute("SELECT id, state, list_type_id, subject_id FROM cases_listentry WHERE id = ANY(%s)",
                [[r[2] for r in records]])
    entries = {r[0]: r[1:] for r in cur.fetchall()}
    cur.execute("SELECT id, identifier FROM cases_subject WHERE id = ANY(%s)", [list({e[2] for e in entries.values()})])
    identifiers = dict(cur.fetchall())
    line_of = {r["record_id"]: line for line, r in rows_by_line.items()}
    known = []
    for record_id, old_hash, entry_id in records:
        state, list_type_id, subject_id = entries[entry_id]
        identifier = identifiers[subject_id]
        line = line_of[record_id]
        known.append(line)
        row = rows_by_line[line]
        if old_hash == row["row_hash"]:
            result.unchanged += 1
            continue
        if state != ListEntry.State.DRAFT or list_type_id != row["list_type_id"] or identifier != row["identifier"]:
            result.errors.append((line, row["record_id"], "record_id", "record_changed", {"record_id": row["record_id"]}))
            continue
        entry = ListEntry.objects.get(pk=entry_id)
        changes = {f: [getattr(entry, f), row[f]] for f in UPDATABLE if getattr(entry, f) != row[f]}
        for f in UPDATABLE:
            setattr(entry, f, row[f])
        entry.save(update_fields=[*UPDATABLE, "updated_at"])
        ImportedRecord.objects.filter(unit=unit, record_id=row["record_id"]).update(row_hash=row["row_hash"], job=job)
        audit_record(action="entry.import_update", obj=entry, actor=actor, actor_unit=unit, changes=changes,
                     reason=f"import job {job.pk} line {line} record {row['record_id']}")
        result.updated += 1
    cur.execute("DELETE FROM import_stage WHERE line = ANY(%s)", [known])
    return len(known)


def _insert_subjects(cur) -> list[tuple]:
    """Register the subjects not known yet (the first line naming an identifier wins) with their
    first name-history row, in one statement. Returns the new subjects: (id, identifier, name, kind)."""
    now = timezone.now()
    cols, consts = _constants(Subject, {"kind", "identifier_type", "identifier", "name", "created_at", "updated_at"})
    extra = "".join(f", {c}" for c in cols)
    cur.execute(
        f"WITH new AS (INSERT INTO cases_subject (kind, identifier_type, identifier, name, created_at, updated_at{extra}) "
        f"SELECT DISTINCT ON (s.identifier) s.kind, s.identifier_type, s.identifier, s.subject_name, %s, %s"
        f"{''.join(', %s' for _ in cols)} FROM import_stage s ORDER BY s.identifier, s.line "
        "ON CONFLICT (identifier) DO NOTHING RETURNING id, identifier, name, kind), "
        "history AS (INSERT INTO cases_subjectnamehistory (subject_id, name, valid_from, recorded_at) "
        "SELECT id, name, %s, %s FROM new) "
        "SELECT id, identifier, name, kind FROM new ORDER BY id",
        [now, now, *consts, timezone.localdate(), now],
    )
    return cur.fetchall()


def _insert_entries(cur, *, job, actor, unit, batch) -> list[tuple]:
    """Every staged row's entry, state period and record map in one statement: the rows get their
    entry id from the sequence and their subject id by a unique-key probe once, in a materialised
    CTE the three inserts share. Returns (entry id, line, record id, identifier, list type id)."""
    now = timezone.now()
    explicit = {"list_type_id", "subject_id", "listing_unit_id", "data_providing_unit_id", "state", "facts", "reasons",
                "basis", "created_by_id", "created_at", "updated_at"}
    cols, consts = _constants(ListEntry, explicit)
    extra = "".join(f", {c}" for c in cols)
    cur.execute(
        "WITH rows AS MATERIALIZED (SELECT s.*, "
        f"nextval(pg_get_serial_sequence('{ListEntry._meta.db_table}', 'id')) AS new_entry_id, "
        "(SELECT c.id FROM cases_subject c WHERE c.identifier = s.identifier) AS new_subject_id "
        "FROM import_stage s ORDER BY s.line), "
        "entries AS (INSERT INTO cases_listentry (id, list_type_id, subject_id, listing_unit_id, data_providing_unit_id, "
        f"state, facts, reasons, basis, created_by_id, created_at, updated_at{extra}) "
        "SELECT new_entry_id, list_type_id, new_subject_id, listing_unit_id, %s, %s, facts, reasons, basis, %s, %s, %s"
        f"{''.join(', %s' for _ in cols)} FROM rows), "
        "periods AS (INSERT INTO cases_listentrystateperiod (entry_id, subject_id, state, started_at) "
        "SELECT new_entry_id, new_subject_id, %s, %s FROM rows), "
        "records AS (INSERT INTO cases_importedrecord (unit_id, record_id, entry_id, job_id, batch_id, row_hash, "
        "document_date, created_at) SELECT %s, record_id, new_entry_id, %s, %s, row_hash, document_date, %s FROM rows) "
        "SELECT new_entry_id, line, record_id, identifier, list_type_id FROM rows ORDER BY line",
        [unit.pk, ListEntry.State.DRAFT, actor.pk, now, now, *consts, ListEntry.State.DRAFT, now,
         unit.pk, job.pk, batch.pk, now],
    )
    return cur.fetchall()


ENTRY_COLUMNS = ["entry", "line", "record_id", "subject", "list_type"]
SUBJECT_COLUMNS = ["subject", "identifier", "name", "kind"]


def _audit_batch(*, batch, job, actor, unit, entries: list[tuple], subjects: list[tuple],
                 list_type_codes: dict) -> None:
    """The batch's one audit event: every entry it drafted and every subject it registered, so each
    of them finds the start of its history here (docs/adr/0005-import-batch-audit.md)."""
    audit_record(
        action="import.batch", obj=batch, actor=actor, actor_unit=unit, to_state=ListEntry.State.DRAFT,
        changes={
            "job": [None, job.pk],
            "lines": [None, [batch.first_line, batch.last_line]],
            "columns": [None, {"entries": ENTRY_COLUMNS, "subjects": SUBJECT_COLUMNS}],
            "entries": [None, [[entry_id, line, record_id, identifier, list_type_codes[lt]]
                               for entry_id, line, record_id, identifier, lt in entries]],
            "subjects": [None, [list(s) for s in subjects]],
        },
        reason=f"import job {job.pk} batch {batch.number}",
    )


def write_chunk(*, job, actor, unit, rows: list[dict], list_type_codes: dict) -> ChunkResult:
    """Write one chunk of validated rows (each with its ``line``) in one transaction."""
    result = ChunkResult()
    if not rows:
        return result
    with transaction.atomic(), connection.cursor() as cur:
        # One writer per unit at a time: a record id sent by two jobs at once yields one entry.
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('imports:unit'), %s::int)", [unit.pk])
        # No fsync wait at this chunk's commit (a third of a chunk's time on a busy disk). A crash
        # can lose the last chunks whole (never half: WAL order keeps every transaction atomic and
        # the job's later DONE behind them); the redelivered job writes them again, by record id.
        cur.execute("SET LOCAL synchronous_commit TO OFF")
        _copy_stage(cur, rows)
        known = _split_known(cur, {r["line"]: r for r in rows}, job=job, actor=actor, unit=unit, result=result)
        if known == len(rows):
            return result
        subjects = _insert_subjects(cur)
        batch = ImportBatch.objects.create(
            job=job, number=ImportBatch.objects.filter(job=job).count() + 1, first_line=rows[0]["line"],
            last_line=rows[-1]["line"], entries_created=len(rows) - known, subjects_created=len(subjects))
        entries = _insert_entries(cur, job=job, actor=actor, unit=unit, batch=batch)
        _audit_batch(batch=batch, job=job, actor=actor, unit=unit, entries=entries, subjects=subjects,
                     list_type_codes=list_type_codes)
        result.created = batch.entries_created
    return result
