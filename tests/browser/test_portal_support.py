"""Shared pieces of the portal's browser tests (no tests here): signing keys for the province's
units and an NSS database trusting the demo CA (for pdfsig), axe-core checks, language switching,
and the guided filing driven through the pages."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from cases.models import ListEntry, Unit
from letters import pki
from tests.pdfs import minimal_pdf

# About 200 KB, so that the upload's progress bar has something to show.
PDF = minimal_pdf("portal browser test", pad_to=200_000)
SERIOUS = ("serious", "critical")


@pytest.fixture
def signing(province, settings, tmp_path):
    """A demo CA and a signing key for every unit of the province; media in the test's directory."""
    keys = tmp_path / "keys"
    settings.LETTERS_KEY_DIR = keys
    settings.MEDIA_ROOT = tmp_path / "media"
    ca, _ = pki.ensure_demo_ca(keys)
    for unit in Unit.objects.all():
        pki.issue_unit_credentials(ca, unit_code=unit.code, unit_name=unit.name, directory=keys)
    return keys


@pytest.fixture
def nss_db(signing, tmp_path) -> str:
    if shutil.which("certutil") is None:
        pytest.fail("certutil is missing: install the Debian package libnss3-tools")
    directory = tmp_path / "nssdb"
    directory.mkdir()
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True)
    subprocess.run(["certutil", "-A", "-d", f"sql:{directory}", "-n", "credit-demo-ca", "-t", "CT,C,C",
                    "-i", str(signing / pki.CA_CERT_FILE)], check=True)
    return f"sql:{directory}"


@pytest.fixture
def repairable(province, as_user, signing):
    """A blacklist entry decided on 2 June 2025 (its minimum publication has passed), ACTIVE."""
    from tests.workflow.test_listing_through_the_api import list_through_api

    entry = off_loop(list_through_api, province, as_user, served_on="2025-05-06", decision_date="2025-06-02")
    return ListEntry.objects.select_related("subject").get(pk=entry["id"])


def off_loop(fn, *args, **kwargs):
    """Run ``fn`` in a worker thread: Playwright's event loop runs in the test's thread, and letter
    signing (pyHanko) starts its own loop, which it cannot do inside a running one. The live
    server's requests already run in their own threads."""
    from concurrent.futures import ThreadPoolExecutor

    from django.db import connections

    def run():
        try:
            return fn(*args, **kwargs)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(run).result()


def pdfsig(path: Path, nss: str) -> str:
    done = subprocess.run(["pdfsig", "-nssdir", nss, str(path)], capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def axe_check(page, name: str) -> None:
    """axe-core on the page as it is now: no serious or critical violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    bad = [v for v in results.response["violations"] if v.get("impact") in SERIOUS]
    assert not bad, f"{name}: " + "; ".join(
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:5]}" for v in bad)


def use_language(page, live_server, language: str) -> None:
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


def fits_phone(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"] + 1, f"horizontal scroll on a phone: {width}px"


def continue_(page):
    with page.expect_navigation():
        page.click("#step-form button[type=submit]")


def walk_filing(page, *, kind: str, entry, details: dict, applicant: dict | None, uploads: dict, shoot=None):
    """Fill every step of the guided form; returns (number, query code) from the done page."""
    shoot = shoot or (lambda name: None)
    page.fill("#id_subject", entry.subject.identifier)
    shoot("subject")
    continue_(page)
    page.check(f"#entry-{entry.pk}")
    shoot("entry")
    continue_(page)
    for selector, value in details.items():
        page.fill(selector, value)
    shoot("details")
    continue_(page)
    for selector, value in (applicant or {}).items():
        page.fill(selector, value)
    shoot("applicant")
    continue_(page)
    for group, names in uploads.items():
        page.set_input_files(f"#files-{group}", [{"name": n, "mimeType": "application/pdf", "buffer": PDF}
                                                 for n in names])
        # Choosing the files uploads them (static/credit/site.js): no 上传 to press.
        for n in names:
            page.wait_for_selector(f"#draft-files [data-group={group}] .file-name:text-is('{n}')")
        assert page.eval_on_selector(f"#progress-{group}", "el => el.value") == 100, "the progress bar ran to the end"
    shoot("attachments")
    with page.expect_navigation():
        page.click("#attachments-continue")
    shoot("review")
    with page.expect_navigation():
        page.click("#submit-application")
    shoot("done")
    return page.inner_text("#case-number").strip(), page.inner_text("#query-code").strip()


def officer_completes(browser, live_server, user, work_item, fields: dict | None = None, shoot=None) -> None:
    """As ``user`` (a unit's officer or leader), open the task in the officers' workspace
    (/work/tasks/<id>/) and complete it with the step's own form, as an officer would."""
    from tests.factories import TEST_PASSWORD

    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(20_000)
    try:
        page.goto(f"{live_server.url}/accounts/login/?next=/work/tasks/{work_item.pk}/")
        page.fill("#id_username", user.username)
        page.fill("#id_password", TEST_PASSWORD)
        with page.expect_navigation():
            page.click("main button[type=submit]")
        page.wait_for_selector("#complete-form")
        for name, value in (fields or {}).items():
            field = page.locator(f"#complete-form [name={name}]").first
            kind = field.evaluate("el => el.tagName.toLowerCase() + ':' + (el.type || '')")
            if kind == "input:radio":
                page.check(f"#complete-form input[name={name}][value='{value}']")
            elif kind.startswith("select"):
                field.select_option(value)
            else:
                field.fill(value)
        if shoot:
            shoot(page)
        with page.expect_navigation():
            page.click("#complete-form button[type=submit]")
        work_item.refresh_from_db()
        assert not work_item.is_open, page.locator("main").inner_text()[:2000]
    finally:
        context.close()


def open_work(case, step):
    from workflow.models import WorkItem

    return WorkItem.objects.get(object_type=case._meta.label_lower, object_id=case.pk, step=step, is_open=True)
