"""The set-based writer of imported list entries (one transaction per chunk of validated rows).

Per chunk: rows are COPYed into a temporary staging table; rows whose record id the unit sent
before are split off (unchanged → counted, changed draft → updated, changed otherwise → a bad row);
new subjects are inserted in one statement; entry ids are reserved from the sequence so that one
``INSERT … SELECT`` writes every entry, its state period and its record-id mapping; audit events
are written set-based (audit_bulk). A per-unit advisory lock serialises concurrent jobs of one
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
from cases.models import ImportedRecord, ListEntry, Subject

from .audit_bulk import audit_new_objects, next_ids

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
        "listing_unit_id bigint, document_date date, row_hash text, subject_id bigint, entry_id bigint) "
        "ON COMMIT DROP"
    )
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    for r in rows:
        writer.writerow([r["line"], r["record_id"], r["list_type_id"], r["kind"], r["identifier_type"],
                         r["identifier"], r["subject_name"], r["facts"], r["reasons"], r["basis"],
                         r["listing_unit_id"], r["document_date"].isoformat() if r["document_date"] else "\\N",
                         r["row_hash"]])
    buf.seek(0)
    cur.copy_expert(f"COPY import_stage ({', '.join(STAGE_COLUMNS)}) FROM STDIN WITH (FORMAT csv, NULL '\\N')", buf)
    cur.execute("ANALYZE import_stage")  # temporary tables are never auto-analysed


def _split_known(cur, rows_by_line: dict, *, job, actor, unit, result: ChunkResult) -> None:
    """Rows whose record id this unit sent before: unchanged, updated (still a draft) or refused.

    Single-table lookups by ``= ANY(array)`` (index probes, or one hashed scan), never a join
    against the staging table: right after a large import the planner's statistics of the big
    tables are stale, and a join then risks a nested loop over whole tables."""
    line_of = {r["record_id"]: line for line, r in rows_by_line.items()}
    cur.execute("SELECT record_id, row_hash, entry_id FROM cases_importedrecord WHERE unit_id = %s "
                "AND record_id = ANY(%s)", [unit.pk, list(line_of)])
    records = cur.fetchall()
    if not records:
        return
    cur.execute("SELECT e.id, e.state, e.list_type_id, e.subject_id FROM cases_listentry e WHERE e.id = ANY(%s)",
                [[r[2] for r in records]])
    entries = {r[0]: r[1:] for r in cur.fetchall()}
    cur.execute("SELECT id, identifier FROM cases_subject WHERE id = ANY(%s)", [list({e[2] for e in entries.values()})])
    identifiers = dict(cur.fetchall())
    known = []
    for record_id, old_hash, entry_id in records:
        state, list_type_id, subject_id = entries[entry_id]
        known.append((line_of[record_id], old_hash, entry_id, state, list_type_id, identifiers[subject_id]))
    for line, old_hash, entry_id, state, list_type_id, identifier in known:
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
    cur.execute("DELETE FROM import_stage WHERE line = ANY(%s)", [[k[0] for k in known]])


def _insert_subjects(cur, *, actor, unit, job) -> None:
    """Subjects not registered yet, one per identifier (the first line that names it wins); then
    every staged row gets its subject id. Lookups by ``= ANY(array)``, as in ``_split_known``."""
    now = timezone.now()
    cur.execute("SELECT DISTINCT identifier FROM import_stage")
    wanted = [r[0] for r in cur.fetchall()]
    cur.execute("SELECT identifier FROM cases_subject WHERE identifier = ANY(%s)", [wanted])
    existing = {r[0] for r in cur.fetchall()}
    new = [i for i in wanted if i not in existing]
    created = []
    if new:
        cols, consts = _constants(Subject, {"kind", "identifier_type", "identifier", "name", "created_at", "updated_at"})
        extra = "".join(f", {c}" for c in cols)
        cur.execute(
            f"INSERT INTO cases_subject (kind, identifier_type, identifier, name, created_at, updated_at{extra}) "
            f"SELECT DISTINCT ON (s.identifier) s.kind, s.identifier_type, s.identifier, s.subject_name, %s, %s"
            f"{''.join(', %s' for _ in cols)} FROM import_stage s WHERE s.identifier = ANY(%s) "
            "ORDER BY s.identifier, s.line ON CONFLICT (identifier) DO NOTHING RETURNING id, identifier, name, kind",
            [now, now, *consts, new],
        )
        created = cur.fetchall()
    cur.execute("SELECT id, identifier FROM cases_subject WHERE identifier = ANY(%s)", [wanted])
    ids, codes = zip(*cur.fetchall()) if wanted else ((), ())
    cur.execute("UPDATE import_stage s SET subject_id = m.id FROM unnest(%s::bigint[], %s::text[]) AS m(id, identifier) "
                "WHERE s.identifier = m.identifier", [list(ids), list(codes)])
    if not created:
        return
    cur.execute(
        "INSERT INTO cases_subjectnamehistory (subject_id, name, valid_from, recorded_at) "
        "SELECT m.id, m.name, %s, %s FROM unnest(%s::bigint[], %s::text[]) AS m(id, name)",
        [timezone.localdate(), now, [c[0] for c in created], [c[2] for c in created]],
    )
    audit_new_objects(
        object_type="cases.subject", actor=actor, actor_unit=unit, action="subject.register",
        items=[(pk, "", {"identifier": [None, ident], "name": [None, name], "kind": [None, kind]},
                f"import job {job.pk}") for pk, ident, name, kind in created],
    )


def _insert_entries(cur, *, job, actor, unit, list_type_codes: dict) -> int:
    cur.execute("SELECT line FROM import_stage ORDER BY line")
    lines = [r[0] for r in cur.fetchall()]
    if not lines:
        return 0
    ids = next_ids(cur, ListEntry._meta.db_table, len(lines))
    cur.execute("UPDATE import_stage s SET entry_id = m.id FROM unnest(%s::int[], %s::bigint[]) AS m(line, id) "
                "WHERE s.line = m.line", [lines, ids])
    now = timezone.now()
    explicit = {"list_type_id", "subject_id", "listing_unit_id", "data_providing_unit_id", "state", "facts", "reasons",
                "basis", "created_by_id", "created_at", "updated_at"}
    cols, consts = _constants(ListEntry, explicit)
    extra = "".join(f", {c}" for c in cols)
    cur.execute(
        f"INSERT INTO cases_listentry (id, list_type_id, subject_id, listing_unit_id, data_providing_unit_id, state, "
        f"facts, reasons, basis, created_by_id, created_at, updated_at{extra}) "
        f"SELECT entry_id, list_type_id, subject_id, listing_unit_id, %s, %s, facts, reasons, basis, %s, %s, %s"
        f"{''.join(', %s' for _ in cols)} FROM import_stage ORDER BY line",
        [unit.pk, ListEntry.State.DRAFT, actor.pk, now, now, *consts],
    )
    cur.execute(
        "INSERT INTO cases_listentrystateperiod (entry_id, subject_id, state, started_at) "
        "SELECT entry_id, subject_id, %s, %s FROM import_stage",
        [ListEntry.State.DRAFT, now],
    )
    cur.execute(
        "INSERT INTO cases_importedrecord (unit_id, record_id, entry_id, job_id, row_hash, document_date, created_at) "
        "SELECT %s, record_id, entry_id, %s, row_hash, document_date, %s FROM import_stage",
        [unit.pk, job.pk, now],
    )
    cur.execute("SELECT entry_id, line, record_id, identifier, list_type_id FROM import_stage ORDER BY line")
    audit_new_objects(
        object_type="cases.listentry", actor=actor, actor_unit=unit, action="entry.draft",
        items=[(entry_id, ListEntry.State.DRAFT,
                {"subject": [None, ident], "list_type": [None, list_type_codes[lt]]},
                f"import job {job.pk} line {line} record {record_id}")
               for entry_id, line, record_id, ident, lt in cur.fetchall()],
    )
    return len(lines)


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
        _split_known(cur, {r["line"]: r for r in rows}, job=job, actor=actor, unit=unit, result=result)
        _insert_subjects(cur, actor=actor, unit=unit, job=job)
        result.created = _insert_entries(cur, job=job, actor=actor, unit=unit, list_type_codes=list_type_codes)
    return result

