from django.urls import path

from . import views

app_name = "residents"
urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/mynumber/reveal/", views.mynumber_reveal, name="mynumber_reveal"),
    path("mynumber-search/", views.mynumber_search, name="mynumber_search"),
]
