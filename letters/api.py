"""Letters API: list and read the letters a staff member may see; retry a failed one.

Mounted by the API's URL conf: ``path("letters/", include("letters.api"))`` under /api/v1/.
Issuing and reissuing are steps of a case (listing, objection, repair) and go through the case
endpoints, which call ``letters.services``.
"""

from __future__ import annotations

from django.urls import path
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from cases.errors import NotFound

from . import services
from .models import Letter
from .qr import verify_url
from .selectors import letters_visible_to


class LetterSerializer(serializers.ModelSerializer):
    title = serializers.CharField(read_only=True)
    unit = serializers.SlugRelatedField(slug_field="code", read_only=True)
    subject = serializers.SlugRelatedField(slug_field="identifier", read_only=True)
    verify_url = serializers.SerializerMethodField()
    pdf_url = serializers.SerializerMethodField()
    supersedes = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Letter
        fields = [
            "id", "letter_type", "title", "document_number", "unit", "subject", "addressee", "case_chain",
            "case_ref", "issue_date", "status", "failure_reason", "sha256", "size", "signature_algorithm",
            "signer_certificate", "issued_at", "supersedes", "superseded_reason", "verify_url", "pdf_url",
        ]
        read_only_fields = fields

    def get_verify_url(self, letter) -> str:
        return verify_url(letter.public_token)

    def get_pdf_url(self, letter) -> str | None:
        return f"/letters/{letter.pk}/pdf/" if letter.pdf else None


class LetterList(generics.ListAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LetterSerializer
    queryset = Letter.objects.none()  # for the schema only; reads go through the selector

    @extend_schema(parameters=[OpenApiParameter("case_chain", str), OpenApiParameter("status", str)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        qs = letters_visible_to(self.request.user)
        for param in ("case_chain", "status", "letter_type"):
            if value := self.request.query_params.get(param):
                qs = qs.filter(**{param: value})
        return qs


class LetterDetail(generics.RetrieveAPIView):
    permission_classes = [IsAuthenticated]
    serializer_class = LetterSerializer
    queryset = Letter.objects.none()

    def get_queryset(self):
        return letters_visible_to(self.request.user)


class LetterRetry(APIView):
    """Render and sign a FAILED letter again under the number it holds."""

    permission_classes = [IsAuthenticated]

    @extend_schema(request=None, responses=LetterSerializer)
    def post(self, request, pk: int):
        letter = letters_visible_to(request.user).filter(pk=pk).first()
        if letter is None:
            raise NotFound()
        return Response(LetterSerializer(services.letter_retry(actor=request.user, letter=letter)).data)


urlpatterns = [
    path("", LetterList.as_view(), name="letter-list"),
    path("<int:pk>/", LetterDetail.as_view(), name="letter-detail"),
    path("<int:pk>/retry/", LetterRetry.as_view(), name="letter-retry"),
]
