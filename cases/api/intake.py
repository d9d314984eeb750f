"""What the objection and repair APIs share: the applicant's public view of a case (number + query
code, throttled), its letters and their download, attachments as shown, uploaded files."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.views import APIView

from cases.api.parsers import ObjectJSONParser
from cases.audit.services import chain_key
from cases.errors import NotFound, ValidationFailed
from cases.services import intake
from config.downloads import file_download
from config.throttling import AnonThrottle
from letters.models import Letter
from letters.selectors import letters_of_case


class PublicCaseThrottle(AnonThrottle):
    """Per client address: following a case, filing, and guessing query codes."""

    scope = "public_case"
    rate = "60/min"

    def get_rate(self):
        return self.rate


class AttachmentSerializer(serializers.Serializer):
    name = serializers.CharField(source="original_name")
    kind = serializers.CharField()
    content_type = serializers.CharField()
    size = serializers.IntegerField()
    sha256 = serializers.CharField()
    uploaded_at = serializers.DateTimeField()


class SupplementRequestForm(serializers.Serializer):
    materials = serializers.ListField(child=serializers.CharField(), allow_empty=False, min_length=1)


# The officers' lists of objections and repairs: by state, and by case number (exactly one case).
CASE_LIST_PARAMETERS = [
    OpenApiParameter("state", str, description="The case's state, e.g. VERIFYING."),
    OpenApiParameter("number", str, description="A case number (YY-2026-000123): the case itself, if in scope."),
]


def filter_case_list(qs, params):
    if state := params.get("state"):
        qs = qs.filter(state=state)
    if number := (params.get("number") or "").strip():
        qs = qs.filter(number=number.upper())
    return qs


def uploaded(request, name: str = "attachments") -> list:
    """The files sent as ``name`` (multipart/form-data), each then proven by its content in
    ``intake.attachments_check``. A value there that is not a file (a URL, a text, JSON) is a field
    error, not silently nothing: there is no content to prove."""
    files = request.FILES.getlist(name) if hasattr(request, "FILES") else []
    data = request.data
    values = data.getlist(name) if hasattr(data, "getlist") else data.get(name) if isinstance(data, dict) else None
    values = values if isinstance(values, list) else [] if values in (None, "") else [values]
    if any(not isinstance(value, UploadedFile) and value not in ("", None) for value in values):
        raise ValidationFailed(fields={name: [("not_a_file", _(
            "Send each attachment as a file (multipart/form-data), not as text or a link."))]})
    return files


def case_letters(case, *, public_path: str | None = None, code: str | None = None) -> list:
    """The case's letters; with ``public_path`` (e.g. ``/api/v1/public/objections/YY-…``) each
    issued one carries its download link for the applicant."""
    rows = []
    for letter in letters_of_case(chain_key(case)).order_by("id"):
        row = {"id": letter.pk, "type": letter.letter_type, "document_number": letter.document_number,
               "status": letter.status, "issue_date": letter.issue_date}
        if public_path and letter.status == Letter.Status.ISSUED:
            row["pdf"] = f"{public_path}/letters/{letter.pk}/pdf/?code={code}"
        rows.append(row)
    return rows


class PublicCaseView(APIView):
    """A case the applicant follows without an account; ``model`` is the case model."""

    model = None
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    def _case(self, request, number):
        code = request.query_params.get("code") or request.data.get("code", "")
        return intake.case_by_number(self.model, number, code), code


class PublicCaseLetter(PublicCaseView):
    @extend_schema(parameters=[OpenApiParameter("code", str, required=True)],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number: str, letter_id: int):
        case, _code = self._case(request, number)
        letter = Letter.objects.filter(pk=letter_id, case_chain=chain_key(case), status=Letter.Status.ISSUED).first()
        if letter is None or not letter.pdf:
            raise NotFound(code="letter_not_found")
        return file_download(letter.pdf.open("rb"), content_type="application/pdf",
                             filename=f"{letter.document_number or letter.pk}.pdf")
