"""The optional read replica (docs/scaling.md): only the listed read views read from it."""

import pytest
from django.test import Client, RequestFactory
from django.urls import resolve

from config import db_routers
from config.ops.middleware import RequestContextMiddleware

pytestmark = pytest.mark.django_db


def test_the_router_reads_from_the_replica_only_while_asked_and_never_writes_there():
    router = db_routers.ReplicaRouter()
    assert router.db_for_read(None) is None
    token = db_routers.use_replica.set(True)
    try:
        assert router.db_for_read(None) == "replica"
        assert router.db_for_write(None) == "default"
    finally:
        db_routers.use_replica.reset(token)
    assert router.allow_migrate("replica", "cases") is False and router.allow_migrate("default", "cases") is True


@pytest.mark.filterwarnings("ignore:Overriding setting DATABASES")
@pytest.mark.parametrize("path,routed", [
    ("/api/v1/status/91540102275888774K/", True), ("/api/v1/status/batch/", True),
    ("/api/v1/public/entries/", True), ("/public/", True),
    ("/api/v1/entries/", False), ("/api/v1/public/objections/", False), ("/api/v1/tasks/", False),
])
def test_only_the_status_check_and_public_search_are_sent_to_the_replica(settings, path, routed):
    settings.DATABASES = {**settings.DATABASES, "replica": settings.DATABASES["default"]}
    request = RequestFactory().get(path)
    request.resolver_match = resolve(path)
    seen = {}

    def view(req):
        seen["replica"] = db_routers.use_replica.get()
        from django.http import HttpResponse

        return HttpResponse()

    middleware = RequestContextMiddleware(lambda req: middleware.process_view(req, view, (), {}) or view(req))
    middleware(request)
    assert seen["replica"] is routed
    assert db_routers.use_replica.get() is False, "the flag ends with the request"


def test_without_a_replica_configured_nothing_is_routed():
    from django.conf import settings

    assert "replica" not in settings.DATABASES
    response = Client().get("/healthz")
    assert response.status_code == 200 and db_routers.use_replica.get() is False
