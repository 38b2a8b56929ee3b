"""The login, logout and password pages, driven through the test client like a browser."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings as django_settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.enums import Outcome
from gonghui.core.middleware import SESSION_LAST_SEEN
from gonghui.core.models import AuditEvent, LoginThrottle
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db

WRONG = "Wrong@2026"
LOGIN = reverse("core:login")


@pytest.fixture
def teacher():
    return UserFactory(username="zhangwei", name="张伟", mobile="13812345678")


def post_login(client: Client, identifier: str, password: str, **extra):
    return client.post(LOGIN, {"identifier": identifier, "password": password, **extra})


def logged_in_user_id(client: Client) -> int | None:
    value = client.session.get(SESSION_KEY)
    return int(value) if value is not None else None


def session_key(client: Client) -> str:
    return client.cookies[django_settings.SESSION_COOKIE_NAME].value


def logged_in(teacher) -> Client:
    client = Client()
    response = post_login(client, "zhangwei", PASSWORD)
    assert response.status_code == 302
    return client


# --- login -----------------------------------------------------------------------------------


def test_the_login_page_shows_the_chinese_form(db):
    response = Client().get(LOGIN)

    assert response.status_code == 200
    content = response.content.decode()
    assert 'name="identifier"' in content
    assert "用户名或手机号" in content
    assert 'name="password"' in content


def test_a_user_logs_in_with_username_and_lands_on_home(teacher):
    client = Client()

    response = post_login(client, "zhangwei", PASSWORD)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    assert logged_in_user_id(client) == teacher.pk


def test_a_user_logs_in_with_mobile_number(teacher):
    client = Client()

    response = post_login(client, "13812345678", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == teacher.pk


def test_a_wrong_password_shows_the_chinese_error_on_the_page(teacher):
    client = Client()

    response = post_login(client, "zhangwei", WRONG)

    assert response.status_code == 200
    assert "用户名/手机号或密码错误。" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_an_empty_login_form_shows_chinese_field_errors(db):
    response = Client().post(LOGIN, {"identifier": "", "password": ""})

    content = response.content.decode()
    assert response.status_code == 200
    assert (
        '<div class="invalid-feedback d-block" data-field-error="identifier">这个字段是必填项。</div>'
        in content
    )
    assert (
        '<div class="invalid-feedback d-block" data-field-error="password">这个字段是必填项。</div>'
        in content
    )


def test_five_wrong_passwords_make_the_account_wait_a_minute(teacher):
    client = Client()
    pages = [post_login(client, "zhangwei", WRONG).content.decode() for _ in range(5)]

    assert all("用户名/手机号或密码错误。" in page for page in pages[:4])
    assert "登录尝试过多，请于1分钟后再试。" in pages[4]
    throttle = LoginThrottle.objects.get(identifier=f"user:{teacher.pk}")
    assert dt.timedelta(seconds=50) < throttle.locked_until - timezone.now() <= dt.timedelta(minutes=1)

    response = post_login(client, "zhangwei", PASSWORD)

    assert response.status_code == 200
    assert "登录尝试过多" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_a_lockout_expires(teacher):
    client = Client()
    for _ in range(5):
        post_login(client, "zhangwei", WRONG)
    LoginThrottle.objects.filter(locked_until__isnull=False).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )

    response = post_login(client, "zhangwei", PASSWORD)

    assert response.status_code == 302
    assert logged_in_user_id(client) == teacher.pk


def test_wrong_passwords_by_username_and_by_mobile_lock_the_same_account(teacher):
    # Switching between the two login names must not double an attacker's guesses.
    client = Client()
    for _ in range(3):
        post_login(client, "zhangwei", WRONG)
    for _ in range(2):
        post_login(client, "13812345678", WRONG)

    response = post_login(client, "zhangwei", PASSWORD)

    assert "登录尝试过多" in response.content.decode()
    assert logged_in_user_id(client) is None


def test_the_session_key_changes_at_login(teacher):
    client = Client()
    key_before = client.session.session_key
    assert Session.objects.filter(session_key=key_before).exists()

    post_login(client, "zhangwei", PASSWORD)

    assert session_key(client) != key_before
    assert not Session.objects.filter(session_key=key_before).exists()


def test_a_successful_login_is_audited(teacher):
    post_login(Client(), "zhangwei", PASSWORD, REMOTE_ADDR="10.1.2.3")

    event = AuditEvent.objects.get(action="login")
    assert (event.outcome, event.actor, event.actor_label) == (Outcome.SUCCESS, teacher, "zhangwei")


def test_a_failed_login_is_audited_with_the_identifier_tried(teacher):
    post_login(Client(), "13812345678", WRONG)

    event = AuditEvent.objects.get(action="login")
    assert (event.outcome, event.actor, event.actor_label) == (Outcome.FAILURE, None, "13812345678")


@pytest.mark.parametrize(
    "next_url",
    ["https://evil.example", "https://evil.example/steal", "//evil.example/steal", "/\\evil.example"],
)
def test_an_off_site_next_url_is_ignored(teacher, next_url):
    response = post_login(Client(), "zhangwei", PASSWORD, next=next_url)

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")


def test_an_off_site_next_url_in_the_query_string_is_ignored(teacher):
    response = Client().post(
        f"{LOGIN}?next=https://evil.example", {"identifier": "zhangwei", "password": PASSWORD}
    )

    assert response["Location"] == reverse("core:home")


def test_an_external_next_url_is_not_even_put_into_the_form(db):
    response = Client().get(LOGIN, {"next": "https://evil.example"})

    assert "evil.example" not in response.content.decode()


def test_a_local_next_url_is_followed(teacher):
    response = post_login(Client(), "zhangwei", PASSWORD, next="/notifications/")

    assert response["Location"] == "/notifications/"


def test_the_login_form_is_csrf_protected(teacher):
    client = Client(enforce_csrf_checks=True)

    response = post_login(client, "zhangwei", PASSWORD)

    assert response.status_code == 403
    assert logged_in_user_id(client) is None


# --- logout ----------------------------------------------------------------------------------


def test_logout_is_post_only(teacher):
    client = logged_in(teacher)

    response = client.get(reverse("core:logout"))

    assert response.status_code == 405
    assert logged_in_user_id(client) == teacher.pk


def test_logout_deletes_the_server_side_session(teacher):
    client = logged_in(teacher)
    old_key = session_key(client)
    assert Session.objects.filter(session_key=old_key).exists()

    response = client.post(reverse("core:logout"))

    assert response.status_code == 302
    assert response["Location"] == reverse("core:login")
    assert not Session.objects.filter(session_key=old_key).exists()


def test_the_old_session_cookie_no_longer_authenticates_after_logout(teacher):
    client = logged_in(teacher)
    old_key = session_key(client)
    client.post(reverse("core:logout"))

    replay = Client()
    replay.cookies[django_settings.SESSION_COOKIE_NAME] = old_key
    response = replay.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_logout_is_csrf_protected(teacher):
    client = Client(enforce_csrf_checks=True)
    client.force_login(teacher)

    response = client.post(reverse("core:logout"))

    assert response.status_code == 403
    assert logged_in_user_id(client) == teacher.pk


def test_logout_is_audited_and_says_goodbye_in_chinese(teacher):
    client = logged_in(teacher)

    response = client.post(reverse("core:logout"), follow=True)

    assert AuditEvent.objects.filter(action="logout", actor=teacher).count() == 1
    assert "您已安全退出。" in response.content.decode()


# --- idle timeout ----------------------------------------------------------------------------


def age_session(client: Client, seconds: float) -> None:
    session = client.session
    session[SESSION_LAST_SEEN] = time.time() - seconds
    session.save()


def test_an_idle_session_is_logged_out_with_a_chinese_message(teacher):
    # Needs MessageMiddleware before IdleTimeoutMiddleware; otherwise messages.info() is a 500.
    client = logged_in(teacher)
    client.get(reverse("core:home"))
    age_session(client, 31 * 60)

    response = client.get(reverse("core:notification_list"))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next={reverse('core:notification_list')}"
    page = client.get(response["Location"])
    assert "您已长时间未操作，为保护信息安全已自动退出，请重新登录。" in page.content.decode()
    assert logged_in_user_id(client) is None


def test_a_session_used_recently_stays_logged_in(teacher):
    client = logged_in(teacher)
    client.get(reverse("core:home"))
    age_session(client, 29 * 60)

    response = client.get(reverse("core:notification_list"))

    assert response.status_code == 200


def test_the_idle_timeout_is_configurable(teacher, settings):
    settings.GONGHUI_IDLE_TIMEOUT_SECONDS = 120
    client = logged_in(teacher)
    client.get(reverse("core:home"))
    age_session(client, 100)
    assert client.get(reverse("core:home")).status_code == 200

    age_session(client, 130)
    response = client.get(reverse("core:home"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


@pytest.mark.parametrize("timeout", [30 * 60, 5 * 60])
def test_the_database_session_expires_after_the_idle_timeout(teacher, settings, timeout):
    settings.GONGHUI_IDLE_TIMEOUT_SECONDS = timeout
    client = logged_in(teacher)

    client.get(reverse("core:home"))

    expire = Session.objects.get(session_key=session_key(client)).expire_date
    remaining = (expire - timezone.now()).total_seconds()
    assert timeout - 10 < remaining <= timeout


# --- password change -------------------------------------------------------------------------


def change_password(client: Client, old: str, new1: str, new2: str | None = None):
    return client.post(
        reverse("core:password_change"),
        {"old_password": old, "new_password1": new1, "new_password2": new1 if new2 is None else new2},
    )


def field_errors(content: str, field: str) -> list[str]:
    import re

    pattern = rf'<div class="invalid-feedback d-block" data-field-error="{field}">(.*?)</div>'
    return re.findall(pattern, content)


def test_the_password_page_needs_login(db):
    response = Client().get(reverse("core:password_change"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_a_user_changes_their_password_and_stays_logged_in(teacher):
    client = logged_in(teacher)

    response = change_password(client, PASSWORD, "Xin-Mima-2026")

    assert response.status_code == 302
    assert response["Location"] == reverse("core:home")
    teacher.refresh_from_db()
    assert teacher.check_password("Xin-Mima-2026")
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEvent.objects.filter(action="user.password_change", actor=teacher).count() == 1


def test_changing_the_password_ends_the_users_other_sessions(teacher):
    elsewhere = logged_in(teacher)
    assert elsewhere.get(reverse("core:home")).status_code == 200

    change_password(logged_in(teacher), PASSWORD, "Xin-Mima-2026")

    response = elsewhere.get(reverse("core:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_a_changed_password_works_at_the_next_login(teacher):
    change_password(logged_in(teacher), PASSWORD, "Xin-Mima-2026")

    assert post_login(Client(), "zhangwei", "Xin-Mima-2026").status_code == 302
    assert post_login(Client(), "zhangwei", PASSWORD).status_code == 200


@pytest.mark.parametrize(
    ("new_password", "reason"),
    [
        ("12345678", "密码不能只由一类字符组成"),
        ("abcdefghij", "密码不能只由一类字符组成"),
        pytest.param("ab1!", "密码太短", id="too-short"),
        ("password1", "这个密码太常见了"),
    ],
)
def test_a_weak_new_password_is_rejected_with_a_chinese_error_next_to_the_field(
    teacher, new_password, reason
):
    client = logged_in(teacher)

    response = change_password(client, PASSWORD, new_password)

    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "new_password2")
    assert any(reason in error for error in errors), errors
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


def test_a_wrong_old_password_is_rejected_next_to_the_field(teacher):
    client = logged_in(teacher)

    response = change_password(client, WRONG, "Xin-Mima-2026")

    errors = field_errors(response.content.decode(), "old_password")
    assert errors and "旧密码不正确" in errors[0]
    teacher.refresh_from_db()
    assert teacher.check_password(PASSWORD)


def test_two_different_new_passwords_are_rejected(teacher):
    client = logged_in(teacher)

    response = change_password(client, PASSWORD, "Xin-Mima-2026", "Xin-Mima-2027")

    errors = field_errors(response.content.decode(), "new_password2")
    assert errors and "输入的两个密码不一致" in errors[0]
