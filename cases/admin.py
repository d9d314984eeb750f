"""Django admin for the registry, the catalogue and the procedure rules.

Administrators (StaffProfile role ADMINISTRATOR, ``is_staff``) manage these without holding model
permissions: access follows the role, so no administrator ever needs a unit's queue permission.
Every save and delete made here is written to the audit trail; units are created through
``unit_create`` so that each gets its group and its one routing permission. Rows that cases point
at (regions, units, measures) are switched off with ``is_active`` rather than deleted.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.utils.html import format_html_join
from django.utils.translation import gettext_lazy as _

# AdministratorAccess is named here too for the letters and notifications admins.
from cases.admin_access import AdministratorAccess, AdministratorReadOnly, is_administrator
from cases.audit.services import audit_record
from cases.models import (
    ObjectionCase,
    RepairCase,
    ListType,
    ListTypeMeasure,
    Measure,
    MeasureImplementer,
    ProcedureRule,
    Region,
    StaffProfile,
    Subject,
    SubjectNameHistory,
    Unit,
    UnitListRole,
)
from cases.errors import DomainError
from cases.services.registry import list_type_revoke, unit_create
from deadlines.models import HolidayOverride, HolidayYear, RecomputeRun
from deadlines.tasks import recompute_later
from deadlines.wording import legal_basis, period_words, rule_name

# The administration carries the product's name, not Django's (issue 19, item 11).
admin.site.site_header = _("Credit joint reward and punishment case system")
admin.site.site_title = _("Credit joint reward and punishment case system")
admin.site.index_title = _("Administration")


def _plain(value):
    if hasattr(value, "pk"):
        return value.pk
    if isinstance(value, (list, tuple, set)) or hasattr(value, "__iter__") and not isinstance(value, (str, bytes)):
        return [v.pk if hasattr(v, "pk") else str(v) for v in value]
    return value


class AuditedInline(AdministratorAccess, admin.TabularInline):
    extra = 0
    allow_delete = True


class AuditedAdmin(AdministratorAccess, admin.ModelAdmin):
    """Records every admin save and delete, with the changed fields old → new."""

    def audit_action(self, verb: str) -> str:
        return f"{self.model._meta.model_name}.admin_{verb}"

    def save_model(self, request, obj, form, change):
        changes = {
            name: [_plain(form.initial.get(name)) if change else None, _plain(form.cleaned_data.get(name))]
            for name in form.changed_data
        }
        super().save_model(request, obj, form, change)
        audit_record(action=self.audit_action("change" if change else "add"), obj=obj, actor=request.user,
                     changes=changes)

    def delete_model(self, request, obj):
        audit_record(action=self.audit_action("delete"), obj=obj, actor=request.user, changes={"deleted": [str(obj), None]})
        super().delete_model(request, obj)

    def save_formset(self, request, form, formset, change):
        parent = form.instance
        instances = formset.save(commit=False)
        for deleted in formset.deleted_objects:
            audit_record(action=self.audit_action("inline_delete"), obj=parent, actor=request.user,
                         changes={deleted._meta.model_name: [str(deleted), None]})
            deleted.delete()
        for instance in instances:
            adding = instance._state.adding
            instance.save()
            audit_record(action=self.audit_action("inline_add" if adding else "inline_change"), obj=parent,
                         actor=request.user, changes={instance._meta.model_name: [None, str(instance)]})
        formset.save_m2m()


@admin.register(Region)
class RegionAdmin(AuditedAdmin):
    list_display = ["code", "name", "parent"]
    search_fields = ["code", "name"]
    list_select_related = ["parent"]
    autocomplete_fields = ["parent"]
    ordering = ["code"]


class UnitListRoleInline(AuditedInline):
    model = UnitListRole
    autocomplete_fields = ["list_type"]
    fields = ["list_type", "role"]


@admin.register(Unit)
class UnitAdmin(AuditedAdmin):
    list_display = [
        "code", "name", "short_name", "region", "document_prefix", "is_credit_lead_office", "is_platform_window",
        "is_active", "staff_count",
    ]
    list_filter = ["is_active", "is_credit_lead_office", "is_platform_window", "region"]
    search_fields = ["code", "name", "short_name", "document_prefix"]
    list_select_related = ["region"]
    autocomplete_fields = ["region", "parent"]
    readonly_fields = ["group", "routing_permission"]
    inlines = [UnitListRoleInline]

    @admin.display(description=_("staff"))
    def staff_count(self, obj):
        return obj.staff.count()

    @admin.display(description=_("routing permission"))
    def routing_permission(self, obj):
        return obj.permission_name if obj.pk else "-"

    def get_readonly_fields(self, request, obj=None):
        # The code names the unit's group and permission; it never changes once created.
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return super().save_model(request, obj, form, change)
        data = form.cleaned_data
        unit = unit_create(
            actor=request.user, code=data["code"], name=data["name"], short_name=data["short_name"],
            region=data["region"], document_prefix=data["document_prefix"], parent=data.get("parent"),
            is_credit_lead_office=data.get("is_credit_lead_office", False),
            is_platform_window=data.get("is_platform_window", False),
        )
        # The admin continues with ``obj`` (inlines, redirect): make it the created row.
        obj.pk = unit.pk
        obj.group_id = unit.group_id
        obj._state.adding = False
        obj._state.db = unit._state.db


@admin.register(UnitListRole)
class UnitListRoleAdmin(AuditedAdmin):
    list_display = ["unit", "list_type", "role"]
    list_filter = ["role", "list_type__kind", "list_type", "unit"]
    search_fields = ["unit__name", "unit__code", "list_type__name", "list_type__code"]
    list_select_related = ["unit", "list_type"]
    autocomplete_fields = ["unit", "list_type"]
    allow_delete = True


@admin.register(StaffProfile)
class StaffProfileAdmin(AuditedAdmin):
    """Accounts are created with ``staff_create`` (group membership follows the role), so unit and
    role are read-only here."""

    list_display = ["user", "full_name", "unit", "role", "scope_region", "is_active"]
    list_filter = ["role", "unit", "scope_region"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "unit__name", "unit__code"]
    list_select_related = ["user", "unit", "scope_region"]
    readonly_fields = ["user", "unit", "role"]
    autocomplete_fields = ["scope_region"]

    @admin.display(description=_("name"), ordering="user__first_name")
    def full_name(self, obj):
        return obj.user.get_full_name()

    @admin.display(description=_("active"), boolean=True)
    def is_active(self, obj):
        return obj.user.is_active

    def has_add_permission(self, request, *args):
        return False


class ListTypeMeasureInline(AuditedInline):
    model = ListTypeMeasure
    autocomplete_fields = ["measure"]
    verbose_name = _("triggered measure")
    verbose_name_plural = _("triggered measures")


class ListTypeUnitRoleInline(AuditedInline):
    model = UnitListRole
    autocomplete_fields = ["unit"]
    fields = ["unit", "role"]


@admin.register(ListType)
class ListTypeAdmin(AuditedAdmin):
    list_display = [
        "code", "name", "kind", "severity", "validity_months", "min_publication_months", "max_publication_months",
        "repair_excluded", "is_active", "revoked_at",
    ]
    list_filter = ["kind", "severity", "repair_excluded", "is_active"]
    search_fields = ["code", "name", "standard_document"]
    inlines = [ListTypeMeasureInline, ListTypeUnitRoleInline]
    # A revocation goes through list_type_revoke (the action below), never by editing the dates.
    readonly_fields = ["revoked_at", "revocation_reason"]
    actions = ["revoke"]

    @admin.action(description=_("Revoke the selected list types (名单类型废止)"))
    def revoke(self, request, queryset):
        """名单类型废止: asks for the reason on a page of its own, then ``list_type_revoke`` for each
        (docs/operations.md, "Revoking a list type"); the removal sweep starts once it commits."""
        form = RevocationForm(request.POST if "apply" in request.POST else None)
        if form.is_bound and form.is_valid():
            for list_type in queryset:
                try:
                    list_type_revoke(actor=request.user, list_type=list_type, reason=form.cleaned_data["reason"])
                except DomainError as exc:
                    self.message_user(request, f"{list_type.name}：{exc.message}", messages.ERROR)
                else:
                    self.message_user(request, _("%(name)s is revoked: its listed entries are being taken off the "
                                                 "lists.") % {"name": list_type.name}, messages.SUCCESS)
            return None
        return TemplateResponse(request, "admin/cases/listtype/revoke.html", {
            **self.admin_site.each_context(request), "title": _("Revoke list types"), "opts": self.model._meta,
            "queryset": queryset, "form": form, "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        })


class RevocationForm(forms.Form):
    reason = forms.CharField(label=_("reason for the revocation"), max_length=500, widget=forms.Textarea(attrs={"rows": 3}),
                             help_text=_("The document that abolished the list type's basis, with its number."))


class MeasureImplementerInline(AuditedInline):
    model = MeasureImplementer
    autocomplete_fields = ["unit"]
    verbose_name = _("implementing unit")
    verbose_name_plural = _("implementing units")


@admin.register(Measure)
class MeasureAdmin(AuditedAdmin):
    list_display = [
        "code", "title", "direction", "category", "legal_class", "mandatory", "basis_status",
        "legal_basis_verified", "is_active",
    ]
    list_filter = ["direction", "category", "legal_class", "mandatory", "basis_status", "legal_basis_verified",
                   "is_active"]
    search_fields = ["code", "title", "legal_basis", "typical_implementers"]
    inlines = [MeasureImplementerInline]


@admin.register(ProcedureRule)
class ProcedureRuleAdmin(AuditedAdmin):
    list_display = ["rule", "case_type", "period", "applies_to", "effective_from", "effective_to", "legal_basis"]
    list_filter = ["case_type", "period_unit", "regime"]
    search_fields = ["step", "regime", "basis", "description"]
    allow_delete = True

    @admin.display(description=_("rule"), ordering="step")
    def rule(self, obj):
        """The rule's name for a reader; its step code stays on the edit form, where it is the key."""
        return rule_name(obj.case_type, obj.step)

    @admin.display(description=_("period"), ordering="amount")
    def period(self, obj):
        return period_words(obj.amount, obj.period_unit)

    @admin.display(description=_("applies to"), ordering="regime")
    def applies_to(self, obj):
        """The regime by name: everywhere, a list type or a region (the most specific wins)."""
        if obj.regime == ProcedureRule.DEFAULT_REGIME:
            return _("everywhere (default)")
        return (ListType.objects.filter(code=obj.regime).values_list("name", flat=True).first()
                or Region.objects.filter(code=obj.regime).values_list("name", flat=True).first() or obj.regime)

    @admin.display(description=_("basis"), ordering="basis")
    def legal_basis(self, obj):
        """The clause; the spec's section references and drafting notes stay on the edit form."""
        return legal_basis(obj.basis)


@admin.register(HolidayYear)
class HolidayYearAdmin(AuditedAdmin):
    """A year's official schedule: declaring it complete makes it official and re-dates every open
    deadline that touched it (see docs/deadlines.md, "Publishing a year")."""

    list_display = ["year", "declared_complete", "source_document"]
    list_filter = ["declared_complete"]
    search_fields = ["year", "source_document", "note"]
    allow_delete = True

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        _recompute_after_admin_change(request, [obj.year])

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute_after_admin_change(request, [obj.year])


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(AuditedAdmin):
    list_display = ["date", "kind", "name", "source_document"]
    list_filter = ["kind"]
    search_fields = ["name", "source_document"]
    date_hierarchy = "date"
    allow_delete = True

    def save_model(self, request, obj, form, change):
        before = form.initial.get("date") if change else None
        super().save_model(request, obj, form, change)
        _recompute_after_admin_change(request, {obj.date.year, *([before.year] if before else [])})

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        _recompute_after_admin_change(request, [obj.date.year])


def _recompute_after_admin_change(request, years) -> None:
    recompute_later(years, reason=_("Holiday data changed by an administrator"))
    messages.info(request, _("The open deadlines of %(years)s are being recomputed; the result is listed under "
                             "deadline recomputes.") % {"years": ", ".join(str(y) for y in sorted(years))})


@admin.register(RecomputeRun)
class RecomputeRunAdmin(AdministratorReadOnly, admin.ModelAdmin):
    """What each recompute moved (read-only)."""

    list_display = ["started_at", "years", "reason", "examined", "moved", "held"]
    readonly_fields = ["years", "reason", "started_at", "finished_at", "examined", "moved", "held", "moves_table"]
    exclude = ["moves"]

    @admin.display(description=_("what moved"))
    def moves_table(self, obj):
        return format_html_join(
            "", "<div>{} · {}: {} → {}{}</div>",
            ((m["case"], m["label"], m["old_due"], m["new_due"], " *" if m.get("held") else "") for m in obj.moves),
        )


@admin.register(ObjectionCase)
class ObjectionCaseAdmin(AdministratorReadOnly, admin.ModelAdmin):
    list_display = ["number", "state", "entry", "accepting_unit", "verifying_unit", "filed_at", "verification_due"]
    list_filter = ["state", "channel"]
    search_fields = ["number", "applicant_name", "entry__subject__name", "entry__subject__identifier"]
    list_select_related = ["entry__subject", "entry__list_type", "accepting_unit", "verifying_unit"]
    exclude = ["query_code_hash"]


@admin.register(RepairCase)
class RepairCaseAdmin(AdministratorReadOnly, admin.ModelAdmin):
    list_display = ["number", "state", "entry", "deciding_unit", "filed_at", "decision_due"]
    list_filter = ["state", "channel"]
    search_fields = ["number", "applicant_name", "entry__subject__name", "entry__subject__identifier"]
    list_select_related = ["entry__subject", "entry__list_type", "deciding_unit"]
    exclude = ["query_code_hash"]


class SubjectNameHistoryInline(admin.TabularInline):
    model = SubjectNameHistory
    extra = 0
    can_delete = False
    readonly_fields = ["name", "valid_from", "valid_to", "recorded_at"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    """Look-up only: subjects are registered through ``subject_register``, which validates codes."""

    list_display = ["identifier", "name", "kind", "legal_representative", "region", "updated_at"]
    list_filter = ["kind", "region"]
    search_fields = ["identifier", "name", "legal_representative"]
    list_select_related = ["region"]
    readonly_fields = [f.name for f in Subject._meta.fields]
    inlines = [SubjectNameHistoryInline]

    def has_module_permission(self, request):
        return is_administrator(request.user) or super().has_module_permission(request)

    def has_view_permission(self, request, obj=None):
        return is_administrator(request.user) or super().has_view_permission(request, obj)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from cases.imports import admin as _imports_admin  # noqa: E402,F401  API tokens and import jobs (issue 8)
