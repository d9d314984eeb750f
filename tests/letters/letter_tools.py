"""Helpers for the letter tests: read a letter's PDF and ask poppler about it."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from cases.models import Unit
from letters import pki
from tests.factories import StaffFactory, UnitFactory


def pdf_bytes(letter) -> bytes:
    with letter.pdf.open("rb") as fh:
        return fh.read()


def write_pdf(tmp_path: Path, data: bytes, name: str = "letter.pdf") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def run(*args: str) -> str:
    done = subprocess.run(list(args), capture_output=True, text=True, timeout=120)
    return done.stdout + done.stderr


def page1_text(path: Path) -> str:
    """Page 1's text layer with all whitespace removed (CJK text has no word spaces)."""
    text = subprocess.run(["pdftotext", "-f", "1", "-l", "1", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout
    return re.sub(r"\s+", "", text)


def all_text(path: Path) -> str:
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def embedded_cjk_fonts(path: Path) -> list[str]:
    """Font lines of `pdffonts` that name a CJK font and say it is embedded."""
    lines = run("pdffonts", str(path)).splitlines()[2:]
    out = []
    for line in lines:
        cols = line.split()
        # name type… encoding emb sub uni object ID: emb is the 5th column from the right
        if "CJK" in line and len(cols) >= 6 and cols[-5] == "yes":
            out.append(cols[0])
    return out


def flip_byte_in_signed_range(data: bytes) -> bytes:
    """Flip one byte inside a content stream of the first signed range (keeps the file parseable)."""
    ranges = re.search(rb"/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]", data)
    assert ranges, "no /ByteRange: the PDF is not signed"
    first_end = int(ranges.group(2))
    start = data.index(b"stream\n", 0, first_end) + len(b"stream\n") + 20
    assert start < first_end
    out = bytearray(data)
    out[start] ^= 0x01
    return bytes(out)


def make_unit(region, *, code, name, prefix, with_key=True) -> Unit:
    """A unit made by the shared factory (group, permission, audit), with a demo signing key."""
    unit = UnitFactory(code=code, name=name, short_name=name[:8], region=region, document_prefix=prefix)
    if with_key:
        ca, _ = pki.ensure_demo_ca()
        pki.issue_unit_credentials(ca, unit_code=unit.code, unit_name=unit.name)
    return unit


def make_staff(unit, username, role, **extra):
    return StaffFactory(unit=unit, username=username, role=role, **extra)
