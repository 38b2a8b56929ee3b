"""One inline (HTMX) edit of a summary paragraph or a work-plan line: GET shows the form, a valid
POST saves and shows the text again (or goes back to the page without HTMX), an invalid POST shows
the form with its errors and saves nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.http import HttpResponse
from django.shortcuts import redirect

from gonghui.core.views.base import AuthedRequest


def inline_edit(
    request: AuthedRequest,
    *,
    form_class: type[forms.Form],
    save: Callable[[dict[str, Any]], object],
    fragment: Callable[..., HttpResponse],
    back: str,
    pk: int,
) -> HttpResponse:
    """`fragment(editing=..., form=...)` renders the piece; `back` (with `pk`) is the whole page."""
    if request.method != "POST":
        return fragment(editing=True)
    form = form_class(request.POST)
    if not form.is_valid():
        return fragment(editing=True, form=form)
    save(form.cleaned_data)
    if not getattr(request, "htmx", False):
        return redirect(back, pk=pk)
    return fragment(editing=False)
