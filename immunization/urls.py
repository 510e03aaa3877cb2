from django.urls import path

from . import views, views_schedule

app_name = "immunization"
urlpatterns = [
    path("schedule/", views_schedule.schedule_table, name="schedule_table"),
    path("schedule/calculator/", views_schedule.schedule_calculator, name="schedule_calculator"),
    path("entry/", views.entry_batches, name="entry_batches"),
    path("entry/<int:pk>/", views.entry_batch, name="entry_batch"),
    path("entry/voucher-check/", views.voucher_check, name="voucher_check"),
    path("verify/", views.verify_list, name="verify_list"),
    path("verify/<int:pk>/", views.verify_record, name="verify_record"),
    path("punch/", views.punch_imports, name="punch_imports"),
    path("punch/<int:pk>/", views.punch_import_detail, name="punch_import"),
    path("punch/line/<int:pk>/resolve/", views.punch_line_resolve, name="punch_line_resolve"),
    path("lots/", views.lot_search, name="lot_search"),
    path("movein/", views.movein, name="movein"),
    path("movein/survey/<int:pk>/", views.survey_entry, name="survey_entry"),
]
urlpatterns += [path("vouchers/<int:pk>/reissue/", views.voucher_reissue, name="voucher_reissue")]
