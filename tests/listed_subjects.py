"""The listed subjects' table (``cases_listed_subject``, kept by triggers: migration 0018) against a
recount from the entries: tests that change entries by any path assert it is exact afterwards."""

from django.db import connection

RECOUNT = """
    SELECT s.id, s.name, count(*)::int
      FROM cases_listentry e JOIN cases_subject s ON s.id = e.subject_id
     WHERE e.state IN ('ACTIVE', 'SUSPENDED')
     GROUP BY s.id, s.name"""


def listed_subjects() -> dict[int, tuple[str, int]]:
    with connection.cursor() as cur:
        cur.execute("SELECT subject_id, name, entries FROM cases_listed_subject")
        return {pk: (name, n) for pk, name, n in cur.fetchall()}


def recounted() -> dict[int, tuple[str, int]]:
    with connection.cursor() as cur:
        cur.execute(RECOUNT)
        return {pk: (name, n) for pk, name, n in cur.fetchall()}


def assert_listed_subjects_exact() -> dict[int, tuple[str, int]]:
    """The table as the triggers left it equals a recount from the entries; returns it."""
    kept = listed_subjects()
    assert kept == recounted()
    return kept
