from django.urls import path

from . import views

app_name = "relief"
urlpatterns = [
    path("", views.claim_list, name="list"),
    path("new/", views.claim_create, name="create"),
    path("new/records/", views.intake_records, name="intake_records"),
    path("<int:pk>/", views.claim_detail, name="detail"),
    path("<int:pk>/transition/", views.claim_transition, name="transition"),
    path("<int:pk>/decide/", views.payment_decide, name="decide"),
    path("<int:pk>/account/fetch/", views.account_fetch, name="account_fetch"),
    path("<int:pk>/account/declare/", views.account_declare, name="account_declare"),
    path("<int:pk>/documents/", views.document_upload, name="document_upload"),
    path("<int:pk>/documents/<int:doc_pk>/", views.document_download, name="document"),
    path("<int:pk>/letters/<int:letter_pk>/", views.letter_download, name="letter"),
    path("<int:pk>/payments/<int:seq>/paid/", views.payment_paid, name="payment_paid"),
    path("<int:pk>/pension/extend/", views.pension_extend, name="pension_extend"),
    path("<int:pk>/assign/", views.claim_assign, name="assign"),
    path("payments/exports/", views.exports, name="exports"),
    path("payments/exports/<int:pk>/", views.export_download, name="export"),
    path("rates/", views.rates, name="rates"),
]
