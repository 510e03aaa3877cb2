"""Reference data only (masters); no personal data here."""

from django.contrib import admin

from .models import Doctor, Institution, Manufacturer, VaccineLot


@admin.register(Institution)
class InstitutionAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "in_city", "kouiki", "active")
    search_fields = ("code", "name", "name_kana")
    list_filter = ("in_city", "kouiki", "active")


@admin.register(Doctor)
class DoctorAdmin(admin.ModelAdmin):
    list_display = ("code", "name", "institution", "active")
    search_fields = ("code", "name")


@admin.register(Manufacturer)
class ManufacturerAdmin(admin.ModelAdmin):
    list_display = ("code", "name")


@admin.register(VaccineLot)
class VaccineLotAdmin(admin.ModelAdmin):
    list_display = ("lot_no", "manufacturer", "product_name", "vaccine", "expires_on")
    search_fields = ("lot_no", "product_name")
    list_filter = ("manufacturer",)
