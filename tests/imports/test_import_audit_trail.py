"""An imported entry's history starts in its import batch's audit event (ADR 0005): the auditors'
console and the officers' case page show it, and the case bundle proves it offline."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile

import pytest
from django.test import Client
from django.utils import translation

from cases.audit.services import audit_anchor
from cases.models import ImportBatch, ListEntry
from tests.factories import AuditorFactory

from .conftest import entry_row, to_csv

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(province, tokens, submit):
    rows = [entry_row(n, province["blacklist"].code) for n in (1, 2, 3)]
    assert submit(tokens["entries"], to_csv(rows)).status_code == 202
    entry = ListEntry.objects.get(import_record__record_id="R0000002")
    return entry, ImportBatch.objects.get()


def _client(user, language="zh-hans"):
    client = Client(HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(user)
    return client


def test_the_console_timeline_starts_with_the_batch_and_shows_this_entry_only(province, imported):
    entry, batch = imported
    auditor = AuditorFactory(unit=province["listing"], scope_region=province["region"])
    page = _client(auditor).get(f"/audit/entry/{entry.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    with translation.override("zh-hans"):
        assert str(translation.gettext("Entry drafted by a bulk import")) in html
    assert f"cases.importbatch:{batch.pk}" in html
    assert "R0000002" in html and entry.subject.identifier in html
    assert "R0000001" not in html and "R0000003" not in html  # the batch's other rows are not this case


def test_the_bundle_of_an_imported_entry_verifies_offline(province, imported, tmp_path):
    entry, batch = imported
    audit_anchor()
    auditor = AuditorFactory(unit=province["listing"], scope_region=province["region"])
    response = _client(auditor).get(f"/audit/entry/{entry.pk}/bundle.zip")
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        archive.extractall(tmp_path)
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    assert {"chain": f"cases.importbatch:{batch.pk}", "role": "import"} in manifest["chains"]
    events = json.loads((tmp_path / "chain" / "events.json").read_text())
    first = [e for e in events if e["payload"]["chain"] == f"cases.importbatch:{batch.pk}"]
    assert [e["payload"]["action"] for e in first] == ["import.batch"]
    assert entry.pk in [row[0] for row in first[0]["payload"]["changes"]["entries"][1]]
    done = subprocess.run([sys.executable, "-I", "-S", "verify_bundle.py"], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_officers_case_page_shows_the_import_as_the_first_event(province, imported):
    entry, _ = imported
    page = _client(province["officer"], "en").get(f"/work/cases/entry/{entry.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert html.index('data-action="import.batch"') < html.index('data-action="task.open"')
    assert "entry drafted by a bulk import" in html


def test_as_of_the_import_the_entry_exists_as_a_draft(imported):
    import datetime as dt

    from cases.audit.console.history import case_as_of
    from cases.audit.models import AuditEvent
    from cases.audit.selectors import case_events, case_for

    entry, batch = imported
    auditor = AuditorFactory(unit=entry.listing_unit, scope_region=entry.listing_unit.region)
    case = case_for(user=auditor, kind="entry", pk=entry.pk)
    events = case_events(case)
    imported_at = AuditEvent.objects.get(chain=f"cases.importbatch:{batch.pk}").occurred_at
    first_own = min(e.occurred_at for e in events if e.chain == f"cases.listentry:{entry.pk}")
    assert imported_at <= first_own
    then = case_as_of(case, imported_at, events)
    assert (then.existed, then.state) == (True, "DRAFT")
    assert not case_as_of(case, imported_at - dt.timedelta(seconds=1), events).existed
