from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "職員アカウント"

    def ready(self) -> None:
        from . import signals  # noqa: F401  (audit of log-ins, lockouts, rights changes)
