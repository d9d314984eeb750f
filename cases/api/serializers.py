"""Input parsing and output shapes only; rules live in services."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cases.models import ListType, Measure, Region, Subject, SubjectNameHistory, Unit, UnitListRole


class StrictCharField(serializers.CharField):
    """A string, as the schema says: a JSON number or boolean is refused, not turned into text."""

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)


class QuerySerializer(serializers.Serializer):
    """Query parameters as the schema states them: ``?x=`` with nothing after it is not "x left
    out" but an empty value, refused unless the parameter may be blank."""

    def to_internal_value(self, data):
        if hasattr(data, "getlist"):
            blank = {name: [serializers.ErrorDetail(str(field.error_messages.get("blank") or _("This field may not be blank.")),
                                                    code="blank")]
                     for name, field in self.fields.items()
                     if name in data and data.get(name) == "" and not getattr(field, "allow_blank", False)}
            if blank:
                raise serializers.ValidationError(blank)
        return super().to_internal_value(data)


class RegionField(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", queryset=Region.objects.all(), **kwargs)


class SubjectNameSerializer(serializers.ModelSerializer):
    class Meta:
        model = SubjectNameHistory
        fields = ["name", "valid_from", "valid_to"]


class SubjectSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code", allow_null=True, read_only=True)
    name_history = SubjectNameSerializer(many=True, read_only=True)

    class Meta:
        model = Subject
        fields = [
            "id", "kind", "identifier_type", "identifier", "name", "legal_representative", "region", "address",
            "created_at", "name_history",
        ]


class SubjectListSerializer(serializers.ModelSerializer):
    class Meta:
        model = Subject
        fields = ["id", "kind", "identifier", "name", "legal_representative"]


class SubjectRegisterSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=Subject.Kind.choices, label=_("subject type"))
    identifier = serializers.CharField(max_length=32, label=_("identifier"))
    name = serializers.CharField(max_length=200, label=_("name"))
    legal_representative = serializers.CharField(max_length=64, required=False, allow_blank=True, default="")
    region = RegionField(required=False, allow_null=True, default=None)
    address = serializers.CharField(max_length=255, required=False, allow_blank=True, default="")


class UnitRoleSerializer(serializers.ModelSerializer):
    list_type = serializers.CharField(source="list_type.code")

    class Meta:
        model = UnitListRole
        fields = ["list_type", "role"]


class UnitSerializer(serializers.ModelSerializer):
    region = serializers.CharField(source="region.code")
    parent = serializers.CharField(source="parent.code", allow_null=True, default=None)
    roles = UnitRoleSerializer(source="list_roles", many=True)

    class Meta:
        model = Unit
        fields = [
            "code", "name", "short_name", "region", "parent", "document_prefix", "is_credit_lead_office",
            "is_platform_window", "roles",
        ]


class MeasureSerializer(serializers.ModelSerializer):
    implementing_units = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)

    class Meta:
        model = Measure
        fields = [
            "code", "title", "direction", "category", "legal_class", "mandatory", "legal_basis",
            "legal_basis_verified", "basis_status", "source_note", "target", "typical_implementers",
            "implementing_units",
        ]


class ListTypeUnitSerializer(serializers.Serializer):
    unit = serializers.CharField(source="unit.code")
    role = serializers.CharField()


class ListTypeSerializer(serializers.ModelSerializer):
    measures = serializers.SlugRelatedField(slug_field="code", many=True, read_only=True)
    units = ListTypeUnitSerializer(source="unit_roles", many=True, read_only=True)

    class Meta:
        model = ListType
        fields = [
            "code", "kind", "name", "standard_document", "standard_article", "validity_months", "severity",
            "min_publication_months", "max_publication_months", "repair_excluded", "repair_exclusion_basis",
            "measures", "units",
        ]
