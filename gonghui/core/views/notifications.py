"""In-app messages: the bell, the list, mark as read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from .. import queries, services
from ..access import get_for_user
from ..models import Notification
from .base import AuthedRequest, local_url


@login_required
def notification_list(request: AuthedRequest) -> HttpResponse:
    page = Paginator(queries.my_notifications(request.user), 30).get_page(request.GET.get("page"))
    return render(request, "core/notification_list.html", {"page": page})


@login_required
def notification_bell(request: AuthedRequest) -> HttpResponse:
    return render(request, "core/_bell.html")


@login_required
@require_POST
def notification_read(request: AuthedRequest, pk: int) -> HttpResponse:
    notification = get_for_user(Notification, request.user, pk, action="change", request=request)
    services.notification_mark_read(user=request.user, notification=notification)
    # Links are written by our own apps, but check anyway: never redirect off-site.
    target = local_url(request, notification.url)
    if target and request.POST.get("follow"):
        return redirect(target)
    return redirect("core:notification_list")


@login_required
@require_POST
def notification_read_all(request: AuthedRequest) -> HttpResponse:
    services.notification_mark_read(user=request.user)
    return redirect("core:notification_list")
