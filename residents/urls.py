from django.urls import path

from . import views, views_disclosure

app_name = "residents"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/mynumber/reveal/", views.mynumber_reveal, name="mynumber_reveal"),
    path("mynumber-search/", views.mynumber_search, name="mynumber_search"),
    path("disclosure/", views_disclosure.request_list, name="disclosure_list"),
    path("disclosure/<int:pk>/", views_disclosure.request_detail, name="disclosure_detail"),
    path("disclosure/<int:pk>/holdings/", views_disclosure.holdings_report, name="disclosure_holdings"),
]
