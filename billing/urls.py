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
    path("claims/", views.claims_month, name="claims"),
    path("claims/prepare/", views.claims_prepare, name="claims_prepare"),
    path("claims/finance.csv", views.finance_csv, name="finance_csv"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/approve/", views.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/unapprove/", views.claim_unapprove, name="claim_unapprove"),
    path("claims/<int:pk>/paid/", views.claim_paid, name="claim_paid"),
    path("claims/<int:pk>/statement.pdf", views.claim_pdf, name="claim_pdf"),
    path("claims/institutions/<int:institution_id>/", views.claim_history, name="claim_history"),
]
