"""In-app messages: the bell, the list, mark as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import queries, services
from ..access import get_for_user
from ..models import Notification


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(queries.my_notifications(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@login_required
def notification_bell(request: HttpRequest) -> HttpResponse:
    return render(request, "core/_bell.html")


@login_required
@require_POST
def notification_read(request: HttpRequest, pk: int) -> HttpResponse:
    notification = get_for_user(Notification, request.user, pk, action="change", request=request)
    services.notification_mark_read(user=request.user, notification=notification)
    if notification.url and request.POST.get("follow"):
        return redirect(notification.url)
    return redirect("core:notification_list")


@login_required
@require_POST
def notification_read_all(request: HttpRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("core:notification_list")
