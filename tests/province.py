"""The province the workflow, objection and repair tests run in: plugged in by tests/conftest.py."""

import pytest
from rest_framework.test import APIClient

from cases.services.registry import catalogue_seed, unit_assign_role
from tests.factories import (
    AuditorFactory, LeaderFactory, ListTypeFactory, MeasureFactory, OfficerFactory, RegionFactory, SubjectFactory,
    UnitFactory,
)


@pytest.fixture
def province(db):
    """A listing unit, two implementing units, an outsider, and the region's credit lead office."""
    catalogue_seed(update_existing=False)  # procedure rules: notice window, publication, feedback, reminders
    region = RegionFactory()
    listing = UnitFactory(region=region)
    impl_a, impl_b, outsider = UnitFactory(region=region), UnitFactory(region=region), UnitFactory(region=region)
    lead = UnitFactory(region=region, credit_lead=True)
    mandatory = MeasureFactory(implementing_units=[impl_a, impl_b])
    recommended = MeasureFactory(recommended=True, implementing_units=[impl_a])
    blacklist = ListTypeFactory(measures=[mandatory, recommended])
    red = ListTypeFactory(red=True, measures=[MeasureFactory(reward=True, implementing_units=[impl_b])])
    for lt in (blacklist, red):
        unit_assign_role(actor=None, unit=listing, list_type=lt, role="LISTING")
    return {
        "region": region, "listing": listing, "impl_a": impl_a, "impl_b": impl_b, "outsider_unit": outsider,
        "lead": lead, "officer": OfficerFactory(unit=listing), "officer2": OfficerFactory(unit=listing),
        "leader": LeaderFactory(unit=listing), "officer_a": OfficerFactory(unit=impl_a),
        "officer_b": OfficerFactory(unit=impl_b), "outsider": OfficerFactory(unit=outsider),
        "outsider_leader": LeaderFactory(unit=outsider), "lead_officer": OfficerFactory(unit=lead),
        "auditor": AuditorFactory(unit=lead), "blacklist": blacklist, "red": red,
        "mandatory": mandatory, "recommended": recommended, "subject": SubjectFactory(),
    }


@pytest.fixture
def as_user():
    def make(user, language="zh-hans"):
        client = APIClient(HTTP_ACCEPT_LANGUAGE=language)
        client.force_authenticate(user)
        return client

    return make
