"""Real files for upload tests: uploads are proven by decoding (cases/upload_proof.py), so a test
that attaches evidence attaches a real one-page PDF or a real picture."""

from __future__ import annotations

import io
from functools import lru_cache

from pypdf import PdfWriter
from pypdf.generic import DictionaryObject, NameObject, StreamObject


def _pdf_text(text: str) -> bytes:
    # Type1 Helvetica draws Latin-1 only; other characters are kept, escaped, in the /Title.
    safe = text.encode("latin-1", "replace")
    return safe.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def pdf_with_content(content: bytes, *, filters: str | None = None, title: str = "") -> bytes:
    """A one-page A4 PDF whose page content stream holds ``content`` as stored (already encoded
    with ``filters``, e.g. "/FlateDecode", when given)."""
    writer = PdfWriter()
    page = writer.add_blank_page(width=595, height=842)
    font = DictionaryObject({NameObject("/Type"): NameObject("/Font"), NameObject("/Subtype"): NameObject("/Type1"),
                             NameObject("/BaseFont"): NameObject("/Helvetica")})
    page[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/Font"): DictionaryObject({NameObject("/F1"): writer._add_object(font)})})
    stream = StreamObject()
    stream._data = content
    if filters:
        stream[NameObject("/Filter")] = NameObject(filters)
    page[NameObject("/Contents")] = writer._add_object(stream)
    if title:
        writer.add_metadata({"/Title": title})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@lru_cache(maxsize=64)
def minimal_pdf(text: str = "evidence", *, pad_to: int = 0) -> bytes:
    """A real one-page PDF showing ``text``; ``pad_to`` pads its content stream (with a PDF
    comment) so that the file is about that many bytes."""
    content = b"BT /F1 14 Tf 72 770 Td (" + _pdf_text(text) + b") Tj ET\n"
    if pad_to:
        content += b"%" + b"0" * max(0, pad_to - len(content) - 900) + b"\n"
    return pdf_with_content(content, title=text)


@lru_cache(maxsize=8)
def png(width: int = 64, height: int = 48, color=(200, 30, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), color).save(out, format="PNG")
    return out.getvalue()


@lru_cache(maxsize=8)
def jpeg(width: int = 64, height: int = 48) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(out, format="JPEG", quality=85)
    return out.getvalue()
