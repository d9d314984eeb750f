"""What the OpenAPI document declares (issue 17, item 9), checked fast; the contract test
(test_schema_contract.py) checks that the API does it."""

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

pytestmark = pytest.mark.django_db


@pytest.fixture
def schema():
    return APIClient().get("/api/schema/", {"format": "json"}).json()


def test_the_schema_is_valid_and_warning_free(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "schema.yaml"))


def test_every_operation_declares_its_errors_in_the_one_error_shape(schema):
    error = {"$ref": "#/components/schemas/Error"}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            responses = operation["responses"]
            assert responses["400"]["content"]["application/json"]["schema"] == error, (method, path)
            if "{" in path:
                assert "404" in responses, (method, path)
            if method == "post":
                assert {"409", "503"} <= set(responses), (method, path)
    staff = schema["paths"]["/api/v1/entries/{id}/withdraw/"]["post"]["responses"]
    assert {"400", "401", "403", "404", "409"} <= set(staff)
    public = schema["paths"]["/api/v1/public/objections/"]["post"]["responses"]
    assert "429" in public and "401" not in public
    fields = schema["components"]["schemas"]["Error"]["properties"]["fields"]
    assert fields["additionalProperties"]["items"] == {"$ref": "#/components/schemas/FieldError"}


def test_the_public_filing_takes_its_attachments_as_binary_files(schema):
    for path in ("/api/v1/public/objections/", "/api/v1/public/repairs/"):
        content = schema["paths"][path]["post"]["requestBody"]["content"]
        assert list(content) == ["multipart/form-data"], path
        ref = content["multipart/form-data"]["schema"]["$ref"].rsplit("/", 1)[1]
        attachments = schema["components"]["schemas"][ref]["properties"]["attachments"]
        assert attachments == {"type": "array", "items": {"type": "string", "format": "binary"}}


def test_what_can_be_null_is_nullable_and_lists_are_pages(schema):
    components = schema["components"]["schemas"]
    assert components["Task"]["properties"]["escalated_to"]["nullable"] is True
    assert components["Task"]["properties"]["owner"]["nullable"] is True
    assert components["Letter"]["properties"]["supersedes"]["nullable"] is True
    for path, item in (("/api/v1/executions/", "Execution"), ("/api/v1/tasks/escalated/", "Task"),
                       ("/api/v1/repairs/", "Repair")):
        ref = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
        assert ref == f"#/components/schemas/Paginated{item}List", path
