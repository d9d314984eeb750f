"""manage.py letters_demo_ca: a demo CA and one PKCS#12 per active unit, idempotently."""

import pytest
from cryptography.hazmat.primitives.serialization import pkcs12
from django.core.management import call_command

from cases.models import Unit
from letters import pki
from tests.factories import UnitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh_keys(settings, tmp_path):
    settings.LETTERS_KEY_DIR = tmp_path / "keys"
    return settings.LETTERS_KEY_DIR


def test_creates_ca_and_a_credential_for_every_active_unit(fresh_keys, region):
    UnitFactory(code="a", name="甲局", region=region)
    UnitFactory(code="b", name="乙局", region=region)
    closed = UnitFactory(code="c", name="丙局", region=region)
    Unit.objects.filter(pk=closed.pk).update(is_active=False)

    call_command("letters_demo_ca", verbosity=0)

    assert (fresh_keys / "ca.pem").exists() and (fresh_keys / "ca.key.pem").exists()
    assert sorted(p.name for p in fresh_keys.glob("*.p12")) == ["a.p12", "b.p12"]
    key, cert, others = pkcs12.load_key_and_certificates((fresh_keys / "a.p12").read_bytes(), pki.passphrase())
    assert cert.subject.rfc4514_string().startswith("CN=甲局")
    assert [c.subject for c in others] == [pki.load_ca_certificate().subject]
    assert (fresh_keys / "a.p12").stat().st_mode & 0o077 == 0  # private key not readable by others


def test_second_run_keeps_everything_and_unit_option_does_one_unit(fresh_keys, region):
    UnitFactory(code="a", name="甲局", region=region)
    call_command("letters_demo_ca", verbosity=0)
    before = {p.name: p.read_bytes() for p in fresh_keys.iterdir()}

    call_command("letters_demo_ca", verbosity=0)
    UnitFactory(code="b", name="乙局", region=region)
    call_command("letters_demo_ca", "--unit", "b", verbosity=0)

    after = {p.name: p.read_bytes() for p in fresh_keys.iterdir()}
    assert all(after[name] == data for name, data in before.items())
    assert "b.p12" in after


def test_renamed_unit_gets_a_new_certificate(fresh_keys, region):
    unit = UnitFactory(code="a", name="甲局", region=region)
    call_command("letters_demo_ca", verbosity=0)
    first = (fresh_keys / "a.p12").read_bytes()

    unit.name = "甲委员会"
    unit.save()
    call_command("letters_demo_ca", verbosity=0)

    assert (fresh_keys / "a.p12").read_bytes() != first
