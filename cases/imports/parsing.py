"""Reading an uploaded batch: CSV (UTF-8 with or without BOM, or GB18030 as Chinese office software
writes it), JSON (a list of objects, or ``{"rows": [...]}``) or XLSX (the first sheet, header in row
1). Each reader yields ``(line, {column: text})`` where ``line`` is what the sender sees: the line of
the CSV file or the sheet's row number (header = 1), or the position in the JSON list (from 1).

``inspect`` checks a file's shape before a job is queued (so a malformed file is a 400, not a job
that fails later); ``read_rows`` streams the rows for the job.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from cases.errors import ValidationFailed

MAX_ROWS = 100_000

# Column names a unit's system may send in Chinese; normalised to ours.
ALIASES = {
    "记录编号": "record_id", "名单类型": "list_type", "统一社会信用代码": "identifier", "身份证号码": "identifier",
    "主体代码": "identifier", "主体名称": "subject_name", "主体类型": "subject_kind", "事实": "facts",
    "失信事实": "facts", "理由": "reasons", "认定依据": "basis", "认定单位": "listing_unit", "措施代码": "measures",
    "决定文书日期": "document_date", "执行编号": "execution_id", "名单条目编号": "entry_id", "措施": "measure",
    "执行结果": "outcome", "执行情况": "note", "未执行原因": "reason", "执行日期": "applied_on",
}


class FileRefused(ValidationFailed):
    """The file as a whole cannot be read: HTTP 400 with the field ``file``."""

    def __init__(self, code: str, message, **extra):
        super().__init__(message, code=code, fields={"file": [(code, message)]}, extra=extra or None)


@dataclass
class Shape:
    rows: int
    columns: list[str]


def _column(name) -> str:
    name = str(name if name is not None else "").strip().lstrip("\ufeff")
    return ALIASES.get(name, name.lower())


def _text(value) -> str:
    if value is None:
        return ""
    if hasattr(value, "isoformat"):  # XLSX dates
        # A spreadsheet's datetime is naive local time: its own date is the one the unit wrote.
        return value.date().isoformat() if hasattr(value, "date") and callable(value.date) else value.isoformat()  # naive
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return codecs.decode(data, encoding)
        except UnicodeDecodeError:
            continue
    raise FileRefused("file_encoding", _("The file is neither UTF-8 nor GB18030 text."))


def _csv_rows(data: bytes):
    reader = csv.reader(io.StringIO(_decode(data), newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise FileRefused("file_empty", _("The file is empty.")) from None
    except csv.Error as err:
        raise FileRefused("file_malformed", _("The file is not valid CSV: %(error)s") % {"error": err}) from None
    columns = [_column(c) for c in header]
    yield columns
    try:
        for row in reader:
            if not any(cell.strip() for cell in row):
                continue
            yield reader.line_num, {c: (row[i].strip() if i < len(row) else "") for i, c in enumerate(columns) if c}
    except csv.Error as err:
        raise FileRefused("file_malformed", _("The file is not valid CSV (line %(line)s): %(error)s")
                          % {"line": reader.line_num, "error": err}) from None


def _json_rows(data: bytes):
    try:
        doc = json.loads(_decode(data))
    except ValueError as err:
        raise FileRefused("file_malformed", _("The file is not valid JSON: %(error)s") % {"error": err}) from None
    rows = doc.get("rows") if isinstance(doc, dict) else doc
    if not isinstance(rows, list) or any(not isinstance(r, dict) for r in rows):
        raise FileRefused("file_malformed", _("The JSON must be a list of objects, or an object with a list “rows”."))
    columns = sorted({_column(k) for r in rows for k in r})
    yield columns
    for i, row in enumerate(rows, start=1):
        yield i, {_column(k): _text(v) for k, v in row.items()}


def _xlsx_rows(data: bytes):
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds (zip, XML, key errors) for a damaged file
        raise FileRefused("file_malformed", _("The file is not a readable XLSX workbook.")) from None
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FileRefused("file_empty", _("The file is empty."))
        columns = [_column(c) for c in header]
        yield columns
        for line, row in enumerate(rows, start=2):
            if not any(v not in (None, "") for v in row):
                continue
            yield line, {c: _text(row[i]) if i < len(row) else "" for i, c in enumerate(columns) if c}
    finally:
        book.close()


READERS = {"csv": _csv_rows, "json": _json_rows, "xlsx": _xlsx_rows}


def guess_format(name: str, content_type: str = "") -> str | None:
    name = (name or "").lower()
    for fmt in READERS:
        if name.endswith("." + fmt):
            return fmt
    content_type = (content_type or "").split(";")[0].strip()
    return {"text/csv": "csv", "application/json": "json",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx"}.get(content_type)


def read_rows(data: bytes, fmt: str):
    """Yield ``(line, row)``; the header (column list) is consumed first."""
    rows = READERS[fmt](data)
    next(rows)
    yield from rows


def inspect(data: bytes, fmt: str, *, required: set[str], max_rows: int | None = None) -> Shape:
    """Refuse a file that cannot be a batch: unreadable, no rows, required columns missing, too long."""
    if fmt not in READERS:
        raise FileRefused("file_format", _("Send CSV, JSON or XLSX."))
    max_rows = max_rows or MAX_ROWS
    rows = READERS[fmt](data)
    columns = next(rows)
    missing = sorted(required - set(columns))
    if missing and not (fmt == "json" and not columns):
        raise FileRefused("file_columns", _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)},
                          missing=missing)
    count = 0
    for _line, _row in rows:
        count += 1
        if count > max_rows:
            raise FileRefused("file_too_long", _("A batch holds at most %(max)s rows.") % {"max": f"{max_rows:,}"})
    if count == 0:
        raise FileRefused("file_empty", _("The file has no rows."))
    return Shape(rows=count, columns=columns)
