"""Administrators see the outbox: what is pending, what went out, what is DEAD, and replay it."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cases.admin import AdministratorAccess
from notifications.models import Delivery, OutboxEvent, PlatformEntryState
from notifications.services.delivery import replay


class DeliveryInline(admin.TabularInline):
    model = Delivery
    extra = 0
    can_delete = False
    fields = ("channel", "address", "state", "attempts", "next_attempt_at", "delivered_at", "last_error")
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEvent)
class OutboxEventAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("id", "kind", "subject_key", "event_id", "created_at")
    list_filter = ("kind",)
    search_fields = ("event_id", "subject_key", "source")
    readonly_fields = ("event_id", "kind", "subject_key", "source", "object_type", "object_id", "payload", "created_at")
    inlines = [DeliveryInline]
    show_full_result_count = False

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("id", "channel", "event_kind", "subject_key", "address", "state", "attempts", "next_attempt_at",
                    "short_error")
    list_filter = ("state", "channel")
    search_fields = ("event__event_id", "subject_key", "address")
    list_select_related = ("event",)
    readonly_fields = ("event", "channel", "subject_key", "recipient", "address", "language", "state", "attempts",
                       "next_attempt_at", "lease_until", "last_error", "delivered_at", "created_at")
    actions = ["replay_deliveries"]
    show_full_result_count = False

    @admin.display(description=_("event"))
    def event_kind(self, obj):
        return obj.event.kind

    @admin.display(description=_("last error"))
    def short_error(self, obj):
        return (obj.last_error or "")[:80]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Replay the selected deliveries (send again from the first attempt)"))
    def replay_deliveries(self, request, queryset):
        count = replay(actor=request.user, deliveries=list(queryset))
        self.message_user(request, ngettext("%(count)d delivery queued again.", "%(count)d deliveries queued again.",
                                            count) % {"count": count}, messages.SUCCESS)


@admin.register(PlatformEntryState)
class PlatformEntryStateAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("entry", "state", "event_id", "acknowledged_at")
    list_filter = ("state",)
    readonly_fields = ("entry", "state", "event_id", "acknowledged_at")
    raw_id_fields = ("entry",)

    def has_add_permission(self, request):
        return False
