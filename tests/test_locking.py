"""Every row lock in the project goes through ``cases.locking.for_update``.

A bare ``select_for_update()`` locks ``FOR UPDATE`` every table of the query, which blocks the
foreign-key checks of other transactions and deadlocked a letter worker with an objection filing
(``tests/letters/test_letter_locks.py`` shows the scenario). This keeps the rule from eroding.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("cases", "workflow", "letters", "notifications", "config")


def test_no_bare_select_for_update_outside_cases_locking():
    offenders = []
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            relative = path.relative_to(ROOT).as_posix()
            if relative == "cases/locking.py" or "/migrations/" in relative:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.Attribute) and node.attr == "select_for_update":
                    offenders.append(f"{relative}:{node.lineno}")
    assert offenders == [], f"use cases.locking.for_update instead: {offenders}"
