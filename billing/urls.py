from django.urls import path

from . import views

app_name = "billing"
urlpatterns = [
    path("consents/entry/", views.consent_entry, name="consent_entry"),
    path("consents/verify/", views.consent_queue, name="consent_queue"),
    path("consents/<int:pk>/verify/", views.consent_verify, name="consent_verify"),
    path("consents/<int:pk>/withdraw/", views.consent_withdraw, name="consent_withdraw"),
    path("residents/<int:pk>/consents/", views.consent_add, name="consent_add"),
    path("residents/<int:pk>/decide/", views.decide_person, name="decide_person"),
    path("residents/<int:pk>/counter/", views.decide_counter, name="decide_counter"),
    path("decisions/", views.decisions, name="decisions"),
    path("decisions/runs/", views.runs_partial, name="runs_partial"),
    path("decisions/<int:pk>/", views.decision_basis, name="decision_basis"),
    path("fees/", views.fees, name="fees"),
]
