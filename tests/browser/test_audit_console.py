"""The auditors' console in a real browser: an auditor signs in, finds a case, reads its timeline,
views it as of a date, sees the chain verification pass, exports the bundle, and the offline check
passes on it (``python3 verify_bundle.py`` run from the extracted ZIP); one flipped byte in the ZIP
makes it fail. Screenshots of every page in zh-hans and en."""

from __future__ import annotations

import io
import subprocess
import sys
import threading
import zipfile

import pytest
from django.db import connection

from cases.audit.services import audit_anchor
from letters import pki
from letters.models import Letter
from letters.services import letter_produce
from tests.api.status_fixtures import no_letter_production, world  # noqa: F401
from tests.audit.console_fixtures import auditors, build_history
from tests.browser.test_portal_support import axe_check
from tests.factories import TEST_PASSWORD

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def case_history(world, no_letter_production, settings, tmp_path):  # noqa: F811
    settings.LETTERS_KEY_DIR = tmp_path / "keys"
    history = {**world, **build_history(world), **auditors(world)}
    ca, _ = pki.ensure_demo_ca()
    pki.issue_unit_credentials(ca, unit_code=world["listing"].code, unit_name=world["listing"].name)
    decision = Letter.objects.get(case_chain=f"cases.listentry:{history['entry'].pk}", letter_type="LISTING_DECISION")
    assert produce_outside_the_event_loop(decision.pk) == Letter.Status.ISSUED
    audit_anchor()
    return history


def produce_outside_the_event_loop(letter_id: int) -> str:
    """pyHanko signs with asyncio.run(), which refuses to run beside Playwright's loop: sign the
    letter in a thread of its own (its own database connection; the test commits)."""
    result = {}

    def work():
        try:
            result["status"] = letter_produce(letter_id=letter_id).status
        finally:
            connection.close()

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=120)
    return result.get("status")


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/accounts/login/?next=/audit/")
    page.fill("#id_username", user.username)
    page.fill("#id_password", TEST_PASSWORD)
    with page.expect_navigation():
        page.click("main button[type=submit]")


def verify(folder, *args) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-I", "-S", "verify_bundle.py", *args], cwd=folder,
                          capture_output=True, text=True, timeout=120)


def test_an_auditor_finds_reads_verifies_and_exports_a_case(live_server, page, screenshot, case_history, tmp_path):
    objection, entry = case_history["objection"], case_history["entry"]
    sign_in(page, live_server, case_history["city_auditor"])
    assert page.locator("h1").inner_text() == "审计控制台"
    screenshot("audit-finder-zh")

    page.fill("#id_q", entry.subject.identifier)
    page.click("#case-finder button[type=submit]")
    page.wait_for_selector("#case-results tbody tr")
    rows = page.locator("#case-results tbody tr")
    assert rows.count() == 2  # the objection and the entry it concerns
    screenshot("audit-finder-results-zh")
    axe_check(page, "audit finder results (zh)")

    with page.expect_navigation():
        page.click(f"#case-results a:has-text('{objection.number}')")
    assert page.locator("h1").inner_text() == objection.number
    timeline = page.locator("#timeline").inner_text()
    for expected in ("异议已提交", "已上传材料", "名单条目已更正", "措施暂停", "任务已办结", "更正金额"):
        assert expected in timeline, expected
    acting = page.locator("tr[data-action='entry.correct'] td.acting-for").inner_text()
    assert acting == case_history["officer"].get_full_name()
    screenshot("audit-timeline-zh")

    with page.expect_navigation():
        page.click("nav.tabs >> text=某日状态")
    page.fill("#id_at", "2026-04-02T09:00")
    with page.expect_navigation():
        page.click("#as-of-form button[type=submit]")
    assert page.locator("#state-as-of").get_attribute("data-state") == "VERIFYING"
    assert "已暂停" in page.locator("#related-as-of").inner_text()
    screenshot("audit-as-of-zh")
    page.fill("#id_at", "2026-03-05T12:00")
    with page.expect_navigation():
        page.click("#as-of-form button[type=submit]")
    assert "案件在该时刻尚不存在" in page.locator("#as-of-result").inner_text()

    with page.expect_navigation():
        page.click("nav.tabs >> text=哈希链校验")
    assert page.locator("#verdict").get_attribute("data-ok") == "true"
    assert "校验通过" in page.locator("#verdict").inner_text()
    assert page.locator("#chains tr[data-status=anchored]").count() == 6
    screenshot("audit-verify-zh")

    with page.expect_download() as download:
        page.click("#bundle-link")
    bundle = tmp_path / "bundle.zip"
    download.value.save_as(bundle)
    folder = tmp_path / "extracted"
    zipfile.ZipFile(bundle).extractall(folder)
    assert any(p.suffix == ".pdf" for p in (folder / "letters").iterdir())
    passed = verify(folder)
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "VERIFICATION PASSED" in passed.stdout and "signature valid" in passed.stdout

    # One byte of the ZIP changed (inside the applicant's PDF): the offline check fails.
    data = bytearray(bundle.read_bytes())
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("attachments/"))
    data[info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 5] ^= 0x01
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(bytes(data))
    failed = verify(folder, str(tampered))
    assert failed.returncode == 1, failed.stdout
    assert "VERIFICATION FAILED" in failed.stdout and "attachments/" in failed.stdout


def test_the_console_in_english(live_server, page, screenshot, case_history):
    objection = case_history["objection"]
    sign_in(page, live_server, case_history["city_auditor"])
    with page.expect_navigation():
        page.select_option("#lang-select", "en")
    assert page.locator("h1").inner_text() == "Auditors' console"
    page.fill("#id_q", objection.number)
    page.click("#case-finder button[type=submit]")
    page.wait_for_selector("#case-results tbody tr")
    screenshot("audit-finder-en")
    axe_check(page, "audit finder (en)")
    base = f"{live_server.url}/audit/objection/{objection.pk}"
    page.goto(f"{base}/")
    assert "Objection filed" in page.locator("#timeline").inner_text()
    screenshot("audit-timeline-en")
    axe_check(page, "audit timeline (en)")
    page.goto(f"{base}/as-of/?at=2026-04-02T09:00")
    assert page.locator("#state-as-of").inner_text() == "being verified"
    screenshot("audit-as-of-en")
    axe_check(page, "audit as of (en)")
    page.goto(f"{base}/verify/")
    assert page.locator("#verdict").inner_text().startswith("Verified:")
    screenshot("audit-verify-en")
    axe_check(page, "audit verification (en)")


def test_an_auditor_of_another_city_gets_404_in_the_browser(live_server, page, case_history):
    sign_in(page, live_server, case_history["far_auditor"])
    response = page.goto(f"{live_server.url}/audit/objection/{case_history['objection'].pk}/")
    assert response.status == 404
    page.goto(f"{live_server.url}/audit/")
    page.fill("#id_q", case_history["objection"].number)
    page.click("#case-finder button[type=submit]")
    page.wait_for_selector("#results [role=status]")
    assert "没有符合条件的案件" in page.locator("#results").inner_text()
