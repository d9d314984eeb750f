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
    return user.get_full_name() or user.get_username()


@register.filter
def filesize(n):
    n = n or 0
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"
