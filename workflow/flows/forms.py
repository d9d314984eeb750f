"""The data each step's completion carries (DRF serializers, so the API documents them)."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers


class NoticeForm(serializers.Serializer):
    served_on = serializers.DateField(required=False, help_text=_("The day the prior notice was served."))


class StatementForm(serializers.Serializer):
    statement = serializers.CharField(required=False, allow_blank=True, help_text=_(
        "The subject's statement and defence; leave empty when none came within the window."))


class DecisionForm(serializers.Serializer):
    approve = serializers.BooleanField(help_text=_("List the subject (true) or do not list and withdraw (false)."))
    decision_date = serializers.DateField(required=False)
    dating_reason = serializers.CharField(required=False, allow_blank=True, help_text=_(
        "Why a decision dated more than 3 working days back is recorded only now."))
    reason = serializers.CharField(required=False, allow_blank=True)

    def validate(self, data):
        if not data["approve"] and not (data.get("reason") or "").strip():
            raise serializers.ValidationError({"reason": _("Give the reason for not listing.")})
        return data


class ExecutionForm(serializers.Serializer):
    applied = serializers.BooleanField(help_text=_("Whether the measure was applied."))
    note = serializers.CharField(required=False, allow_blank=True, help_text=_("What was done (when applied)."))
    reason = serializers.CharField(required=False, allow_blank=True, help_text=_("Why not (when not applied)."))
    applied_at = serializers.DateTimeField(required=False)


class NoteForm(serializers.Serializer):
    note = serializers.CharField(required=False, allow_blank=True)
