"""Login throttling (issue 13 hole 6): a delay that grows per account and per client address, which
an attacker cannot use to keep the chair out (her known device, an administrator's 解除锁定).

Time passes by moving the waits into the past (`let_the_wait_pass`), as no clock library is
installed; the login page is driven through the test client like a browser.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.contrib.auth import SESSION_KEY
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from gonghui.core.auth import DEVICE_COOKIE, prune_login_throttles
from gonghui.core.enums import Role
from gonghui.core.models import AuditEvent, LoginThrottle
from tests.factories import PASSWORD, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = reverse("core:login")
WRONG = "Wrong@2026"
BAD_CREDENTIALS = "用户名/手机号或密码错误。"
ATTACKER = "203.0.113.66"
CHAIR_HOME = "198.51.100.7"


def browser(address: str = ATTACKER, **headers: str) -> Client:
    return Client(REMOTE_ADDR=address, **headers)


def try_login(client: Client, identifier: str, password: str) -> str:
    """Post the login form; the page's error text, or "" when the browser got in."""
    response = client.post(LOGIN, {"identifier": identifier, "password": password})
    if response.status_code == 302:
        return ""
    assert response.status_code == 200
    errors = re.findall(r"<div [^>]*data-form-error>(.*?)</div>", response.content.decode())
    assert len(errors) == 1, "the login page shows no error"
    return errors[0]


def logged_in(client: Client) -> bool:
    return SESSION_KEY in client.session


def let_the_wait_pass() -> None:
    LoginThrottle.objects.filter(locked_until__isnull=False).update(
        locked_until=timezone.now() - dt.timedelta(seconds=1)
    )


def wait_seconds(identifier: str) -> float:
    """The wait the last failure set for the account (or address) named by its counter key.

    Measured from that failure, not from now, so a slow machine between two logins does not
    shorten one wait against the other."""
    throttle = LoginThrottle.objects.get(identifier=identifier)
    assert throttle.locked_until is not None and throttle.last_failure_at is not None
    return (throttle.locked_until - throttle.last_failure_at).total_seconds()


@pytest.fixture
def chair_account(chair):
    chair.mobile = "13800000001"
    chair.save(update_fields=["mobile"])
    return chair


# --- per account -----------------------------------------------------------------------------


def test_five_wrong_passwords_make_the_sixth_try_wait_with_a_chinese_message(chair_account):
    attacker = browser()
    messages = [try_login(attacker, "13800000001", WRONG) for _ in range(5)]

    assert messages[:4] == [BAD_CREDENTIALS] * 4
    assert messages[4] == "登录尝试过多，请于1分钟后再试。"
    assert try_login(attacker, "13800000001", WRONG) == "登录尝试过多，请于1分钟后再试。"
    # The sixth try was not even checked: the count stays at five.
    assert LoginThrottle.objects.get(identifier=f"user:{chair_account.pk}").failures == 5


def test_the_wait_doubles_with_each_further_failure_up_to_fifteen_minutes(chair_account):
    attacker = browser()
    for _ in range(5):
        try_login(attacker, "13800000001", WRONG)
    waits = [round(wait_seconds(f"user:{chair_account.pk}"))]
    for _ in range(6):
        let_the_wait_pass()
        try_login(attacker, "13800000001", WRONG)
        waits.append(round(wait_seconds(f"user:{chair_account.pk}")))

    assert waits == [60, 120, 240, 480, 900, 900, 900]
    assert try_login(attacker, "13800000001", WRONG) == "登录尝试过多，请于15分钟后再试。"


def test_the_right_password_from_a_new_device_is_refused_during_the_wait(chair_account):
    attacker = browser()
    for _ in range(5):
        try_login(attacker, "13800000001", WRONG)

    newcomer = browser(CHAIR_HOME)
    assert try_login(newcomer, "chair", PASSWORD) == "登录尝试过多，请于1分钟后再试。"
    assert not logged_in(newcomer)

    let_the_wait_pass()
    assert try_login(newcomer, "chair", PASSWORD) == ""
    assert logged_in(newcomer)


def test_the_chairs_known_device_gets_in_while_an_attacker_holds_the_account(chair_account):
    phone = browser(CHAIR_HOME)
    assert try_login(phone, "chair", PASSWORD) == ""
    assert DEVICE_COOKIE in phone.cookies
    phone.post(reverse("core:logout"))
    attacker = browser()
    for _ in range(12):
        let_the_wait_pass()
        try_login(attacker, "13800000001", WRONG)
    assert try_login(attacker, "13800000001", PASSWORD).startswith("登录尝试过多")

    assert try_login(phone, "13800000001", PASSWORD) == ""
    assert logged_in(phone)
    event = AuditEvent.objects.filter(action="login", actor=chair_account).latest("id")
    assert event.detail == "known device"


def test_a_known_device_is_forgotten_when_the_password_changes(chair_account):
    phone = browser(CHAIR_HOME)
    try_login(phone, "chair", PASSWORD)
    phone.post(reverse("core:logout"))
    chair_account.set_password("Another#2026x")
    chair_account.save()
    attacker = browser()
    for _ in range(5):
        try_login(attacker, "chair", "Another#2026y")

    assert try_login(phone, "chair", "Another#2026x").startswith("登录尝试过多")


def test_a_known_devices_own_failures_make_it_wait_too(chair_account):
    phone = browser(CHAIR_HOME)
    try_login(phone, "chair", PASSWORD)
    phone.post(reverse("core:logout"))

    messages = [try_login(phone, "chair", WRONG) for _ in range(6)]

    assert messages[:4] == [BAD_CREDENTIALS] * 4
    assert messages[5].startswith("登录尝试过多")


def test_a_successful_login_clears_the_count(chair_account):
    client = browser(CHAIR_HOME)
    for _ in range(4):
        try_login(client, "chair", WRONG)

    assert try_login(client, "chair", PASSWORD) == ""
    fresh = browser()
    assert [try_login(fresh, "chair", WRONG) for _ in range(4)] == [BAD_CREDENTIALS] * 4
    assert LoginThrottle.objects.get(identifier=f"user:{chair_account.pk}").failures == 4


def test_failures_are_forgotten_after_a_quiet_day(chair_account):
    attacker = browser()
    for _ in range(4):
        try_login(attacker, "chair", WRONG)
    LoginThrottle.objects.update(last_failure_at=timezone.now() - dt.timedelta(days=1, seconds=1))

    assert try_login(attacker, "chair", WRONG) == BAD_CREDENTIALS
    assert LoginThrottle.objects.get(identifier=f"user:{chair_account.pk}").failures == 1


def test_a_name_that_is_no_account_is_answered_and_delayed_exactly_like_a_real_one(chair_account):
    real = [try_login(browser("192.0.2.1"), "13800000001", WRONG) for _ in range(7)]
    made_up = [try_login(browser("192.0.2.2"), "13899999999", WRONG) for _ in range(7)]

    assert made_up == real
    assert round(wait_seconds("name:13899999999")) == round(wait_seconds(f"user:{chair_account.pk}")) == 60


# --- per client address ----------------------------------------------------------------------


def test_a_spray_over_forty_accounts_from_one_address_is_stopped_after_twenty(tree):
    accounts = [UserFactory(mobile=f"1370000{n:04d}") for n in range(40)]
    sprayer = browser()

    messages = [try_login(sprayer, account.mobile, WRONG) for account in accounts]

    assert messages[:19] == [BAD_CREDENTIALS] * 19
    assert set(messages[19:]) == {"登录尝试过多，请于1分钟后再试。"}
    # Only twenty passwords were checked: the other twenty accounts have no failure at all.
    checked = LoginThrottle.objects.filter(identifier__startswith="user:", failures__gt=0).count()
    assert checked == 20
    # Even the right password of an account nobody tried is not checked from that address.
    assert try_login(sprayer, accounts[-1].mobile, PASSWORD).startswith("登录尝试过多")


def test_twenty_one_names_existing_or_not_make_the_address_wait(tree):
    accounts = [UserFactory(mobile=f"1360000{n:04d}") for n in range(10)]
    names = [a.mobile for a in accounts] + [f"1350000{n:04d}" for n in range(11)]
    sprayer = browser()

    messages = [try_login(sprayer, name, WRONG) for name in names]

    assert messages[:19] == [BAD_CREDENTIALS] * 19
    assert messages[19:] == ["登录尝试过多，请于1分钟后再试。"] * 2
    assert round(wait_seconds(f"ip:{ATTACKER}")) == 60
    lock = AuditEvent.objects.filter(action="access.lock").latest("id")
    assert lock.after == {"scope": "address", "minutes": 1, "failures": 20}


def test_another_address_is_not_held_back_by_a_spray(tree, chair_account):
    sprayer = browser()
    for n in range(25):
        try_login(sprayer, f"1350000{n:04d}", WRONG)

    colleague = browser(CHAIR_HOME)
    assert try_login(colleague, "chair", PASSWORD) == ""


def test_a_known_device_behind_a_sprayed_address_still_gets_in(tree, chair_account):
    # An office behind one NAT address: someone there sprays, the chair's own browser is not held.
    phone = browser()
    assert try_login(phone, "chair", PASSWORD) == ""
    phone.post(reverse("core:logout"))
    sprayer = browser()
    for n in range(25):
        try_login(sprayer, f"1350000{n:04d}", WRONG)
    assert try_login(browser(), "chair", PASSWORD).startswith("登录尝试过多")

    assert try_login(phone, "chair", PASSWORD) == ""


def test_x_forwarded_for_is_ignored_without_a_proxy(tree, settings):
    settings.GONGHUI_PROXY = False
    messages = [
        try_login(Client(REMOTE_ADDR=ATTACKER, HTTP_X_FORWARDED_FOR=f"10.9.{n}.1"), f"1350000{n:04d}", WRONG)
        for n in range(21)
    ]

    assert messages[-1].startswith("登录尝试过多")
    assert LoginThrottle.objects.filter(identifier__startswith="ip:").get().identifier == f"ip:{ATTACKER}"
    assert set(AuditEvent.objects.filter(action="login").values_list("ip", flat=True)) == {ATTACKER}


def test_behind_the_proxy_the_address_it_forwards_counts_and_a_forged_one_does_not(tree, settings):
    settings.GONGHUI_PROXY = True
    proxy = "10.0.0.2"

    def via_proxy(client_address: str, forged: str = "") -> Client:
        # The proxy appends the address it saw to whatever the client sent.
        chain = f"{forged}, {client_address}" if forged else client_address
        return Client(REMOTE_ADDR=proxy, HTTP_X_FORWARDED_FOR=chain)

    messages = [
        try_login(via_proxy(ATTACKER, forged=f"10.9.{n}.1"), f"1350000{n:04d}", WRONG) for n in range(21)
    ]

    assert messages[-1].startswith("登录尝试过多")
    assert wait_seconds(f"ip:{ATTACKER}") > 0
    # A colleague behind the same proxy is another address.
    assert try_login(via_proxy(CHAIR_HOME), "1350000000", WRONG) == BAD_CREDENTIALS
    assert AuditEvent.objects.filter(action="login").latest("id").ip == CHAIR_HOME


def test_an_ipv6_client_cannot_escape_by_changing_addresses_within_its_network(tree):
    messages = [try_login(browser(f"2001:db8:1:2::{n + 1:x}"), f"1350000{n:04d}", WRONG) for n in range(21)]

    assert messages[-1].startswith("登录尝试过多")
    assert LoginThrottle.objects.filter(identifier="ip:2001:db8:1:2::/64").exists()


# --- 解除锁定 by an administrator -------------------------------------------------------------


def hold_the_account(identifier: str) -> None:
    attacker = browser()
    for _ in range(5):
        try_login(attacker, identifier, WRONG)


def roles_page(client: Client, org) -> str:
    return client.get(reverse("core:org_roles", args=[org.pk])).content.decode()


def test_the_roles_page_shows_the_held_account_with_an_unlock_form(
    tree, chair_account, county_officer, client_for
):
    hold_the_account("chair")

    page = roles_page(client_for(county_officer), tree.school1)

    assert f'data-locked="{chair_account.pk}"' in page
    assert "登录已暂缓" in page
    unlock = reverse("core:user_unlock", args=[tree.school1.pk, chair_account.pk])
    form = page.split(f'action="{unlock}"')[0].rsplit("<form", 1)[1] + page.split(f'action="{unlock}"')[1]
    assert 'method="post"' in form
    assert "csrfmiddlewaretoken" in form.split("</form>")[0]
    assert "解除锁定" in form.split("</form>")[0]


def test_a_held_person_with_several_roles_gets_one_badge_and_one_unlock_button(
    tree, chair_account, county_officer, client_for
):
    RoleAssignmentFactory(user=chair_account, org=tree.school1, role=Role.DELEGATE)
    RoleAssignmentFactory(user=chair_account, org=tree.school1, role=Role.MEMBER)
    hold_the_account("chair")

    page = roles_page(client_for(county_officer), tree.school1)

    assert page.count(f'data-locked="{chair_account.pk}"') == 1
    assert page.count(reverse("core:user_unlock", args=[tree.school1.pk, chair_account.pk])) == 1


def test_an_administrator_unlocks_the_account_and_the_audit_log_says_so(
    tree, chair_account, county_officer, client_for
):
    hold_the_account("chair")
    officer = client_for(county_officer)

    response = officer.post(
        reverse("core:user_unlock", args=[tree.school1.pk, chair_account.pk]), follow=True
    )

    assert response.status_code == 200
    assert f"已解除{chair_account}的登录锁定。" in response.content.decode()
    assert f'data-locked="{chair_account.pk}"' not in response.content.decode()
    assert try_login(browser(CHAIR_HOME), "chair", PASSWORD) == ""
    event = AuditEvent.objects.get(action="user.unlock")
    assert (event.actor, event.object_id, event.org_id) == (
        county_officer,
        str(chair_account.pk),
        tree.school1.pk,
    )
    assert event.before == {"failures": 5}
    log = officer.get(reverse("core:audit_list")).content.decode()
    assert "解除登录锁定" in log
    assert "连续登录失败次数" in log
    assert "登录尝试过多，暂缓登录" in log


def test_the_unlock_needs_a_post_with_its_security_token(tree, chair_account, county_officer):
    hold_the_account("chair")
    officer = Client(enforce_csrf_checks=True)
    officer.force_login(county_officer)
    url = reverse("core:user_unlock", args=[tree.school1.pk, chair_account.pk])

    assert officer.get(url).status_code == 405
    assert officer.post(url).status_code == 403
    assert LoginThrottle.objects.get(identifier=f"user:{chair_account.pk}").failures == 5


def test_a_chair_cannot_unlock_someone_of_another_union(tree, chair, other_union_chair, client_for):
    hold_the_account("other_union_chair")
    client = client_for(chair)

    through_own_org = client.post(reverse("core:user_unlock", args=[tree.school1.pk, other_union_chair.pk]))
    through_their_org = client.post(reverse("core:user_unlock", args=[tree.school2.pk, other_union_chair.pk]))

    assert through_own_org.status_code == 404
    assert through_their_org.status_code == 404
    assert LoginThrottle.objects.get(identifier=f"user:{other_union_chair.pk}").failures == 5
    assert not AuditEvent.objects.filter(action="user.unlock").exists()


def test_a_committee_member_cannot_unlock_the_chair(tree, chair_account, committee_member, client_for):
    hold_the_account("chair")

    response = client_for(committee_member).post(
        reverse("core:user_unlock", args=[tree.school1.pk, chair_account.pk])
    )

    assert response.status_code == 404
    assert LoginThrottle.objects.get(identifier=f"user:{chair_account.pk}").failures == 5


def test_pruning_forgets_idle_counters_but_keeps_running_waits(tree, chair_account):
    for name in ("13500000001", "13500000002"):
        try_login(browser("192.0.2.9"), name, WRONG)
    hold_the_account("chair")
    LoginThrottle.objects.update(last_failure_at=timezone.now() - dt.timedelta(days=2))

    deleted = prune_login_throttles()

    # The made-up names and both addresses went; the account's running wait stays.
    assert deleted == 4
    assert list(LoginThrottle.objects.values_list("identifier", flat=True)) == [f"user:{chair_account.pk}"]
