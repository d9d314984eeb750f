"""The demo certificate authority and the units' signing credentials (PKCS#12).

Production keys come from configuration (``LETTERS_KEY_DIR`` holding ``<unit code>.p12`` issued by
a real CA, passphrase in ``LETTERS_P12_PASSPHRASE``); this module only makes a local demo CA so the
system signs out of the box. ECDSA P-256 with SHA-256: understood by pyHanko, poppler/NSS and
Acrobat, and the same family of curve-based algorithms as SM2 (docs/adr/0002).

Layout of ``LETTERS_KEY_DIR``::

    ca.pem             demo root certificate (the trust anchor of validators)
    ca.key.pem         its private key, encrypted with the passphrase
    <unit code>.p12    the unit's key, certificate and the CA certificate
    <unit code>.pem    the unit's certificate alone (for reference)
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.conf import settings

# For the demo only: a deployment sets LETTERS_P12_PASSPHRASE (docs/letters.md).
DEMO_PASSPHRASE = "demo-letters-passphrase"
CA_CERT_FILE = "ca.pem"
CA_KEY_FILE = "ca.key.pem"
CA_VALIDITY_DAYS = 3650
UNIT_VALIDITY_DAYS = 825


def key_dir() -> Path:
    return Path(settings.LETTERS_KEY_DIR)


def passphrase() -> bytes:
    return os.environ.get("LETTERS_P12_PASSPHRASE", DEMO_PASSPHRASE).encode()


def unit_p12_path(unit_code: str, directory: Path | None = None) -> Path:
    return (directory or key_dir()) / f"{unit_code}.p12"


def ca_cert_path(directory: Path | None = None) -> Path:
    return (directory or key_dir()) / CA_CERT_FILE


def load_ca_certificate(directory: Path | None = None) -> x509.Certificate:
    return x509.load_pem_x509_certificate(ca_cert_path(directory).read_bytes())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def _write_private(path: Path, data: bytes) -> None:
    tmp = path.with_suffix(path.suffix + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
    os.replace(tmp, path)


@dataclass
class DemoCA:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def ensure_demo_ca(directory: Path | None = None) -> tuple[DemoCA, bool]:
    """Load the demo CA from ``directory`` or create it. Returns (ca, created)."""
    directory = directory or key_dir()
    directory.mkdir(parents=True, exist_ok=True)
    cert_path, key_path = directory / CA_CERT_FILE, directory / CA_KEY_FILE
    if cert_path.exists() and key_path.exists():
        cert = x509.load_pem_x509_certificate(cert_path.read_bytes())
        key = serialization.load_pem_private_key(key_path.read_bytes(), password=passphrase())
        return DemoCA(cert, key), False

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, "信用联合奖惩案件管理系统（演示）"),
            x509.NameAttribute(NameOID.COMMON_NAME, "Credit Cases Demo Letters CA"),
        ]
    )
    now = _now()
    ski = x509.SubjectKeyIdentifier.from_public_key(key.public_key())
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=CA_VALIDITY_DAYS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False, content_commitment=False, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=True, crl_sign=True,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(ski, critical=False)
        .sign(key, hashes.SHA256())
    )
    _write_private(
        key_path,
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(passphrase()),
        ),
    )
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return DemoCA(cert, key), True


def issue_unit_credentials(
    ca: DemoCA, *, unit_code: str, unit_name: str, directory: Path | None = None, force: bool = False
) -> tuple[Path, bool]:
    """Write ``<unit code>.p12`` signed by the demo CA unless a valid one exists. Returns (path, created).

    An existing file is replaced when ``force`` is set, when it no longer loads with the passphrase,
    when it was issued by another CA, when it names another unit, or when it is about to expire.
    """
    directory = directory or key_dir()
    path = unit_p12_path(unit_code, directory)
    if path.exists() and not force and _credentials_still_good(path, ca, unit_name):
        return path, False

    key = ec.generate_private_key(ec.SECP256R1())
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, unit_name),
            x509.NameAttribute(NameOID.ORGANIZATIONAL_UNIT_NAME, unit_code),
            x509.NameAttribute(NameOID.COMMON_NAME, unit_name),
        ]
    )
    now = _now()
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(min(now + dt.timedelta(days=UNIT_VALIDITY_DAYS), ca.certificate.not_valid_after_utc))
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True, content_commitment=True, key_encipherment=False,
                data_encipherment=False, key_agreement=False, key_cert_sign=False, crl_sign=False,
                encipher_only=False, decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False
        )
        .sign(ca.key, hashes.SHA256())
    )
    data = pkcs12.serialize_key_and_certificates(
        name=unit_code.encode(),
        key=key,
        cert=cert,
        cas=[ca.certificate],
        encryption_algorithm=serialization.BestAvailableEncryption(passphrase()),
    )
    _write_private(path, data)
    (directory / f"{unit_code}.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return path, True


def _credentials_still_good(path: Path, ca: DemoCA, unit_name: str) -> bool:
    try:
        _key, cert, _others = pkcs12.load_key_and_certificates(path.read_bytes(), passphrase())
    except (ValueError, TypeError):
        return False
    if cert is None or cert.issuer != ca.certificate.subject:
        return False
    try:
        ca.certificate.public_key().verify(
            cert.signature, cert.tbs_certificate_bytes, ec.ECDSA(cert.signature_hash_algorithm)
        )
    except Exception:  # noqa: BLE001 - any failure means "issued by another CA"
        return False
    names = cert.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    if not names or names[0].value != unit_name:
        return False
    return cert.not_valid_after_utc > _now() + dt.timedelta(days=30)
