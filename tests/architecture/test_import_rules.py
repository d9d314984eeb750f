"""The import rules of docs/architecture.md, read from the code itself (no import is executed)."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUR_APPS = ("cases", "workflow", "letters", "notifications", "config", "deadlines", "bench", "tests")


def imported_modules(package: str):
    """(file, line, module) for every import in a top-level package, function-local ones included.

    Relative imports are read as the absolute module they name, and ``from a import b`` yields
    ``a.b`` as well as ``a`` (``from cases import events`` imports the module ``cases.events``)."""
    for path in sorted((ROOT / package).rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        here = list(path.relative_to(ROOT).with_suffix("").parts)[:-1]  # the file's package
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    yield path.relative_to(ROOT), node.lineno, alias.name
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here[: len(here) - (node.level - 1)] + ([node.module] if node.module else [])
                    module = ".".join(base)
                else:
                    module = node.module
                yield path.relative_to(ROOT), node.lineno, module
                for alias in node.names:
                    yield path.relative_to(ROOT), node.lineno, f"{module}.{alias.name}"


def _under(module: str, prefixes) -> bool:
    return any(module == prefix or module.startswith(prefix + ".") for prefix in prefixes)


def _imports_of(files, forbidden) -> list[str]:
    """Where a file under ``files`` (paths or folders, from the root) imports a module under ``forbidden``."""
    offending = set()
    for package in sorted({f.split("/")[0] for f in files}):
        for path, line, module in imported_modules(package):
            if any(str(path) == f or str(path).startswith(f.rstrip("/") + "/") for f in files) \
                    and _under(module, forbidden):
                offending.add(f"{path}:{line} imports {module}")
    return sorted(offending)


# --- the rooms inside an app: domain <- services <- API / pages / tasks ---------------------------

MODELS = ("cases/models", "cases/audit/models.py", "workflow/models", "letters/models.py", "notifications/models")
READS_AND_WRITES = ("cases/services", "cases/selectors", "cases/audit/services.py", "cases/audit/selectors.py",
                    "workflow/services.py", "workflow/selectors.py", "letters/services.py", "letters/selectors.py",
                    "notifications/services", "notifications/selectors.py")
APIS = ("cases.api", "workflow.api", "letters.api")
PAGES = ("cases.portal", "cases.audit.console", "cases.public_views", "cases.views", "workflow.views",
         "letters.views", "notifications.views")


def _files(modules) -> tuple[str, ...]:
    return tuple(m.replace(".", "/") + ("" if (ROOT / m.replace(".", "/")).is_dir() else ".py") for m in modules)


def test_models_import_no_layer_above_them():
    """The domain's models are the ground floor: no service, selector, event, presentation, API,
    page, import job or flow (a model that needs one is a rule in the wrong room)."""
    above = ("cases.services", "cases.selectors", "cases.events", "cases.presentation", "cases.imports",
             "cases.audit.services", "cases.audit.selectors", "workflow.services", "workflow.selectors",
             "workflow.flows", "workflow.dispatch", "letters.services", "letters.selectors",
             "notifications.services", *APIS, *PAGES)
    offending = _imports_of(MODELS, above)
    assert not offending, "\n".join(offending)


def test_services_and_selectors_import_no_api_and_no_page():
    """Writes and reads serve every front door alike: nothing of an API module or a page may be
    what a service or a selector stands on (move the shared piece down: a selector, the
    presentation module, a model)."""
    offending = _imports_of(READS_AND_WRITES, (*APIS, *PAGES))
    assert not offending, "\n".join(offending)


def test_reads_import_no_writes():
    """A selector reads; it stands on models and other selectors, never on a service (a piece both
    need, an error's wording, a reference, a set of statuses, lives below both)."""
    reads = ("cases/selectors", "cases/audit/selectors.py", "workflow/selectors.py", "letters/selectors.py",
             "notifications/selectors.py")
    writes = ("cases.services", "cases.audit.services", "workflow.services", "letters.services",
              "notifications.services")
    offending = _imports_of(reads, writes)
    assert not offending, "\n".join(offending)


def test_no_page_imports_from_an_api():
    """A page (the portal, the workspace, the auditors' console, the public search) renders what
    the services and selectors give it; words and figures it shares with the API come from
    ``cases.presentation`` or a selector, never from an API module."""
    offending = _imports_of(_files(PAGES), APIS)
    assert not offending, "\n".join(offending)


def test_no_api_imports_from_a_page():
    """An API renders data; a page's module is nothing it stands on (the disclosure's API face is
    ``cases.api.public``, its page ``cases.public_views``)."""
    offending = _imports_of(_files(APIS), PAGES)
    assert not offending, "\n".join(offending)


# --- the apps: one direction for each pair, so no cycle ---------------------------------------------

APPS = ("deadlines", "cases", "letters", "workflow", "notifications")
# Each app may import the apps before it, never one after it: the calendar stands alone; the
# domain computes its deadlines with it; letters are issued for the domain's units and subjects
# (their rows point at cases.Unit and cases.Subject); the workflow routes the domain's cases and
# shows their letters; the notifications tell people of what the domain and the workflow did.
ALLOWED = {
    ("cases", "deadlines"),
    ("letters", "cases"), ("letters", "deadlines"),
    ("workflow", "cases"), ("workflow", "deadlines"), ("workflow", "letters"),
    ("notifications", "cases"), ("notifications", "deadlines"), ("notifications", "workflow"),
    ("notifications", "letters"),
}
# The domain reaches the letters as it reaches the workflow, without importing them (issue 20): it
# asks for a letter through its events (cases.events.letter_due, answered by letters.services), reads
# letters through the reader the letters app registers (cases.selectors.case_letters), and names
# letter types and statuses in its own vocabulary (cases.letter_types).


def app_imports() -> dict[tuple[str, str], set[tuple[str, str]]]:
    """(importing app, imported app) -> {(file, module)}, every import between two of our apps."""
    graph: dict[tuple[str, str], set[tuple[str, str]]] = {}
    for app in APPS:
        for path, _line, module in imported_modules(app):
            other = module.split(".")[0]
            if other in APPS and other != app:
                graph.setdefault((app, other), set()).add((str(path), ".".join(module.split(".")[:2])))
    return graph


def test_the_allowed_directions_make_no_cycle():
    """Every pair of apps has at most one allowed direction, and together they are one order."""
    order = {app: rank for rank, app in enumerate(APPS)}
    assert all(order[a] > order[b] for a, b in ALLOWED), "an allowed import runs up the order of APPS"


def test_every_import_between_apps_runs_the_allowed_way():
    """Read from every file, function-local imports included: an import against the allowed
    direction is a cycle between apps (cases -> workflow, cases -> letters, letters -> workflow,
    deadlines -> any); there is no exception."""
    offending = [f"{path} imports {module} ({a} -> {b})"
                 for (a, b), found in sorted(app_imports().items()) if (a, b) not in ALLOWED
                 for path, module in sorted(found)]
    assert not offending, "\n".join(offending)


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
