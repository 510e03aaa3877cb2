from django.contrib import admin
from django.urls import include, path

from accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("accounts/", include("accounts.urls")),
    path("residents/", include("residents.urls")),
    path("audit/", include("audit.urls")),
    path("immunization/", include("immunization.urls")),
    path("notices/", include("notices.urls")),
    path("billing/", include("billing.urls")),
    path("relief/", include("relief.urls")),
    path("integration/", include("integration.urls")),
    path("console/", admin.site.urls),
]

handler400 = "accounts.views.bad_request"
handler403 = "accounts.views.permission_denied"
handler404 = "accounts.views.not_found"
handler500 = "accounts.views.server_error"
