#!/usr/bin/env python3
"""Offline verifier of an audit case bundle (审计案卷包离线校验). Python 3.9+ standard library only.

    python3 verify_bundle.py bundle.zip        # the ZIP as downloaded
    python3 verify_bundle.py                   # run inside the extracted bundle (verifies its folder)
    python3 verify_bundle.py path/to/folder    # an extracted bundle elsewhere

Exit status 0: every check passed; 1: something does not match (each problem is printed); 2: the
bundle cannot be read at all. This file is ``cases/audit/offline_verify.py`` of the case system,
copied into every bundle as ``verify_bundle.py``; for evidence, run a copy you obtained
independently (e.g. from the source repository) rather than the one inside the bundle.

What is checked:

1. every audit event: SHA-256 of its canonical JSON equals its recorded hash (content unaltered);
2. every chain: sequence 1, 2, … without gaps, each event names its predecessor's hash, the first
   names the genesis hash, the last equals the head declared at export (nothing removed or
   reordered);
3. every anchor: its hash recomputes, and every head it records for a chain of the bundle is the
   event of the bundle with that sequence and hash (the chain existed in exactly this form when the
   anchor was made; compare the latest anchor hash printed at the end with the one the platform
   publishes);
4. every letter and attachment: present, SHA-256 and size as listed, and its SHA-256 is the one the
   audit event that recorded the file holds (so the file is the one the case produced);
5. ``timeline.json`` says what the proven events say, and ``timeline.html`` and ``README.txt`` are
   exactly what this verifier renders from them (the readable copies cannot drift from the proof);
6. no file is missing or added; and, if poppler's ``pdfsig`` is installed, every letter's signature
   is valid (the certificate's trust is reported, not required: import the issuing CA to check it).

The canonical form and the hashes are those of the case system's ``cases/audit/hashing.py``.
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile

FORMAT = "credit-audit-bundle/1"
GENESIS = "0" * 64
MANIFEST = "manifest.json"
EVENTS = "chain/events.json"
ANCHORS = "chain/anchors.json"
TIMELINE_JSON = "timeline.json"
TIMELINE_HTML = "timeline.html"
README = "README.txt"
VERIFIER = "verify_bundle.py"
# The files every bundle holds besides letters and attachments.
FIXED = (MANIFEST, EVENTS, ANCHORS, TIMELINE_JSON, TIMELINE_HTML, README, VERIFIER)


# --- the canonical form (mirrors cases/audit/hashing.py) -------------------------------------------
def canonical(payload) -> bytes:
    return json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def dumps(value) -> bytes:
    """How the bundle writes its JSON files (stable, readable)."""
    return (json.dumps(value, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode()


# --- the readable copies, rendered from the timeline (the bundle writer uses the same functions) ----
def _cell(value) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, (dict, list)):
        return html.escape(json.dumps(value, ensure_ascii=False))
    return html.escape(str(value))


def render_html(timeline: dict) -> bytes:
    """The readable timeline: one table row per event, with its chain position and hash."""
    case = timeline.get("case", {})
    labels = timeline.get("labels", {})
    title = f"{labels.get('title', 'Case timeline')} · {case.get('reference', '')}"
    rows = []
    for ev in timeline.get("events", []):
        changes = "".join(
            f"<li>{_cell(c.get('label'))}: {_cell(c.get('old_label', c.get('old')))} → "
            f"{_cell(c.get('new_label', c.get('new')))}</li>"
            for c in ev.get("changes", [])
        )
        state = ""
        if ev.get("from") or ev.get("to"):
            state = f"{_cell(ev.get('from_label') or ev.get('from'))} → {_cell(ev.get('to_label') or ev.get('to'))}"
        rows.append(
            "<tr>"
            f"<td>{_cell(ev.get('at_local') or ev.get('at'))}</td>"
            f"<td>{_cell(ev.get('object_label'))}</td>"
            f"<td>{_cell(ev.get('action_label'))}<br><code>{_cell(ev.get('action'))}</code></td>"
            f"<td>{state}</td>"
            f"<td><ul>{changes}</ul></td>"
            f"<td>{_cell(ev.get('reason'))}</td>"
            f"<td>{_cell(ev.get('actor'))}<br>{_cell(ev.get('unit'))}</td>"
            f"<td>{_cell(ev.get('acting_for'))}</td>"
            f"<td><code>{_cell(ev.get('chain'))}#{_cell(ev.get('seq'))}</code><br><code>{_cell(ev.get('hash'))}</code></td>"
            "</tr>"
        )
    head = "".join(f"<th>{_cell(labels.get(k, k))}</th>" for k in
                   ("at", "object", "action", "state", "changes", "reason", "actor", "acting_for", "proof"))
    facts = "".join(f"<dt>{_cell(k)}</dt><dd>{_cell(v)}</dd>" for k, v in case.get("facts", []))
    doc = (
        "<!doctype html>\n<html lang=\"{lang}\"><head><meta charset=\"utf-8\"><title>{title}</title>"
        "<style>body{{font-family:sans-serif;margin:1rem}}table{{border-collapse:collapse;font-size:.85rem}}"
        "td,th{{border:1px solid #999;padding:.25rem;vertical-align:top}}code{{word-break:break-all}}"
        "dl{{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}}</style></head><body>"
        "<h1>{title}</h1><dl>{facts}</dl><p>{note}</p><table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody>"
        "</table></body></html>\n"
    ).format(lang=html.escape(timeline.get("language", "zh-hans")), title=html.escape(title), facts=facts,
             note=_cell(labels.get("note", "")), head=head, rows="".join(rows))
    return doc.encode()


def render_readme(manifest: dict) -> bytes:
    case = manifest.get("case", {})
    lines = [
        "审计案卷包 · Audit case bundle",
        f"案件 Case: {case.get('reference', '')} ({case.get('kind', '')})",
        f"导出时间 Exported at: {manifest.get('exported_at', '')}",
        f"导出人 Exported by: {manifest.get('exported_by', '')}",
        "",
        "离线校验 Verify offline (Python 3.9+, no other software needed):",
        "    python3 verify_bundle.py bundle.zip      # the ZIP as downloaded",
        "    python3 verify_bundle.py                 # inside the extracted folder",
        "Exit status 0 = all checks passed. 退出码 0 表示全部校验通过。",
        "",
        "Contents 内容:",
        "  chain/events.json   the audit events of every chain of the case, with their hashes (the proof)",
        "  chain/anchors.json  the anchors that cover these chains (chained anchor hashes)",
        "  timeline.json/.html the timeline, readable; checked against the proof",
        "  letters/            the case's letters (signed PDFs; `pdfsig` checks the signatures)",
        "  attachments/        the applicant's material as filed",
        "  manifest.json       every file with its SHA-256 and the audit event that recorded it",
        "",
    ]
    return "\n".join(lines).encode()


# --- reading a bundle --------------------------------------------------------------------------------
class Unreadable(Exception):
    pass


def _read_zip(path: str) -> tuple[dict, list[str]]:
    files, problems = {}, []
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable(f"not a readable ZIP file: {exc}") from exc
    with archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            name = info.filename
            if name.startswith("/") or ".." in name.split("/"):
                problems.append(f"unsafe file name in the ZIP: {name}")
                continue
            try:
                files[name] = archive.read(info)
            except Exception as exc:  # CRC mismatch, corrupt deflate stream, header mismatch …
                problems.append(f"{name}: damaged inside the ZIP ({type(exc).__name__}: {exc})")
    return files, problems


def _read_dir(path: str) -> dict:
    files = {}
    for root, _dirs, names in os.walk(path):
        for fname in names:
            full = os.path.join(root, fname)
            rel = os.path.relpath(full, path).replace(os.sep, "/")
            if rel.startswith("__pycache__/"):
                continue
            with open(full, "rb") as fh:
                files[rel] = fh.read()
    return files


def read_bundle(path: str) -> tuple[dict, list[str]]:
    if os.path.isdir(path):
        return _read_dir(path), []
    if not os.path.exists(path):
        raise Unreadable(f"no such file or folder: {path}")
    return _read_zip(path)


def _json(files: dict, name: str, problems: list):
    if name not in files:
        problems.append(f"{name} is missing")
        return None
    try:
        return json.loads(files[name].decode("utf-8"))
    except (UnicodeDecodeError, ValueError) as exc:
        problems.append(f"{name} is not valid JSON ({exc})")
        return None


# --- the checks ----------------------------------------------------------------------------------------
class Result:
    def __init__(self):
        self.problems: list[str] = []
        self.warnings: list[str] = []
        self.notes: list[str] = []

    @property
    def ok(self) -> bool:
        return not self.problems


def check_events(events: list, manifest: dict, result: Result) -> dict:
    """Checks 1 and 2. Returns {(chain, seq): payload-with-hash} of the proven events."""
    by_chain: dict = {}
    proven = {}
    for item in events:
        payload, recorded = item.get("payload"), item.get("hash")
        if not isinstance(payload, dict) or not isinstance(recorded, str):
            result.problems.append("an event without payload or hash")
            continue
        chain, seq = payload.get("chain"), payload.get("seq")
        if sha256(canonical(payload)) != recorded:
            result.problems.append(f"altered event: {chain}#{seq} does not match its hash {recorded[:16]}…")
            continue
        by_chain.setdefault(chain, []).append((seq, payload, recorded))
        proven[(chain, seq)] = {**payload, "hash": recorded}
    heads = manifest.get("heads", {})
    for chain in sorted(set(by_chain) | set(heads)):
        items = sorted(by_chain.get(chain, []), key=lambda i: (i[0] if isinstance(i[0], int) else -1))
        prev, expected = GENESIS, 1
        for seq, payload, recorded in items:
            if seq != expected:
                result.problems.append(f"chain {chain}: expected event #{expected}, found #{seq} (removed or reordered)")
            elif payload.get("prev") != prev:
                result.problems.append(f"chain {chain}: event #{seq} does not follow the previous event's hash")
            prev, expected = recorded, (seq if isinstance(seq, int) else expected) + 1
        head = heads.get(chain)
        if head is None:
            result.problems.append(f"chain {chain} is not declared in the manifest")
        elif [expected - 1, prev] != [head.get("seq"), head.get("hash") or GENESIS]:
            result.problems.append(
                f"chain {chain}: ends at #{expected - 1}, the manifest declares #{head.get('seq')} (events removed?)")
    result.notes.append(f"{len(proven)} events in {len(by_chain)} chains: hashes and links checked")
    return proven


def check_anchors(anchors: list, proven: dict, manifest: dict, result: Result) -> None:
    """Check 3."""
    anchored: dict = {}
    ordered = sorted(anchors, key=lambda a: a.get("id", 0))
    for anchor in ordered:
        payload, recorded = anchor.get("payload") or {}, anchor.get("hash")
        if sha256(canonical(payload)) != recorded:
            result.problems.append(f"altered anchor #{anchor.get('id')}: content does not match its hash")
            continue
        for entry in payload.get("heads", []):
            if not (isinstance(entry, list) and len(entry) == 3):
                result.problems.append(f"anchor #{anchor.get('id')}: malformed head entry")
                continue
            chain, seq, digest = entry
            if chain not in manifest.get("heads", {}):
                continue
            event = proven.get((chain, seq))
            if event is None or event["hash"] != digest:
                result.problems.append(
                    f"anchor #{anchor.get('id')} records {chain}#{seq} = {str(digest)[:16]}…, "
                    "which is not the event in this bundle (removed or rewritten after anchoring)")
                continue
            anchored[chain] = max(anchored.get(chain, 0), seq)
    for prev, nxt in zip(ordered, ordered[1:]):
        if nxt.get("id") == prev.get("id", 0) + 1 and (nxt.get("payload") or {}).get("prev") != prev.get("hash"):
            result.problems.append(f"anchor #{nxt.get('id')} does not follow anchor #{prev.get('id')}")
    for chain, head in sorted(manifest.get("heads", {}).items()):
        seq = head.get("seq", 0)
        upto = anchored.get(chain, 0)
        if upto < seq:
            result.warnings.append(
                f"chain {chain}: events #{upto + 1}–#{seq} are not yet covered by an anchor "
                "(anchors are made periodically; export again later for a full proof)")
    if ordered:
        last = ordered[-1]
        result.notes.append(
            f"{len(ordered)} anchors checked; latest anchor #{last.get('id')} "
            f"at {(last.get('payload') or {}).get('at')}: {last.get('hash')}")


def _attests(changes, digest: str) -> bool:
    if isinstance(changes, str):
        return changes == digest
    if isinstance(changes, dict):
        return any(_attests(v, digest) for v in changes.values())
    if isinstance(changes, list):
        return any(_attests(v, digest) for v in changes)
    return False


def check_files(files: dict, manifest: dict, proven: dict, result: Result) -> None:
    """Check 4 and the file part of check 6."""
    listed = set()
    for item in manifest.get("files", []):
        path = item.get("path", "")
        listed.add(path)
        data = files.get(path)
        if data is None:
            result.problems.append(f"{path} is missing")
            continue
        digest = sha256(data)
        if digest != item.get("sha256") or len(data) != item.get("size"):
            result.problems.append(f"{path}: SHA-256 {digest[:16]}… does not match the manifest (file altered)")
            continue
        attested = item.get("attested_by") or {}
        event = proven.get((attested.get("chain"), attested.get("seq")))
        if event is None or not _attests(event.get("changes"), digest):
            result.problems.append(
                f"{path}: no proven audit event records SHA-256 {digest[:16]}… (not the file the case produced)")
    for name in sorted(set(files) - listed - set(FIXED)):
        result.problems.append(f"{name}: not part of the bundle as exported")
    result.notes.append(f"{len(listed)} letters and attachments: SHA-256 checked against the audit events")


_TIMELINE_FIELDS = (("at", "at"), ("action", "action"), ("from", "from"), ("to", "to"),
                    ("actor_name", "actor_name"), ("reason", "reason"), ("changes", "raw_changes"))


def check_timeline(files: dict, manifest: dict, timeline: dict, proven: dict, result: Result) -> None:
    """Check 5."""
    seen = set()
    for ev in timeline.get("events", []):
        key = (ev.get("chain"), ev.get("seq"))
        event = proven.get(key)
        if event is None or event["hash"] != ev.get("hash"):
            result.problems.append(f"timeline.json: entry {key[0]}#{key[1]} is not a proven event")
            continue
        seen.add(key)
        for proof_field, timeline_field in _TIMELINE_FIELDS:
            if event.get(proof_field) != ev.get(timeline_field):
                result.problems.append(f"timeline.json: {key[0]}#{key[1]} {timeline_field} differs from the proof")
    for key in sorted(set(proven) - seen, key=str):
        result.problems.append(f"timeline.json: event {key[0]}#{key[1]} is left out")
    for name, rendered in ((TIMELINE_HTML, render_html(timeline)), (README, render_readme(manifest))):
        if name not in files:
            result.problems.append(f"{name} is missing")
        elif files[name] != rendered:
            result.problems.append(f"{name} differs from what the timeline and manifest say (file altered)")


def check_signatures(files: dict, manifest: dict, result: Result) -> None:
    """Check 6: letters' signatures, if poppler's pdfsig is installed."""
    letters = [i["path"] for i in manifest.get("files", []) if i.get("kind") == "letter" and i.get("path") in files]
    if not letters:
        return
    pdfsig = shutil.which("pdfsig")
    if pdfsig is None:
        result.warnings.append("pdfsig (poppler-utils) not installed: letters' signatures not checked")
        return
    with tempfile.TemporaryDirectory() as tmp:
        for path in letters:
            target = os.path.join(tmp, "letter.pdf")
            with open(target, "wb") as fh:
                fh.write(files[path])
            done = subprocess.run([pdfsig, target], capture_output=True, text=True, timeout=120)
            out = done.stdout + done.stderr
            if "Signature is Valid" not in out:
                result.problems.append(f"{path}: pdfsig does not find a valid signature")
            elif "Certificate is Trusted" not in out:
                result.notes.append(f"{path}: signature valid (pdfsig); the issuing CA is not in this machine's trust store")
            else:
                result.notes.append(f"{path}: signature valid, certificate trusted (pdfsig)")


def verify_files(files: dict, read_problems: list | None = None) -> Result:
    result = Result()
    result.problems.extend(read_problems or [])
    problems: list[str] = []
    manifest = _json(files, MANIFEST, problems) or {}
    events = _json(files, EVENTS, problems) or []
    anchors = _json(files, ANCHORS, problems) or []
    timeline = _json(files, TIMELINE_JSON, problems) or {}
    result.problems.extend(problems)
    if manifest and manifest.get("format") != FORMAT:
        result.problems.append(f"unknown bundle format {manifest.get('format')!r} (expected {FORMAT})")
    proven = check_events(events, manifest, result)
    check_anchors(anchors, proven, manifest, result)
    check_files(files, manifest, proven, result)
    check_timeline(files, manifest, timeline, proven, result)
    check_signatures(files, manifest, result)
    return result


def verify_path(path: str) -> Result:
    files, problems = read_bundle(path)
    return verify_files(files, problems)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in ("-h", "--help"):
        print(__doc__)
        return 0
    if len(argv) > 1:
        print("usage: python3 verify_bundle.py [bundle.zip | folder]", file=sys.stderr)
        return 2
    path = argv[0] if argv else os.path.dirname(os.path.abspath(__file__))
    try:
        result = verify_path(path)
    except Unreadable as exc:
        print(f"FAIL {exc}")
        print("校验失败 · VERIFICATION FAILED")
        return 2
    for line in result.notes:
        print(f"ok   {line}")
    for line in result.warnings:
        print(f"WARN {line}")
    for line in result.problems:
        print(f"FAIL {line}")
    if result.ok:
        print("校验通过 · VERIFICATION PASSED")
        return 0
    print(f"校验失败 · VERIFICATION FAILED ({len(result.problems)} problems)")
    return 1


if __name__ == "__main__":
    sys.exit(main())
