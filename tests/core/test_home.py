"""The home page differs by role: superior officer, union officer, member, nobody."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from gonghui.core import services
from gonghui.core.enums import OrgKind, Role
from gonghui.core.models import RoleAssignment
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HOME = reverse("core:home")


def page_template(response) -> str:
    """The template the view rendered (the first one; the rest are includes and base.html)."""
    return response.templates[0].name


def section(content: str, element_id: str, end: str) -> str:
    return content.split(f'id="{element_id}"')[1].split(end)[0]


def overview_rows(content: str) -> dict[str, list[str]]:
    """{school name: [kind, unions, groups, workforce]} from the #child-overview table."""
    body = section(content, "child-overview", "</table>").split("<tbody>")[1]
    rows = {}
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        cells = [
            re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        ]
        rows[cells[0]] = cells[1:]
    return rows


def test_an_anonymous_visitor_is_sent_to_login(db, client):
    response = client.get(HOME)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('core:login')}?next=/"


def test_the_superior_officer_sees_each_school_in_the_child_overview(tree, county_officer, client_for):
    response = client_for(county_officer).get(HOME)

    content = response.content.decode()
    assert response.status_code == 200
    assert page_template(response) == "core/home_superior.html"
    rows = overview_rows(content)
    assert set(rows) == {"第一中学工会", "第二小学工会"}
    assert rows["第一中学工会"][0] == "基层工会"
    assert rows["第一中学工会"][1:3] == ["0", "2"]
    assert rows["第一中学工会"][3] == str(tree.school1.workforce)
    assert rows["第二小学工会"][1:3] == ["0", "1"]
    assert section(content, "stat-unions", "</div>").strip(">").strip() == "2"


def test_the_child_overview_leaves_out_dissolved_schools(tree, county_officer, client_for):
    closed = OrgFactory(name="已撤并学校工会", parent=tree.county)
    services.org_dissolve(actor=None, org=closed)

    rows = overview_rows(client_for(county_officer).get(HOME).content.decode())

    assert "已撤并学校工会" not in rows


def test_the_chair_sees_to_dos_and_their_groups(tree, chair, client_for):
    response = client_for(chair).get(HOME)

    content = response.content.decode()
    assert page_template(response) == "core/home_officer.html"
    todos = section(content, "todos", "</ul>")
    assert "工会小组尚未设置小组长" in todos
    assert '<span class="badge bg-warning rounded-pill">2</span>' in todos
    assert "语文组工会小组" in content and "数学组工会小组" in content
    assert "低年级组工会小组" not in content
    assert 'id="child-overview"' not in content


def test_the_chairs_to_do_shrinks_when_a_group_gets_a_leader(tree, chair, member, client_for):
    RoleAssignmentFactory(user=member, org=tree.school1_group_a, role=Role.GROUP_LEADER)

    todos = section(client_for(chair).get(HOME).content.decode(), "todos", "</ul>")

    assert '<span class="badge bg-warning rounded-pill">1</span>' in todos


def test_the_chair_has_nothing_to_do_when_every_group_has_a_leader(tree, chair, client_for):
    for group in (tree.school1_group_a, tree.school1_group_b):
        RoleAssignmentFactory(user=UserFactory(), org=group, role=Role.GROUP_LEADER)

    todos = section(client_for(chair).get(HOME).content.decode(), "todos", "</ul>")

    assert "暂无待办事项。" in todos


def test_a_committee_member_sees_the_groups_but_no_leader_to_do(tree, committee_member, client_for):
    content = client_for(committee_member).get(HOME).content.decode()

    assert "语文组工会小组" in content
    assert "工会小组尚未设置小组长" not in content


def test_a_member_sees_my_identity(tree, member, client_for):
    response = client_for(member).get(HOME)

    content = response.content.decode()
    assert page_template(response) == "core/home_member.html"
    assert "我的身份" in content
    assert "第一中学工会 · 会员" in section(content, "my-roles", "</ul>")
    assert "待办事项" not in content


def test_someone_without_any_role_is_told_to_contact_their_union(db, client_for):
    content = client_for(UserFactory()).get(HOME).content.decode()

    assert "您还没有加入任何工会组织，请联系本单位工会。" in content


def test_home_shows_the_latest_notifications(tree, member, client_for):
    services.notification_send(users=[member], title="工会活动报名开始")

    assert "工会活动报名开始" in client_for(member).get(HOME).content.decode()


def test_the_org_switcher_changes_the_home_page(tree, chair, client_for):
    RoleAssignmentFactory(user=chair, org=tree.county, role=Role.SUPERIOR_ADMIN)
    client = client_for(chair)
    assert 'id="child-overview"' in client.get(HOME).content.decode()

    response = client.post(reverse("core:org_switch"), {"org_id": tree.school1.pk})

    assert response.status_code == 302
    content = client.get(HOME).content.decode()
    assert 'id="child-overview"' not in content and 'id="todos"' in content


def test_switching_to_an_org_without_a_role_there_is_404(tree, chair, client_for):
    client = client_for(chair)

    response = client.post(reverse("core:org_switch"), {"org_id": tree.school2.pk})

    assert response.status_code == 404
    assert page_template(client.get(HOME)) == "core/home_officer.html"


def test_a_superior_officer_of_a_street_union_sees_its_schools(db, client_for):
    street = OrgFactory(name="城关街道总工会", kind=OrgKind.STREET)
    OrgFactory(name="城关小学工会", parent=street)
    officer = UserFactory()
    RoleAssignment.objects.create(user=officer, org=street, role=Role.SUPERIOR_ADMIN)

    rows = overview_rows(client_for(officer).get(HOME).content.decode())

    assert list(rows) == ["城关小学工会"]


def superior_home_queries(client_for, n: int) -> int:
    county = OrgFactory(name=f"计数县总工会{n}", kind=OrgKind.COUNTY)
    for i in range(n):
        school = OrgFactory(name=f"计数学校{n}-{i}", parent=county)
        OrgFactory(name=f"计数学校{n}-{i}小组", parent=school, kind=OrgKind.GROUP, unit_type="")
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=county, role=Role.SUPERIOR_ADMIN)
    client = client_for(officer)
    client.get(HOME)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(HOME)
        count = len(queries)
    assert len(overview_rows(response.content.decode())) == n
    return count


def test_the_superior_home_needs_as_many_queries_for_three_schools_as_for_one(db, client_for):
    # Not pinned to a number: every app adds its own to-do provider to this page.
    assert superior_home_queries(client_for, 3) == superior_home_queries(client_for, 1)
