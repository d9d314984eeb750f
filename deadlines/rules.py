"""The Django side of deadlines: the calendar built from the holiday tables, and procedure rules.

The arithmetic lives in deadlines.calendar (pure); this module only feeds it data.
"""

from __future__ import annotations

import datetime as dt
import logging
import threading
import time
import uuid
from collections.abc import Iterable, Sequence

from django.core.cache import cache
from django.db import transaction
from django.db.models import Q
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils.translation import gettext_lazy as _

from deadlines.calendar import ChinaCalendar, DeadlineComputation, Extension, Pause, compute_deadline
from deadlines.errors import DeadlinesError
from deadlines.models import HolidayOverride, HolidayYear, ProcedureRule

logger = logging.getLogger(__name__)

# A token in the shared cache (Redis in production) that changes whenever holiday data changes, so
# that every process (web workers, Celery) drops its copy, not only the one that saved.
GENERATION_KEY = "deadlines:calendar-generation"

_lock = threading.Lock()
_cached: tuple[str | None, ChinaCalendar] | None = None


class ProcedureRuleMissing(DeadlinesError):
    """No procedure rule row applies: the administrator has to add one (a configuration gap)."""

    status = 500
    code = "procedure_rule_missing"
    default_message = _("No procedure rule applies to this step.")


# While the shared cache (Redis) fails, it is left alone for a few seconds: a hung Redis then costs
# one timeout every few seconds, not one per computation, and the log gets one line a minute.
_CACHE_RETRY_SECONDS = 5.0
_cache_down_until = 0.0
_cache_warned_at = 0.0


def _cache_failed(message: str) -> None:
    global _cache_down_until, _cache_warned_at
    now = time.monotonic()
    _cache_down_until = now + _CACHE_RETRY_SECONDS
    if now - _cache_warned_at >= 60:
        _cache_warned_at = now
        logger.warning(message, exc_info=True)


def _shared_generation() -> str | None:
    if time.monotonic() < _cache_down_until:
        return None
    try:
        token = cache.get(GENERATION_KEY)
        if token is None:
            cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
            token = cache.get(GENERATION_KEY)
        return token
    except Exception:  # the cache being down must not stop deadline computation
        _cache_failed("calendar cache generation unavailable; rebuilding the calendar")
        return None


def _bump_shared_generation() -> None:
    try:
        cache.set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except Exception:
        _cache_failed("could not invalidate the shared calendar generation")


def invalidate_calendar_cache() -> None:
    """Drop this process's calendar and tell the other processes to drop theirs.

    Called by the post_save/post_delete signals of HolidayYear and HolidayOverride (below).
    The shared token is bumped again after commit, so a process that rebuilt its calendar while the
    change was still uncommitted does not keep the old data.
    """
    global _cached
    with _lock:
        _cached = None
    _bump_shared_generation()
    transaction.on_commit(_bump_shared_generation)


@receiver([post_save, post_delete], sender=HolidayYear, dispatch_uid="deadlines_holiday_year_changed")
@receiver([post_save, post_delete], sender=HolidayOverride, dispatch_uid="deadlines_holiday_override_changed")
def _holiday_data_changed(sender, **kwargs):
    # Every process that can write holiday data also invalidates every other process's calendar.
    invalidate_calendar_cache()


def build_calendar() -> ChinaCalendar:
    """A ChinaCalendar from the override table and the years declared complete (no caching)."""
    overrides = [row.as_day_override() for row in HolidayOverride.objects.all()]
    declared = dict(HolidayYear.objects.filter(declared_complete=True).values_list("year", "source_document"))
    return ChinaCalendar(overrides=overrides, declared_years=declared, year_sources=declared)


def current_calendar() -> ChinaCalendar:
    """The calendar to compute deadlines with, cached per process until holiday data changes."""
    global _cached
    generation = _shared_generation()
    with _lock:
        if _cached is not None and generation is not None and _cached[0] == generation:
            return _cached[1]
    calendar = build_calendar()
    with _lock:
        _cached = (generation, calendar)
    return calendar


def rule_ref(rule: ProcedureRule) -> str:
    """How a computation names the rule it applied, e.g. ``OBJECTION/verify/default: 20 CALENDAR_DAYS (…)``."""
    return f"{rule.case_type}/{rule.step}/{rule.regime}: {rule.amount} {rule.period_unit} ({rule.basis})"


def compute_for_rule(
    rule: ProcedureRule,
    *,
    start: dt.date,
    pauses: Iterable[Pause] = (),
    extension: Extension | None = None,
    calendar: ChinaCalendar | None = None,
) -> DeadlineComputation:
    """The deadline a procedure rule sets for a period triggered on ``start`` (民法典 arts. 201-203)."""
    return compute_deadline(
        start=start,
        amount=rule.amount,
        unit=rule.period_unit,
        calendar=calendar if calendar is not None else current_calendar(),
        pauses=pauses,
        extension=extension,
        rule_ref=rule_ref(rule),
    )


def find_rule(
    case_type: str,
    step: str,
    *,
    regime_candidates: Sequence[str] = (ProcedureRule.DEFAULT_REGIME,),
    on_date: dt.date,
) -> ProcedureRule:
    """The rule in force on ``on_date`` (effective_from <= on_date < effective_to) for the most
    specific regime: the first of ``regime_candidates`` that has one. Should two rows of one regime
    both be in force, the later effective_from wins. Raises ProcedureRuleMissing if none applies."""
    candidates = list(regime_candidates)
    in_force = (
        ProcedureRule.objects.filter(
            case_type=case_type, step=step, regime__in=candidates, effective_from__lte=on_date
        )
        .filter(Q(effective_to__isnull=True) | Q(effective_to__gt=on_date))
        .order_by("-effective_from")
    )
    by_regime: dict[str, ProcedureRule] = {}
    for rule in in_force:
        by_regime.setdefault(rule.regime, rule)
    for regime in candidates:
        if regime in by_regime:
            return by_regime[regime]
    raise ProcedureRuleMissing(
        _("No procedure rule for %(case_type)s/%(step)s in force on %(date)s (regimes tried: %(regimes)s).")
        % {"case_type": case_type, "step": step, "date": on_date.isoformat(), "regimes": ", ".join(candidates)},
        extra={"case_type": case_type, "step": step, "on_date": on_date.isoformat(), "regimes": candidates},
    )
