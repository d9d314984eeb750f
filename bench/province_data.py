"""The province data set of ``bench/province.py``: registry through the services, bulk rows by COPY.

Small things (the demo province's units, list types, measures catalogue and staff, plus 88 county
units so that about 100 units implement measures) are created through the normal services, with
their audit events. The big tables are streamed into PostgreSQL with ``COPY ... FROM STDIN`` from
generators, never row by row through the ORM:

=========================  ==============================  =====================================
table                      rows at scale 1.0               shape
=========================  ==============================  =====================================
cases_subject              1,000,000                       85 % companies (91/92 USCC), 10 %
                                                           natural persons, valid check digits
cases_listentry            2,000,000                       79 % ACTIVE (1 % of all entries past
                                                           ``valid_until``), 2 % SUSPENDED,
                                                           16 % REMOVED, 2 % WITHDRAWN, 1 % in
                                                           prior notice; 11 list types
cases_listentrystateperiod ~7,600,000                      the full state history of each entry
cases_measureexecution     ~8,100,000                      5 per listed entry over the list
                                                           type's (measure, implementing unit)
                                                           pairs
viewflow_process/task      200,000 open measure tasks      routed to ~100 units (~2,000 each)
workflow_workitem          200,000                         due dates from 30 days ago to 45 ahead
=========================  ==============================  =====================================

Everything is deterministic for a given seed. The entry plan is computed once per table from the
same seeded generator (``Province.plans``), so each table streams in a single pass with nothing
held in memory but the counters. While a table loads, its secondary indexes are dropped and rebuilt
afterwards, and foreign-key triggers are off (``session_replication_role = replica``): the
generator produces consistent keys, and this is how one bulk-loads a production database too.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from cases.identifiers import USCC_CHARSET, make_resident_id, make_uscc
from deadlines.calendar import months_later

FULL_SCALE = {"subjects": 1_000_000, "entries": 2_000_000, "open_tasks": 200_000}
EXECUTIONS_PER_ENTRY = 5
LISTED_POOL = 0.8  # share of subjects that ever get an entry; the rest are registered, never listed
EXPIRY_DUE = 0.01  # share of all entries that are ACTIVE with valid_until already past
EXPIRY_WINDOW_DAYS = 60  # the due entries' valid_until is spread over this many past days

# Entry states, as shares of all entries (ACTIVE includes the EXPIRY_DUE share).
STATE_MIX = [("ACTIVE", 0.79), ("SUSPENDED", 0.02), ("REMOVED", 0.16), ("WITHDRAWN", 0.02), ("NOTICE_SENT", 0.01)]

# How often each demo list type is used: the business-anomaly list and the court's list of
# dishonest judgment debtors dominate every province's figures.
LIST_TYPE_WEIGHTS = {
    "amr-abnormal": 35, "court-dishonest": 20, "tax-a-grade": 12, "tax-serious": 8, "amr-serious": 5,
    "integrity-model": 4, "amr-contract-keeping": 4, "construction-serious": 3, "construction-focus": 3,
    "wage-arrears": 3, "eco-serious": 3,
}
PERSON_LIST_TYPE = "court-dishonest"  # natural persons appear here only

# County units added to the demo's twelve: (code suffix, name suffix, the demo unit whose measures
# they implement too).
COUNTY_UNIT_KINDS = [
    ("amr", "市场监督管理局", "ls-amr"), ("tax", "税务局", "ls-tax"), ("housing", "住房和城乡建设局", "ls-housing"),
    ("eco", "生态环境分局", "ls-eco"), ("hrss", "人力资源和社会保障局", "ls-hrss"), ("fin", "财政局", "ls-finance"),
    ("drc", "发展和改革委员会", "ls-drc"), ("court", "人民法院", "ls-court"),
]
COUNTY_UNITS = 88

_PLACES = ["雪域", "高原", "圣湖", "珠峰", "拉鲁", "年楚", "雅江", "念青", "格桑", "吉祥", "日光", "净土", "羌塘", "藏源"]
_WORDS = ["天成", "宏达", "鑫源", "恒通", "明珠", "安居", "卓越", "金桥", "鸿运", "瑞丰", "汇通", "兴业", "博远", "华泰"]
_TRADES = ["建筑工程", "商贸", "餐饮管理", "运输", "电子科技", "物业服务", "文化传媒", "劳务派遣", "建材贸易", "农牧科技"]
_SURNAMES = ["扎西", "次仁", "央金", "旦增", "格桑", "王", "李", "张", "刘", "陈", "杨", "赵", "普布", "达瓦"]
_GIVEN = ["多吉", "卓玛", "平措", "拉姆", "建国", "秀英", "志强", "丽华", "顿珠", "曲珍", "伟", "芳"]


def scaled(scale: float) -> dict[str, int]:
    return {k: max(1, round(v * scale)) for k, v in FULL_SCALE.items()}


# --- identities as pure functions of the subject's index -------------------------------------------

def _base31(n: int, width: int) -> str:
    digits = []
    for _ in range(width):
        n, r = divmod(n, 31)
        digits.append(USCC_CHARSET[r])
    return "".join(reversed(digits))


def subject_kind(i: int) -> str:
    r = i % 20
    return "NATURAL_PERSON" if r < 2 else "INDIVIDUAL_BUSINESS" if r < 4 else "LEGAL_PERSON"


def subject_identifier(i: int, county: str) -> str:
    kind = subject_kind(i)
    if kind == "NATURAL_PERSON":
        born = dt.date(1955, 1, 1) + dt.timedelta(days=(i // 1000) * 11)
        return make_resident_id(county, born, f"{i % 1000:03d}")
    # "MB" keeps these organisation codes apart from the demo's ("MA6T..." and all-digit).
    return make_uscc("92" if kind == "INDIVIDUAL_BUSINESS" else "91", county, "MB" + _base31(i, 6))


def unknown_identifier(k: int, county: str) -> str:
    """A valid code that no subject carries (a status check's most common answer: not listed)."""
    return make_uscc("91", county, "MC" + _base31(k, 6))


def subject_name(i: int) -> str:
    if subject_kind(i) == "NATURAL_PERSON":
        return _SURNAMES[i % 14] + _GIVEN[(i // 14) % 12]
    body = _PLACES[i % 14] + _WORDS[(i // 14) % 14] + _TRADES[(i // 196) % 10]
    suffix = "店" if subject_kind(i) == "INDIVIDUAL_BUSINESS" else "有限公司"
    return f"西藏{body}{suffix}{i // 1960 or ''}"


# --- COPY plumbing ----------------------------------------------------------------------------------

class LineStream(io.TextIOBase):
    """A read-only text file over an iterator of COPY text lines, for ``cursor.copy_expert``."""

    def __init__(self, lines: Iterator[str], chunk_lines: int = 2000):
        self._lines = lines
        self._chunk = chunk_lines
        self._buffer = ""
        self.rows = 0

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> str:
        while size < 0 or len(self._buffer) < size:
            chunk = []
            for line in self._lines:
                chunk.append(line)
                if len(chunk) == self._chunk:
                    break
            if not chunk:
                break
            self.rows += len(chunk)
            self._buffer += "".join(chunk)
        if size < 0:
            out, self._buffer = self._buffer, ""
        else:
            out, self._buffer = self._buffer[:size], self._buffer[size:]
        return out

    readline = read  # psycopg2 only calls read(); this keeps io from complaining


def _row(*values) -> str:
    """One COPY text line. Generated values never contain tabs, newlines or backslashes."""
    return "\t".join(r"\N" if v is None else str(v) for v in values) + "\n"


@dataclass
class LoadTiming:
    table: str
    rows: int
    copy_s: float
    index_s: float


def copy_table(cursor, table: str, columns: list[str], lines: Iterator[str]) -> LoadTiming:
    """COPY the lines into ``table`` with its secondary indexes dropped, then rebuild them."""
    cursor.execute(
        """SELECT i.indexname, i.indexdef FROM pg_indexes i
           WHERE i.tablename = %s AND i.indexname NOT IN (
               SELECT c.relname FROM pg_constraint k JOIN pg_class c ON c.oid = k.conindid
               WHERE k.conrelid = %s::regclass)""",
        [table, table],
    )
    indexes = cursor.fetchall()
    for name, _definition in indexes:
        cursor.execute(f'DROP INDEX "{name}"')
    stream = LineStream(lines)
    started = time.monotonic()
    cursor.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", stream)
    copied = time.monotonic()
    for _name, definition in indexes:
        cursor.execute(definition)
    return LoadTiming(table, stream.rows, copied - started, time.monotonic() - copied)


def reset_sequence(cursor, table: str, column: str = "id") -> None:
    cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                   f"(SELECT coalesce(max({column}), 1) FROM {table}))")


# --- the registry, through the services ---------------------------------------------------------------

@dataclass
class Registry:
    units: dict[int, str]  # unit id → code
    list_types: dict[int, str]  # list type id → code
    validity_months: dict[int, int]
    kinds: dict[int, str]  # list type id → RED / SERIOUS / FOCUS
    basis: dict[int, str]
    listing_units: dict[int, list[int]]
    pairs: dict[int, list[tuple[int, int]]]  # list type id → [(measure id, implementing unit id)]
    mandatory: set[int]
    officers: dict[int, int]  # unit id → a user id that drafts its entries
    counties: list[tuple[int, str]]  # (region id, code)
    fallback_user: int


def build_registry() -> Registry:
    """The demo province (already loaded by ``load_demo``) plus county units implementing the same
    measures as their city counterparts, through the registry services (audited, as an
    administrator's would be)."""
    from django.contrib.auth import get_user_model

    from cases.models import ListType, Measure, MeasureImplementer, Region, StaffProfile, Unit, UnitListRole
    from cases.services.registry import measure_add_implementer, unit_assign_role, unit_create

    counties = [r for r in Region.objects.order_by("code") if not r.code.endswith("00")]
    templates = {code: Unit.objects.get(code=code) for _s, _n, code in COUNTY_UNIT_KINDS}
    template_measures = {
        code: list(Measure.objects.filter(implementing_units=unit, is_active=True)) for code, unit in templates.items()
    }
    roles = {(r.unit_id, r.list_type_id) for r in UnitListRole.objects.filter(role=UnitListRole.Role.IMPLEMENTING)}
    made = 0
    for kind_code, kind_name, template in COUNTY_UNIT_KINDS:
        for region in counties:
            if made == COUNTY_UNITS:
                break
            code = f"{region.code}-{kind_code}"
            unit = Unit.objects.filter(code=code).first() or unit_create(
                actor=None, code=code, name=f"{region.name}{kind_name}", short_name=f"{region.name}{kind_code}",
                region=region, document_prefix=f"{region.name[:1]}{kind_name[:1]}",
                parent=templates[template],
            )
            for measure in template_measures[template]:
                measure_add_implementer(actor=None, measure=measure, unit=unit)
                for list_type in measure.list_types.all():
                    if (unit.pk, list_type.pk) not in roles:
                        unit_assign_role(actor=None, unit=unit, list_type=list_type,
                                         role=UnitListRole.Role.IMPLEMENTING)
                        roles.add((unit.pk, list_type.pk))
            made += 1

    list_types = list(ListType.objects.filter(is_active=True))
    pairs = {
        lt.pk: list(
            MeasureImplementer.objects.filter(measure__list_types=lt, measure__is_active=True)
            .order_by("measure_id", "unit_id").values_list("measure_id", "unit_id")
        )
        for lt in list_types
    }
    listing = {
        lt.pk: list(UnitListRole.objects.filter(list_type=lt, role=UnitListRole.Role.LISTING)
                    .order_by("unit_id").values_list("unit_id", flat=True))
        for lt in list_types
    }
    officers = dict(StaffProfile.objects.filter(role=StaffProfile.Role.OFFICER).order_by("-user_id")
                    .values_list("unit_id", "user_id"))
    return Registry(
        units=dict(Unit.objects.values_list("id", "code")),
        list_types={lt.pk: lt.code for lt in list_types},
        validity_months={lt.pk: lt.validity_months or 36 for lt in list_types},
        kinds={lt.pk: lt.kind for lt in list_types},
        basis={lt.pk: f"{lt.standard_document} {lt.standard_article}".strip()[:255] for lt in list_types},
        listing_units=listing,
        pairs=pairs,
        mandatory=set(Measure.objects.filter(mandatory=True).values_list("id", flat=True)),
        officers=officers,
        counties=[(r.pk, r.code) for r in counties],
        fallback_user=get_user_model().objects.get(username="demo-admin").pk,
    )


# --- the entry plan ---------------------------------------------------------------------------------

@dataclass
class Execution:
    id: int
    measure_id: int
    unit_id: int
    state: str
    task_step: str = ""  # "respond" / "feedback" when an open viewflow task waits on it


@dataclass
class EntryPlan:
    id: int
    subject: int  # subject index
    list_type: int
    state: str
    listing_unit: int
    created_by: int
    created: dt.date
    notice: dt.date | None
    decided: dt.date | None
    published: dt.date | None
    valid_until: dt.date | None
    ended: dt.date | None  # removed, withdrawn or suspended on
    removal_reason: str
    executions: list[Execution] = field(default_factory=list)


@dataclass
class Province:
    """The plan of the province's bulk rows for one scale and seed."""

    registry: Registry
    today: dt.date
    scale: float
    seed: int = 2026
    subject_base: int = 0
    entry_base: int = 0
    period_base: int = 0
    execution_base: int = 0

    def __post_init__(self):
        self._open_tasks: list[OpenTask] | None = None
        counts = scaled(self.scale)
        self.n_subjects, self.n_entries, self.n_open_tasks = counts["subjects"], counts["entries"], counts["open_tasks"]
        self.n_listed_pool = max(1, int(self.n_subjects * LISTED_POOL))
        units_with_pairs = sorted({u for pairs in self.registry.pairs.values() for _m, u in pairs})
        self.task_quota = {u: self.n_open_tasks // len(units_with_pairs) + 1 for u in units_with_pairs}

    def permission(self, unit_id: int) -> str:
        """``Unit.permission_name``: what viewflow routes the unit's tasks by."""
        return f"cases.unit_{self.registry.units[unit_id]}"

    # subjects ---------------------------------------------------------------------------------
    def county(self, i: int) -> tuple[int, str]:
        return self.registry.counties[i % len(self.registry.counties)]

    def identifier(self, i: int) -> str:
        return subject_identifier(i, self.county(i)[1])

    def subject_id(self, i: int) -> int:
        return self.subject_base + i + 1

    def subject_rows(self) -> Iterator[str]:
        stamp = f"{self.today - dt.timedelta(days=400)} 09:00:00+08"
        for i in range(self.n_subjects):
            kind = subject_kind(i)
            region_id, code = self.county(i)
            person = kind == "NATURAL_PERSON"
            yield _row(self.subject_id(i), kind, "RESIDENT_ID" if person else "USCC", subject_identifier(i, code),
                       subject_name(i), "" if person else subject_name(i * 7 + 1)[:2] + "某",
                       f"{code}号", stamp, stamp, region_id)

    # entries ----------------------------------------------------------------------------------
    def plans(self) -> Iterator[EntryPlan]:
        """Every entry with its dates, history and executions; the same sequence on every call."""
        reg, rng, today = self.registry, random.Random(self.seed), self.today
        lt_ids = [lt for lt, code in reg.list_types.items() if code in LIST_TYPE_WEIGHTS and reg.listing_units[lt]]
        lt_weights = [LIST_TYPE_WEIGHTS[reg.list_types[lt]] for lt in lt_ids]
        person_lt = next(lt for lt in lt_ids if reg.list_types[lt] == PERSON_LIST_TYPE)
        states, state_weights = zip(*STATE_MIX)
        due_share = EXPIRY_DUE / dict(STATE_MIX)["ACTIVE"]
        open_share = min(1.0, 1.6 * self.n_open_tasks / (self.n_entries * 0.8 * EXECUTIONS_PER_ENTRY))
        quota = dict(self.task_quota)
        execution_id = self.execution_base
        for j in range(self.n_entries):  # ids: base + 1 ...
            subject = rng.randrange(self.n_listed_pool)
            lt = person_lt if subject_kind(subject) == "NATURAL_PERSON" else rng.choices(lt_ids, lt_weights)[0]
            state = rng.choices(states, state_weights)[0]
            months = reg.validity_months[lt]
            span = (months_later(today, months) - today).days
            red = reg.kinds[lt] == "RED"
            ended, removal_reason, valid_until = None, "", None
            if state == "ACTIVE" and rng.random() < due_share:
                valid_until = today - dt.timedelta(days=rng.randint(1, EXPIRY_WINDOW_DAYS))
                decided = valid_until - dt.timedelta(days=span)
            elif state in ("ACTIVE", "SUSPENDED"):
                decided = today - dt.timedelta(days=rng.randrange(span - 1))
                if state == "SUSPENDED":
                    ended = min(today, decided + dt.timedelta(days=rng.randint(10, 200)))
            elif state == "REMOVED":
                decided = today - dt.timedelta(days=span + rng.randrange(730))
                removal_reason = "EXPIRED" if rng.random() < 0.8 else "REPAIRED"
            else:  # WITHDRAWN, NOTICE_SENT: never decided
                decided = None
            created = (decided or today - dt.timedelta(days=rng.randrange(60))) - dt.timedelta(days=21)
            notice = None if red else created + dt.timedelta(days=2)
            published = decided + dt.timedelta(days=3) if decided else None
            if decided is not None and valid_until is None:
                valid_until = months_later(decided, months)
            if state == "REMOVED":
                ended = valid_until if removal_reason == "EXPIRED" else decided + dt.timedelta(days=rng.randint(200, 600))
            elif state == "WITHDRAWN":
                ended = created + dt.timedelta(days=rng.randint(5, 15))
            listing_unit = rng.choice(reg.listing_units[lt])
            plan = EntryPlan(
                id=self.entry_base + j + 1, subject=subject, list_type=lt, state=state, listing_unit=listing_unit,
                created_by=reg.officers.get(listing_unit, reg.fallback_user), created=created, notice=notice,
                decided=decided, published=published, valid_until=valid_until, ended=ended,
                removal_reason=removal_reason,
            )
            if state in ("ACTIVE", "SUSPENDED"):
                pairs = reg.pairs[lt]
                for measure, unit in rng.sample(pairs, min(EXECUTIONS_PER_ENTRY, len(pairs))):
                    execution_id += 1
                    ex = Execution(execution_id, measure, unit, "APPLIED")
                    if state == "SUSPENDED":
                        ex.state = "SUSPENDED"
                    elif quota.get(unit, 0) > 0 and rng.random() < open_share:
                        quota[unit] -= 1
                        ex.state, ex.task_step = ("PUSHED", "respond") if rng.random() < 0.7 else ("ACKNOWLEDGED", "feedback")
                    elif measure not in reg.mandatory and rng.random() < 0.1:
                        ex.state = "NOT_APPLIED"
                    plan.executions.append(ex)
            yield plan

    def entry_rows(self) -> Iterator[str]:
        reg = self.registry
        for p in self.plans():
            published_at = f"{p.published} 10:00:00+08" if p.published else None
            removed_at = f"{p.ended} 01:00:00+08" if p.state == "REMOVED" else None
            name = reg.list_types[p.list_type]
            yield _row(
                p.id, p.state, f"经核查，该主体存在{name}认定标准所列失信行为（基准数据）", "符合列入名单的认定标准",
                reg.basis[p.list_type], "", p.notice and p.notice + dt.timedelta(days=7), p.decided,
                p.decided and p.decided + dt.timedelta(days=9), published_at,
                p.valid_until if p.decided else None, p.removal_reason, removed_at,
                1 if p.state == "SUSPENDED" else 0, "{}", f"{p.created} 09:00:00+08",
                f"{p.ended or p.published or p.created} 10:00:00+08", p.created_by, p.listing_unit, p.list_type,
                p.listing_unit, self.subject_id(p.subject),
            )

    def period_rows(self) -> Iterator[str]:
        period_id = self.period_base
        for p in self.plans():
            history = [("DRAFT", p.created)]
            if p.notice:
                history.append(("NOTICE_SENT", p.notice))
            if p.decided and p.notice:
                history.append(("DECIDED", p.decided))
            if p.published:
                history.append(("ACTIVE", p.published))
            if p.state in ("SUSPENDED", "REMOVED", "WITHDRAWN"):
                history.append((p.state, p.ended))
            for k, (state, start) in enumerate(history):
                period_id += 1
                end = f"{history[k + 1][1]} 10:00:00+08" if k + 1 < len(history) else None
                yield _row(period_id, state, f"{start} 10:00:00+08", end, p.id, self.subject_id(p.subject))

    def execution_rows(self) -> Iterator[str]:
        """Also notes which executions an open task waits on, for the viewflow tables."""
        self._open_tasks = []
        for p in self.plans():
            created = f"{p.published} 10:05:00+08" if p.published else None
            for ex in p.executions:
                if ex.task_step:
                    self._open_tasks.append(OpenTask(len(self._open_tasks), p.published, p.subject, ex.id,
                                                     ex.unit_id, ex.task_step))
                applied = f"{p.published + dt.timedelta(days=12)} 15:00:00+08" if ex.state in ("APPLIED", "SUSPENDED") else None
                acknowledged = None if ex.state == "PUSHED" else f"{p.published + dt.timedelta(days=2)} 11:00:00+08"
                yield _row(
                    ex.id, ex.state, "APPLIED" if ex.state == "SUSPENDED" else "", acknowledged, applied,
                    "已按规定实施" if applied else "", "非强制性措施，本单位职责范围内无适用事项" if ex.state == "NOT_APPLIED" else "",
                    applied, applied, None, created, p.id, ex.measure_id, ex.unit_id,
                )

    def open_tasks(self) -> list[OpenTask]:
        """The executions an open viewflow task waits on, in plan order (noted by ``execution_rows``)."""
        if self._open_tasks is None:
            for _row_text in self.execution_rows():
                pass
        return self._open_tasks


@dataclass(frozen=True)
class OpenTask:
    k: int
    published: dt.date
    subject: int  # subject index
    execution: int
    unit_id: int
    step: str


# --- viewflow rows, shaped like the ones ``ExecutionFlow.start_for`` writes -----------------------------

@dataclass
class FlowShape:
    """What viewflow stores for a measure execution's flow, read from one real flow started
    through the ORM (``TaskReferenceField`` / ``FlowReferenceField`` strings, content types)."""

    flow_class: str
    start_task: str
    respond_task: str
    feedback_task: str
    execution_content_type: int
    due_computation: dict
    titles: dict[str, str]


@dataclass
class TaskRows:
    province: Province
    shape: FlowShape
    officer_of: Callable[[int], int | None]  # unit id → a user id that has claimed some tasks
    process_base: int
    task_base: int
    previous_base: int

    def _ids(self, k):
        return self.process_base + k + 1, self.task_base + 2 * k + 1, self.task_base + 2 * k + 2

    def _due(self, k) -> dt.date:
        return self.province.today + dt.timedelta(days=(k * 7919) % 76 - 30)

    def process_rows(self) -> Iterator[str]:
        for t in self.province.open_tasks():
            process, _start, _human = self._ids(t.k)
            data = json.dumps({"case": f"cases.measureexecution:{t.execution}"})
            yield _row(process, self.shape.flow_class, "NEW", f"{t.published} 10:05:00+08", None,
                       self.shape.execution_content_type, t.execution, data, None, None, None)

    def task_rows(self) -> Iterator[str]:
        for t in self.province.open_tasks():
            process, start, human = self._ids(t.k)
            at = f"{t.published} 10:05:00+08"
            yield _row(start, self.shape.start_task, "START", "DONE", at, at, at, "start", None, None, None,
                       process, None, None, None, None, None, "{}", None, None, None)
            owner = self.officer_of(t.unit_id) if t.k % 4 == 0 else None
            step = self.shape.respond_task if t.step == "respond" else self.shape.feedback_task
            yield _row(human, step, "HUMAN", "ASSIGNED" if owner else "NEW", at, None, None, "start", None,
                       self.province.permission(t.unit_id), owner, process, None, None,
                       at if owner else None, None, None, "{}", None, None, None)

    def previous_rows(self) -> Iterator[str]:
        for t in self.province.open_tasks():
            _process, start, human = self._ids(t.k)
            yield _row(self.previous_base + t.k + 1, human, start)

    def work_rows(self) -> Iterator[str]:
        shape = self.shape
        for t in self.province.open_tasks():
            _process, _start, human = self._ids(t.k)
            due = self._due(t.k)
            computation = dict(shape.due_computation, due=due.isoformat(), raw_due=due.isoformat(),
                               start=str(t.published))
            title = f"{shape.titles[t.step]} · {subject_name(t.subject)}"
            yield _row(human, "MEASURE", t.step, "cases.measureexecution", t.execution, title[:255], "f",
                       due, "MONTHS", json.dumps(computation, ensure_ascii=False), "t", None,
                       due - dt.timedelta(days=5), "[]", None, f"{t.published} 10:05:00+08", None, None, None,
                       self.province.subject_id(t.subject), t.unit_id)


SUBJECT_COLUMNS = ["id", "kind", "identifier_type", "identifier", "name", "legal_representative", "address",
                   "created_at", "updated_at", "region_id"]
ENTRY_COLUMNS = ["id", "state", "facts", "reasons", "basis", "statement", "statement_due", "decision_date",
                 "publication_due", "published_at", "valid_until", "removal_reason", "removed_at",
                 "open_verifications", "deadlines", "created_at", "updated_at", "created_by_id",
                 "data_providing_unit_id", "list_type_id", "listing_unit_id", "subject_id"]
PERIOD_COLUMNS = ["id", "state", "started_at", "ended_at", "entry_id", "subject_id"]
EXECUTION_COLUMNS = ["id", "state", "state_before_suspension", "acknowledged_at", "applied_at", "applied_note",
                     "not_applied_reason", "first_applied_at", "feedback_reported_at", "lifted_at", "created_at",
                     "entry_id", "measure_id", "unit_id"]
PROCESS_COLUMNS = ["id", "flow_class", "status", "created", "finished", "artifact_content_type_id",
                   "artifact_object_id", "data", "parent_task_id", "seed_content_type_id", "seed_object_id"]
TASK_COLUMNS = ["id", "flow_task", "flow_task_type", "status", "created", "started", "finished", "token",
                "external_task_id", "owner_permission", "owner_id", "process_id", "owner_permission_content_type_id",
                "owner_permission_obj_pk", "assigned", "artifact_content_type_id", "artifact_object_id", "data",
                "seed_content_type_id", "seed_object_id", "scheduled"]
PREVIOUS_COLUMNS = ["id", "from_task_id", "to_task_id"]
WORK_COLUMNS = ["task_id", "case_type", "step", "object_type", "object_id", "title", "leader_only", "due",
                "due_unit", "due_computation", "is_open", "paused_at", "remind_on", "reminders_sent", "escalated_at",
                "created_at", "completed_at", "completed_by_id", "escalated_to_id", "subject_id", "unit_id"]
