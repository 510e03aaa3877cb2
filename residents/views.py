from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.debug import sensitive_post_parameters, sensitive_variables
from django.views.decorators.http import require_GET, require_POST

from core.decorators import require_perm
from core.origin import Origin

from . import selectors, services
from .access import resident_get_for_user
from .forms import MyNumberSearchForm, ResidentSearchForm, RevealForm
from .models import MyNumber, StatusKind

PAGE_SIZE = 20


@require_GET
@require_perm("residents.view_register")
def search(request: HttpRequest) -> HttpResponse:
    form = ResidentSearchForm(request.GET or None)
    page = None
    if request.GET and form.is_valid():
        criteria = selectors.SearchCriteria(**form.cleaned_data)
        paginator = Paginator(selectors.resident_search(criteria), PAGE_SIZE)
        page = paginator.get_page(request.GET.get("page"))
        services.resident_search_record(
            actor=request.user, origin=Origin.of(request), criteria=criteria.for_log(), result_count=paginator.count
        )
    template = "residents/_results.html" if request.htmx and page is not None else "residents/search.html"
    return render(request, template, {"form": form, "page": page, "query": _query_without_page(request)})


def _query_without_page(request: HttpRequest) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    return q.urlencode()


@require_GET
@require_perm("residents.view_register")
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, pk)
    services.resident_view_record(actor=request.user, origin=Origin.of(request), resident=resident)
    can_mynumber = services.can_use_mynumber(request.user)
    context = {
        "resident": resident,
        "members": selectors.household_members(resident),
        "statuses": selectors.status_history(resident),
        "status_kinds": StatusKind,
        "can_mynumber": can_mynumber,
        # Staff without the right see only whether a number is registered (登録あり/なし).
        "mynumber_registered": MyNumber.objects.filter(resident=resident).exists(),
        "reveal_form": RevealForm() if can_mynumber else None,
        "panels": resident_panels(request, resident),
    }
    return render(request, "residents/detail.html", context)


def resident_panels(request: HttpRequest, resident) -> list[str]:  # type: ignore[no-untyped-def]
    """Sections other apps add to the resident page (history, forecast, notices …), in order.

    Each entry of RESIDENT_PANELS is a callable(request, resident) -> rendered HTML or "".
    """
    from .panels import RESIDENT_PANELS

    return [html for panel in RESIDENT_PANELS if (html := panel(request, resident))]


@sensitive_variables("number")
@require_POST
@require_perm("residents.use_mynumber")
def mynumber_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    resident = resident_get_for_user(request.user, pk)
    form = RevealForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "residents/_mynumber.html",
            {"resident": resident, "reveal_form": form, "can_mynumber": True, "mynumber_registered": True},
            status=400,
        )
    number = services.mynumber_reveal(
        actor=request.user, origin=Origin.of(request), resident=resident, purpose=form.cleaned_data["purpose"]
    )
    return render(
        request,
        "residents/_mynumber.html",
        {
            "resident": resident,
            "number": number,
            "can_mynumber": True,
            "mynumber_registered": bool(number),
            "revealed": True,
        },
    )


@sensitive_post_parameters("mynumber")
@sensitive_variables("form")
@require_perm("residents.use_mynumber")
def mynumber_search(request: HttpRequest) -> HttpResponse:
    """POST only for the search itself: the number never travels in a URL."""
    if request.method != "POST":
        return render(request, "residents/mynumber_search.html", {"form": MyNumberSearchForm()})
    form = MyNumberSearchForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "residents/mynumber_search.html",
            {"form": MyNumberSearchForm(data={"purpose": request.POST.get("purpose", "")}), "errors": form.errors},
            status=400,
        )
    resident = services.resident_find_by_mynumber(
        actor=request.user,
        origin=Origin.of(request),
        number=form.cleaned_data["mynumber"],
        purpose=form.cleaned_data["purpose"],
    )
    return render(
        request,
        "residents/mynumber_search.html",
        {"form": MyNumberSearchForm(), "searched": True, "resident": resident},
    )
