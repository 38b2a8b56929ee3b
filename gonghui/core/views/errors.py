"""Friendly Chinese error pages. A 404 never says whether the object exists elsewhere."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def permission_denied(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/403.html", status=403)


def not_found(request: HttpRequest, exception: Any = None) -> HttpResponse:
    return render(request, "core/errors/404.html", status=404)
