"""The import rules of docs/architecture.md, read from the code itself (no import is executed)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("cases", "workflow", "letters", "notifications", "config", "deadlines", "bench", "tests")


def imported_modules(package: str):
    """(file, line, module) for every import in a top-level package, including function-local ones."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT), node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                yield path.relative_to(ROOT), node.lineno, node.module


@pytest.mark.parametrize("package", ["deadlines"])
def test_deadlines_imports_nothing_of_the_other_apps(package):
    """The calendar, the rules, the holiday data and the recompute stand alone: the other apps call
    them, and hear of moved dates through the holder registry (deadlines.recompute)."""
    others = tuple(app for app in OUR_APPS if app != package)
    offending = [f"{path}:{line} imports {module}" for path, line, module in imported_modules(package)
                 if module.split(".")[0] in others]
    assert not offending, "\n".join(offending)


def test_cases_imports_nothing_of_the_workflow():
    """The domain announces what happened (``cases.events``); the workflow subscribes and opens,
    pauses, re-dates and cancels tasks. Nothing under ``cases/`` (domain, API, portal, imports,
    audit) imports the workflow, not even inside a function: the demo cases that drive tasks live
    in ``workflow/demo.py``, and an entry's tasks are read through ``cases.selectors.case_tasks``."""
    offending = [f"{path}:{line} imports {module}" for path, line, module in imported_modules("cases")
                 if module.split(".")[0] == "workflow"]
    assert not offending, "\n".join(offending)


def test_the_pure_calendar_imports_no_django():
    offending = [f"{path}:{line} imports {module}" for path, line, module in imported_modules("deadlines")
                 if str(path) == "deadlines/calendar.py" and module.split(".")[0] == "django"]
    assert not offending, "\n".join(offending)


def test_no_code_asks_which_database_it_runs_on():
    """PostgreSQL everywhere, the embedded default included: no dialect branch anywhere in the code
    (migrations included), so a feature is never built twice or missing once."""
    offending = []
    for package in ("cases", "deadlines", "workflow", "letters", "notifications", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if ".vendor" in line and "connection" in line:
                    offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offending, "\n".join(offending)


def test_no_date_is_taken_from_a_timestamp_in_utc():
    """A date derived from a timestamp is the Beijing date: ``timezone.localdate(ts)``, never
    ``ts.date()`` (the UTC date of an aware datetime) nor the server's ``date.today()``. A line
    that takes the date of a naive value on purpose says ``# naive``."""
    import re

    wrong = re.compile(r"\.date\(\)|date\.today\(\)|datetime\.now\(\)\.|utcnow\(")
    allowed = ("localtime(", "strptime(", "is_aware", "# naive", "now(BEIJING)")
    offending = []
    for package in ("cases", "deadlines", "workflow", "letters", "notifications", "config"):
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
                if wrong.search(line) and not any(mark in line for mark in allowed):
                    offending.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not offending, "take timezone.localdate(value) instead:\n" + "\n".join(offending)
