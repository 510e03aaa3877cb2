from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib import auth
from django.contrib.auth import get_user_model
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


class PortalSSOMiddleware:
    """Trust the city portal's single sign-on header, when (and only when) PORTAL_SSO_HEADER is set.

    The portal authenticates staff (PIN, lockout) and forwards the account name in a header. Only enable
    this behind the portal's reverse proxy, which must strip the header from client requests.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.header = (
            "HTTP_" + settings.PORTAL_SSO_HEADER.upper().replace("-", "_") if settings.PORTAL_SSO_HEADER else ""
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if self.header and not request.user.is_authenticated:
            username = request.META.get(self.header, "").strip()
            if username:
                user = get_user_model().objects.filter(username=username, is_active=True).first()
                if user is not None and not user.is_expired():
                    auth.login(request, user, backend="accounts.backends.StaffBackend")
        return self.get_response(request)


class AccountExpiryMiddleware:
    """End the session of an account whose expiry date has passed while it was logged in."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and user.is_expired():
            auth.logout(request)
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)
