"""The embedded default has subjects' portal logins (one company, one individual) with the demo
password, and the company's account finds the demo objection under "my cases"."""

import io

import pytest
from django.core.management import call_command
from django.test import Client

from cases.demo import DEMO_PASSWORD
from cases.models import ObjectionCase

pytestmark = pytest.mark.django_db


def test_demo_portal_accounts_sign_in_and_see_their_own_cases():
    call_command("load_demo", stdout=io.StringIO())
    out = io.StringIO()
    call_command("load_demo_cases", stdout=out)
    assert "portal-company" in out.getvalue() and "portal-person" in out.getvalue()
    company, person = Client(), Client()
    assert company.login(username="portal-company", password=DEMO_PASSWORD)
    assert person.login(username="portal-person", password=DEMO_PASSWORD)
    objection = ObjectionCase.objects.get()
    assert objection.filed_by.username == "portal-company" and not hasattr(objection.filed_by, "staff")
    assert objection.number in company.get("/portal/my/").content.decode()
    assert company.get(f"/portal/cases/{objection.number}/").status_code == 200
    assert objection.number not in person.get("/portal/my/").content.decode()
    assert person.get(f"/portal/cases/{objection.number}/").status_code == 404
    call_command("load_demo_cases", stdout=io.StringIO())  # idempotent
