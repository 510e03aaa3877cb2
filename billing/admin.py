"""The console holds reference data only: fee schedules (料金表). Consents and decisions are personal
data and are handled on the staff screens, never here."""

from django.contrib import admin

from .models import FeeSchedule


@admin.register(FeeSchedule)
class FeeScheduleAdmin(admin.ModelAdmin):
    list_display = ("dose_code", "fiscal_year", "valid_from", "valid_to", "clinic_fee", "copayment", "updated_at")
    list_filter = ("fiscal_year", "dose_code")
    ordering = ("-fiscal_year", "dose_code", "valid_from")

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        # a period that was used for claims is history: end it (valid_to) and add a new one instead
        return False
