"""Every message in the code has a zh-hans translation (Chinese first, English second)."""

import json
import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PO = ROOT / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def _strings(lines: list[str], keyword: str) -> str | None:
    """The string after ``keyword`` (``msgid``, ``msgstr``, ``msgstr[0]``…) and its continuation lines."""
    for i, line in enumerate(lines):
        if line.startswith(keyword + " "):
            parts = [line[len(keyword) + 1:]]
            for cont in lines[i + 1:]:
                if not cont.startswith('"'):
                    break
                parts.append(cont)
            return "".join(json.loads(part) for part in parts)
    return None


def _entries(text: str):
    """(msgid, [msgstr, …], fuzzy) per entry; a plural entry has one msgstr per form."""
    for block in text.split("\n\n"):
        lines = [line for line in block.split("\n") if line and not line.startswith("#~")]
        msgid = _strings(lines, "msgid")
        if not msgid:
            continue
        if _strings(lines, "msgid_plural") is not None:
            forms = [form for n in range(10) if (form := _strings(lines, f"msgstr[{n}]")) is not None]
        else:
            forms = [_strings(lines, "msgstr") or ""]
        fuzzy = any(line.startswith("#,") and "fuzzy" in line for line in lines)
        yield msgid, forms, fuzzy


def test_catalogue_is_current_and_every_msgid_is_translated():
    original, stamp = PO.read_bytes(), PO.stat()
    try:
        subprocess.run(
            [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--ignore=.venv", "--ignore=var",
             "--no-location"],
            cwd=ROOT, check=True, capture_output=True,
        )
        current = PO.read_text(encoding="utf-8")
    finally:
        PO.write_bytes(original)
        os.utime(PO, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))  # unchanged: nothing recompiles it
    untranslated = [msgid for msgid, forms, fuzzy in _entries(current) if not forms or not all(forms) or fuzzy]
    assert untranslated == [], f"untranslated msgids (run makemessages and translate): {untranslated}"


# ASCII punctuation written against a Chinese character (「期限:」, 「(工作日)」): Chinese text takes
# ：（），；？！ (issue 19, item 1). Times, codes and English words touch no Chinese character.
ASCII_BY_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff][:(),;?!]|[:(),;?!][\u3400-\u4dbf\u4e00-\u9fff]")


def test_chinese_translations_write_chinese_punctuation():
    offending = [f"{msgid!r}: {form!r}" for msgid, forms, _fuzzy in _entries(PO.read_text(encoding="utf-8"))
                 for form in forms if ASCII_BY_HAN.search(form)]
    assert offending == [], "write ：（），；？！ in Chinese text:\n" + "\n".join(offending)
