"""Signing letters: PAdES signatures with the issuing unit's key, behind a small signer interface.

The default signer (``Pkcs12PadesSigner``) signs with pyHanko using the unit's PKCS#12 from
``LETTERS_KEY_DIR/<unit code>.p12`` (passphrase from the environment variable
``LETTERS_P12_PASSPHRASE``). The signature is a PAdES baseline B-B signature (ETSI.CAdES.detached
with the signing-certificate-v2 attribute, SHA-256, signing time in /M) — B-T when a time-stamping
authority is configured, which this network-less deployment does not have. It is a certification
signature that allows no further changes (DocMDP P=1): an official letter is final once sealed.
Its visible appearance is the unit's seal, placed on the seal area the layout reserved.

A deployment that must use the national algorithms (SM2 signatures over SM3 digests, GB/T 38540
for e-seals) plugs in another ``LetterSigner`` through ``settings.LETTERS_SIGNER`` (a dotted path);
docs/adr/0002-national-sm2-signatures.md says what that takes.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from django.conf import settings
from django.utils.module_loading import import_string

from . import pki
from .rendering import SealPlacement

if TYPE_CHECKING:  # annotations only: pyHanko itself is imported on first use
    from pyhanko.sign import signers

SIGNATURE_FIELD = "UnitSeal"
DEFAULT_SIGNER = "letters.signing.Pkcs12PadesSigner"


class SigningError(Exception):
    """The letter cannot be signed (no key for the unit, wrong passphrase, …)."""


@dataclass(frozen=True)
class SignedPdf:
    pdf: bytes
    signer_certificate: str  # the signing certificate's subject, human-readable
    algorithm: str  # e.g. "ECDSA-SHA256 PAdES-B-B"


class LetterSigner(Protocol):
    """What the letter engine needs from a signer; an SM2 signer implements the same."""

    def sign(self, pdf: bytes, *, unit, seal: SealPlacement, reason: str, location: str) -> SignedPdf: ...


_cache_lock = threading.Lock()
_loaded: dict[tuple, signers.SimpleSigner] = {}


class Pkcs12PadesSigner:
    """pyHanko signer over the unit's PKCS#12 file; see the module docstring."""

    def __init__(self, *, key_dir: Path | None = None, passphrase: bytes | None = None, timestamper=None):
        self.key_dir = Path(key_dir or settings.LETTERS_KEY_DIR)
        self.passphrase = passphrase if passphrase is not None else pki.passphrase()
        # A pyHanko TimeStamper (e.g. HTTPTimeStamper against the deployment's TSA) makes it B-T.
        self.timestamper = timestamper

    def _signer_for(self, unit) -> signers.SimpleSigner:
        from pyhanko.sign import signers  # pyHanko on first use: see ``sign``

        path = pki.unit_p12_path(unit.code, self.key_dir)
        try:
            stat = path.stat()
        except FileNotFoundError:
            raise SigningError(
                f"no signing key for unit {unit.code}: {path} is missing (run manage.py letters_demo_ca)"
            ) from None
        key = (str(path), stat.st_mtime_ns, stat.st_size, self.passphrase)
        with _cache_lock:
            cached = _loaded.get(key)
        if cached is not None:
            return cached
        ca_file = pki.ca_cert_path(self.key_dir)
        try:
            signer = signers.SimpleSigner.load_pkcs12(
                str(path), ca_chain_files=[str(ca_file)] if ca_file.exists() else None, passphrase=self.passphrase
            )
        except Exception as exc:  # noqa: BLE001 - pyHanko raises several kinds; all mean "cannot load"
            raise SigningError(f"cannot load the signing key of unit {unit.code}: {exc}") from exc
        if signer is None:  # load_pkcs12 logs and returns None on a bad passphrase
            raise SigningError(f"cannot load the signing key of unit {unit.code} (wrong passphrase?)")
        with _cache_lock:
            _loaded[key] = signer
        return signer

    def sign(self, pdf: bytes, *, unit, seal: SealPlacement, reason: str, location: str) -> SignedPdf:
        # pyHanko is imported when a letter is first signed, not when Django starts: this module is
        # imported at start-up everywhere, and only the letters worker signs (docs/performance.md,
        # "Start-up").
        from pyhanko.pdf_utils import layout
        from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
        from pyhanko.sign import fields, signers
        from pyhanko.stamp import StaticStampStyle

        signer = self._signer_for(unit)
        meta = signers.PdfSignatureMetadata(
            field_name=SIGNATURE_FIELD,
            md_algorithm="sha256",
            subfilter=fields.SigSeedSubFilter.PADES,
            certify=True,
            docmdp_permissions=fields.MDPPerm.NO_CHANGES,
            reason=reason,
            location=location,
            name=unit.name,
        )
        style = StaticStampStyle.from_pdf_file(
            str(seal.appearance),
            border_width=0,
            background_opacity=1.0,
            background_layout=layout.SimpleBoxLayoutRule(
                x_align=layout.AxisAlignment.ALIGN_MID,
                y_align=layout.AxisAlignment.ALIGN_MID,
                margins=layout.Margins.uniform(0),
            ),
        )
        field_spec = fields.SigFieldSpec(
            SIGNATURE_FIELD, on_page=seal.page_index, box=seal.box, readable_field_name=f"{unit.name} 电子签章"
        )
        pdf_signer = signers.PdfSigner(
            meta, signer=signer, stamp_style=style, new_field_spec=field_spec, timestamper=self.timestamper
        )
        out = pdf_signer.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)))
        cert = signer.signing_cert
        key_algo = cert.public_key.algorithm.upper()  # "EC" or "RSA"
        level = "PAdES-B-T" if self.timestamper is not None else "PAdES-B-B"
        return SignedPdf(
            pdf=out.getvalue(),
            signer_certificate=cert.subject.human_friendly[:255],
            algorithm=f"{'ECDSA' if key_algo == 'EC' else key_algo}-SHA256 {level}",
        )


def get_signer() -> LetterSigner:
    return import_string(getattr(settings, "LETTERS_SIGNER", DEFAULT_SIGNER))()
