from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from core.origin import Origin
from core.refusals import Outcome, record_refusal

from .home import HOME_WIDGETS


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    widgets = [html for widget in HOME_WIDGETS if (html := widget(request))]
    return render(request, "home.html", {"widgets": widgets})


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    """Every refused right is recorded (who tried what), then a Japanese 403 page."""
    user = getattr(request, "user", None)
    match = request.resolver_match
    record_refusal(
        actor=user if user is not None and user.is_authenticated else None,
        action=match.view_name if match else "page",
        outcome=Outcome.DENIED,
        origin=Origin.of(request),
        path=request.path[:200],
        method=request.method,
    )
    return render(request, "403.html", status=403)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "400.html", status=400)


def not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return render(request, "404.html", status=404)


def server_error(request: HttpRequest) -> HttpResponse:
    return render(request, "500.html", status=500)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    return render(request, "403_csrf.html", status=403)


__all__ = ["LoginView", "PermissionDenied", "bad_request", "home", "not_found", "permission_denied", "server_error"]
