"""Registry endpoints. Thin: parse, call one service or selector, render."""

import django_filters
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, status
from rest_framework.response import Response

from cases.errors import NotFound
from cases.identifiers import looks_like_resident_id
from cases.models import Measure, Subject
from cases.selectors import registry as selectors
from cases.services.subjects import subject_register, validate_identifier

from . import serializers
from .pagination import RegistryPagination
from .permissions import IsStaff


class SubjectListCreate(generics.GenericAPIView):
    permission_classes = [IsStaff]
    pagination_class = RegistryPagination  # a name fragment may match millions: the count stops at a cap
    serializer_class = serializers.SubjectListSerializer
    queryset = Subject.objects.none()  # for the schema only; reads go through the selector

    @extend_schema(
        parameters=[
            OpenApiParameter("search", str, description="name fragment, code prefix or full identifier"),
            OpenApiParameter("kind", str),
        ],
        responses=serializers.SubjectListSerializer(many=True),
    )
    def get(self, request):
        qs = selectors.subject_search(
            user=request.user, query=request.query_params.get("search", ""), kind=request.query_params.get("kind", "")
        )
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    @extend_schema(request=serializers.SubjectRegisterSerializer, responses={201: serializers.SubjectSerializer})
    def post(self, request):
        data = serializers.SubjectRegisterSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        subject = subject_register(actor=request.user, **data.validated_data)
        return Response(serializers.SubjectSerializer(subject).data, status=status.HTTP_201_CREATED)


class SubjectDetail(generics.GenericAPIView):
    permission_classes = [IsStaff]
    serializer_class = serializers.SubjectSerializer

    def get(self, request, identifier: str):
        subject = selectors.subject_by_identifier(user=request.user, identifier=identifier)
        if subject is None:
            kind = "NATURAL_PERSON" if looks_like_resident_id(identifier) else "LEGAL_PERSON"
            validate_identifier(kind, identifier)  # a malformed code gets a field error, not a bare 404
            raise NotFound(code="subject_not_found")
        return Response(self.get_serializer(subject).data)


class UnitList(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = serializers.UnitSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.unit_list(user=self.request.user)


class ListTypeList(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = serializers.ListTypeSerializer
    pagination_class = None

    def get_queryset(self):
        return selectors.list_type_list(user=self.request.user)


class StrictBooleanFilter(django_filters.TypedChoiceFilter):
    """true or false, nothing else (django-filter's BooleanFilter reads "null" as "no filter")."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, choices=[("true", "true"), ("false", "false")],
                         coerce=lambda value: value == "true", **kwargs)


class MeasureFilter(django_filters.FilterSet):
    mandatory = StrictBooleanFilter()
    legal_basis_verified = StrictBooleanFilter()

    class Meta:
        model = Measure
        fields = ["direction", "category", "legal_class", "mandatory", "basis_status", "legal_basis_verified"]


class MeasureList(generics.ListAPIView):
    permission_classes = [IsStaff]
    serializer_class = serializers.MeasureSerializer
    filterset_class = MeasureFilter
    pagination_class = None

    @extend_schema(parameters=[OpenApiParameter("mandatory", bool), OpenApiParameter("legal_basis_verified", bool)])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        return selectors.measure_list(user=self.request.user)
