"""The access-rights console (Django admin, in Japanese), for the システム管理者 role only.

It manages accounts, role groups, contractor expiry, unlocks and rights reviews. It shows no personal
data of residents: the register, the My Number and the audit trail are not registered here.
"""

from __future__ import annotations

import contextlib
import csv
import io

from auditlog import get_logentry_model
from axes.models import AccessAttempt
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.http import HttpRequest, HttpResponse

from audit.models import Event
from audit.services import access_record
from core.origin import Origin

from .menus import is_system_admin
from .models import RightsReview, Staff
from .services import rights_review_record, rights_table, staff_unlock

admin.site.site_header = "岡崎市 予防接種記録システム 権限管理コンソール"
admin.site.site_title = "権限管理コンソール"
admin.site.index_title = "職員・権限の管理"
admin.site.site_url = "/"

# The audit trail holds names of residents: it is read through the auditor's screen, not here.
with contextlib.suppress(admin.sites.NotRegistered):
    admin.site.unregister(get_logentry_model())


def _only_system_admins(request: HttpRequest) -> bool:
    user = request.user
    return bool(user.is_active and user.is_staff and is_system_admin(user))


admin.site.has_permission = _only_system_admins  # type: ignore[method-assign]


@admin.register(Staff)
class StaffAdmin(UserAdmin):
    list_display = (
        "username",
        "display_name",
        "role_list",
        "is_contractor",
        "account_expires_on",
        "is_active",
        "locked",
    )
    list_filter = ("groups", "is_contractor", "is_active")
    search_fields = ("username", "display_name")
    actions = ["unlock", "export_rights_table"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("職員情報", {"fields": ("display_name", "section", "email")}),
        ("権限", {"fields": ("is_active", "is_staff", "groups")}),
        ("委託事業者", {"fields": ("is_contractor", "account_expires_on")}),
        ("記録", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": (
                    "username",
                    "display_name",
                    "password1",
                    "password2",
                    "groups",
                    "is_contractor",
                    "account_expires_on",
                ),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    filter_horizontal = ("groups",)

    @admin.display(description="役割")
    def role_list(self, obj: Staff) -> str:
        return "、".join(g.name for g in obj.groups.all())

    @admin.display(description="ロック中", boolean=True)
    def locked(self, obj: Staff) -> bool:
        return AccessAttempt.objects.filter(username=obj.username, failures_since_start__gte=5).exists()

    def get_queryset(self, request: HttpRequest):  # type: ignore[no-untyped-def]
        return super().get_queryset(request).prefetch_related("groups")

    @admin.action(description="選択した職員のロックを解除する")
    def unlock(self, request: HttpRequest, queryset) -> None:  # type: ignore[no-untyped-def]
        for staff in queryset:
            staff_unlock(staff=staff, actor=request.user, origin=Origin.of(request))
        messages.success(request, f"{queryset.count()} 名のロックを解除しました。")

    @admin.action(description="権限一覧をCSVで出力する")
    def export_rights_table(self, request: HttpRequest, queryset) -> HttpResponse:  # type: ignore[no-untyped-def]
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(["ユーザー名", "氏名", "有効", "委託事業者", "利用期限", "役割"])
        rows = rights_table()
        for r in rows:
            writer.writerow(
                [
                    r["username"],
                    r["display_name"],
                    "有効" if r["active"] else "無効",
                    "委託" if r["contractor"] else "",
                    r["expires_on"],
                    "、".join(r["roles"]),
                ]
            )
        access_record(
            event=Event.EXPORT,
            actor=request.user,
            origin=Origin.of(request),
            purpose="権限の定期確認",
            detail={"export": "rights_table", "rows": len(rows)},
        )
        response = HttpResponse(
            buffer.getvalue().encode("cp932", errors="replace"), content_type="text/csv; charset=shift_jis"
        )
        response["Content-Disposition"] = 'attachment; filename="rights_table.csv"'
        return response


@admin.register(RightsReview)
class RightsReviewAdmin(admin.ModelAdmin):
    list_display = ("reviewed_at", "reviewer", "note")
    fields = ("note",)

    def save_model(self, request: HttpRequest, obj: RightsReview, form, change: bool) -> None:  # type: ignore[no-untyped-def]
        if change:
            return  # a review is a record of its moment; it is not edited afterwards
        review = rights_review_record(actor=request.user, origin=Origin.of(request), note=obj.note)
        obj.pk, obj.reviewer, obj.reviewed_at, obj.snapshot = (
            review.pk,
            review.reviewer,
            review.reviewed_at,
            review.snapshot,
        )

    def has_change_permission(self, request: HttpRequest, obj: RightsReview | None = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: RightsReview | None = None) -> bool:
        return False


admin.site.unregister(Group)


@admin.register(Group)
class RoleAdmin(admin.ModelAdmin):
    list_display = ("name",)
    filter_horizontal = ("permissions",)
