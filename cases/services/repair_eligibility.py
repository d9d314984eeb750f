"""May this entry be repaired, and from when? (domain.md §4: eligibility is checked before
acceptance and shown to the applicant with reasons.)

Rule-driven: every figure is a ``ProcedureRule`` row of case type REPAIR (regime: the list type's
code, else "default") or a field of the ``ListType``, both edited by an administrator:

- the minimum publication period (最短公示期) of the entry's severity tier: the list type's own
  ``min_publication_months`` when set, else ``REPAIR/min_publication_<tier>``; it runs from the
  date of the underlying decision (minor tier: 0 months, repairable as soon as performance is
  proven);
- categories excluded from repair: ``ListType.repair_excluded`` with the basis that forbids it;
- the bar after repeated offences: when ``REPAIR/repeat_offence_window`` and
  ``REPAIR/repeat_offence_bar`` are in force, an entry decided within the window after an earlier
  listing of the same subject on the same list type may not be repaired before the bar has run
  from its own decision;
- a cap on repairs: when ``REPAIR/repair_cap_window`` is in force, one granted repair per subject
  and list type within the window.

Each condition is reported met or unmet with the rule it comes from and, when time alone will
meet it, the date from which it is met. The answer's ``earliest_date`` is the first day all
conditions are met (None when some condition never will be).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import ListEntry, ListType, RepairCase
from deadlines.calendar import months_later
from deadlines.rules import ProcedureRuleMissing, find_rule, rule_ref

REPAIR = "REPAIR"
DAY = dt.timedelta(days=1)
# A listing found wrong (revoked or annulled) or never made does not count as an earlier offence.
NOT_AN_OFFENCE = (ListEntry.RemovalReason.REVOKED, ListEntry.RemovalReason.ANNULLED)


@dataclass(frozen=True)
class Condition:
    code: str
    met: bool
    message: str
    rule: str = ""
    earliest_date: dt.date | None = None  # from when time alone meets it; None: time will not

    def as_dict(self) -> dict:
        return {"code": self.code, "met": self.met, "message": self.message, "rule": self.rule,
                "earliest_date": self.earliest_date.isoformat() if self.earliest_date else None}


@dataclass(frozen=True)
class Eligibility:
    entry_id: int
    on: dt.date
    conditions: tuple[Condition, ...]
    tier: str = ""
    publication_start: dt.date | None = None
    minimum_publication_ends: dt.date | None = None
    maximum_publication_ends: dt.date | None = None
    materials: tuple[str, ...] = field(default=())

    @property
    def eligible(self) -> bool:
        return all(c.met for c in self.conditions)

    @property
    def unmet(self) -> list[Condition]:
        return [c for c in self.conditions if not c.met]

    @property
    def earliest_date(self) -> dt.date | None:
        """The first day on which every condition is met; None if one never will be by time."""
        dates = []
        for condition in self.conditions:
            if condition.earliest_date is None:
                if not condition.met:
                    return None
                continue
            dates.append(condition.earliest_date)
        return max(dates) if dates else self.on

    def as_dict(self) -> dict:
        iso = lambda d: d.isoformat() if d else None  # noqa: E731
        return {
            "entry": self.entry_id, "on": self.on.isoformat(), "eligible": self.eligible,
            "earliest_date": iso(self.earliest_date), "tier": self.tier,
            "publication_start": iso(self.publication_start),
            "minimum_publication_ends": iso(self.minimum_publication_ends),
            "maximum_publication_ends": iso(self.maximum_publication_ends),
            "conditions": [c.as_dict() for c in self.conditions], "materials": list(self.materials),
        }


def _rule(entry: ListEntry, step: str, on: dt.date):
    try:
        return find_rule(REPAIR, step, regime_candidates=(entry.list_type.code, "default"), on_date=on)
    except ProcedureRuleMissing:
        return None


def _after(start: dt.date, months: int) -> dt.date:
    """The first day after a period of ``months`` from ``start`` (民法典 201-202: the trigger day is
    not counted, the corresponding day is the last day). A 0-month period has passed at once."""
    return start if months == 0 else months_later(start, months) + DAY


def publication_start(entry: ListEntry) -> dt.date | None:
    """Publication periods run from the date of the underlying decision document (domain.md §4)."""
    if entry.decision_date:
        return entry.decision_date
    return timezone.localtime(entry.published_at).date() if entry.published_at else None


def _minimum(entry: ListEntry, start: dt.date, on: dt.date) -> tuple[Condition, dt.date, str]:
    lt = entry.list_type
    tier = lt.severity or ListType.Severity.GENERAL
    if lt.min_publication_months is not None:
        months = lt.min_publication_months
        source = _("%(list)s: minimum publication %(n)s months") % {"list": lt.name, "n": months}
    else:
        rule = _rule(entry, f"min_publication_{tier.lower()}", on)
        months = rule.amount if rule else 0
        source = rule_ref(rule) if rule else _("no minimum publication rule in force")
    ends = _after(start, months)
    if on >= ends:
        message = _("The minimum publication period has passed.")
    else:
        message = _("The minimum publication period of %(n)s months runs until %(date)s.") % {
            "n": months, "date": (ends - DAY).isoformat()}
    return Condition("minimum_publication", on >= ends, message, source, ends), ends, tier


def _maximum(entry: ListEntry, start: dt.date, tier: str, on: dt.date) -> dt.date | None:
    lt = entry.list_type
    if lt.max_publication_months is not None:
        return months_later(start, lt.max_publication_months)
    rule = _rule(entry, f"max_publication_{tier.lower()}", on)
    return months_later(start, rule.amount) if rule else None


def _excluded(entry: ListEntry) -> Condition:
    lt = entry.list_type
    if lt.repair_excluded:
        return Condition("excluded_category", False,
                         _("This list type is excluded from credit repair: %(basis)s") % {
                             "basis": lt.repair_exclusion_basis},
                         lt.repair_exclusion_basis, None)
    return Condition("excluded_category", True, _("This list type may be repaired."))


def _repeat_offence(entry: ListEntry, start: dt.date, on: dt.date) -> Condition | None:
    window, bar = _rule(entry, "repeat_offence_window", on), _rule(entry, "repeat_offence_bar", on)
    if window is None or bar is None:
        return None
    earlier = (
        ListEntry.objects.filter(subject_id=entry.subject_id, list_type_id=entry.list_type_id,
                                 decision_date__isnull=False, decision_date__lte=start,
                                 decision_date__gte=months_later(start, -window.amount))
        .exclude(pk=entry.pk).exclude(state=ListEntry.State.WITHDRAWN)
        .exclude(removal_reason__in=NOT_AN_OFFENCE)
        .order_by("-decision_date").first()
    )
    ref = f"{rule_ref(window)}; {rule_ref(bar)}"
    if earlier is None:
        return Condition("repeat_offence", True, _("No earlier listing bars repair."), ref)
    ends = _after(start, bar.amount)
    met = on >= ends
    message = _("Listed again within %(window)s months of an earlier listing (decided %(earlier)s): "
                "repair is barred until %(date)s.") % {
        "window": window.amount, "earlier": earlier.decision_date.isoformat(), "date": (ends - DAY).isoformat()}
    return Condition("repeat_offence", met, message, ref, ends)


def _repair_cap(entry: ListEntry, on: dt.date) -> Condition | None:
    window = _rule(entry, "repair_cap_window", on)
    if window is None:
        return None
    last = (
        RepairCase.objects.filter(subject_id=entry.subject_id, entry__list_type_id=entry.list_type_id,
                                  state__in=RepairCase.GRANTED, decided_on__isnull=False,
                                  decided_on__gt=months_later(on, -window.amount))
        .order_by("-decided_on").first()
    )
    if last is None:
        return Condition("repair_cap", True, _("No earlier repair within the window."), rule_ref(window))
    ends = _after(last.decided_on, window.amount)
    return Condition("repair_cap", on >= ends,
                     _("A repair of this list type was granted on %(date)s (%(number)s): one repair per "
                       "%(n)s months.") % {"date": last.decided_on.isoformat(), "number": last.number,
                                           "n": window.amount},
                     rule_ref(window), ends)


def _open_repair(entry: ListEntry, exclude_case=None) -> Condition:
    qs = RepairCase.objects.filter(entry=entry, state__in=[*RepairCase.OPEN, RepairCase.State.APPROVED])
    if exclude_case is not None:
        qs = qs.exclude(pk=exclude_case.pk)
    other = qs.only("number").first()
    if other is not None:
        return Condition("open_repair", False,
                         _("A repair application on this entry is already open (%(number)s).") % {
                             "number": other.number})
    return Condition("open_repair", True, _("No other repair application on this entry is open."))


def repair_eligibility(*, entry: ListEntry, today: dt.date | None = None, case=None) -> Eligibility:
    """The engine's answer for ``entry`` on ``today``. ``case`` is the application being checked
    (at acceptance), so that it does not count as another open application."""
    on = today or timezone.localdate()
    entry = ListEntry.objects.select_related("list_type").get(pk=entry.pk)
    materials = (str(_("proof that the obligations were performed")),
                 str(_("the credit commitment letter (信用承诺书), signed")))
    listed = entry.state in ListEntry.LISTED and not entry.is_red
    if not listed:
        message = (_("A red-list entry is not a record to repair.") if entry.is_red
                   else _("Only a listed entry can be repaired."))
        return Eligibility(entry.pk, on, (Condition("listed", False, message),), materials=materials)
    conditions = [Condition("listed", True, _("The entry is listed."))]
    start = publication_start(entry) or on
    minimum, minimum_ends, tier = _minimum(entry, start, on)
    conditions += [_excluded(entry), minimum]
    for extra in (_repeat_offence(entry, start, on), _repair_cap(entry, on)):
        if extra is not None:
            conditions.append(extra)
    conditions.append(_open_repair(entry, exclude_case=case))
    return Eligibility(
        entry.pk, on, tuple(conditions), tier=tier, publication_start=start,
        minimum_publication_ends=minimum_ends - DAY if minimum_ends > start else start,
        maximum_publication_ends=_maximum(entry, start, tier, on), materials=materials,
    )
