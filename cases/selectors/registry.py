"""Reads of the registry. Registry data (units, list types, measures) is readable by all staff;
subjects are readable by staff only (natural persons' ID numbers are personal information)."""

from django.db.models import Prefetch, Q, QuerySet

from cases.identifiers import normalise
from cases.models import ListType, Measure, Subject, Unit, UnitListRole

from .names import name_contains


def subject_search(*, user, query: str = "", kind: str = "") -> QuerySet[Subject]:
    qs = Subject.objects.all().order_by("identifier")
    query = (query or "").strip()
    if query:
        code = normalise(query)
        could_be_code = code.isascii() and code.isalnum()  # codes are digits and capital letters
        if len(code) == 18 and could_be_code:  # a full code (an 18-character name is a name)
            qs = qs.filter(identifier=code)
        elif could_be_code:  # a code's beginning, or a name's digits or Latin letters
            qs = qs.filter(name_contains(query) | Q(identifier__startswith=code))
        else:
            # Chinese characters are never in a code: no OR, which would make PostgreSQL test the
            # whole condition again on every row the name index finds (a PL/pgSQL call per row for
            # two characters: 40 ms for 刘伟's 11,904 matches at 10 million subjects).
            qs = qs.filter(name_contains(query))
    if kind:
        qs = qs.filter(kind=kind)
    return qs


def subject_by_identifier(*, user, identifier: str) -> Subject | None:
    return Subject.objects.prefetch_related("name_history").filter(identifier=normalise(identifier)).first()


def unit_list(*, user) -> QuerySet[Unit]:
    return (
        Unit.objects.filter(is_active=True)
        .select_related("region", "parent")
        .prefetch_related(Prefetch("list_roles", queryset=UnitListRole.objects.select_related("list_type")))
    )


def list_type_list(*, user) -> QuerySet[ListType]:
    return ListType.objects.filter(is_active=True).prefetch_related(
        "measures", Prefetch("unit_roles", queryset=UnitListRole.objects.select_related("unit"))
    )


def measure_list(*, user) -> QuerySet[Measure]:
    return Measure.objects.filter(is_active=True).prefetch_related("implementing_units")
