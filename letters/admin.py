"""Letters in the admin: read-only (letters change only through services), with a retry action."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from cases.admin import AdministratorAccess
from cases.errors import DomainError

from . import services
from .models import Letter, LetterNumberCounter


@admin.register(Letter)
class LetterAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("document_number", "letter_type", "unit", "subject", "status", "issue_date", "case_ref")
    list_filter = ("status", "letter_type", "unit", "year")
    search_fields = ("document_number", "case_ref", "subject__name", "subject__identifier", "sha256")
    date_hierarchy = "issue_date"
    actions = ["retry_rendering"]

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(description=_("Retry rendering and signing of failed letters"))
    def retry_rendering(self, request, queryset):
        done = 0
        for letter in queryset.filter(status=Letter.Status.FAILED):
            try:
                services.letter_retry(actor=request.user, letter=letter)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{letter}: {exc.message}", messages.ERROR)
        self.message_user(request, _("%(count)d letter(s) scheduled again.") % {"count": done})


@admin.register(LetterNumberCounter)
class LetterNumberCounterAdmin(AdministratorAccess, admin.ModelAdmin):
    list_display = ("unit", "letter_type", "year", "last_number")
    list_filter = ("letter_type", "year")

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
