"""Login by username or mobile, a wait after repeated failures (more in test_login_throttle.py), session fixation, password rules."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import AnonymousUser
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.middleware import SessionMiddleware
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from gonghui.core.auth import login_attempt, logout_user
from gonghui.core.enums import Outcome
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, LoginThrottle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Wrong@2026"


@pytest.fixture
def teacher():
    return UserFactory(username="zhangwei", name="张伟", mobile="13812345678")


def make_request():
    """A POST request with a saved database session, as the login view would see it."""
    request = RequestFactory().post("/login/", REMOTE_ADDR="10.0.0.7")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session["before_login"] = "x"
    request.session.save()
    request.user = AnonymousUser()
    return request


def fail(identifier: str, times: int) -> list[str]:
    messages = []
    for _ in range(times):
        with pytest.raises(DomainError) as caught:
            login_attempt(make_request(), identifier=identifier, password=WRONG)
        messages.append(str(caught.value))
    return messages


def test_a_user_logs_in_with_username(teacher):
    request = make_request()

    user = login_attempt(request, identifier="zhangwei", password=PASSWORD)

    assert user == teacher
    assert request.user == teacher
    assert int(request.session[SESSION_KEY]) == teacher.pk


def test_a_user_logs_in_with_mobile_number(teacher):
    request = make_request()

    assert login_attempt(request, identifier=" 13812345678 ", password=PASSWORD) == teacher
    assert int(request.session[SESSION_KEY]) == teacher.pk


def test_a_wrong_password_is_refused_with_a_chinese_message(teacher):
    request = make_request()

    with pytest.raises(DomainError) as caught:
        login_attempt(request, identifier="zhangwei", password=WRONG)

    assert str(caught.value) == "用户名/手机号或密码错误。"
    assert SESSION_KEY not in request.session


def test_an_unknown_user_gets_the_same_message_as_a_wrong_password(db):
    with pytest.raises(DomainError, match="用户名/手机号或密码错误"):
        login_attempt(make_request(), identifier="nobody", password=PASSWORD)


def test_an_inactive_user_cannot_log_in(teacher):
    teacher.is_active = False
    teacher.save()

    with pytest.raises(DomainError):
        login_attempt(make_request(), identifier="zhangwei", password=PASSWORD)


def test_failed_logins_are_counted(teacher):
    fail("zhangwei", 2)

    assert LoginThrottle.objects.get(identifier=f"user:{teacher.pk}").failures == 2


def test_five_failures_make_the_account_wait_even_for_the_right_password(teacher):
    messages = fail("zhangwei", 5)

    assert messages[:4] == ["用户名/手机号或密码错误。"] * 4
    assert messages[4] == "登录尝试过多，请于1分钟后再试。"
    request = make_request()
    with pytest.raises(DomainError, match="登录尝试过多"):
        login_attempt(request, identifier="zhangwei", password=PASSWORD)
    assert SESSION_KEY not in request.session


def test_the_first_wait_ends_after_a_minute(teacher):
    fail("zhangwei", 5)
    throttle = LoginThrottle.objects.get(identifier=f"user:{teacher.pk}")
    assert dt.timedelta(seconds=50) < throttle.locked_until - timezone.now() <= dt.timedelta(minutes=1)

    throttle.locked_until = timezone.now() - dt.timedelta(seconds=1)
    throttle.save()

    assert login_attempt(make_request(), identifier="zhangwei", password=PASSWORD) == teacher


def test_the_first_wait_follows_settings(teacher, settings):
    settings.GONGHUI_LOCKOUT_FIRST_SECONDS = 120
    fail("zhangwei", 5)

    remaining = LoginThrottle.objects.get(identifier=f"user:{teacher.pk}").locked_until - timezone.now()
    assert dt.timedelta(seconds=100) < remaining <= dt.timedelta(seconds=120)


def test_a_successful_login_resets_the_failure_count(teacher):
    fail("zhangwei", 4)

    login_attempt(make_request(), identifier="zhangwei", password=PASSWORD)
    fail("zhangwei", 4)

    assert login_attempt(make_request(), identifier="zhangwei", password=PASSWORD) == teacher


def test_login_gives_the_session_a_new_key(teacher):
    request = make_request()
    key_before = request.session.session_key

    login_attempt(request, identifier="zhangwei", password=PASSWORD)

    assert request.session.session_key != key_before


def test_a_successful_login_is_audited(teacher):
    login_attempt(make_request(), identifier="zhangwei", password=PASSWORD)

    event = AuditEvent.objects.get(action="login")
    assert event.outcome == Outcome.SUCCESS
    assert event.actor == teacher
    assert event.actor_label == "zhangwei"


def test_a_login_is_filed_under_the_users_own_union(tree, chair):
    login_attempt(make_request(), identifier="chair", password=PASSWORD)

    assert AuditEvent.objects.get(action="login").org == tree.school1


def test_a_failed_login_is_audited_with_the_identifier_tried(teacher):
    fail("13812345678", 1)

    event = AuditEvent.objects.get(action="login")
    assert event.outcome == Outcome.FAILURE
    assert event.actor is None
    assert event.actor_label == "13812345678"


def test_logout_ends_the_session_and_is_audited(teacher):
    request = make_request()
    login_attempt(request, identifier="zhangwei", password=PASSWORD)
    key = request.session.session_key

    logout_user(request)

    assert not request.user.is_authenticated
    assert request.session.session_key != key
    assert AuditEvent.objects.filter(action="logout", actor=teacher).exists()


@pytest.mark.parametrize(
    "password",
    [
        "12345678",  # digits only, and common
        "abcdefgh",  # letters only
        "short1!",  # seven characters
        "password",  # letters only and common
    ],
)
def test_weak_passwords_are_rejected(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_one_class_password_is_rejected_with_a_chinese_reason():
    with pytest.raises(ValidationError) as caught:
        validate_password("abcdefghij")

    assert "密码不能只由一类字符组成" in " ".join(caught.value.messages)


def test_a_mixed_password_is_accepted():
    assert validate_password(PASSWORD) is None


def test_failures_by_username_and_by_mobile_count_towards_the_same_lock(teacher):
    # The message says the *account* is locked; switching between the two login names must not
    # give an attacker twice the guesses.
    fail("zhangwei", 3)
    fail("13812345678", 2)

    with pytest.raises(DomainError, match="登录尝试过多"):
        login_attempt(make_request(), identifier="zhangwei", password=PASSWORD)
