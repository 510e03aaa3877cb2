from django.urls import path

from . import views

app_name = "integration"
urlpatterns = [
    path("", views.status, name="status"),
    path("upload/", views.upload, name="upload"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("inquiries/", views.inquiry_list, name="inquiries"),
    path("inquiries/<int:pk>/", views.inquiry_detail, name="inquiry"),
    path("residents/<int:resident_pk>/inquiries/", views.inquiry_new, name="inquiry_new"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:pk>/decide/", views.approval_decide, name="approval_decide"),
    path("jukinet/", views.juki_verify, name="juki_verify"),
    path("api/feeds/<slug:code>/events/", views.api_events, name="api_events"),
]
