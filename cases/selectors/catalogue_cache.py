"""The catalogue as the status check needs it, cached per process: an implementing unit's active
measures per list type (list type → measure → implementing unit).

The catalogue changes a few times a year and is read on every status check. Each process keeps
what it has read, tagged with the catalogue's version number (``cases.models.CatalogueVersion``,
changed by database triggers on every change of the three tables, whoever makes it). The status
check reads that number in the statement that reads the subject's entries, so it costs no extra
round trip; when it differs from the cache's, the cache is dropped and the unit's measures are read
again, with the version, in one statement. A catalogue change therefore reaches every process at
its next check. Entries are never cached: a suspension is read live (``cases.selectors.status``).

The cached measure dicts are shared between requests: callers copy, never change them.
"""

from __future__ import annotations

from cases.models import CatalogueVersion, ListTypeMeasure, Measure, MeasureImplementer
from config import prepared

VERSION_SQL = f"(SELECT coalesce(max(version), 0) FROM {CatalogueVersion._meta.db_table})"

_MEASURE_FIELDS = ("measure", "title", "direction", "mandatory", "legal_basis", "legal_basis_verified", "target")

UNIT_MEASURES = prepared.Statement(
    "credit_unit_measures",
    f"""SELECT v.version, q.*
          FROM (SELECT {VERSION_SQL} AS version) v
          LEFT JOIN (
               SELECT ltm.list_type_id, m.code, m.title, m.direction, m.mandatory, m.legal_basis,
                      m.legal_basis_verified, m.target
                 FROM {ListTypeMeasure._meta.db_table} ltm
                 JOIN {Measure._meta.db_table} m ON m.id = ltm.measure_id AND m.is_active
                 JOIN {MeasureImplementer._meta.db_table} mi ON mi.measure_id = m.id AND mi.unit_id = %s
               ) q ON true
         ORDER BY q.list_type_id, q.mandatory DESC, q.code""",
    ("bigint",),
)
VERSION = prepared.Statement("credit_catalogue_version", f"SELECT {VERSION_SQL}", ())


class _Cache:
    """version → {unit id → {list type id → [measure, …]}} for one version at a time."""

    def __init__(self):
        self.version: int | None = None
        self.units: dict[int, dict[int, list[dict]]] = {}


_cache = _Cache()


def current_version() -> int:
    """The catalogue's version now (for the paths whose own statement does not read it)."""
    return prepared.run(VERSION, using=prepared.alias_for(CatalogueVersion))[0][0]


def unit_measures(unit_id: int, version: int) -> dict[int, list[dict]]:
    """The unit's active measures per list type id, mandatory first, then by code, as of the
    catalogue ``version`` the caller read (or a later one, if the catalogue changed meanwhile)."""
    if _cache.version != version:
        _cache.version, _cache.units = version, {}
    found = _cache.units.get(unit_id)
    if found is not None:
        return found
    rows = prepared.run(UNIT_MEASURES, [unit_id], using=prepared.alias_for(Measure))
    by_list_type: dict[int, list[dict]] = {}
    for read_version, list_type_id, *values in rows:
        if list_type_id is not None:
            by_list_type.setdefault(list_type_id, []).append(dict(zip(_MEASURE_FIELDS, values)))
    if read_version != version:  # changed since the caller's statement: keep what was read, tagged right
        _cache.version, _cache.units = read_version, {}
    _cache.units[unit_id] = by_list_type
    return by_list_type


def clear() -> None:
    """Forget everything (tests that swap databases)."""
    _cache.version, _cache.units = None, {}
