"""Inbound API for units' systems (issue 8 item 4): bulk list entries and execution feedback.

    Authorization: Bearer cr_<prefix>_<secret>           (a unit's API token, scoped)
    POST /api/v1/imports/entries/    file=@batch.csv      (multipart) or the raw body with
                                                          Content-Type text/csv, application/json or
                                                          the XLSX type → 202 {job}
    POST /api/v1/imports/feedback/   the same, for measure execution feedback (feedback:submit)
    GET  /api/v1/imports/                                 the unit's jobs, newest first
    GET  /api/v1/imports/<id>/                            status and counts
    GET  /api/v1/imports/<id>/errors/                     bad rows (JSON, paginated)
    GET  /api/v1/imports/<id>/errors.csv                  bad rows (CSV, streamed)

Staff of the unit may read the jobs with their own sign-in; only a token submits.
"""

from __future__ import annotations

from django.conf import settings
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import exceptions, serializers, status
from rest_framework.authentication import BaseAuthentication, get_authorization_header
from rest_framework.generics import ListAPIView
from rest_framework.permissions import BasePermission
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import DomainError
from cases.imports import jobs as job_services
from cases.imports import parsing
from cases.imports.messages import render
from cases.imports.tokens import api_token_authenticate
from cases.models import ApiToken, ImportJob
from cases.selectors.scope import staff_of


class UnitTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer cr_…``: a unit's API token. ``request.auth`` is the ApiToken."""

    keyword = b"bearer"

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != self.keyword:
            return None
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(_("Invalid token header."))
        token = api_token_authenticate(parts[1].decode("latin-1"))
        if token is None:
            raise exceptions.AuthenticationFailed(_("Invalid or revoked token."))
        return token.user, token

    def authenticate_header(self, request):
        return 'Bearer realm="api"'


class UnitTokenScheme(OpenApiAuthenticationExtension):
    target_class = UnitTokenAuthentication
    name = "unitToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer", "description": "A unit's API token: cr_<prefix>_<secret>"}


def _token(request) -> ApiToken | None:
    return request.auth if isinstance(request.auth, ApiToken) else None


class IsUnitSystemOrStaff(BasePermission):
    """A unit's token, or a signed-in member of a unit (who may only read)."""

    def has_permission(self, request, view):
        if _token(request) is not None:
            return True
        return staff_of(request.user) is not None and request.method in ("GET", "HEAD", "OPTIONS")


from rest_framework.settings import api_settings  # noqa: E402

AUTH = [UnitTokenAuthentication, *api_settings.DEFAULT_AUTHENTICATION_CLASSES]


class ImportJobSerializer(serializers.ModelSerializer):
    unit = serializers.CharField(source="unit.code")
    progress = serializers.SerializerMethodField()
    links = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "state", "unit", "file_name", "file_format", "total_rows", "processed_rows",
                  "created_count", "updated_count", "unchanged_count", "error_count", "flows_pending", "progress",
                  "failure", "created_at", "started_at", "finished_at", "links"]

    def get_progress(self, job) -> float:
        return round(job.processed_rows / job.total_rows, 4) if job.total_rows else 0.0

    def get_links(self, job) -> dict:
        return {"self": reverse("import-detail", args=[job.pk]), "errors": reverse("import-errors", args=[job.pk]),
                "errors_csv": reverse("import-errors-csv", args=[job.pk])}


class ImportSubmit(APIView):
    authentication_classes = AUTH
    permission_classes = [IsUnitSystemOrStaff]
    kind = ImportJob.Kind.ENTRIES

    @extend_schema(
        request={"multipart/form-data": {"type": "object", "properties": {"file": {"type": "string", "format": "binary"}}},
                 "text/csv": OpenApiTypes.BINARY, "application/json": OpenApiTypes.OBJECT},
        responses={202: ImportJobSerializer, 400: OpenApiResponse(description="malformed file"),
                   403: OpenApiResponse(description="scope missing"), 413: OpenApiResponse(description="too large")},
    )
    def post(self, request):
        token = _token(request)
        if token is None:
            raise DomainError(_("Submit batches with your unit's API token."), code="token_required")
        job_services.require_scope(token, self.kind)  # before reading a large body
        upload = request.FILES.get("file") if request.content_type.startswith("multipart/") else None
        limit = getattr(settings, "IMPORTS_MAX_BYTES", 200 * 1024 * 1024)
        if upload is not None:
            if upload.size > limit:
                return self._too_big(limit)
            data, name, content_type = upload.read(), upload.name, upload.content_type
        elif request.content_type.startswith("multipart/"):
            raise parsing.FileRefused("file_missing", _("Attach the batch as the form field “file”."))
        else:
            data = request._request.read(limit + 1)  # not request.body: that stops at 2.5 MB
            if len(data) > limit:
                return self._too_big(limit)
            name, content_type = request.headers.get("X-File-Name", ""), request.content_type
        job = job_services.import_submit(token=token, kind=self.kind, data=data, file_name=name,
                                         content_type=content_type, file_format=request.query_params.get("format"))
        body = ImportJobSerializer(job).data
        return Response(body, status=status.HTTP_202_ACCEPTED, headers={"Location": body["links"]["self"]})

    def _too_big(self, limit):
        return Response({"code": "file_too_large", "message": str(_("The file is larger than %(mb)s MB.") %
                                                                    {"mb": limit // (1024 * 1024)})}, status=413)


class ImportList(ListAPIView):
    authentication_classes = AUTH
    permission_classes = [IsUnitSystemOrStaff]
    serializer_class = ImportJobSerializer
    queryset = ImportJob.objects.none()  # for the schema; get_queryset scopes to the unit

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        token = _token(self.request)
        unit_id = token.unit_id if token is not None else staff_of(self.request.user).unit_id
        return ImportJob.objects.select_related("unit").filter(unit_id=unit_id).order_by("-created_at", "-id")


class _JobView(APIView):
    authentication_classes = AUTH
    permission_classes = [IsUnitSystemOrStaff]

    def job(self, request, pk):
        return job_services.import_job_for(token=_token(request), user=request.user, job_id=pk)


class ImportDetail(_JobView):
    @extend_schema(responses=ImportJobSerializer)
    def get(self, request, pk):
        return Response(ImportJobSerializer(self.job(request, pk)).data)


class RowErrorSerializer(serializers.Serializer):
    line = serializers.IntegerField()
    record_id = serializers.CharField()
    field = serializers.CharField()
    code = serializers.CharField()
    message = serializers.SerializerMethodField()

    def get_message(self, e) -> str:
        return render(e.code, e.params)


class ImportErrors(ListAPIView):
    authentication_classes = AUTH
    permission_classes = [IsUnitSystemOrStaff]
    serializer_class = RowErrorSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ImportJob.objects.none()
        job = job_services.import_job_for(token=_token(self.request), user=self.request.user, job_id=self.kwargs["pk"])
        return job.row_errors.order_by("line", "id")


class ImportErrorsCsv(_JobView):
    @extend_schema(responses={(200, "text/csv"): OpenApiTypes.BINARY})
    def get(self, request, pk):
        job = self.job(request, pk)
        response = StreamingHttpResponse(job_services.error_report_csv(job), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="import-{job.pk}-errors.csv"'
        return response
