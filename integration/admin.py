"""Reference data only: the feed sources' settings (never runs' contents, inquiries or answers)."""

from django.contrib import admin

from .models import FeedSource


@admin.register(FeedSource)
class FeedSourceAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "kind", "realtime", "enabled", "stale_after_hours", "last_success_at")
    fields = ("code", "name", "kind", "realtime", "enabled", "stale_after_hours", "inbox")
    readonly_fields = ("code", "kind")

    def has_add_permission(self, request):  # type: ignore[no-untyped-def]
        return False  # sources are defined by the formats this system reads

    def has_delete_permission(self, request, obj=None):  # type: ignore[no-untyped-def]
        return False
