"""Fixtures for the letter engine: a demo CA per test session, units with keys, subjects, staff.

Registry rows come from the shared factories (tests/factories.py).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from cases.identifiers import make_resident_id, make_uscc
from cases.models import StaffProfile
from letter_contexts import addressee_for, contexts
from letter_tools import make_staff, make_unit
from letters import pki, services
from tests.factories import NaturalPersonFactory, RegionFactory, SubjectFactory

PUBLIC_BASE_URL = "https://credit.example.gov.cn"


@pytest.fixture(scope="session")
def letters_key_dir(tmp_path_factory) -> Path:
    directory = tmp_path_factory.mktemp("letter-keys")
    pki.ensure_demo_ca(directory)
    return directory


@pytest.fixture(autouse=True)
def _letters_settings(settings, tmp_path, letters_key_dir):
    settings.LETTERS_KEY_DIR = letters_key_dir
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PUBLIC_BASE_URL = PUBLIC_BASE_URL


@pytest.fixture(scope="session")
def nss_db(tmp_path_factory, letters_key_dir) -> str:
    """An NSS database that trusts the demo CA, for poppler's pdfsig."""
    if shutil.which("certutil") is None:
        pytest.fail("certutil is missing: install the Debian package libnss3-tools")
    directory = tmp_path_factory.mktemp("nssdb")
    subprocess.run(["certutil", "-N", "-d", f"sql:{directory}", "--empty-password"], check=True)
    subprocess.run(
        ["certutil", "-A", "-d", f"sql:{directory}", "-n", "credit-demo-ca", "-t", "CT,C,C",
         "-i", str(letters_key_dir / pki.CA_CERT_FILE)],
        check=True,
    )
    return f"sql:{directory}"


@pytest.fixture
def artifacts_dir() -> Path | None:
    value = os.environ.get("TEST_ARTIFACTS")
    if not value:
        return None
    path = Path(value) / "letters"
    path.mkdir(parents=True, exist_ok=True)
    return path


# --- registry objects ----------------------------------------------------------------------------


@pytest.fixture
def region(db):
    return RegionFactory(code="540100", name="拉萨市")


@pytest.fixture
def unit(region):
    return make_unit(region, code="ls-fgw", name="拉萨市发展和改革委员会", prefix="拉发改信用")


@pytest.fixture
def other_unit(region):
    return make_unit(region, code="ls-rsj", name="拉萨市人力资源和社会保障局", prefix="拉人社信用")


@pytest.fixture
def subject(db):
    return SubjectFactory(
        identifier=make_uscc("91", "540100", "MA6T2K8Q"),
        name="西藏雪域高原建筑工程有限公司",
        legal_representative="张某某",
        address="拉萨市城关区北京中路88号",
    )


@pytest.fixture
def person(db):
    return NaturalPersonFactory(
        identifier=make_resident_id("540102", dt.date(1985, 6, 1), "123"), name="扎西次仁", address="拉萨市城关区"
    )


@pytest.fixture
def officer(unit):
    return make_staff(unit, "officer", StaffProfile.Role.OFFICER)


# --- issuing -------------------------------------------------------------------------------------


@pytest.fixture
def issue(django_capture_on_commit_callbacks, officer, unit, subject):
    """Issue a letter as a case would, and run the after-commit rendering and signing."""

    def _issue(letter_type="LISTING_DECISION", *, actor=officer, unit=unit, subject=subject, context=None,
               case_chain="cases.listentry:1", case_ref="LB-2026-0001", addressee=None):
        with django_capture_on_commit_callbacks(execute=True):
            letter = services.letter_issue(
                actor=actor,
                unit=unit,
                letter_type=letter_type,
                subject=subject,
                case_chain=case_chain,
                case_ref=case_ref,
                context=context if context is not None else contexts()[letter_type],
                addressee=addressee or addressee_for(letter_type, subject, unit),
            )
        letter.refresh_from_db()
        return letter

    return _issue

