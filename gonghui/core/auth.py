"""Login by mobile number or username, throttled per account and per client address.

Mobile numbers are login names, so anyone can type the chair's. A fixed lock after a few wrong
passwords would let anyone keep her out; instead, failures make the next try wait, and the wait
grows while the failures go on:

* **Per account.** After GONGHUI_LOCKOUT_ATTEMPTS failures in a row the account can be tried again
  only after GONGHUI_LOCKOUT_FIRST_SECONDS, then twice as long after each further failure, at most
  GONGHUI_LOCKOUT_SECONDS. A successful login clears the count; so does an administrator
  (解除锁定, `unlock_account`), and a day without failures (GONGHUI_LOCKOUT_RESET_SECONDS).
* **Known devices.** Each successful login leaves a signed long-lived cookie naming the account (and
  bound to its password: a new password forgets every device). A try from such a device is not
  held back by failures from elsewhere: it has its own count, which only tries from the account's
  known devices move. The chair gets in from her own phone while someone guesses from another.
* **Per client address.** More than GONGHUI_IP_LOCKOUT_ATTEMPTS failures from one address, whatever
  the accounts, within GONGHUI_IP_LOCKOUT_WINDOW_SECONDS of each other make that address wait the
  same growing way (a spray over forty mobile numbers stops after twenty). Known devices are not
  held back by their address (an office behind one NAT address).

The messages never tell whether an account exists: a name that is not an account is counted and
delayed just like one. Every login, every delay that starts and every unlock is audited.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
import math
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth.backends import ModelBackend
from django.core import signing
from django.db import transaction
from django.db.models import Q
from django.http import HttpResponse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext as _

from .access import primary_org_id
from .audit import audit, client_ip
from .enums import Outcome
from .errors import DomainError
from .models import LoginThrottle, User
from .writes import service

DEVICE_COOKIE = "gonghui_device"
DEVICE_SALT = "gonghui.core.auth.known-device"
DEVICES_PER_BROWSER = 5  # accounts a shared browser remembers


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def account_attempts() -> int:
    return _setting("GONGHUI_LOCKOUT_ATTEMPTS", 5)


def first_delay() -> int:
    return _setting("GONGHUI_LOCKOUT_FIRST_SECONDS", 60)


def longest_delay() -> int:
    return _setting("GONGHUI_LOCKOUT_SECONDS", 15 * 60)


def account_reset() -> int:
    return _setting("GONGHUI_LOCKOUT_RESET_SECONDS", 24 * 3600)


def address_attempts() -> int:
    return _setting("GONGHUI_IP_LOCKOUT_ATTEMPTS", 20)


def address_window() -> int:
    return _setting("GONGHUI_IP_LOCKOUT_WINDOW_SECONDS", 3600)


def device_days() -> int:
    return _setting("GONGHUI_KNOWN_DEVICE_DAYS", 180)


class MobileOrUsernameBackend(ModelBackend):
    """Accept either the username or the mobile number as the login name."""

    def authenticate(
        self, request: Any, username: str | None = None, password: str | None = None, **kwargs: Any
    ) -> Any:
        if not username or password is None:
            return None
        user = _account(username)
        if user is None:
            # Spend the same time as a real check so timing does not reveal which names exist.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


def _account(identifier: str) -> User | None:
    return User.objects.filter(Q(username=identifier) | Q(mobile=identifier)).order_by("pk").first()


# --- known devices ---------------------------------------------------------------------------


def _device_tag(user: User) -> str:
    """Names the account and its current password, without revealing either."""
    return salted_hmac(DEVICE_SALT, f"{user.pk}:{user.password}").hexdigest()[:32]


def _remembered(request: Any) -> list[list[Any]]:
    raw = getattr(request, "COOKIES", {}).get(DEVICE_COOKIE)
    if not raw:
        return []
    try:
        entries = signing.loads(raw, salt=DEVICE_SALT, max_age=dt.timedelta(days=device_days()))
    except signing.BadSignature:
        return []
    if not isinstance(entries, list):
        return []
    return [e for e in entries if isinstance(e, list) and len(e) == 2 and isinstance(e[0], int)]


def is_known_device(request: Any, user: User) -> bool:
    """Whether this browser logged in as `user` before (with the password the account has now)."""
    tag = _device_tag(user)
    return any(
        uid == user.pk and constant_time_compare(str(value), tag) for uid, value in _remembered(request)
    )


def remember_device(request: Any, response: HttpResponse, user: User) -> None:
    """Set (or renew) the known-device cookie after a successful login of `user`."""
    others = [entry for entry in _remembered(request) if entry[0] != user.pk]
    entries = [[user.pk, _device_tag(user)], *others][:DEVICES_PER_BROWSER]
    response.set_cookie(
        DEVICE_COOKIE,
        signing.dumps(entries, salt=DEVICE_SALT, compress=True),
        max_age=device_days() * 24 * 3600,
        httponly=True,
        samesite="Lax",
        secure=bool(getattr(settings, "SESSION_COOKIE_SECURE", False)),
    )


# --- the counters ----------------------------------------------------------------------------


def _account_key(user: User | None, identifier: str, *, known: bool) -> str:
    # One counter per account, whichever of its login names (username or mobile) was typed; the
    # account's known devices share a second one. A name that is no account is counted by itself.
    if user is None:
        return f"name:{identifier}"[:150]
    return f"user:{user.pk}:known" if known else f"user:{user.pk}"


def _address_key(ip: str) -> str:
    # An IPv6 client usually holds a whole /64 (and picks new addresses within it at will): count
    # the network, not the address.
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return f"ip:{ip}"[:150]
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return f"ip:{address.ipv4_mapped}"
        return f"ip:{ipaddress.ip_network(f'{address}/64', strict=False)}"
    return f"ip:{address}"


def _counter(key: str) -> LoginThrottle:
    throttle, _created = LoginThrottle.objects.select_for_update().get_or_create(identifier=key)
    return throttle


def _forget_stale(throttle: LoginThrottle, now: dt.datetime, quiet_seconds: int) -> None:
    """Failures older than the quiet period no longer count (once any delay is over)."""
    waiting = throttle.locked_until is not None and throttle.locked_until > now
    quiet = throttle.last_failure_at is None or now - throttle.last_failure_at > dt.timedelta(
        seconds=quiet_seconds
    )
    if throttle.failures and quiet and not waiting:
        throttle.failures = 0
        throttle.locked_until = None


def delay_after(failures: int, threshold: int) -> int:
    """Seconds to wait after `failures` failures in a row: none below the threshold, then the first
    delay, doubling with each further failure, at most the longest delay."""
    if failures < threshold:
        return 0
    doublings = min(failures - threshold, 20)
    return min(first_delay() * 2**doublings, longest_delay())


def _remaining(throttle: LoginThrottle | None, now: dt.datetime) -> float:
    if throttle is None or throttle.locked_until is None:
        return 0
    return max(0.0, (throttle.locked_until - now).total_seconds())


def _wait_message(seconds: float) -> DomainError:
    minutes = max(1, math.ceil(seconds / 60))
    return DomainError(_("登录尝试过多，请于%(minutes)s分钟后再试。") % {"minutes": minutes})


def _fail(throttle: LoginThrottle, now: dt.datetime, threshold: int) -> int:
    """Count a failure; the seconds of the delay it starts (0: none)."""
    throttle.failures += 1
    throttle.last_failure_at = now
    seconds = delay_after(throttle.failures, threshold)
    if seconds:
        throttle.locked_until = now + dt.timedelta(seconds=seconds)
    throttle.save()
    return seconds


def _reset(throttle: LoginThrottle) -> None:
    throttle.failures = 0
    throttle.locked_until = None
    throttle.last_failure_at = None
    throttle.save()


def login_attempt(request: Any, *, identifier: str, password: str) -> User:
    """Log the user in or raise DomainError; every attempt is audited, failures delay the next ones."""
    identifier = identifier.strip()
    now = timezone.now()
    ip = client_ip(request)
    error: DomainError | None = None
    # Not a @service: a failed attempt must commit its count and audit row and only then raise,
    # and a success is audited below, once login() has rotated the session.
    with transaction.atomic():
        account = _account(identifier)
        known = account is not None and is_known_device(request, account)
        org = primary_org_id(account) if account is not None else None
        throttle = _counter(_account_key(account, identifier, known=known))
        _forget_stale(throttle, now, account_reset())
        address = _counter(_address_key(ip)) if ip and not known else None
        if address is not None:
            _forget_stale(address, now, address_window())
        user = None
        if _remaining(throttle, now) or _remaining(address, now):
            waiting = "locked" if _remaining(throttle, now) else "address locked"
            detail = f"{waiting}; known device" if known else waiting
            error = _wait_message(max(_remaining(throttle, now), _remaining(address, now)))
        elif (user := authenticate(request, username=identifier, password=password)) is None:
            detail = "bad credentials"
            error = DomainError(_("用户名/手机号或密码错误。"))
            account_wait = _fail(throttle, now, account_attempts())
            address_wait = _fail(address, now, address_attempts()) if address is not None else 0
            if account_wait:
                detail = "bad credentials; locked"
                _audit_delay(identifier, org, account_wait, scope="account", failures=throttle.failures)
            if address_wait:
                detail = "bad credentials; address locked"
                _audit_delay(identifier, org, address_wait, scope="address", failures=address.failures)  # type: ignore[union-attr]
            if account_wait or address_wait:
                error = _wait_message(max(account_wait, address_wait))
        else:
            # Success clears the account's counts (from any device), never the address's: one
            # valid account must not let an address go on guessing others.
            _reset(throttle)
            for key in (f"user:{user.pk}", f"user:{user.pk}:known"):
                LoginThrottle.objects.filter(identifier=key).update(
                    failures=0, locked_until=None, last_failure_at=None
                )
        if error is not None:
            audit(action="login", outcome=Outcome.FAILURE, actor_label=identifier, detail=detail, org=org)
    # Raise only after the block has committed: raising inside it would roll back the failure
    # count and the audit row, so no delay would ever start and failures would leave no trace.
    if error is not None:
        raise error
    assert user is not None
    # login() gives the session a new key, so a session id fixed before login is worthless.
    login(request, user)
    audit(
        action="login",
        actor=user,
        org=primary_org_id(user),
        outcome=Outcome.SUCCESS,
        detail="known device" if known else "",
    )
    return user


def _audit_delay(identifier: str, org: int | None, seconds: int, *, scope: str, failures: int) -> None:
    audit(
        action="access.lock",
        outcome=Outcome.FAILURE,
        actor_label=identifier,
        org=org,
        after={"scope": scope, "minutes": math.ceil(seconds / 60), "failures": failures},
    )


# --- administrators --------------------------------------------------------------------------


def locked_user_ids(user_ids: Any, *, now: dt.datetime | None = None) -> set[int]:
    """Which of these accounts must wait before the next login from a new device."""
    now = now or timezone.now()
    keys = {f"user:{pk}": pk for pk in user_ids}
    rows = LoginThrottle.objects.filter(identifier__in=list(keys), locked_until__gt=now)
    return {keys[identifier] for identifier in rows.values_list("identifier", flat=True)}


@service
def unlock_account(*, actor: User, user: User, org: Any) -> bool:
    """Lift the account's delay and clear its failure counts (解除锁定); audited. False when
    there was nothing to lift."""
    keys = [f"user:{user.pk}", f"user:{user.pk}:known"]
    rows = list(LoginThrottle.objects.select_for_update().filter(identifier__in=keys, failures__gt=0))
    if not rows:
        return False
    failures = max(row.failures for row in rows)
    for row in rows:
        _reset(row)
    audit(action="user.unlock", actor=actor, org=org, obj=user, before={"failures": failures})
    return True


def prune_login_throttles(*, now: dt.datetime | None = None) -> int:
    """Delete the counters that hold nothing back any more: no wait running and no failure within
    the longest quiet period. Made-up login names each leave a row; this keeps the table small
    (for the scheduled jobs, core/schedule.py)."""
    now = now or timezone.now()
    quiet_since = now - dt.timedelta(seconds=max(account_reset(), address_window()))
    idle = LoginThrottle.objects.filter(Q(locked_until__isnull=True) | Q(locked_until__lte=now)).filter(
        Q(last_failure_at__isnull=True) | Q(last_failure_at__lt=quiet_since)
    )
    deleted, _by_model = idle.delete()
    return deleted


def logout_user(request: Any) -> None:
    """End the session on the server (the session row is deleted, not just the cookie)."""
    user = request.user if request.user.is_authenticated else None
    if user is not None:
        audit(action="logout", actor=user, org=primary_org_id(user))
    logout(request)
