from __future__ import annotations

from django.contrib.auth.backends import ModelBackend


class StaffBackend(ModelBackend):
    """Password log-in that also refuses accounts past their expiry date (contractors, PIA III-4)."""

    def user_can_authenticate(self, user) -> bool:  # type: ignore[no-untyped-def]
        return super().user_can_authenticate(user) and not user.is_expired()
