"""Login, logout, password change and the organisation switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import user_scopes
from ..auth import login_attempt, logout_user, remember_device
from ..errors import DomainError
from ..forms import BootstrapMixin, LoginForm
from ..middleware import SESSION_CURRENT_ORG
from ..params import int_param
from ..services import user_password_change
from .base import local_url


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = local_url(request, request.POST.get("next") or request.GET.get("next"))
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = login_attempt(
                request, identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            response = redirect(next_url or "core:home")
            # This browser is now a known device of the account: failures elsewhere do not hold it back.
            remember_device(request, response, user)
            return response
    return render(request, "registration/login.html", {"form": form, "next": next_url})


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    logout_user(request)
    messages.info(request, _("您已安全退出。"))
    return redirect("core:login")


class StyledPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


@login_required
def password_change(request: HttpRequest) -> HttpResponse:
    form = StyledPasswordChangeForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = user_password_change(user=form.user, password=form.cleaned_data["new_password1"])
        update_session_auth_hash(request, user)
        messages.success(request, _("密码已修改。"))
        return redirect("core:home")
    return render(request, "registration/password_change.html", {"form": form})


@login_required
@require_POST
def org_switch(request: HttpRequest) -> HttpResponse:
    """Switch the organisation the user works in; only orgs where they hold a role."""
    org_id = int_param(request.POST.get("org_id"))
    if org_id is None:
        raise Http404
    if not any(s.org_id == org_id for s in user_scopes(request.user)):
        raise Http404
    request.session[SESSION_CURRENT_ORG] = org_id
    return redirect("core:home")
