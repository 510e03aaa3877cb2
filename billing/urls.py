from django.urls import path

from .views import claims, copayments

app_name = "billing"
urlpatterns = [
    path("consents/entry/", copayments.consent_entry, name="consent_entry"),
    path("consents/verify/", copayments.consent_queue, name="consent_queue"),
    path("consents/<int:pk>/verify/", copayments.consent_verify, name="consent_verify"),
    path("consents/<int:pk>/withdraw/", copayments.consent_withdraw, name="consent_withdraw"),
    path("residents/<int:pk>/consents/", copayments.consent_add, name="consent_add"),
    path("residents/<int:pk>/decide/", copayments.decide_person, name="decide_person"),
    path("residents/<int:pk>/counter/", copayments.decide_counter, name="decide_counter"),
    path("decisions/", copayments.decisions, name="decisions"),
    path("decisions/runs/", copayments.runs_partial, name="runs_partial"),
    path("decisions/<int:pk>/", copayments.decision_basis, name="decision_basis"),
    path("fees/", claims.fees, name="fees"),
    path("claims/", claims.claims_month, name="claims"),
    path("claims/prepare/", claims.claims_prepare, name="claims_prepare"),
    path("claims/finance.csv", claims.finance_csv, name="finance_csv"),
    path("claims/<int:pk>/", claims.claim_detail, name="claim_detail"),
    path("claims/<int:pk>/approve/", claims.claim_approve, name="claim_approve"),
    path("claims/<int:pk>/unapprove/", claims.claim_unapprove, name="claim_unapprove"),
    path("claims/<int:pk>/paid/", claims.claim_paid, name="claim_paid"),
    path("claims/<int:pk>/statement.pdf", claims.claim_pdf, name="claim_pdf"),
    path("claims/institutions/<int:institution_id>/", claims.claim_history, name="claim_history"),
]
