"""Document numbers (发文字号): per issuing unit, letter type and year, gapless and unique.

GB/T 9704-2012 §7.2.4: 发文机关代字、年份、发文顺序号; the year in hexagonal brackets 〔〕, the
sequence number without leading zeros and without "第", e.g. 拉发改信用决〔2026〕12号.

Gapless: the counter row is locked (SELECT … FOR UPDATE) and incremented in the caller's
transaction, the same one that inserts the letter. If that transaction rolls back, so does the
increment, so a number is either on a letter row or was never handed out. Concurrent issuers of
one unit and type wait for each other on that row only; the unique constraint on the letter
(unit, letter_type, year, number) is the backstop.
"""

from __future__ import annotations

from django.db import transaction

from cases.locking import for_update

from .models import LetterNumberCounter
from .types import spec_for


def format_document_number(*, prefix: str, marker: str, year: int, number: int) -> str:
    return f"{prefix}{marker}〔{year}〕{number}号"


def take_next_number(*, unit, letter_type: str, year: int) -> int:
    """Hand out the next number; must run inside the transaction that stores the letter."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("take_next_number must run inside the transaction that stores the letter")
    # Create the row if this is the year's first letter; a concurrent creator is not an error.
    LetterNumberCounter.objects.bulk_create(
        [LetterNumberCounter(unit=unit, letter_type=letter_type, year=year)], ignore_conflicts=True
    )
    counter = for_update(LetterNumberCounter.objects).get(unit=unit, letter_type=letter_type, year=year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


def assign(*, unit, letter_type: str, year: int) -> tuple[int | None, str]:
    """(number, document number) for a new letter; (None, "") for types that carry no number."""
    spec = spec_for(letter_type)
    if not spec.numbered:
        return None, ""
    number = take_next_number(unit=unit, letter_type=letter_type, year=year)
    return number, format_document_number(prefix=unit.document_prefix, marker=spec.marker, year=year, number=number)
