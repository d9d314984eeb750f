"""The case bundle: what the ZIP holds, and the offline verifier (standard library only) passing on
it and failing on any change, as a subprocess the way an auditor runs it."""

import ast
import io
import json
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from django.test import Client

from cases.audit import offline_verify
from cases.audit.services import audit_anchor
from letters import pki
from letters.models import Letter
from letters.services import letter_produce

from .console_fixtures import PDF, history, world  # noqa: F401

pytestmark = pytest.mark.django_db


def download(history, kind="objection", client=None):
    if client is None:
        client = Client()
        client.force_login(history["city_auditor"])
    pk = history[kind].pk
    response = client.get(f"/audit/{kind}/{pk}/bundle.zip")
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/zip"
    return b"".join(response.streaming_content)


def run_verifier(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    # -I -S: isolated, without site-packages: the verifier needs nothing but the standard library.
    return subprocess.run([sys.executable, "-I", "-S", "verify_bundle.py", *args], cwd=cwd, capture_output=True,
                          text=True, timeout=120)


def write_zip(path: Path, members: dict) -> Path:
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def members_of(data: bytes) -> dict:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


@pytest.fixture
def signed_letter(history, settings, tmp_path):
    """The listing decision rendered and signed for real (the other letters stay pending)."""
    settings.LETTERS_KEY_DIR = tmp_path / "keys"
    ca, _ = pki.ensure_demo_ca()
    unit = history["listing"]
    pki.issue_unit_credentials(ca, unit_code=unit.code, unit_name=unit.name)
    letter = Letter.objects.filter(case_chain=f"cases.listentry:{history['entry'].pk}",
                                   letter_type="LISTING_DECISION").get()
    letter = letter_produce(letter_id=letter.pk)
    assert letter.status == Letter.Status.ISSUED, letter.failure_reason
    audit_anchor()
    return letter


def test_the_bundle_holds_proof_timeline_files_and_the_verifier(history, signed_letter, tmp_path):
    files = members_of(download(history))
    names = set(files)
    assert set(offline_verify.FIXED) <= names
    assert any(n.startswith("letters/") and n.endswith(".pdf") for n in names)
    assert any(n.startswith("attachments/") and n.endswith("完税凭证.pdf") for n in names)
    assert files["verify_bundle.py"] == Path(offline_verify.__file__).read_bytes()
    manifest = json.loads(files["manifest.json"])
    assert manifest["case"]["reference"] == history["objection"].number
    attachment = next(f for f in manifest["files"] if f["kind"] == "attachment")
    assert files[attachment["path"]] == PDF and attachment["attested_by"]["chain"].startswith("cases.objectioncase:")
    events = json.loads(files["chain/events.json"])
    chains = {e["payload"]["chain"] for e in events}
    assert f"cases.listentry:{history['entry'].pk}" in chains and len(chains) == 2 + 4  # case, entry, 4 executions
    timeline = json.loads(files["timeline.json"])
    assert {e["hash"] for e in timeline["events"]} == {e["hash"] for e in events}
    acting = next(e for e in timeline["events"] if e["action"] == "entry.correct")
    assert acting["acting_for"] == history["officer"].get_full_name()
    assert json.loads(files["chain/anchors.json"])
    assert "异议已提交" in files["timeline.html"].decode()


def test_the_offline_check_passes_on_the_zip_and_on_the_extracted_folder(history, signed_letter, tmp_path):
    data = download(history)
    (tmp_path / "bundle.zip").write_bytes(data)
    folder = tmp_path / "extracted"
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    on_zip = run_verifier(folder, str(tmp_path / "bundle.zip"))
    assert on_zip.returncode == 0, on_zip.stdout + on_zip.stderr
    assert "VERIFICATION PASSED" in on_zip.stdout and "signature valid" in on_zip.stdout
    in_folder = run_verifier(folder)
    assert in_folder.returncode == 0, in_folder.stdout


def _fails(tmp_path, members, expected):
    folder = tmp_path / "check"
    folder.mkdir(exist_ok=True)
    (folder / "verify_bundle.py").write_bytes(members["verify_bundle.py"])
    write_zip(tmp_path / "tampered.zip", members)
    done = run_verifier(folder, str(tmp_path / "tampered.zip"))
    assert done.returncode == 1, done.stdout
    assert expected in done.stdout, done.stdout
    assert "VERIFICATION FAILED" in done.stdout


def test_any_change_to_the_bundle_fails_the_offline_check(history, tmp_path):
    audit_anchor()
    original = members_of(download(history))
    attachment = next(n for n in original if n.startswith("attachments/"))

    changed = dict(original)
    changed[attachment] = original[attachment].replace(b"payment", b"paymenT")
    _fails(tmp_path, changed, "does not match the manifest")

    # … and rewriting the manifest to fit the new file does not help: the chain holds the hash.
    manifest = json.loads(original["manifest.json"])
    item = next(f for f in manifest["files"] if f["path"] == attachment)
    item["sha256"] = offline_verify.sha256(changed[attachment])
    _fails(tmp_path, {**changed, "manifest.json": offline_verify.dumps(manifest)}, "no proven audit event records")

    events = json.loads(original["chain/events.json"])
    events[0]["payload"]["reason"] = "改过的理由"
    _fails(tmp_path, {**original, "chain/events.json": offline_verify.dumps(events)}, "altered event")

    events = json.loads(original["chain/events.json"])
    del events[1]
    _fails(tmp_path, {**original, "chain/events.json": offline_verify.dumps(events)}, "expected event #2")

    anchors = json.loads(original["chain/anchors.json"])
    anchors[0]["payload"]["heads"][0][1] += 1
    _fails(tmp_path, {**original, "chain/anchors.json": offline_verify.dumps(anchors)}, "altered anchor")

    html = original["timeline.html"].replace("异议已提交".encode(), "异议已驳回".encode())
    _fails(tmp_path, {**original, "timeline.html": html}, "timeline.html differs")

    _fails(tmp_path, {**original, "letters/extra.pdf": PDF}, "not part of the bundle")


def test_one_flipped_byte_in_the_zip_file_fails_the_check(history, tmp_path):
    data = bytearray(download(history))
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
        info = archive.getinfo("chain/events.json")
    offset = info.header_offset + 30 + len(info.filename.encode()) + len(info.extra) + 10  # inside the data
    data[offset] ^= 0x01
    (tmp_path / "bundle.zip").write_bytes(bytes(data))
    (tmp_path / "verify_bundle.py").write_bytes(Path(offline_verify.__file__).read_bytes())
    done = run_verifier(tmp_path, "bundle.zip")
    assert done.returncode == 1, done.stdout
    assert "chain/events.json: damaged inside the ZIP" in done.stdout


def test_the_verifier_uses_the_standard_library_only():
    tree = ast.parse(Path(offline_verify.__file__).read_text())
    modules = {alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    modules |= {node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module}
    assert modules - {"__future__"} <= set(sys.stdlib_module_names), modules


def test_the_export_writes_nothing(history):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(history["city_auditor"])
    with CaptureQueriesContext(connection) as queries:
        download(history, client=client)
    writes = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE"))
              and "django_session" not in q["sql"]]
    assert writes == []
