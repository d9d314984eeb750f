"""Django admin for API tokens and import jobs (registered from cases/admin.py).

A token is issued from the admin's "add" form: the clear token is shown once in the success
message; afterwards only its prefix is visible. Revoking is an action. Jobs are read-only.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cases.admin_access import AdministratorAccess, AdministratorReadOnly
from cases.models import ApiToken, ImportBatch, ImportJob

from .tokens import api_token_issue, api_token_revoke


class ApiTokenForm(forms.ModelForm):
    scopes = forms.MultipleChoiceField(label=_("scopes"), choices=ApiToken.Scope.choices,
                                       widget=forms.CheckboxSelectMultiple)

    class Meta:
        model = ApiToken
        fields = ["unit", "name", "scopes"]


@admin.register(ApiToken)
class ApiTokenAdmin(AdministratorAccess, admin.ModelAdmin):
    form = ApiTokenForm
    list_display = ["prefix", "unit", "name", "scope_list", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["revoked_at"]
    search_fields = ["prefix", "name", "unit__name", "unit__code"]
    actions = ["revoke"]

    def get_readonly_fields(self, request, obj=None):
        return ["unit", "name", "scopes", "prefix", "created_at", "last_used_at", "revoked_at"] if obj else []

    def get_fields(self, request, obj=None):
        return ["unit", "name", "scopes", "prefix", "created_at", "last_used_at", "revoked_at"] if obj else [
            "unit", "name", "scopes"]

    @admin.display(description=_("scopes"))
    def scope_list(self, obj):
        return ", ".join(obj.scopes)

    def save_model(self, request, obj, form, change):
        if change:
            return  # tokens are not edited: revoke and issue a new one
        token, raw = api_token_issue(actor=request.user, unit=form.cleaned_data["unit"],
                                     name=form.cleaned_data["name"], scopes=form.cleaned_data["scopes"])
        obj.pk = token.pk
        messages.warning(request, _("The token is shown only this once: %(token)s") % {"token": raw})

    @admin.action(description=_("Revoke the selected tokens"))
    def revoke(self, request, queryset):
        for token in queryset:
            api_token_revoke(actor=request.user, token=token, reason="admin")


@admin.register(ImportJob)
class ImportJobAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ["id", "kind", "unit", "state", "total_rows", "created_count", "unchanged_count", "error_count",
                    "flows_pending", "created_at"]
    list_filter = ["kind", "state"]
    search_fields = ["unit__name", "file_name"]

    def has_add_permission(self, request, *args):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ImportBatch)
class ImportBatchAdmin(AdministratorReadOnly, admin.ModelAdmin):
    """The batches an import wrote, each with its one audit event (ADR 0005); read-only."""

    list_display = ["job", "number", "first_line", "last_line", "entries_created", "subjects_created", "created_at"]
    list_select_related = ["job"]
