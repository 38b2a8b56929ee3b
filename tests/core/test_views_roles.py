"""People and roles of an organisation: the list, assigning (new or existing account), revoking."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from gonghui.core.enums import Portfolio, Role
from gonghui.core.models import AuditEvent, RoleAssignment, User
from tests.factories import RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Gonghui#2026x"


def field_errors(content: str, field: str) -> list[str]:
    pattern = rf'<div class="invalid-feedback d-block" data-field-error="{field}">(.*?)</div>'
    return re.findall(pattern, content)


def roles_url(org) -> str:
    return reverse("core:org_roles", args=[org.pk])


def new_account(**changes) -> dict:
    data = {
        "existing": "",
        "name": "李娜",
        "mobile": "13900001111",
        "password": NEW_PASSWORD,
        "role": Role.COMMITTEE,
        "portfolio": Portfolio.WOMEN,
    }
    data.update(changes)
    return data


def test_the_roles_page_lists_the_people_of_the_union(tree, chair, committee_member, client_for):
    response = client_for(chair).get(roles_url(tree.school1))

    content = response.content.decode()
    assert response.status_code == 200
    table = content.split('id="role-list"')[1].split("</table>")[0]
    assert "第一中学主席" in table and "主席" in table
    assert "文体委员" in table and "委员" in table and "(文体)" in table
    assert 'name="mobile"' in content


def test_the_roles_menu_entry_leads_the_chair_to_their_own_union(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:role_home"))

    assert response.status_code == 302
    assert response["Location"] == roles_url(tree.school1)


def test_a_chair_gives_a_committee_role_to_a_new_account(tree, chair, client_for):
    client = client_for(chair)

    response = client.post(roles_url(tree.school1), new_account())

    assert response.status_code == 302
    assert response["Location"] == roles_url(tree.school1)
    user = User.objects.get(mobile="13900001111")
    assert (user.username, user.name) == ("13900001111", "李娜")
    assert user.check_password(NEW_PASSWORD)
    assignment = RoleAssignment.objects.get(user=user)
    assert (assignment.org, assignment.role, assignment.portfolio) == (
        tree.school1,
        Role.COMMITTEE,
        Portfolio.WOMEN,
    )
    event = AuditEvent.objects.get(action="role.assign", object_id=str(assignment.pk))
    assert (event.actor, event.org) == (chair, tree.school1)
    assert event.after["role"] == Role.COMMITTEE
    assert AuditEvent.objects.filter(action="user.create", actor=chair).count() == 1
    assert "已为李娜设置角色。" in client.get(response["Location"]).content.decode()


def test_the_new_account_can_log_in_with_its_mobile(tree, chair, client_for):
    from django.test import Client

    client_for(chair).post(roles_url(tree.school1), new_account())

    response = Client().post(reverse("core:login"), {"identifier": "13900001111", "password": NEW_PASSWORD})

    assert response.status_code == 302


def test_a_chair_gives_a_role_to_an_existing_account(tree, chair, member, client_for):
    response = client_for(chair).post(
        roles_url(tree.school1_group_a),
        {"existing": member.mobile, "role": Role.GROUP_LEADER, "portfolio": ""},
    )

    assert response.status_code == 302
    assert RoleAssignment.objects.filter(
        user=member, org=tree.school1_group_a, role=Role.GROUP_LEADER
    ).exists()
    assert User.objects.filter(mobile=member.mobile).count() == 1


def test_an_unknown_existing_account_is_refused_in_chinese(tree, chair, client_for):
    response = client_for(chair).post(
        roles_url(tree.school1), {"existing": "13000000000", "role": Role.COMMITTEE}
    )

    errors = field_errors(response.content.decode(), "existing")
    assert errors and "没有找到该账号" in errors[0]


def test_a_new_account_with_a_weak_password_is_refused(tree, chair, client_for):
    response = client_for(chair).post(roles_url(tree.school1), new_account(password="12345678"))

    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "password")
    assert "密码不能只由一类字符组成，请混合使用字母、数字或符号。" in errors
    assert "这个密码太常见了。" in errors
    assert not User.objects.filter(mobile="13900001111").exists()
    assert not AuditEvent.objects.filter(action="role.assign", actor=chair).exists()


def test_a_new_account_needs_name_mobile_and_password(tree, chair, client_for):
    response = client_for(chair).post(roles_url(tree.school1), new_account(name="", mobile="", password=""))

    content = response.content.decode()
    for field in ("name", "mobile", "password"):
        assert field_errors(content, field) == ["新建账号时此项必填。"]


def test_a_malformed_mobile_is_refused_in_chinese(tree, chair, client_for):
    response = client_for(chair).post(roles_url(tree.school1), new_account(mobile="12345"))

    assert "请输入正确的11位手机号。" in field_errors(response.content.decode(), "mobile")
    assert not User.objects.filter(mobile="12345").exists()


def test_a_malformed_mobile_is_not_also_called_missing(tree, chair, client_for):
    # Bug: RoleAssignForm.clean() adds "新建账号时此项必填。" for a mobile that was filled in but
    # failed the format check, so the chair reads two contradictory errors under the field.
    response = client_for(chair).post(roles_url(tree.school1), new_account(mobile="12345"))

    assert field_errors(response.content.decode(), "mobile") == ["请输入正确的11位手机号。"]


def test_a_mobile_that_already_has_an_account_is_refused(tree, chair, member, client_for):
    response = client_for(chair).post(roles_url(tree.school1), new_account(mobile=member.mobile))

    assert field_errors(response.content.decode(), "mobile") == ["该手机号已有账号，请在“已有账号”中填写。"]


def test_a_chair_is_not_offered_the_superior_admin_role(tree, chair, client_for):
    content = client_for(chair).get(roles_url(tree.school1)).content.decode()

    assert 'value="chair"' in content
    assert 'value="superior_admin"' not in content


def test_a_chair_cannot_grant_superior_admin_by_posting_it(tree, chair, member, client_for):
    response = client_for(chair).post(
        roles_url(tree.school1), {"existing": member.username, "role": Role.SUPERIOR_ADMIN}
    )

    assert response.status_code == 200
    errors = field_errors(response.content.decode(), "role")
    assert errors and "选择一个有效的选项" in errors[0]
    assert not RoleAssignment.objects.filter(role=Role.SUPERIOR_ADMIN).exists()


def test_a_county_officer_may_appoint_a_superior_admin(tree, county_officer, member, client_for):
    url = roles_url(tree.county)
    assert 'value="superior_admin"' in client_for(county_officer).get(url).content.decode()

    client_for(county_officer).post(url, {"existing": member.username, "role": Role.SUPERIOR_ADMIN})

    assert RoleAssignment.objects.filter(user=member, role=Role.SUPERIOR_ADMIN, org=tree.county).exists()


def test_a_chair_revokes_a_role_and_it_is_audited(tree, chair, committee_member, client_for):
    assignment = RoleAssignment.objects.get(user=committee_member)

    response = client_for(chair).post(reverse("core:role_revoke", args=[assignment.pk]), follow=True)

    assert response.redirect_chain[0] == (roles_url(tree.school1), 302)
    assert "已撤销角色。" in response.content.decode()
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert (event.actor, event.org, event.object_id) == (chair, tree.school1, str(assignment.pk))
    assert event.before["role"] == Role.COMMITTEE


def test_revoking_is_post_only(tree, chair, committee_member, client_for):
    assignment = RoleAssignment.objects.get(user=committee_member)

    response = client_for(chair).get(reverse("core:role_revoke", args=[assignment.pk]))

    assert response.status_code == 405
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_chair_cannot_revoke_their_own_chair_role(tree, chair, client_for):
    assignment = RoleAssignment.objects.get(user=chair)

    response = client_for(chair).post(reverse("core:role_revoke", args=[assignment.pk]), follow=True)

    assert "不能撤销自己的主席或管理员角色，请由上级工会办理。" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_committee_member_does_not_see_the_roles_page(tree, committee_member, client_for):
    response = client_for(committee_member).get(roles_url(tree.school1))

    assert response.status_code == 404
    assert 'id="role-list"' not in response.content.decode()


def test_a_committee_member_cannot_post_to_the_roles_page(tree, committee_member, member, client_for):
    response = client_for(committee_member).post(
        roles_url(tree.school1), {"existing": member.username, "role": Role.CHAIR}
    )

    assert response.status_code == 404
    assert not RoleAssignment.objects.filter(user=member, role=Role.CHAIR).exists()
    assert AuditEvent.objects.filter(action="access.denied", actor=committee_member).exists()


def test_a_committee_member_has_no_roles_menu(tree, committee_member, client_for):
    assert client_for(committee_member).get(reverse("core:role_home")).status_code == 403


def test_a_committee_member_cannot_revoke_even_their_own_role(tree, committee_member, client_for):
    assignment = RoleAssignment.objects.get(user=committee_member)

    response = client_for(committee_member).post(reverse("core:role_revoke", args=[assignment.pk]))

    assert response.status_code == 404
    assert RoleAssignment.objects.filter(pk=assignment.pk).exists()


def test_a_vice_chair_sees_the_roles_but_cannot_assign(tree, member, client_for):
    vice = UserFactory(name="副主席")
    RoleAssignmentFactory(user=vice, org=tree.school1, role=Role.VICE_CHAIR)
    client = client_for(vice)

    page = client.get(roles_url(tree.school1))
    posted = client.post(roles_url(tree.school1), {"existing": member.username, "role": Role.CHAIR})

    assert page.status_code == 200
    assert 'name="mobile"' not in page.content.decode()
    assert posted.status_code == 404
    assert not RoleAssignment.objects.filter(user=member, role=Role.CHAIR).exists()


def test_a_chair_cannot_see_the_roles_of_another_union(tree, chair, other_union_chair, client_for):
    response = client_for(chair).get(roles_url(tree.school2))

    assert response.status_code == 404
    assert "第二小学主席" not in response.content.decode()


# --- query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_the_roles_list_query_count_does_not_grow_with_assignments(
    n, tree, chair, client_for, django_assert_num_queries
):
    for i in range(n - 1):  # the chair's own assignment is the first item
        RoleAssignmentFactory(user=UserFactory(name=f"委员{i}"), org=tree.school1, role=Role.COMMITTEE)
    client = client_for(chair)
    url = roles_url(tree.school1)
    client.get(url)

    # One more than before: which of the people must wait before logging in again (解除锁定).
    with django_assert_num_queries(7):
        response = client.get(url)

    table = response.content.decode().split('id="role-list"')[1].split("</table>")[0]
    assert table.count('action="/roles/') == n
