from django import template

from cases.models import ProcedureRule

register = template.Library()



@register.filter
def case_type_label(value):
    try:
        return ProcedureRule.CaseType(value).label
    except ValueError:
        return value


@register.filter
def period_unit(value):
    try:
        return ProcedureRule.PeriodUnit(value).label
    except ValueError:
        return value or ""


@register.filter
def lookup(mapping, key):
    return (mapping or {}).get(key, "")


@register.filter
def person(user):
    if user is None:
        return ""
    return person_name(user.first_name, user.last_name, user.get_username())


def person_name(first_name: str, last_name: str, username: str) -> str:
    """How a person is named on a page (Django's full name, else the username), from plain values:
    the queue reads its rows as values (workflow/views/queue.py)."""
    return f"{first_name} {last_name}".strip() or username


@register.filter
def filesize(n):
    n = n or 0
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
