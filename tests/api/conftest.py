import pytest
from django.contrib.auth import get_user_model
from rest_framework.test import APIClient

from cases.models import Region, StaffProfile, Unit


@pytest.fixture
def region(db):
    return Region.objects.create(code="540100", name="拉萨市")


@pytest.fixture
def unit(region):
    return Unit.objects.create(code="ls-amr", name="拉萨市市场监督管理局", short_name="市场监管局", region=region, document_prefix="拉市监")


def make_staff(unit, username, role):
    user = get_user_model().objects.create_user(username=username, password="x")
    StaffProfile.objects.create(user=user, unit=unit, role=role)
    return user


@pytest.fixture
def officer(unit):
    return make_staff(unit, "officer", StaffProfile.Role.OFFICER)


@pytest.fixture
def auditor(unit):
    return make_staff(unit, "auditor", StaffProfile.Role.AUDITOR)


@pytest.fixture
def api(officer):
    client = APIClient()
    client.force_authenticate(officer)
    return client
