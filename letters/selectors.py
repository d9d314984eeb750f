"""Reads of letters, scoped to who asks."""

from __future__ import annotations

from django.db.models import CharField, Count, Min, Q, QuerySet, Value
from django.db.models.functions import Cast, Concat

from cases.models import StaffProfile
from cases.selectors.entries import entries_visible_to
from cases.selectors.objections import objections_visible_to
from cases.selectors.repairs import repairs_visible_to
from cases.selectors.scope import staff_of, units_readable

from .models import Letter

# The cases letters belong to, each with the selector that says who may see it.
CASES_VISIBLE_TO = (entries_visible_to, objections_visible_to, repairs_visible_to)


def letters_visible_to(user):
    """Letters a staff member may read and download.

    Officers and leaders: their own unit's letters, and every letter of a case they may see (a unit
    that lists, provides the data, accepts, verifies or decides works the case from the same
    letters, whichever unit issued them). Auditors: the letters of every unit they supervise. Both
    from ``cases.selectors.scope.units_readable``. Everyone else: none; the subject's own access
    comes with the portal.
    """
    base = Letter.objects.select_related("unit", "subject")
    staff = staff_of(user)
    own = units_readable(staff, "unit")
    if own is None:
        return base.none()
    if staff.role == StaffProfile.Role.AUDITOR:
        return base.filter(own)
    of_my_cases = Q()
    for visible in CASES_VISIBLE_TO:
        of_my_cases |= Q(case_chain__in=_chains(visible(user=user)))
    return base.filter(own | of_my_cases)


def _chains(cases: QuerySet) -> QuerySet:
    """The cases' audit chains (``cases.objectioncase:12``, as ``chain_key`` names them), which is
    what a letter keeps of its case."""
    prefix = Value(f"{cases.model._meta.label_lower}:")
    return (cases.order_by().annotate(chain=Concat(prefix, Cast("pk", CharField()), output_field=CharField()))
            .values("chain"))


def letters_of_cases(case_chains):
    """Every letter of these cases (their audit chains), newest first, superseded ones included: the
    reader the cases app reads letters through (``cases.selectors.case_letters``)."""
    return Letter.objects.filter(case_chain__in=case_chains).select_related("unit", "subject", "supersedes")


def letters_waiting(*, numbered_before) -> dict:
    """PENDING letters numbered before ``numbered_before``, and those whose enqueue failed (Redis
    down): what ``/readyz`` names as waiting. PENDING rows only (index letter_pending_by_created)."""
    return Letter.objects.filter(status=Letter.Status.PENDING).filter(
        Q(created_at__lt=numbered_before) | Q(enqueue_failed_at__isnull=False)
    ).aggregate(count=Count("pk"), not_enqueued=Count("pk", filter=Q(enqueue_failed_at__isnull=False)),
                oldest=Min("created_at"))
