"""Filters for the letter templates: dates and numbers written the way official documents write them."""

from __future__ import annotations

import datetime as dt

from django import template
from django.utils import timezone

register = template.Library()

_CN_DIGITS = "〇一二三四五六七八九"


def _as_date(value):
    if isinstance(value, dt.datetime):
        # A timestamp's date is the Beijing date, never the UTC one.
        return timezone.localdate(value) if timezone.is_aware(value) else value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


@register.filter
def cn_date(value) -> str:
    """2026-03-05 → 2026年3月5日 (GB/T 9704-2012 §7.3.5: Arabic numerals, no leading zeros)."""
    day = _as_date(value)
    if day is None:
        return "" if value is None else str(value)
    return f"{day.year}年{day.month}月{day.day}日"


@register.filter
def cn_number(value) -> str:
    """Small counts in Chinese numerals (五个工作日, 二十日); other values unchanged."""
    try:
        n = int(value)
    except (TypeError, ValueError):
        return str(value)
    if not 0 <= n < 100:
        return str(n)
    if n < 10:
        return _CN_DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _CN_DIGITS[tens]) + "十" + (_CN_DIGITS[ones] if ones else "")


@register.filter
def as_list(value) -> list:
    """A context value that may be one string or a list of them."""
    if value in (None, ""):
        return []
    return list(value) if isinstance(value, (list, tuple)) else [value]


@register.filter
def is_mapping(value) -> bool:
    return isinstance(value, dict)


@register.filter
def pairs(value) -> list:
    """[label, value] rows in the case's order. PostgreSQL's jsonb does not keep a mapping's key
    order, so cases pass ordered rows as a list of pairs; a mapping still renders (in jsonb order)."""
    if isinstance(value, dict):
        return list(value.items())
    return [tuple(row) for row in value or []]
