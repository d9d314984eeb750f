"""What the objection and repair APIs share: the applicant's public view of a case (number + query
code, throttled) and its actions (material, chase-up, withdrawal), its letters and their download,
attachments as shown, uploaded files, the answer to a filing, and the officers' side of a case (in
scope, then responsible, then the form and one service)."""

from __future__ import annotations

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.api.countdown import CountdownSerializer, countdown_data
from cases.api.parsers import ObjectJSONParser
from cases.audit.services import chain_key
from cases.errors import NotFound, ValidationFailed
from cases.letter_types import LetterStatus
from cases.presentation import case_countdown, status_text
from cases.selectors.case_letters import letters_of_case
from cases.services import intake
from config.downloads import file_download
from config.throttling import AnonThrottle
from deadlines.countdown import CountdownClock

from .permissions import IsStaff, require_responsible


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
        if public_path and letter.status == LetterStatus.ISSUED:
            row["pdf"] = f"{public_path}/letters/{letter.pk}/pdf/?code={code}"
        rows.append(row)
    return rows


def filed_response(case, code: str, **deadlines) -> Response:
    """The answer to a filing: the case number and its query code (shown this once)."""
    return Response({"number": case.number, "query_code": code, "state": case.state,
                     "acceptance_due": case.acceptance_due, **deadlines,
                     "message": str(_("Keep the case number and query code: you need both to follow the case."))},
                    status=status.HTTP_201_CREATED)


# (Comments, not docstrings, on the shared classes below: the schema would show a docstring as the
# description of every serializer and view that inherits it.)

class StatusTextSerializer(serializers.ModelSerializer):
    status_text = serializers.SerializerMethodField()

    def get_status_text(self, case) -> str:
        return status_text(case)


class CaseSerializer(StatusTextSerializer):
    # The officers' view of a filed case.
    entry = serializers.IntegerField(source="entry_id")
    subject = serializers.CharField(source="subject.name")
    subject_identifier = serializers.CharField(source="subject.identifier")


class CaseDetailSerializer(serializers.Serializer):
    # What the detail of a filed case adds (mixed in after the procedure's own serializer).
    deadlines = serializers.JSONField()
    attachments = serializers.SerializerMethodField()
    letters = serializers.SerializerMethodField()

    def get_attachments(self, case) -> list:
        return AttachmentSerializer(intake.attachments_of(case), many=True).data

    def get_letters(self, case) -> list:
        return case_letters(case)


class PublicCaseSerializer(StatusTextSerializer):
    # What the applicant sees of a filed case; ``public_path`` is where they follow it.
    public_path = ""
    letters = serializers.SerializerMethodField()
    days_left = serializers.SerializerMethodField(
        help_text="The running deadline's countdown.days_left (working days for a working-day rule).")
    countdown = serializers.SerializerMethodField()

    def _countdown(self, case):
        return case_countdown(case, self.context.setdefault("countdown_clock", CountdownClock()))

    def get_days_left(self, case) -> int | None:
        return self._countdown(case).days_left

    @extend_schema_field(CountdownSerializer)
    def get_countdown(self, case) -> dict:
        return countdown_data(self._countdown(case))

    def get_letters(self, case) -> list:
        return case_letters(case, public_path=f"{self.public_path}/{case.number}", code=self.context.get("code"))


def form_data(form_class, data) -> dict:
    form = form_class(data=data)
    form.is_valid(raise_exception=True)
    return form.validated_data


class PublicFilingView(APIView):
    # The applicant's side: no account, throttled per address, files as multipart/form-data.
    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicCaseThrottle]
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]


class PublicCaseView(PublicFilingView):
    """A case the applicant follows without an account; ``model`` is the case model."""

    model = None
    public_serializer = None  # how the applicant sees it

    def _case(self, request, number):
        code = request.query_params.get("code") or request.data.get("code", "")
        return intake.case_by_number(self.model, number, code), code

    def get(self, request, number: str):
        case, code = self._case(request, number)
        return Response(self.public_serializer(case, context={"code": code}).data)


class PublicCaseLetter(PublicCaseView):
    @extend_schema(parameters=[OpenApiParameter("code", str, required=True)],
                   responses={(200, "application/pdf"): OpenApiTypes.BINARY})
    def get(self, request, number: str, letter_id: int):
        case, _code = self._case(request, number)
        letter = letters_of_case(chain_key(case)).filter(pk=letter_id, status=LetterStatus.ISSUED).first()
        if letter is None or not letter.pdf:
            raise NotFound(code="letter_not_found")
        return file_download(letter.pdf.open("rb"), content_type="application/pdf",
                             filename=f"{letter.document_number or letter.pk}.pdf")


class PublicCaseAction(PublicCaseView):
    # The applicant's actions on the case: ``material_action`` (their supplement), a chase-up, or
    # withdrawal (``withdraw_service``); the answer is the case as ``public_serializer`` shows it.
    action = ""
    material_action = ""
    withdraw_service = None

    def act(self, request, number: str, *, material) -> Response:
        case, code = self._case(request, number)
        if self.action == self.material_action:
            material(case)
        elif self.action == "chase-up":
            intake.chase_up(case, note=request.data.get("note", ""))
        elif self.action == "withdraw":
            self.withdraw_service(case=case, reason=request.data.get("reason", ""))
        case.refresh_from_db()
        return Response(self.public_serializer(case, context={"code": code}).data)


# --- officers' side ------------------------------------------------------------------------------

# The officers' lists of objections and repairs: by state, and by case number (exactly one case).
CASE_LIST_PARAMETERS = [
    OpenApiParameter("state", str, description="The case's state, e.g. VERIFYING."),
    OpenApiParameter("number", str, description="A case number (YY-2026-000123): the case itself, if in scope."),
]


class StaffCaseView(generics.GenericAPIView):
    # A filed case on the officers' side: ``visible`` is the procedure's scoped selector, ``kind``
    # its name for the responsibility check, ``not_found`` the error code of a case out of scope,
    # ``request_supplement`` its service.
    permission_classes = [IsStaff]
    visible = None
    kind = ""
    not_found = ""
    request_supplement = None

    def listed(self, request) -> Response:
        qs = filter_case_list(self.visible(user=request.user).order_by("-id"), request.query_params)
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def case(self, pk):
        case = self.visible(user=self.request.user).filter(pk=pk).first()
        if case is None:
            raise NotFound(code=self.not_found)
        return case

    def detail(self, pk) -> Response:
        return Response(self.get_serializer(self.case(pk)).data)

    def act(self, pk, form_class, service) -> Response:
        """The case, then whether the user may act on it (404 or 403 before the body is read), then
        the form, the service, and the case as it is now."""
        case = self.case(pk)
        require_responsible(self.request.user, case, self.kind)
        service(actor=self.request.user, case=case, **form_data(form_class, self.request.data))
        return self.detail(pk)


class StaffCaseList(StaffCaseView):
    # The procedure's list (its schema, with ``CASE_LIST_PARAMETERS``, declared where it is used)
    # and its filing at the counter (``post``, the procedure's own).
    parser_classes = [MultiPartParser, FormParser, ObjectJSONParser]

    def get(self, request):
        return self.listed(request)


class StaffCaseDetail(StaffCaseView):
    def get(self, request, pk: int):
        return self.detail(pk)


class StaffCaseSupplementRequest(StaffCaseView):
    @extend_schema(request=SupplementRequestForm)
    def post(self, request, pk: int):
        return self.act(pk, SupplementRequestForm, self.request_supplement)
