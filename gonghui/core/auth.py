"""Login by mobile number or username, with lockout after repeated failures."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.backends import ModelBackend
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from .access import primary_org_id
from .audit import audit
from .enums import Outcome
from .errors import DomainError
from .models import LoginThrottle, User


class MobileOrUsernameBackend(ModelBackend):
    """Accept either the username or the mobile number as the login name."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or password is None:
            return None
        user = User.objects.filter(Q(username=username) | Q(mobile=username)).order_by("pk").first()
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _org_of_identifier(identifier: str) -> int | None:
    """File a failed login under the account's org when the name is a real account."""
    user = User.objects.filter(Q(username=identifier) | Q(mobile=identifier)).first()
    return primary_org_id(user) if user is not None else None


def _throttle(identifier: str) -> LoginThrottle:
    # One counter per account, whichever of its login names (username or mobile) was typed.
    user_id = (
        User.objects.filter(Q(username=identifier) | Q(mobile=identifier))
        .order_by("pk")
        .values_list("pk", flat=True)
        .first()
    )
    key = f"user:{user_id}" if user_id is not None else identifier
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(identifier=key)
    return throttle


def _locked_message(minutes: int) -> DomainError:
    return DomainError(_("登录失败次数过多，账号已锁定，请%(minutes)s分钟后再试。") % {"minutes": minutes})


def login_attempt(request: Any, *, identifier: str, password: str) -> User:
    """Log the user in or raise DomainError; every attempt is audited, failures count to a lockout."""
    identifier = identifier.strip()
    now = timezone.now()
    error: DomainError | None = None
    with transaction.atomic():
        throttle = _throttle(identifier)
        user = None
        if throttle.locked_until and throttle.locked_until > now:
            detail = "locked"
            error = _locked_message(max(1, int((throttle.locked_until - now).total_seconds() // 60) + 1))
        elif (user := authenticate(request, username=identifier, password=password)) is None:
            throttle.failures += 1
            throttle.last_failure_at = now
            detail = "bad credentials"
            error = DomainError(_("用户名/手机号或密码错误。"))
            if throttle.failures >= settings.GONGHUI_LOCKOUT_ATTEMPTS:
                throttle.locked_until = now + dt.timedelta(seconds=settings.GONGHUI_LOCKOUT_SECONDS)
                throttle.failures = 0
                detail = "bad credentials; locked"
                error = _locked_message(settings.GONGHUI_LOCKOUT_SECONDS // 60)
            throttle.save()
        else:
            throttle.failures = 0
            throttle.locked_until = None
            throttle.save()
        if error is not None:
            audit(
                action="login",
                outcome=Outcome.FAILURE,
                actor_label=identifier,
                detail=detail,
                org=_org_of_identifier(identifier),
            )
    # Raise only after the block has committed: raising inside it would roll back the failure
    # count and the audit row, so the lockout would never trigger and failures would leave no trace.
    if error is not None:
        raise error
    assert user is not None
    # login() gives the session a new key, so a session id fixed before login is worthless.
    login(request, user)
    audit(action="login", actor=user, org=primary_org_id(user), outcome=Outcome.SUCCESS)
    return user


def logout_user(request: Any) -> None:
    """End the session on the server (the session row is deleted, not just the cookie)."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit(action="logout", actor=user, org=primary_org_id(user))
    logout(request)
