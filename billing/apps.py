from django.apps import AppConfig


class BillingConfig(AppConfig):
    name = "billing"
    verbose_name = "自己負担・請求"
