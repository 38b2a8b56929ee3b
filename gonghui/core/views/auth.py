"""Login, logout, password change and the organisation switcher."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..access import user_scopes
from ..audit import audit
from ..auth import login_attempt, logout_user
from ..errors import DomainError
from ..forms import BootstrapMixin, LoginForm
from ..middleware import SESSION_CURRENT_ORG


def login_view(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            login_attempt(
                request, identifier=form.cleaned_data["identifier"], password=form.cleaned_data["password"]
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            return redirect(next_url or "core:home")
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
        user = form.save()
        update_session_auth_hash(request, user)
        audit(action="user.password_change", actor=user, obj=user)
        messages.success(request, _("密码已修改。"))
        return redirect("core:home")
    return render(request, "registration/password_change.html", {"form": form})


@login_required
@require_POST
def org_switch(request: HttpRequest) -> HttpResponse:
    """Switch the organisation the user works in; only orgs where they hold a role."""
    try:
        org_id = int(request.POST.get("org_id", ""))
    except ValueError as error:
        raise Http404 from error
    if not any(s.org_id == org_id for s in user_scopes(request.user)):
        raise Http404
    request.session[SESSION_CURRENT_ORG] = org_id
    return redirect("core:home")
