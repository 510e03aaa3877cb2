from django.urls import path

from . import views

app_name = "notices"
urlpatterns = [
    path("", views.batch_list, name="list"),
    path("new/", views.batch_new, name="new"),
    path("<int:pk>/", views.batch_detail, name="detail"),
    path("<int:pk>/progress/", views.batch_progress, name="progress"),
    path("<int:pk>/confirm/", views.batch_confirm, name="confirm"),
    path("<int:pk>/cancel/", views.batch_cancel, name="cancel"),
    path("<int:pk>/resume/", views.batch_resume, name="resume"),
    path("<int:pk>/preview.pdf", views.batch_preview, name="preview"),
    path("<int:pk>/files/<int:file_pk>/", views.printfile_download, name="file"),
    path("<int:pk>/manifest.csv", views.manifest_download, name="manifest"),
    path("sent/<int:target_pk>/", views.target_pages, name="target_pages"),
    path("vouchers/<int:voucher_pk>/reissue/", views.voucher_reissue, name="voucher_reissue"),
]
