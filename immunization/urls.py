from django.urls import path

from . import views_schedule

app_name = "immunization"
urlpatterns: list = [
    path("schedule/", views_schedule.schedule_table, name="schedule_table"),
    path("schedule/calculator/", views_schedule.schedule_calculator, name="schedule_calculator"),
]
