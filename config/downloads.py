"""Files served back (attachments, evidence, letters): always a download, never a page.

Whatever an uploaded file turns out to hold, the browser saves it instead of rendering it: the
response says ``Content-Disposition: attachment`` (with an RFC 6266/5987 filename, so Chinese
names arrive intact), ``X-Content-Type-Options: nosniff`` and a sandboxing CSP set here, on the
response. The site-wide CSP middleware (django-csp) leaves a header that is already present
alone, so this stricter policy is the one that reaches the browser.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import quote

from django.http import FileResponse

DOWNLOAD_CSP = "default-src 'none'; sandbox"
SERVED_TYPES = {"application/pdf", "image/jpeg", "image/png", "application/zip"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f/\\]+")


def content_disposition(filename: str) -> str:
    """``attachment`` with an ASCII fallback ``filename`` and the exact UTF-8 ``filename*``."""
    name = _UNSAFE.sub("_", unicodedata.normalize("NFC", filename or "")).strip(" .") or "download"
    _stem, dot, ext = name.rpartition(".")
    fallback = name.encode("ascii", "ignore").decode().replace('"', "").replace("%", "").strip(" .")
    if not fallback or fallback != name:
        ascii_ext = ext.encode("ascii", "ignore").decode() if dot else ""
        fallback = f"download.{ascii_ext}" if ascii_ext else "download"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"


def file_download(file, *, filename: str, content_type: str) -> FileResponse:
    """The open ``file`` as a download named ``filename``; a stored type we do not serve becomes
    ``application/octet-stream``."""
    response = FileResponse(file, content_type=content_type if content_type in SERVED_TYPES
                            else "application/octet-stream")
    response["Content-Disposition"] = content_disposition(filename)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = DOWNLOAD_CSP
    return response
