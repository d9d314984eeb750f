"""What an uploaded file is, proven by decoding it rather than by its first bytes (no ORM).

A PDF must parse (pypdf), end at its last ``%%EOF`` (nothing foreign appended: the polyglot),
not be encrypted, have at least one page, and every stream must inflate within a per-stream and a
total byte budget, counted while inflating and thrown away (the decompression bomb is never held
in memory). Pictures inside it (DCT, JPX, JBIG2, CCITT) are not decoded here; their declared size
is held to the same pixel limit as an uploaded image. A PNG or JPEG must declare at most
``ATTACHMENT_IMAGE_MAX_PIXELS`` (checked from the header, before any pixel is decoded), pass
Pillow's ``verify()`` and then decode completely. Anything else is not accepted.

Limits live in settings (``ATTACHMENT_PDF_MAX_STREAM_BYTES``, ``ATTACHMENT_PDF_MAX_TOTAL_BYTES``,
``ATTACHMENT_PDF_MAX_OBJECTS``, ``ATTACHMENT_IMAGE_MAX_PIXELS``); each refusal carries a stable
code for the field error.
"""

from __future__ import annotations

import io
import logging
import warnings
import zlib

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from PIL import Image
from pypdf import PdfReader, apply_configuration
from pypdf import filters as pdf_filters
from pypdf.errors import LimitReachedError
from pypdf.generic import IndirectObject, StreamObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
SIGNATURES = {PDF: b"%PDF-", JPEG: b"\xff\xd8\xff", PNG: b"\x89PNG\r\n\x1a\n"}

# After the last %%EOF only an end of line and padding (some writers add NULs), at most 1 KB.
TRAILER_SLACK = b" \t\r\n\x00\x0c"
MAX_TRAILING_BYTES = 1024
INFLATE_CHUNK = 1 << 20
# pypdf itself inflates object and cross-reference streams while parsing; those are small in any
# real file, so its own budget is lower than ours for content.
PYPDF_STRUCTURE_BYTES = 16 * 1024 * 1024

IMAGE_CODECS = {"/DCTDecode", "/DCT", "/JPXDecode", "/JBIG2Decode", "/CCITTFaxDecode", "/CCF"}
FLATE = {"/FlateDecode", "/Fl"}
SHRINKING = {"/ASCIIHexDecode", "/AHx", "/ASCII85Decode", "/A85"}
EXPANDING = {"/LZWDecode", "/LZW", "/RunLengthDecode", "/RL"}
MAX_FILTERS = 4
BYTE_DECODERS = {
    "/ASCIIHexDecode": pdf_filters.ASCIIHexDecode, "/AHx": pdf_filters.ASCIIHexDecode,
    "/ASCII85Decode": pdf_filters.ASCII85Decode, "/A85": pdf_filters.ASCII85Decode,
    "/LZWDecode": pdf_filters.LZWDecode, "/LZW": pdf_filters.LZWDecode,
    "/RunLengthDecode": pdf_filters.RunLengthDecode, "/RL": pdf_filters.RunLengthDecode,
}

logger = logging.getLogger(__name__)


class UploadRefused(Exception):
    def __init__(self, code: str, message):
        super().__init__(code)
        self.code, self.message = code, message


def _limits() -> tuple[int, int, int]:
    return (settings.ATTACHMENT_PDF_MAX_STREAM_BYTES, settings.ATTACHMENT_PDF_MAX_TOTAL_BYTES,
            settings.ATTACHMENT_IMAGE_MAX_PIXELS)


def content_type_proven(name: str, data: bytes) -> str:
    """The content type ``data`` is proven to be, or ``UploadRefused``."""
    if data.startswith(SIGNATURES[PDF]):
        _pdf_prove(name, data)
        return PDF
    for content_type in (PNG, JPEG):
        if data.startswith(SIGNATURES[content_type]):
            _image_prove(name, data, "PNG" if content_type == PNG else "JPEG")
            return content_type
    raise UploadRefused("file_type", _("%(name)s is not a PDF, JPEG or PNG file.") % {"name": name})


# --- PDF -----------------------------------------------------------------------------------------

def _not_pdf(name):
    return UploadRefused("attachment_not_pdf", _("%(name)s is not a valid PDF file.") % {"name": name})


def _too_large(name, limit):
    return UploadRefused("attachment_too_large_decompressed",
                         _("%(name)s expands to more than %(mb)s MB when opened.")
                         % {"name": name, "mb": -(-limit // (1024 * 1024))})


def _too_many_pixels(name, limit):
    return UploadRefused("image_too_many_pixels",
                         _("%(name)s has a picture of more than %(mp)s million pixels.")
                         % {"name": name, "mp": limit // 1_000_000})


def _pdf_prove(name: str, data: bytes) -> None:
    end = data.rfind(b"%%EOF")
    if end < 0:
        raise _not_pdf(name)
    tail = data[end + 5:]
    if len(tail) > MAX_TRAILING_BYTES or tail.strip(TRAILER_SLACK):
        raise UploadRefused("attachment_trailing_data",
                            _("%(name)s has other data after the end of the PDF. Save it again as a PDF and "
                              "upload that copy.") % {"name": name})
    per_stream, total, pixels = _limits()
    structure = min(per_stream, PYPDF_STRUCTURE_BYTES)
    budget = {"left": total}
    with apply_configuration(zlib_maximum_output_length=structure, lzw_maximum_output_length=structure,
                             run_length_maximum_output_length=structure, brotli_maximum_output_length=structure,
                             array_based_stream_maximum_output_length=structure,
                             stream_decoding_work_maximum_length=structure * 2, jbig2dec_binary=None):
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                reader = PdfReader(io.BytesIO(data), strict=False)
                if reader.is_encrypted:
                    raise UploadRefused("attachment_encrypted",
                                        _("%(name)s is encrypted or protected by a password. "
                                          "Upload a copy without protection.") % {"name": name})
                objects = sum(len(numbers) for numbers in reader.xref.values()) + len(reader.xref_objStm)
                if objects > settings.ATTACHMENT_PDF_MAX_OBJECTS:
                    # Each object costs pypdf ~0.1 ms to read: the count bounds the time of the check.
                    raise UploadRefused("attachment_too_complex",
                                        _("%(name)s is too complex to check (more than %(n)s objects).")
                                        % {"name": name, "n": settings.ATTACHMENT_PDF_MAX_OBJECTS})
                if len(reader.pages) < 1:
                    raise _not_pdf(name)
                for generation, numbers in list(reader.xref.items()):
                    for number in list(numbers):
                        obj = reader.get_object(IndirectObject(number, generation, reader))
                        if isinstance(obj, StreamObject):
                            _stream_check(name, obj, per_stream=per_stream, budget=budget, pixels=pixels)
                for number in list(reader.xref_objStm):
                    reader.get_object(IndirectObject(number, 0, reader))
        except UploadRefused:
            raise
        except LimitReachedError:
            raise _too_large(name, structure) from None
        except Exception as err:  # noqa: BLE001 - whatever hostile bytes make pypdf raise, it is no PDF
            logger.info("upload %r refused as PDF: %s: %s", name, type(err).__name__, err)
            raise _not_pdf(name) from None


def _filters(stream) -> list[str]:
    filters = stream["/Filter"] if "/Filter" in stream else []
    return [str(f) for f in (filters if isinstance(filters, list) else [filters])]


def _stream_check(name, stream, *, per_stream: int, budget: dict, pixels: int) -> None:
    """Bound what the stream decodes to. Only the byte filters are run; an image codec ends the
    chain (the picture's declared size is held to the pixel limit instead)."""
    filters = _filters(stream)
    if len(filters) > MAX_FILTERS or "/Crypt" in filters:
        raise _not_pdf(name)
    if set(filters) & IMAGE_CODECS or ("/Subtype" in stream and stream["/Subtype"] == "/Image"):
        try:
            width, height = (int(float(stream[key] if key in stream else 0)) for key in ("/Width", "/Height"))
        except (TypeError, ValueError):
            raise _not_pdf(name) from None
        if width < 0 or height < 0:
            raise _not_pdf(name)
        if width * height > pixels:
            raise _too_many_pixels(name, pixels)
    limit = min(per_stream, budget["left"])
    data = stream._data or b""
    size = len(data)
    for index, kind in enumerate(filters):
        if kind in IMAGE_CODECS:
            break
        last = all(f in IMAGE_CODECS for f in filters[index + 1:])
        if kind in FLATE:
            data, size = _inflate(data, limit, keep=not last)
        elif kind in SHRINKING | EXPANDING:
            decoder = BYTE_DECODERS[kind]
            try:
                with apply_configuration(lzw_maximum_output_length=limit, run_length_maximum_output_length=limit):
                    data = decoder.decode(data)
            except LimitReachedError:
                data = b""
                size = limit + 1
            else:
                size = len(data)
        else:
            raise _not_pdf(name)
        if size > limit:
            break
    if size > limit:
        raise _too_large(name, per_stream if limit == per_stream else settings.ATTACHMENT_PDF_MAX_TOTAL_BYTES)
    budget["left"] -= size


def _inflate(data: bytes, limit: int, *, keep: bool) -> tuple[bytes, int]:
    """Inflate at most ``limit + 1`` bytes, a chunk at a time; unless ``keep``, each chunk is
    counted and dropped. A damaged stream counts what it gave before the damage (viewers show
    that much too)."""
    inflater = zlib.decompressobj()
    kept, size, pending = [], 0, data
    while True:
        try:
            piece = inflater.decompress(pending, min(INFLATE_CHUNK, limit + 1 - size))
        except zlib.error:
            break
        size += len(piece)
        if keep:
            kept.append(piece)
        pending = inflater.unconsumed_tail
        if size > limit or inflater.eof or not piece:
            break
    return b"".join(kept), size


# --- Images ----------------------------------------------------------------------------------------

def _image_prove(name: str, data: bytes, image_format: str) -> None:
    *_pdf, pixels = _limits()
    broken = UploadRefused("image_not_decodable",
                           _("%(name)s is damaged or incomplete and cannot be opened as a picture.")
                           % {"name": name})
    too_many = UploadRefused("image_too_many_pixels",
                             _("%(name)s has more than %(mp)s million pixels.") % {"name": name, "mp": pixels // 1_000_000})
    try:
        with warnings.catch_warnings():
            # Our limit is below Pillow's global one and is checked before anything is decoded;
            # Pillow's own bomb error (twice its limit) is answered the same way.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                width, height = image.size
                if width * height > pixels:
                    raise too_many
                image.verify()
            if image_format == "PNG" and data[data.rfind(b"IEND") + 8:].strip(TRAILER_SLACK):
                # Nothing may follow the image (a PNG with a page or an archive appended).
                raise broken
            with Image.open(io.BytesIO(data), formats=[image_format]) as image:
                if image_format == "JPEG":
                    # Every block is still entropy-decoded (truncation is caught), at 1/8 scale.
                    image.draft(None, (max(1, width // 8), max(1, height // 8)))
                image.load()
    except UploadRefused:
        raise
    except Image.DecompressionBombError:
        raise too_many from None
    except Exception as err:  # noqa: BLE001 - whatever hostile bytes make Pillow raise, it is no picture
        logger.info("upload %r refused as %s: %s: %s", name, image_format, type(err).__name__, err)
        raise broken from None

