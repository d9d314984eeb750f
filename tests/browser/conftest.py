"""Real-browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

Screenshots go to ``$TEST_ARTIFACTS`` when it is set (scripts/test sets it).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread while a browser is open; Django refuses
# ORM calls from a thread with a running loop unless told that this is deliberate. Only these tests
# are told so, and the browser is closed after each module, so the rest of the suite keeps Django's
# check.


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    # Module scope: set before the test database is prepared, unset after it is flushed.
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


# Every page in these tests runs under the site's enforced Content-Security-Policy (issue 17 item 7):
# each browser context reports what the policy blocked, and a test that caused a violation fails.
CSP_WATCH = """document.addEventListener("securitypolicyviolation", (e) => console.error(
  "CSP violation: " + e.effectiveDirective + " blocked " + (e.blockedURI || "?") + " in " + e.documentURI
  + " at " + e.sourceFile + ":" + e.lineNumber + " " + (e.sample || "")), true);"""
CSP_VIOLATIONS: list[str] = []


def _record_csp_violation(message) -> None:
    if message.text.startswith("CSP violation") or "Content Security Policy" in message.text:
        CSP_VIOLATIONS.append(message.text)


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: install the Debian package chromium (scripts/test does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        new_context = browser.new_context

        def watched_context(*args, **kwargs):
            context = new_context(*args, **kwargs)
            context.add_init_script(CSP_WATCH)
            context.on("console", _record_csp_violation)
            return context

        browser.new_context = watched_context
        yield browser
        browser.close()


@pytest.fixture(autouse=True)
def _no_csp_violation():
    CSP_VIOLATIONS.clear()
    yield
    assert CSP_VIOLATIONS == [], "the Content-Security-Policy blocked:\n" + "\n".join(dict.fromkeys(CSP_VIOLATIONS))


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    """``screenshot("name")`` saves a full-page PNG into $TEST_ARTIFACTS (no-op without it)."""

    def take(name: str) -> Path | None:
        directory = os.environ.get("TEST_ARTIFACTS")
        if not directory:
            return None
        path = Path(directory) / f"{name}.png"
        path.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
