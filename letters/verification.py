"""Is this PDF an unaltered letter of ours? Hash on record AND a valid signature trusted to our CA.

Both checks are needed: the hash alone says "we issued exactly these bytes", the signature says
"a unit holding a key certified by our CA sealed them and nothing changed since" — and it names
which of the two failed when someone edits a letter.
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import pki

if TYPE_CHECKING:  # annotations only: pyHanko itself is imported on first use
    from pyhanko_certvalidator import ValidationContext

logger = logging.getLogger(__name__)


@dataclass
class SignatureReport:
    field_name: str
    signer: str = ""
    signing_time: object = None
    intact: bool = False  # the signed bytes hash to the digest the signature covers
    valid: bool = False  # the signature over that digest verifies with the signer's key
    trusted: bool = False  # the signer's certificate chains to our CA
    covers_whole_file: bool = False  # nothing was appended after signing
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and self.covers_whole_file and not self.error

    @property
    def broken(self) -> bool:
        """The content changed after signing (as opposed to: signed by someone we do not trust)."""
        return not (self.intact and self.valid)


@dataclass
class PdfVerification:
    sha256: str
    readable: bool = True
    signatures: list[SignatureReport] = field(default_factory=list)
    error: str = ""

    @property
    def signature_ok(self) -> bool:
        return len(self.signatures) == 1 and self.signatures[0].ok

    @property
    def signature_broken(self) -> bool:
        return any(s.broken for s in self.signatures)


def trust_context() -> ValidationContext:
    """Our CA as the only trust anchor; no fetching (no network; the demo CA publishes no CRL)."""
    # pyHanko is imported on first use here and below: the letters' URLs import this module, and
    # every web worker would otherwise load pyHanko at start-up (docs/performance.md, "Start-up").
    from pyhanko.keys import load_cert_from_pemder
    from pyhanko_certvalidator import ValidationContext

    roots = []
    ca_path = pki.ca_cert_path()
    if ca_path.exists():
        roots.append(load_cert_from_pemder(str(ca_path)))
    return ValidationContext(trust_roots=roots, allow_fetching=False)


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def verify_pdf_bytes(data: bytes) -> PdfVerification:
    """Hash the bytes and validate every embedded signature against our CA."""
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.sign.validation import validate_pdf_signature
    from pyhanko.sign.validation.status import SignatureCoverageLevel

    result = PdfVerification(sha256=sha256_hex(data))
    try:
        reader = PdfFileReader(io.BytesIO(data), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - anything unparseable is simply "not a readable PDF"
        result.readable = False
        result.error = str(exc)[:500]
        return result
    context = trust_context()
    for sig in embedded:
        report = SignatureReport(field_name=sig.field_name or "")
        try:
            status = validate_pdf_signature(sig, context)
            report.intact = bool(status.intact)
            report.valid = bool(status.valid)
            report.trusted = bool(status.trusted)
            report.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
            report.signer = signer_name(status.signing_cert.subject) if status.signing_cert else ""
            report.signing_time = status.signer_reported_dt
        except Exception as exc:  # noqa: BLE001 - a malformed signature is a failed one
            logger.info("signature validation failed: %s", exc)
            report.error = str(exc)[:500]
        result.signatures.append(report)
    return result


@dataclass
class UploadVerdict:
    """What the public verification page tells someone who uploads a PDF."""

    AUTHENTIC = "authentic"  # our letter, byte for byte, signature valid and trusted
    OTHER_LETTER = "other_letter"  # an authentic letter of ours, but not the one this page is about
    ALTERED = "altered"  # signed, but changed after signing
    NOT_OURS = "not_ours"  # not on record, unsigned, or signed by someone we do not trust
    UNREADABLE = "unreadable"  # not a PDF we can read

    code: str
    check: PdfVerification
    letter: object = None  # the Letter whose hash matched, if any

    @property
    def authentic(self) -> bool:
        return self.code == self.AUTHENTIC


def verify_upload(data: bytes, *, expected=None) -> UploadVerdict:
    """Hash match AND a valid, intact, trusted signature covering the whole file.

    ``expected``: the letter whose verification page received the upload, if any.
    """
    from .models import Letter

    check = verify_pdf_bytes(data)
    if not check.readable:
        return UploadVerdict(UploadVerdict.UNREADABLE, check)
    if check.signature_broken:
        return UploadVerdict(UploadVerdict.ALTERED, check)
    letter = (
        Letter.objects.select_related("unit", "subject")
        .filter(sha256=check.sha256, status__in=[Letter.Status.ISSUED, Letter.Status.SUPERSEDED])
        .first()
    )
    if letter is None or not letter.spec.signed or not check.signature_ok:
        return UploadVerdict(UploadVerdict.NOT_OURS, check, letter if letter and check.signature_ok else None)
    if expected is not None and letter.pk != expected.pk:
        return UploadVerdict(UploadVerdict.OTHER_LETTER, check, letter)
    return UploadVerdict(UploadVerdict.AUTHENTIC, check, letter)


def signer_name(subject) -> str:
    """Who signed, as a person reads it: the certificate's organisation (the unit's name, letters.pki),
    else its common name; never the attribute list with the unit's code."""
    names = subject.native if subject is not None else {}
    return str(names.get("organization_name") or names.get("common_name") or subject.human_friendly)
