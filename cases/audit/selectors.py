"""Reads of the auditors' console (审计): which cases an auditor may see, finding them, and every
audit chain a case consists of. Nothing here writes.

Scope (domain.md §2, "auditors read everything in their scope and change nothing") is the one rule
of ``cases.selectors.scope``, which the API follows too: an auditor with a scope region sees the
cases of every unit in that region and below; without one, the cases of their own unit. A case is
in scope when a unit responsible for it is (``scope.responsible``). Anything else is "not found"
(404), never "forbidden", so the console does not reveal that a case exists.

A case is several chains: its own (``cases.objectioncase:7``; tasks and letters of the case are
recorded on it too) and those of the objects it moved: the list entry (for objections and repairs),
the entry's measure executions (each with its tasks) and restoration tasks.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.db.models import CharField, F, Q, QuerySet, Value
from django.utils import timezone

from cases.errors import Forbidden, NotFound
from cases.identifiers import normalise
from cases.models import (
    ImportBatch, ImportedRecord, ListEntry, ListType, MeasureExecution, ObjectionCase, RemovalBatch, RepairCase,
    RestorationTask,
    StaffProfile, Subject, Unit,
)
from cases.selectors.names import name_contains
from cases.selectors.scope import responsible, staff_of, units_supervised_by

from .models import AuditAnchor, AuditChainHead, AuditEvent, chain_key

KINDS = ("entry", "objection", "repair")
MODELS = {"entry": ListEntry, "objection": ObjectionCase, "repair": RepairCase}
KIND_OF_LABEL = {m._meta.label_lower: k for k, m in MODELS.items()}
PAGE_SIZE = 20
# A name fragment is matched against at most this many subjects (as the public search does): a
# broad fragment must be refined instead of joining every case of the province.
NAME_MATCH_LIMIT = 1000
CASE_NUMBER = re.compile(r"^(MD|YY|XF)-(\d{4})-(\d{1,12})$")
CODE = re.compile(r"^[0-9A-Z]{18}$")


# --- scope -------------------------------------------------------------------------------------------
def auditor_profile(user) -> StaffProfile:
    """The auditor's staff profile, or Forbidden: the console is for auditors only."""
    staff = staff_of(user)
    if staff is None or staff.role != StaffProfile.Role.AUDITOR:
        raise Forbidden(code="auditor_only")
    return staff


def scope_units(*, user) -> QuerySet[Unit]:
    """The units whose cases the auditor reads: the one rule the API follows too (``scope``)."""
    return units_supervised_by(auditor_profile(user))


def cases_in_scope(*, user, kind: str) -> QuerySet:
    units = scope_units(user=user).values("pk")
    return MODELS[kind].objects.filter(responsible(kind, units))


# --- finding cases -----------------------------------------------------------------------------------
@dataclass
class FinderQuery:
    q: str = ""
    kind: str = ""
    unit: Unit | None = None
    list_type: ListType | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    page: int = 1


@dataclass
class FinderRow:
    kind: str
    pk: int
    reference: str
    state: str
    state_label: str
    at: dt.datetime
    subject: Subject | None
    unit: Unit | None
    list_type: ListType | None


@dataclass
class FinderPage:
    rows: list[FinderRow] = field(default_factory=list)
    page: int = 1
    has_next: bool = False
    truncated: bool = False  # the name fragment matched more subjects than are searched


def _moment(day: dt.date, end: bool) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.max if end else dt.time.min))


def _branch(kind: str, query: FinderQuery, units, subject_ids) -> QuerySet | None:
    model = MODELS[kind]
    at = "created_at" if kind == "entry" else "filed_at"
    unit_field = {"entry": "listing_unit_id", "objection": "verifying_unit_id", "repair": "deciding_unit_id"}[kind]
    list_type_field = "list_type_id" if kind == "entry" else "entry__list_type_id"
    qs = model.objects.filter(responsible(kind, units))
    if query.unit is not None:
        qs = qs.filter(responsible(kind, [query.unit]))
    if query.list_type is not None:
        qs = qs.filter(**{list_type_field: query.list_type.pk})
    if query.date_from:
        qs = qs.filter(**{f"{at}__gte": _moment(query.date_from, end=False)})
    if query.date_to:
        qs = qs.filter(**{f"{at}__lte": _moment(query.date_to, end=True)})
    text = normalise(query.q)
    number = CASE_NUMBER.match(text)
    if number:
        prefix, year, seq = number.groups()
        if {"MD": "entry", "YY": "objection", "XF": "repair"}[prefix] != kind:
            return None
        if kind == "entry":  # MD-<year>-<id>: the year as ListEntry.case_ref writes it (UTC)
            start = dt.datetime(int(year), 1, 1, tzinfo=dt.timezone.utc)
            qs = qs.filter(pk=int(seq), created_at__gte=start, created_at__lt=start.replace(year=start.year + 1))
        else:
            qs = qs.filter(number=text)
    elif subject_ids is not None:
        qs = qs.filter(subject_id__in=subject_ids)
    return qs.annotate(
        kind=Value(kind, output_field=CharField()), at=F(at), unit_ref=F(unit_field), list_type_ref=F(list_type_field),
    ).values("kind", "pk", "state", "at", "subject_id", "unit_ref", "list_type_ref")


def find_cases(*, user, query: FinderQuery) -> FinderPage:
    """Cases in the auditor's scope, newest first: by case number (MD-/YY-/XF-…), subject code or a
    name fragment, responsible unit, list type and a date range (filing, or drafting for entries).

    Pagination is by page without a total count, so a page costs the same at any scale."""
    units = scope_units(user=user).values("pk")
    text = normalise(query.q)
    subject_ids, truncated = None, False
    if text and not CASE_NUMBER.match(text):
        if CODE.match(text):
            subject_ids = list(Subject.objects.filter(identifier=text).values_list("pk", flat=True))
        else:
            subject_ids = list(Subject.objects.filter(name_contains(query.q.strip(), ignore_case=True))
                               .order_by("pk").values_list("pk", flat=True)[:NAME_MATCH_LIMIT + 1])
            truncated = len(subject_ids) > NAME_MATCH_LIMIT
            subject_ids = subject_ids[:NAME_MATCH_LIMIT]
    kinds = (query.kind,) if query.kind in KINDS else KINDS
    branches = [b for b in (_branch(k, query, units, subject_ids) for k in kinds) if b is not None]
    page = max(1, query.page)
    if not branches or subject_ids == []:
        return FinderPage(page=page, truncated=truncated)
    union = branches[0] if len(branches) == 1 else branches[0].union(*branches[1:], all=True)
    offset = (page - 1) * PAGE_SIZE
    raw = list(union.order_by("-at", "-pk")[offset:offset + PAGE_SIZE + 1])
    has_next = len(raw) > PAGE_SIZE
    raw = raw[:PAGE_SIZE]
    subjects = Subject.objects.in_bulk({r["subject_id"] for r in raw})
    unit_rows = Unit.objects.in_bulk({r["unit_ref"] for r in raw})
    list_types = ListType.objects.in_bulk({r["list_type_ref"] for r in raw})
    numbers = {}
    for kind in ("objection", "repair"):
        pks = [r["pk"] for r in raw if r["kind"] == kind]
        if pks:
            numbers.update({(kind, pk): n for pk, n in MODELS[kind].objects.filter(pk__in=pks).values_list("pk", "number")})
    rows = []
    for r in raw:
        model = MODELS[r["kind"]]
        if r["kind"] == "entry":
            reference = f"MD-{r['at']:%Y}-{r['pk']:06d}"  # as ListEntry.case_ref
        else:
            reference = numbers.get((r["kind"], r["pk"])) or str(r["pk"])
        rows.append(FinderRow(
            kind=r["kind"], pk=r["pk"], reference=reference, state=r["state"],
            state_label=str(dict(model.State.choices).get(r["state"], r["state"])), at=r["at"],
            subject=subjects.get(r["subject_id"]), unit=unit_rows.get(r["unit_ref"]),
            list_type=list_types.get(r["list_type_ref"]),
        ))
    return FinderPage(rows=rows, page=page, has_next=has_next, truncated=truncated)


# --- one case and its chains ---------------------------------------------------------------------------
@dataclass
class ChainInfo:
    chain: str
    role: str  # case | entry | import | removal | execution | restoration
    obj: object


@dataclass
class AuditCase:
    kind: str
    obj: object
    reference: str
    entry: ListEntry
    chains: list[ChainInfo]

    @property
    def chain_names(self) -> list[str]:
        return [c.chain for c in self.chains]

    @property
    def own_chain(self) -> str:
        return self.chains[0].chain


def reference_of(kind: str, obj) -> str:
    return obj.case_ref if kind == "entry" else (obj.number or str(obj.pk))


def case_for(*, user, kind: str, pk: int) -> AuditCase:
    """One case in the auditor's scope with all its chains, or NotFound (404)."""
    if kind not in MODELS:
        raise NotFound()
    related = {"entry": ("list_type", "subject", "listing_unit", "data_providing_unit"),
               "objection": ("entry", "entry__list_type", "subject", "accepting_unit", "verifying_unit",
                             "entry__listing_unit"),
               "repair": ("entry", "entry__list_type", "subject", "deciding_unit", "verification_unit",
                          "entry__listing_unit")}[kind]
    obj = cases_in_scope(user=user, kind=kind).select_related(*related).filter(pk=pk).first()
    if obj is None:
        raise NotFound()
    entry = obj if kind == "entry" else obj.entry
    chains = [ChainInfo(chain_key(obj), "case", obj)]
    if kind != "entry":
        chains.append(ChainInfo(chain_key(entry), "entry", entry))
    # An imported entry's history starts in the audit event of the batch that drafted it (ADR 0005).
    batch = ImportBatch.objects.filter(pk=ImportedRecord.objects.filter(entry=entry).values("batch_id")[:1]).first()
    if batch is not None:
        chains.append(ChainInfo(chain_key(batch), "import", batch))
    # An entry removed by the expiry night: its removal is the event of its batch (ADR 0007).
    if entry.removal_batch_id:
        removal = RemovalBatch.objects.get(pk=entry.removal_batch_id)
        chains.append(ChainInfo(chain_key(removal), "removal", removal))
    executions = MeasureExecution.objects.filter(entry=entry).select_related("measure", "unit").order_by("pk")
    chains += [ChainInfo(chain_key(x), "execution", x) for x in executions]
    restorations = RestorationTask.objects.filter(entry=entry).select_related("unit").order_by("pk")
    chains += [ChainInfo(chain_key(r), "restoration", r) for r in restorations]
    return AuditCase(kind=kind, obj=obj, reference=reference_of(kind, obj), entry=entry, chains=chains)


def case_events(case: AuditCase, *, until: dt.datetime | None = None) -> list[AuditEvent]:
    """Every event of the case's chains, in the order they happened (the (chain, seq) index)."""
    qs = AuditEvent.objects.filter(chain__in=case.chain_names).select_related("actor_unit", "on_behalf_of")
    if until is not None:
        qs = qs.filter(occurred_at__lte=until)
    return sorted(qs, key=lambda e: (e.occurred_at, e.chain, e.seq))


def chain_events(chains: list[str]) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(chain__in=chains).order_by("chain", "seq"))


def chain_heads(chains: list[str]) -> dict[str, AuditChainHead]:
    return AuditChainHead.objects.in_bulk(chains)


def covering_anchors(chains: list[str], *, since: dt.datetime | None = None) -> list[AuditAnchor]:
    """The anchors that recorded a head of one of ``chains`` (JSONB containment on ``heads``), and
    for each the anchor before it, so the anchors' own chaining can be shown. Anchors are made in
    time order, so those older than the case's first event are skipped by id."""
    if not chains:
        return []
    qs = AuditAnchor.objects.all()
    if since is not None:
        first = AuditAnchor.objects.filter(created_at__gte=since).order_by("id").values_list("id", flat=True).first()
        if first is None:
            return []
        qs = qs.filter(id__gte=first)
    contains = Q()
    for chain in chains:
        contains |= Q(heads__contains=[[chain]])
    return list(qs.filter(contains).order_by("id"))


# --- a case's timeline, filtered and paged -----------------------------------------------------------
TIMELINE_PAGE_SIZE = 50
# Kinds of event an auditor filters by: the case's procedure (its own steps and its entry's), the
# measures and their restoration, tasks, letters and uploaded material. Each is a set of action
# prefixes, so an action added later falls into its kind without a change here.
EVENT_KINDS = {
    "procedure": ("entry.", "objection.", "repair.", "import.", "removal.", "case."),
    "measures": ("execution.", "restoration."),
    "tasks": ("task.",),
    "letters": ("letter.",),
    "materials": ("attachments.",),
}
SYSTEM_ACTOR = "system"


@dataclass
class TimelineQuery:
    kind: str = ""  # a key of EVENT_KINDS, or "" for every kind
    actor: str = ""  # a user's id, SYSTEM_ACTOR (no user: the system's own jobs), or "" for anyone
    date_from: dt.date | None = None  # Beijing dates, both ends included
    date_to: dt.date | None = None
    page: int = 1


@dataclass
class TimelinePage:
    events: list[AuditEvent]
    count: int  # events matching the filters
    page: int
    pages: int
    first: int  # 1-based position of the first event shown (0 when none)

    @property
    def last(self) -> int:
        return self.first + len(self.events) - 1 if self.events else 0

    @property
    def has_previous(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def case_actors(*, chains: list[str]) -> list[tuple[str, str]]:
    """Who acted in the case's chains, as (value, name) for the actor filter: people by name, then the
    system (events without a user) if it acted. Only the case's own events are read, so the list
    names nobody the reader could not already see on the page."""
    pairs = (AuditEvent.objects.filter(chain__in=chains).order_by()
             .values_list("actor_id", "actor_name").distinct())
    names: dict[int, str] = {}
    system = False
    for actor_id, actor_name in pairs:
        if actor_id is None:
            system = True
        else:
            names.setdefault(actor_id, actor_name)
    for user in get_user_model().objects.filter(pk__in=names):
        names[user.pk] = user.get_full_name() or names[user.pk] or user.get_username()
    choices = sorted(((str(pk), name) for pk, name in names.items()), key=lambda pair: pair[1])
    return choices + ([(SYSTEM_ACTOR, "")] if system else [])


def case_timeline(*, chains: list[str], query: TimelineQuery, page_size: int = TIMELINE_PAGE_SIZE) -> TimelinePage:
    """One page of the events of a case's chains, oldest first (the order of ``case_events``), filtered
    by kind of event, actor and Beijing-date period. The database filters, counts and slices; a page
    past the last shows the last. The chains are already the reader's: all of an auditor's case
    (``case_for``), or those the officers' case page shows (``workflow.case_view``)."""
    qs = AuditEvent.objects.filter(chain__in=chains)
    if query.kind:
        kinds = Q()
        for prefix in EVENT_KINDS[query.kind]:
            kinds |= Q(action__startswith=prefix)
        qs = qs.filter(kinds)
    if query.actor == SYSTEM_ACTOR:
        qs = qs.filter(actor__isnull=True)
    elif query.actor:
        qs = qs.filter(actor_id=int(query.actor))
    if query.date_from:
        qs = qs.filter(occurred_at__gte=_moment(query.date_from, end=False))
    if query.date_to:
        qs = qs.filter(occurred_at__lte=_moment(query.date_to, end=True))
    count = qs.count()
    pages = max(1, -(-count // page_size))
    page = min(max(1, query.page), pages)
    start = (page - 1) * page_size
    events = list(qs.select_related("actor", "actor_unit", "on_behalf_of")
                  .order_by("occurred_at", "chain", "seq")[start:start + page_size])
    return TimelinePage(events=events, count=count, page=page, pages=pages, first=start + 1 if events else 0)
