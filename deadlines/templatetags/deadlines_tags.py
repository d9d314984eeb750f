from django import template

from deadlines.status import calendar_warnings

register = template.Library()


@register.simple_tag
def holiday_data_warnings():
    """The years deadlines reach whose official holiday schedule is missing (deadlines.status)."""
    return calendar_warnings()
