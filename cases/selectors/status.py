"""The status check (应查必查): which measures must this unit apply to this subject, now or as of T.

domain.md §2: "which measures must I apply to this subject today?" The answer excludes suspended and
removed entries the moment the state changes (entries are read live on every check, never cached),
and can be asked "as of date T" for audits (from ``ListEntryStatePeriod``, the history every
transition writes). Only the catalogue (which measures a unit implements for a list type) is
cached, per process, behind a version number read in the same statement as the entries
(``catalogue_cache``, issue 21 item 1).

``subjects_status`` answers for up to ``BATCH_LIMIT`` codes in a constant number of queries (the
subjects, their listed entries or the periods in force at T, the unit's measures of those list
types), whatever the batch size. The indexes it relies on, at 10 million entries:

- ``cases_subject.identifier`` (unique): codes → subjects;
- ``entry_listed_by_subject`` (partial, ACTIVE/SUSPENDED only): "now" touches listed rows only;
- the foreign-key index on ``cases_listentrystateperiod.subject_id``: "as of T" reads a subject's
  handful of periods (one per state it went through) and filters them by time;
- the catalogue tables (list type ↔ measure ↔ implementing unit) are small.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import connections
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from cases.errors import Forbidden, ValidationFailed, identifier_refused
from cases.identifiers import IdentifierError, classify
from cases.models import ListEntry, ListEntryStatePeriod, ListType, StaffProfile, Subject, Unit
from config import prepared

from . import catalogue_cache
from .scope import supervised_units

BATCH_LIMIT = 1000
LISTED = ListEntry.LISTED


def _moment(as_of) -> dt.datetime:
    if isinstance(as_of, dt.datetime):
        return as_of
    # A date means the end of that day, local time.
    return timezone.make_aware(dt.datetime.combine(as_of, dt.time.max))


def parse_identifier(raw: str) -> str:
    """The normalised code, or ValidationFailed on ``identifier`` (the subject registry's messages).

    An ID number and a USCC are told apart by which standard's checks the code passes
    (``cases.identifiers.classify``); when neither does, the message says why for both."""
    try:
        return classify(raw)[1]
    except IdentifierError as err:
        raise identifier_refused(err) from None


def status_unit(*, user, unit_code: str | None = None) -> Unit:
    """Whose measures the answer lists: the caller's own unit; auditors and the credit lead office
    may ask on behalf of a unit they supervise (``unit_code``)."""
    staff: StaffProfile = user.staff
    if not unit_code or unit_code == staff.unit.code:
        return staff.unit
    unit = supervised_units(user=user).filter(code=unit_code).first()
    if unit is None:
        if not Unit.objects.filter(code=unit_code).exists():
            raise ValidationFailed(fields={"unit": [("unit_unknown", _("Unknown unit."))]})
        raise Forbidden(_("You may ask only for your own unit or a unit you supervise."), code="unit_out_of_scope")
    return unit


# The entry fields the answer shows (read as values: no model instances, 1,000 codes stay cheap).
_ENTRY_FIELDS = ("id", "subject_id", "list_type_id", "list_type__code", "list_type__name", "list_type__kind",
                 "listing_unit__code", "listing_unit__name", "reasons", "basis", "decision_date", "published_at",
                 "valid_until")


def _listed_entries(subject_ids: list[int], as_of) -> list[dict]:
    """Every listed entry of these subjects with its state at the moment asked (``state``)."""
    if as_of is None:
        return list(
            ListEntry.objects.filter(subject_id__in=subject_ids, state__in=LISTED)
            .values(*_ENTRY_FIELDS, "state").order_by("subject_id", "id")
        )
    moment = _moment(as_of)
    periods = (
        ListEntryStatePeriod.objects.filter(subject_id__in=subject_ids, state__in=LISTED, started_at__lte=moment)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=moment))
        .values(*(f"entry__{f}" for f in _ENTRY_FIELDS), "state").order_by("subject_id", "entry_id")
    )
    return [{**{f: p[f"entry__{f}"] for f in _ENTRY_FIELDS}, "state": p["state"]} for p in periods]


_NOW_COLUMNS = """s.id, s.identifier, s.name, s.kind,
               e.id, e.list_type_id, lt.code, lt.name, lt.kind, u.code, u.name, e.reasons, e.basis,
               e.decision_date, e.published_at, e.valid_until, e.state"""
# Per subject, its listed entries through the partial ``entry_listed_by_subject`` index (its
# predicate repeated, as literals). A LATERAL subquery fenced with ``OFFSET 0``, so PostgreSQL cannot
# flatten the join and choose to read the entry or subject tables whole for a batch of 1,000 codes
# (bench/search.py prints the plan).
_NOW_JOINS = f"""LEFT JOIN LATERAL (
               SELECT * FROM {ListEntry._meta.db_table} e
                WHERE e.subject_id = s.id AND e.state IN ({", ".join(f"'{state}'" for state in LISTED)}) OFFSET 0
               ) e ON true
          LEFT JOIN {ListType._meta.db_table} lt ON lt.id = e.list_type_id
          LEFT JOIN {Unit._meta.db_table} u ON u.id = e.listing_unit_id"""

# The single check (the hot path): the catalogue's version, the subject and its listed entries in
# one statement, prepared once per connection. One row at least: an unknown code gives the version
# and NULLs.
def subject_now_statement(name: str, *, ahead: tuple[str, str, tuple[str, ...]] | None = None) -> prepared.Statement:
    """The single check's statement. ``ahead`` = (columns, a FROM item, its parameters' types) puts
    another one-row read in front of it, in the same statement (the lean view reads the token's
    holder so: one round trip per check): its columns come first in each row, its parameters first."""
    columns, source, types = ahead or ("", "", ())
    return prepared.Statement(
        name,
        f"""SELECT {columns + ", " if columns else ""}v.version, {_NOW_COLUMNS}
              FROM {source + " CROSS JOIN " if source else ""}(SELECT {catalogue_cache.VERSION_SQL} AS version) v
              LEFT JOIN {Subject._meta.db_table} s ON s.identifier = %s
              {_NOW_JOINS}
             ORDER BY e.id""",
        (*types, "text"),
    )


SUBJECT_NOW = subject_now_statement("credit_status_subject_now")


def _subjects_and_listed_now(codes: set[str]) -> tuple[dict[str, dict], list[dict], int | None]:
    """"Now": the subjects, their listed entries and the catalogue's version in one statement, with
    no ORM compilation (the status check's hot path). The codes find their subjects through the
    ``cases_subject.identifier`` index. A batch's codes vary in number: its statement is not
    prepared. The version is None when no code names a subject (no measures are needed then)."""
    using = prepared.alias_for(Subject)
    if len(codes) == 1:
        rows = prepared.run(SUBJECT_NOW, [next(iter(codes))], using=using)
    else:
        sql = f"""
            SELECT {catalogue_cache.VERSION_SQL}, {_NOW_COLUMNS}
              FROM {Subject._meta.db_table} s
              {_NOW_JOINS}
             WHERE s.identifier IN %s
             ORDER BY s.id, e.id"""
        with connections[using].cursor() as cur:
            cur.execute(sql, [tuple(codes)])
            rows = cur.fetchall()
    return _read_now_rows(rows)


def _read_now_rows(rows) -> tuple[dict[str, dict], list[dict], int | None]:
    """Rows of ``SUBJECT_NOW``'s shape (the version, the subject, one listed entry or NULLs)."""
    subjects: dict[str, dict] = {}
    listed: list[dict] = []
    version = None
    for row in rows:
        version = row[0]
        subject_id, identifier, name, kind = row[1:5]
        if subject_id is None:
            continue
        subjects.setdefault(identifier, {"id": subject_id, "identifier": identifier, "name": name, "kind": kind})
        if row[5] is not None:
            listed.append(dict(zip(("subject_id", *_ENTRY_FIELDS[:1], *_ENTRY_FIELDS[2:], "state"),
                                   (subject_id, *row[5:]))))
    return subjects, listed, version


def _unit_measures(unit: Unit, list_type_ids: Iterable[int], version: int | None = None) -> dict[int, list[dict]]:
    """The unit's active measures per list type (catalogue: list type → measure → implementing
    unit), from the per-process catalogue cache checked against ``version`` (read now if None)."""
    ids = set(list_type_ids)
    if not ids:
        return {}
    by_list_type = catalogue_cache.unit_measures(unit.pk, catalogue_cache.current_version() if version is None else version)
    return {list_type_id: by_list_type[list_type_id] for list_type_id in ids if list_type_id in by_list_type}


def _entry_row(e: dict, labels: dict) -> dict:
    return {
        "id": e["id"],
        "list_type": {"code": e["list_type__code"], "name": e["list_type__name"], "kind": e["list_type__kind"]},
        "state": e["state"],
        "state_label": labels[e["state"]],
        "suspended": e["state"] == ListEntry.State.SUSPENDED,
        "listing_unit": {"code": e["listing_unit__code"], "name": e["listing_unit__name"]},
        "reasons": e["reasons"],
        "basis": e["basis"],
        "decision_date": e["decision_date"],
        "published_at": timezone.localtime(e["published_at"]) if e["published_at"] else None,
        "valid_until": e["valid_until"],
    }


_state_labels: dict[str | None, dict[str, str]] = {}


def _labels() -> dict[str, str]:
    """The entry states' words in the active language, built once per language and process (eight
    gettext calls per check were ~0.1 ms of the single check's Python)."""
    language = translation.get_language()
    labels = _state_labels.get(language)
    if labels is None:
        labels = _state_labels[language] = {state: str(label) for state, label in ListEntry.State.choices}
    return labels


def subjects_status(*, user, codes: list[str], unit: Unit, as_of: dt.date | dt.datetime | None = None,
                    now_rows: list[tuple] | None = None) -> dict:
    """Per normalised code: the subject (or None), whether it is listed, its listed entries (a
    SUSPENDED one is shown and flagged, its measures are not: no joint punishment while an objection
    is verified) and the measures ``unit`` must apply, mandatory (强制性) before recommended (推荐性).

    A constant number of queries for any number of codes. Reads only: nothing is recorded.
    ``now_rows``: the rows of ``subject_now_statement`` for the one code, read by the caller in its
    own statement a moment ago (as_of None only)."""
    if not codes:
        return {}
    version = None
    if now_rows is not None:
        if as_of is not None or len(codes) != 1:
            raise ValueError("now_rows answer one code now")
        subjects, listed, version = _read_now_rows(now_rows)
    elif as_of is None:
        subjects, listed, version = _subjects_and_listed_now(set(codes))
    else:
        subjects = {
            s["identifier"]: s
            for s in Subject.objects.filter(identifier__in=set(codes)).values("id", "identifier", "name", "kind").order_by()
        }
        listed = _listed_entries([s["id"] for s in subjects.values()], as_of) if subjects else []
    measures = _unit_measures(unit, {e["list_type_id"] for e in listed if e["state"] == ListEntry.State.ACTIVE},
                              version)
    entries_by_subject: dict[int, list[dict]] = {}
    for e in listed:
        entries_by_subject.setdefault(e["subject_id"], []).append(e)
    labels = _labels()

    answers = {}
    for code in codes:
        subject = subjects.get(code)
        if subject is None:
            answers[code] = {"subject": None, "listed": False, "entries": [], "measures": {"mandatory": [], "recommended": []}}
            continue
        rows, due = [], {}
        for e in entries_by_subject.get(subject["id"], []):
            rows.append(_entry_row(e, labels))
            if e["state"] != ListEntry.State.ACTIVE:
                continue
            for m in measures.get(e["list_type_id"], []):
                item = due.setdefault(m["measure"], {**m, "entries": [], "list_types": []})
                item["entries"].append(e["id"])
                if e["list_type__code"] not in item["list_types"]:
                    item["list_types"].append(e["list_type__code"])
        answers[code] = {
            "subject": {"identifier": subject["identifier"], "name": subject["name"], "kind": subject["kind"]},
            "listed": bool(rows),
            "entries": rows,
            "measures": {
                "mandatory": [m for m in due.values() if m["mandatory"]],
                "recommended": [m for m in due.values() if not m["mandatory"]],
            },
        }
    return answers


def measures_due(*, unit, subject, as_of: dt.date | dt.datetime | None = None) -> list[dict]:
    """Measures of the subject's ACTIVE entries that ``unit`` implements, one row per (entry, measure).
    Suspended and removed entries are excluded the moment their transaction commits; ``as_of``
    answers from the state-period history."""
    listed = [e for e in _listed_entries([subject.pk], as_of) if e["state"] == ListEntry.State.ACTIVE]
    measures = _unit_measures(unit, {e["list_type_id"] for e in listed})
    return [
        {
            "entry": e["id"],
            "list_type": e["list_type__name"],
            "measure": m["measure"],
            "title": m["title"],
            "mandatory": m["mandatory"],
            "legal_basis": m["legal_basis"],
            "legal_basis_verified": m["legal_basis_verified"],
        }
        for e in listed
        for m in measures.get(e["list_type_id"], [])
    ]
