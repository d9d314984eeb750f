"""One production-shaped stack for every test file under tests/deploy that asks for it."""

import pytest

from tests.deploy.stack_support import stack_up


@pytest.fixture(scope="package")
def stack():
    yield from stack_up()
