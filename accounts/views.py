from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from audit.models import Event
from audit.services import access_record

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
    access_record(
        event=Event.DENIED,
        actor=user if user is not None and user.is_authenticated else None,
        request=request,
        detail={"path": request.path[:200], "method": request.method},
        outcome="denied",
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
