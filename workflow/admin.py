"""Admin for the holiday tables: how an administrator corrects the package or adds a new year."""

from django.contrib import admin

from workflow.models import HolidayOverride, HolidayYear


@admin.register(HolidayYear)
class HolidayYearAdmin(admin.ModelAdmin):
    list_display = ["year", "declared_complete", "source_document"]
    list_filter = ["declared_complete"]
    search_fields = ["year", "source_document", "note"]


@admin.register(HolidayOverride)
class HolidayOverrideAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source_document"]
    list_filter = ["kind"]
    search_fields = ["name", "source_document"]
    date_hierarchy = "date"
