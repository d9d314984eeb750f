"""Every message in the code has a zh-hans translation (Chinese first, English second)."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _entries(text: str):
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith("#~")]
        starts = [i for i, line in enumerate(lines) if line.startswith("msgid ")]
        if not starts:
            continue
        i = starts[0]
        j = next(k for k, line in enumerate(lines) if line.startswith("msgstr"))
        msgid = "".join(json.loads(line[6:] if line.startswith("msgid ") else line) for line in lines[i:j])
        msgstr = "".join(json.loads(line[7:] if line.startswith("msgstr ") else line) for line in lines[j:])
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        if msgid:
            yield msgid, msgstr, fuzzy


def test_catalogue_is_current_and_every_msgid_is_translated():
    original = PO.read_bytes()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=.venv", "--ignore=var",
             "--no-location"],
            cwd=ROOT, check=True, capture_output=True,
        )
        current = PO.read_text(encoding="utf-8")
    finally:
        PO.write_bytes(original)
    untranslated = [msgid for msgid, msgstr, fuzzy in _entries(current) if not msgstr or fuzzy]
    assert untranslated == [], f"untranslated msgids (run makemessages and translate): {untranslated}"
