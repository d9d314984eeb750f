"""The parallel suite's scheduler (tests/conftest.py) keeps every test on the production-shaped stack
in one unit of work: a stack test file it does not know would start a second stack on another worker."""

from pathlib import Path

from tests.conftest import STACK_FILES

ROOT = Path(__file__).resolve().parents[1]


def test_every_file_that_uses_the_stack_is_scheduled_with_the_stack(request):
    on_the_stack = {item.nodeid.split("::", 1)[0] for item in request.session.items if "stack" in item.fixturenames}
    assert on_the_stack <= STACK_FILES, f"add to STACK_FILES in tests/conftest.py: {sorted(on_the_stack - STACK_FILES)}"
    assert all((ROOT / path).is_file() for path in STACK_FILES), "STACK_FILES names a file that is gone"
