"""Audit of log-ins, failures, lockouts and every change of rights (accounts, groups, permissions)."""

from __future__ import annotations

from typing import Any

from auditlog.registry import auditlog
from axes.signals import user_locked_out
from django.contrib.auth.models import Group
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from audit.models import Event
from audit.services import access_record
from core.origin import Origin
from core.refusals import Outcome

from .models import RightsReview, Staff

auditlog.register(Staff, exclude_fields=["password", "last_login"], m2m_fields={"groups", "user_permissions"})
auditlog.register(Group, m2m_fields={"permissions"})
auditlog.register(RightsReview)


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: Staff, **kwargs: Any) -> None:
    access_record(event=Event.LOGIN, actor=user, origin=Origin.of(request))


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: Staff | None, **kwargs: Any) -> None:
    if user is not None:
        access_record(event=Event.LOGOUT, actor=user, origin=Origin.of(request))


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # the password is never recorded, only the account name that was tried
    access_record(
        event=Event.LOGIN_FAILED,
        origin=Origin.of(request),
        detail={"username": str(credentials.get("username", ""))[:150]},
        outcome=Outcome.FAILED,
    )


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str, ip_address: str, **kwargs: Any) -> None:
    access_record(event=Event.LOCKOUT, origin=Origin.of(request), detail={"username": username}, outcome=Outcome.LOCKED)


@receiver(post_migrate)
def _sync_roles(sender: Any, app_config: Any, **kwargs: Any) -> None:
    if app_config.label == "ops":  # last of our apps: every permission exists by now
        from .roles import sync_roles

        sync_roles()
