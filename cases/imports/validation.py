"""Row validation, pure once its lookups are loaded (``EntryLookups.load`` reads the catalogue and
the unit's roles once per job, so validating 100,000 rows makes no query).

A row yields either a clean dict or a list of ``(field, code, params)``: every problem of the row
is reported, not only the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass, field

from cases.identifiers import IdentifierError, looks_like_resident_id, validate_resident_id, validate_uscc
from cases.models import ListType, Measure, Subject, Unit, UnitListRole

Role = UnitListRole.Role
Kind = Subject.Kind

ENTRY_REQUIRED = {"record_id", "list_type", "identifier", "subject_name", "facts", "reasons"}
FEEDBACK_REQUIRED = {"outcome"}
LIMITS = {"record_id": 64, "subject_name": 200, "basis": 255, "listing_unit": 32}
KIND_ALIASES = {
    "法人": Kind.LEGAL_PERSON, "非法人组织": Kind.UNINCORPORATED, "个体工商户": Kind.INDIVIDUAL_BUSINESS,
    "自然人": Kind.NATURAL_PERSON,
}


def parse_date(value: str, today: dt.date):
    """(date, None) or (None, (code, params))."""
    try:
        day = dt.date.fromisoformat(value.replace("/", "-"))
    except ValueError:
        return None, ("invalid_date", {"value": value})
    if day > today:
        return None, ("future_date", {"value": value})
    return day, None


@dataclass
class ListTypeInfo:
    id: int
    code: str
    basis: str
    measures: set[str]


@dataclass
class EntryLookups:
    unit: Unit
    list_types: dict[str, ListTypeInfo]
    provides: set[int]  # list types the unit lists or provides data for
    lists_itself: set[int]  # list types the unit lists
    listing_units: dict[tuple[str, int], int] = field(default_factory=dict)  # (unit code, list type) → unit id
    today: dt.date = field(default_factory=dt.date.today)

    @classmethod
    def load(cls, unit: Unit, today: dt.date) -> EntryLookups:
        types = {}
        for lt in ListType.objects.filter(is_active=True):
            basis = f"{lt.standard_document} {lt.standard_article}".strip()
            types[lt.code] = ListTypeInfo(lt.pk, lt.code, basis, set())
        by_id = {t.id: t for t in types.values()}
        for lt_id, code in Measure.objects.filter(is_active=True, list_types__isnull=False).values_list(
                "list_types", "code"):
            if lt_id in by_id:
                by_id[lt_id].measures.add(code)
        roles = UnitListRole.objects.filter(unit=unit).values_list("list_type_id", "role")
        listing = {
            (code, lt): uid for uid, code, lt in UnitListRole.objects.filter(role=Role.LISTING, unit__is_active=True)
            .values_list("unit_id", "unit__code", "list_type_id")
        }
        return cls(
            unit=unit, list_types=types,
            provides={lt for lt, role in roles if role in (Role.LISTING, Role.DATA_PROVIDING)},
            lists_itself={lt for lt, role in roles if role == Role.LISTING},
            listing_units=listing, today=today,
        )


def _identifier(kind: str, value: str):
    try:
        if kind == Kind.NATURAL_PERSON:
            return Subject.IdentifierType.RESIDENT_ID, validate_resident_id(value), None
        code = validate_uscc(value)
        if kind == Kind.INDIVIDUAL_BUSINESS and not code.startswith("92"):
            return None, None, ("uscc_kind", {})
        return Subject.IdentifierType.USCC, code, None
    except IdentifierError as err:
        return None, None, (err.code, {"position": err.position, "found": err.found, "expected": err.expected})


HASHED = ("record_id", "list_type", "identifier", "subject_name", "subject_kind", "facts", "reasons", "basis",
          "listing_unit", "measures", "document_date")


def row_hash(values: dict) -> str:
    """What a re-sent row is compared by: its cleaned cells in a fixed order."""
    return hashlib.sha256("\x1f".join(values[k] for k in HASHED).encode()).hexdigest()


def validate_entry_row(row: dict, lk: EntryLookups):
    """Return (clean, errors). ``clean`` has ids resolved and the row's hash for idempotency."""
    errors = []
    values = {k: (row.get(k) or "").strip() for k in (
        "record_id", "list_type", "identifier", "subject_name", "subject_kind", "facts", "reasons", "basis",
        "listing_unit", "measures", "document_date")}
    for name in sorted(ENTRY_REQUIRED):
        if not values[name]:
            errors.append((name, "required", {}))
    for name, limit in LIMITS.items():
        if len(values[name]) > limit:
            errors.append((name, "too_long", {"max": limit}))

    info = lk.list_types.get(values["list_type"]) if values["list_type"] else None
    if values["list_type"] and info is None:
        errors.append(("list_type", "unknown_list_type", {"value": values["list_type"]}))
    elif info is not None and info.id not in lk.provides:
        errors.append(("list_type", "list_type_not_provided", {"value": values["list_type"]}))

    kind_text = values["subject_kind"]
    kind = KIND_ALIASES.get(kind_text, kind_text.upper()) if kind_text else None
    if kind_text and kind not in Kind.values:
        errors.append(("subject_kind", "unknown_subject_kind", {"value": kind_text}))
        kind = None
    identifier_type = identifier = None
    if values["identifier"]:
        if kind is None and not kind_text:
            kind = Kind.NATURAL_PERSON if looks_like_resident_id(values["identifier"]) else Kind.LEGAL_PERSON
        if kind is not None:
            identifier_type, identifier, err = _identifier(kind, values["identifier"])
            if err:
                errors.append(("identifier", err[0], err[1]))

    listing_unit_id = None
    if info is not None and info.id in lk.provides:
        if values["listing_unit"]:
            listing_unit_id = lk.listing_units.get((values["listing_unit"], info.id))
            if listing_unit_id is None:
                errors.append(("listing_unit", "listing_unit_invalid", {"value": values["listing_unit"]}))
        elif info.id in lk.lists_itself:
            listing_unit_id = lk.unit.pk
        else:
            errors.append(("listing_unit", "listing_unit_required", {}))

    measures = [m.strip() for m in values["measures"].replace("|", ";").replace(",", ";").split(";") if m.strip()]
    if info is not None:
        for code in measures:
            if code not in info.measures:
                errors.append(("measures", "unknown_measure", {"value": code}))

    document_date = None
    if values["document_date"]:
        document_date, err = parse_date(values["document_date"], lk.today)
        if err:
            errors.append(("document_date", err[0], err[1]))

    if errors:
        return None, errors
    return {
        "record_id": values["record_id"],
        "list_type_id": info.id,
        "list_type": info.code,
        "kind": kind,
        "identifier_type": identifier_type,
        "identifier": identifier,
        "subject_name": values["subject_name"],
        "facts": values["facts"],
        "reasons": values["reasons"],
        "basis": values["basis"] or info.basis,
        "listing_unit_id": listing_unit_id,
        "document_date": document_date,
        "row_hash": row_hash(values),
    }, None
