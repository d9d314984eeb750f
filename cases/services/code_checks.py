"""Query-code checks that cannot be guessed through (issue 17, item 3).

The rule: after ``QUERY_CODE_FAILURE_LIMIT`` (5) wrong codes for one case number within
``QUERY_CODE_LOCKOUT_MINUTES`` (30), code checks for that number are refused for the next
``QUERY_CODE_LOCKOUT_MINUTES``, even with the right code, from any address. A right code before
that resets the count. A number that no case has is counted and locked the same way, so a lockout
says nothing about whether a case exists. The subject is told when checks resume and that the
accepting window or unit can help; an administrator can lift a lockout at once
(``manage.py query_code_unlock NUMBER``).

Counted in PostgreSQL, not Redis: the count holds across gunicorn workers and while Redis is down.
Every check first claims an attempt with one atomic ``INSERT … ON CONFLICT … RETURNING``, before
the code is compared, so concurrent guesses cannot slip past the limit between a read and a write.
Usage (``cases.services.intake.case_by_number``)::

    attempt = attempt_claim(number)        # CodeChecksLocked while the number is locked
    if wrong: attempt_failed(number, attempt)   # CodeChecksLocked once the limit is reached
    else: attempt_passed(number)
"""

from __future__ import annotations

import datetime as dt
import logging
import math

from django.conf import settings
from django.db import connections, router
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.errors import TooManyAttempts
from cases.models import QueryCodeLockout

logger = logging.getLogger("cases.code_checks")

KEY_LENGTH = 64  # QueryCodeLockout.number
STALE_AFTER = dt.timedelta(days=1)


class CodeChecksLocked(TooManyAttempts):
    code = "query_code_locked"
    default_message = _("Query code checks for this case number are paused.")

    def __init__(self, locked_until: dt.datetime):
        self.locked_until = locked_until
        retry_after = max(1, math.ceil((locked_until - timezone.now()).total_seconds()))
        advice = _("Too many wrong query codes were entered for this case number. Checks are paused until "
                   "%(time)s (Beijing time); you can try again then. If you have lost the query code, the "
                   "accepting window or unit can help.") % {
            "time": timezone.localtime(locked_until).strftime("%Y-%m-%d %H:%M")}
        self.advice = advice
        super().__init__(fields={"code": [(self.code, advice)]},
                         extra={"locked_until": locked_until.isoformat(), "retry_after": retry_after})


def _limit() -> int:
    return settings.QUERY_CODE_FAILURE_LIMIT


def _period() -> dt.timedelta:
    return dt.timedelta(minutes=settings.QUERY_CODE_LOCKOUT_MINUTES)


def lockout_key(number: str) -> str:
    return (number or "").strip().upper()[:KEY_LENGTH]


_CLAIM = f"""
INSERT INTO {QueryCodeLockout._meta.db_table} AS t (number, failures, window_started_at, locked_until, updated_at)
VALUES (%(number)s, 1, %(now)s, CASE WHEN 1 >= %(limit)s THEN %(until)s::timestamptz END, %(now)s)
ON CONFLICT (number) DO UPDATE SET
    failures = CASE WHEN t.locked_until > %(now)s THEN t.failures + 1
                    WHEN t.locked_until IS NOT NULL OR t.window_started_at <= %(window_from)s THEN 1
                    ELSE t.failures + 1 END,
    window_started_at = CASE WHEN t.locked_until > %(now)s THEN t.window_started_at
                             WHEN t.locked_until IS NOT NULL OR t.window_started_at <= %(window_from)s THEN %(now)s
                             ELSE t.window_started_at END,
    locked_until = CASE WHEN t.locked_until > %(now)s THEN t.locked_until
                        WHEN t.locked_until IS NOT NULL OR t.window_started_at <= %(window_from)s
                            THEN CASE WHEN 1 >= %(limit)s THEN %(until)s::timestamptz END
                        WHEN t.failures + 1 >= %(limit)s THEN %(until)s::timestamptz
                        ELSE NULL END,
    updated_at = %(now)s
RETURNING failures, locked_until
"""


def attempt_claim(number: str) -> int:
    """Count one code check for ``number`` and return its place in the window (1, 2, …). Raises
    ``CodeChecksLocked`` while the number is locked; the check that reaches the limit locks it
    (and is itself still compared: a right code then lifts the lock at once)."""
    now = timezone.now()
    params = {"number": lockout_key(number), "now": now, "limit": _limit(), "until": now + _period(),
              "window_from": now - _period()}
    with connections[router.db_for_write(QueryCodeLockout)].cursor() as cursor:
        cursor.execute(_CLAIM, params)
        failures, locked_until = cursor.fetchone()
    if failures > _limit():
        raise CodeChecksLocked(locked_until)
    return failures


def attempt_failed(number: str, attempt: int) -> None:
    """A wrong code (or a number without a case): at the limit, the lockout begins (logged)."""
    if attempt < _limit():
        return
    row = QueryCodeLockout.objects.filter(number=lockout_key(number)).values("locked_until").first()
    locked_until = (row or {}).get("locked_until") or timezone.now() + _period()
    logger.warning("query code checks locked", extra={"case_number": lockout_key(number), "failures": attempt,
                                                      "locked_until": locked_until.isoformat()})
    raise CodeChecksLocked(locked_until)


def attempt_passed(number: str) -> None:
    """The right code: the count starts again (and a lockout reached by this very check is lifted)."""
    QueryCodeLockout.objects.filter(number=lockout_key(number)).delete()


def query_code_unlock(*, number: str) -> bool:
    """An administrator lifts a lockout at once (after the accepting unit has checked who asks).
    True when the number was locked."""
    rows = QueryCodeLockout.objects.filter(number=lockout_key(number))
    was_locked = rows.filter(locked_until__gt=timezone.now()).exists()
    rows.delete()
    if was_locked:
        logger.warning("query code lockout lifted by an administrator", extra={"case_number": lockout_key(number)})
    return was_locked


def code_lockouts_prune() -> int:
    """Delete the rows of numbers nobody has tried for a day (and no lockout running)."""
    now = timezone.now()
    stale = QueryCodeLockout.objects.filter(updated_at__lt=now - STALE_AFTER).exclude(locked_until__gt=now)
    deleted, _rows = stale.delete()
    return deleted
