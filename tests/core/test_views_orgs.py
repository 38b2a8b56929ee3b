"""The organisation pages: tree, HTMX children, search, detail, create, edit, move, dissolve."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.enums import OrgKind, OrgStatus, Role, UnitType
from gonghui.core.models import AuditEvent, Org
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def field_errors(content: str, field: str) -> list[str]:
    pattern = rf'<div class="invalid-feedback d-block" data-field-error="{field}">(.*?)</div>'
    return re.findall(pattern, content)


def form_errors(content: str) -> list[str]:
    return re.findall(r'<div class="alert alert-danger" role="alert" data-form-error>(.*?)</div>', content)


def org_payload(org: Org | None = None, **changes) -> dict:
    data = {
        "name": "第三中学工会",
        "short_name": "",
        "kind": OrgKind.GRASSROOTS,
        "unit_type": UnitType.SCHOOL,
        "code": "",
        "workforce": 40,
    }
    if org is not None:
        data.update(
            name=org.name,
            short_name=org.short_name,
            kind=org.kind,
            unit_type=org.unit_type,
            code=org.code or "",
            workforce=org.workforce,
        )
    data.update(changes)
    return data


# --- tree page and HTMX fragments ------------------------------------------------------------


def test_the_tree_page_lists_the_chairs_own_union_as_root(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_tree"))

    content = response.content.decode()
    assert response.status_code == 200
    assert f'href="{reverse("core:org_detail", args=[tree.school1.pk])}"' in content
    assert f'data-expand="{tree.school1.pk}"' in content
    assert "县教育总工会" not in content
    assert "第二小学工会" not in content


def test_the_tree_page_lists_the_county_as_root_for_its_officer(tree, county_officer, client_for):
    response = client_for(county_officer).get(reverse("core:org_tree"))

    content = response.content.decode()
    assert f'data-expand="{tree.county.pk}"' in content
    # Children are loaded on demand, not rendered up front.
    assert "第一中学工会" not in content


def test_a_member_cannot_open_the_tree_page(tree, member, client_for):
    response = client_for(member).get(reverse("core:org_tree"))

    assert response.status_code == 403
    assert "您没有权限访问此页面" in response.content.decode()


def test_the_children_fragment_returns_only_the_children(tree, county_officer, client_for):
    response = client_for(county_officer).get(reverse("core:org_children", args=[tree.county.pk]), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert content.lstrip().startswith(f'<ul id="children-{tree.county.pk}">')
    assert "<html" not in content and "navbar" not in content
    assert "第一中学工会" in content and "第二小学工会" in content
    assert "语文组工会小组" not in content


def test_the_children_fragment_of_a_foreign_org_is_404(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_children", args=[tree.school2.pk]), **HTMX)

    assert response.status_code == 404


def test_the_tree_page_under_htmx_returns_only_the_tree_body(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_tree"), **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content and 'role="search"' not in content
    assert f'data-expand="{tree.school1.pk}"' in content


def test_search_by_name_shows_the_ancestor_trail(tree, county_officer, client_for):
    response = client_for(county_officer).get(reverse("core:org_tree"), {"q": "语文"})

    content = response.content.decode()
    assert 'id="search-results"' in content
    assert "语文组工会小组" in content
    assert "县教育总工会 › 第一中学工会" in content
    assert "数学组工会小组" not in content


def test_search_only_finds_orgs_in_the_users_scope(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_tree"), {"q": "小组"}, **HTMX)

    content = response.content.decode()
    assert "<html" not in content
    assert "语文组工会小组" in content and "数学组工会小组" in content
    assert "低年级组工会小组" not in content


def test_a_search_without_hits_says_so_in_chinese(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_tree"), {"q": "不存在的组织"})

    assert "没有找到符合条件的组织。" in response.content.decode()


# --- detail ----------------------------------------------------------------------------------


def test_the_detail_page_shows_the_org_its_children_and_the_chairs_actions(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_detail", args=[tree.school1.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert "第一中学工会" in content
    children = content.split('id="children"')[1].split("</table>")[0]
    assert "语文组工会小组" in children and "数学组工会小组" in children
    assert reverse("core:org_create", args=[tree.school1.pk]) in content
    assert reverse("core:org_edit", args=[tree.school1.pk]) in content
    assert reverse("core:org_dissolve", args=[tree.school1.pk]) in content
    assert reverse("core:org_roles", args=[tree.school1.pk]) in content
    assert reverse("core:org_move", args=[tree.school1.pk]) not in content
    assert "尚未设置小组长的工会小组" in content


def test_a_committee_member_sees_the_detail_without_edit_actions(tree, committee_member, client_for):
    response = client_for(committee_member).get(reverse("core:org_detail", args=[tree.school1.pk]))

    content = response.content.decode()
    assert response.status_code == 200
    assert reverse("core:org_edit", args=[tree.school1.pk]) not in content
    assert reverse("core:org_roles", args=[tree.school1.pk]) not in content
    assert 'id="history"' not in content


def test_the_county_officer_may_move_a_school(tree, county_officer, client_for):
    response = client_for(county_officer).get(reverse("core:org_detail", args=[tree.school1.pk]))

    assert reverse("core:org_move", args=[tree.school1.pk]) in response.content.decode()


def test_the_detail_of_another_union_is_404(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_detail", args=[tree.school2.pk]))

    assert response.status_code == 404
    assert "第二小学工会" not in response.content.decode()


def test_the_detail_of_the_superior_union_is_404_for_a_chair(tree, chair, client_for):
    assert client_for(chair).get(reverse("core:org_detail", args=[tree.county.pk])).status_code == 404


# --- create ----------------------------------------------------------------------------------


def test_a_chair_creates_a_group_under_their_union(tree, chair, client_for):
    client = client_for(chair)

    response = client.post(
        reverse("core:org_create", args=[tree.school1.pk]),
        org_payload(name="英语组工会小组", kind=OrgKind.GROUP, unit_type="", workforce=8),
    )

    group = Org.objects.get(name="英语组工会小组")
    assert response.status_code == 302
    assert response["Location"] == reverse("core:org_detail", args=[group.pk])
    assert (group.parent, group.kind, group.path) == (
        tree.school1,
        OrgKind.GROUP,
        f"{tree.school1.path}{group.pk}/",
    )
    event = AuditEvent.objects.get(action="org.create", object_id=str(group.pk))
    assert (event.actor, event.org, event.after["name"]) == (chair, group, "英语组工会小组")
    audit_page = client.get(reverse("core:audit_list"), {"action": "org.create"}).content.decode()
    assert "英语组工会小组" in audit_page


def test_the_create_form_proposes_a_group_under_a_school(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_create", args=[tree.school1.pk]))

    assert response.status_code == 200
    assert '<option value="group" selected>' in response.content.decode()


def test_creating_under_a_union_group_shows_the_chinese_domain_error(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_create", args=[tree.school1_group_a.pk]),
        org_payload(name="子小组", kind=OrgKind.GROUP, unit_type=""),
    )

    assert response.status_code == 200
    assert form_errors(response.content.decode()) == ["工会小组下不能再设下级组织。"]
    assert not Org.objects.filter(name="子小组").exists()


def test_an_empty_name_is_refused_in_chinese_next_to_the_field(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_create", args=[tree.school1.pk]), org_payload(name="", workforce="")
    )

    content = response.content.decode()
    assert response.status_code == 200
    assert field_errors(content, "name") == ["这个字段是必填项。"]
    assert field_errors(content, "workforce") == ["这个字段是必填项。"]
    assert Org.objects.count() == len(tree.all())


def test_a_negative_workforce_is_refused_in_chinese(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_create", args=[tree.school1.pk]), org_payload(workforce=-3)
    )

    assert field_errors(response.content.decode(), "workforce") == ["确保该值大于或等于0。"]


def test_a_duplicate_code_is_refused_in_chinese(tree, chair, client_for):
    Org.objects.filter(pk=tree.school1_group_a.pk).update(code="JY-001")

    response = client_for(chair).post(
        reverse("core:org_create", args=[tree.school1.pk]), org_payload(code="JY-001")
    )

    errors = field_errors(response.content.decode(), "code")
    assert errors and "已存在" in errors[0]


def test_a_committee_member_cannot_create_orgs(tree, committee_member, client_for):
    response = client_for(committee_member).post(
        reverse("core:org_create", args=[tree.school1.pk]), org_payload()
    )

    assert response.status_code == 404
    assert not Org.objects.filter(name="第三中学工会").exists()


# --- edit ------------------------------------------------------------------------------------


def test_an_edit_is_saved_and_audited_with_before_and_after(tree, chair, client_for):
    school1 = tree.school1
    response = client_for(chair).post(
        reverse("core:org_edit", args=[school1.pk]), org_payload(school1, name="第一中学教职工工会")
    )

    assert response.status_code == 302
    school1.refresh_from_db()
    assert school1.name == "第一中学教职工工会"
    event = AuditEvent.objects.get(action="org.update")
    assert (event.actor, event.org, event.outcome) == (chair, school1, "success")
    assert event.before == {"name": "第一中学工会"}
    assert event.after == {"name": "第一中学教职工工会"}


def test_an_edit_without_changes_writes_no_audit_row(tree, chair, client_for):
    client_for(chair).post(reverse("core:org_edit", args=[tree.school1.pk]), org_payload(tree.school1))

    assert not AuditEvent.objects.filter(action="org.update").exists()


def test_the_edit_form_shows_the_current_values(tree, chair, client_for):
    response = client_for(chair).get(reverse("core:org_edit", args=[tree.school1.pk]))

    assert 'value="第一中学工会"' in response.content.decode()


def test_turning_a_union_with_children_into_a_group_is_refused(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_edit", args=[tree.school1.pk]), org_payload(tree.school1, kind=OrgKind.GROUP)
    )

    assert form_errors(response.content.decode()) == ["该组织有下级组织，不能改为工会小组。"]
    tree.school1.refresh_from_db()
    assert tree.school1.kind == OrgKind.GRASSROOTS


# --- move ------------------------------------------------------------------------------------


def test_the_county_officer_moves_a_group_to_another_school(tree, county_officer, client_for):
    group = tree.school1_group_a
    response = client_for(county_officer).post(
        reverse("core:org_move", args=[group.pk]), {"new_parent": tree.school2.pk}
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert (group.parent, group.path) == (tree.school2, f"{tree.school2.path}{group.pk}/")
    event = AuditEvent.objects.get(action="org.move")
    assert event.before["parent_id"] == tree.school1.pk
    assert event.after["parent_id"] == tree.school2.pk


def test_a_chair_cannot_even_open_the_move_page(tree, chair, client_for):
    client = client_for(chair)
    url = reverse("core:org_move", args=[tree.school1_group_a.pk])

    assert client.get(url).status_code == 404
    assert client.post(url, {"new_parent": tree.school1.pk}).status_code == 404
    assert AuditEvent.objects.filter(action="access.denied", actor=chair).count() == 2


def test_the_move_form_offers_no_target_inside_the_moved_subtree(tree, county_officer, client_for):
    response = client_for(county_officer).get(reverse("core:org_move", args=[tree.school1.pk]))

    content = response.content.decode()
    assert f'<option value="{tree.school2.pk}">' in content
    assert f'<option value="{tree.school1.pk}">' not in content
    assert f'<option value="{tree.school1_group_a.pk}">' not in content


def test_moving_an_org_into_its_own_subtree_is_refused_in_chinese(tree, county_officer, client_for):
    county_path = tree.county.path
    response = client_for(county_officer).post(
        reverse("core:org_move", args=[tree.county.pk]), {"new_parent": tree.school1.pk}
    )

    assert response.status_code == 200
    assert field_errors(response.content.decode(), "new_parent") == [
        "选择一个有效的选项： 该选择不在可用的选项中。"
    ]
    tree.county.refresh_from_db()
    assert (tree.county.parent, tree.county.path) == (None, county_path)
    assert not AuditEvent.objects.filter(action="org.move").exists()


# --- dissolve --------------------------------------------------------------------------------


def test_dissolving_a_union_with_active_children_is_refused(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_dissolve", args=[tree.school1.pk]), {"on": timezone.localdate().isoformat()}
    )

    assert response.status_code == 200
    assert form_errors(response.content.decode()) == ["该组织还有未撤销的下级组织，请先撤销或移走下级组织。"]
    tree.school1.refresh_from_db()
    assert tree.school1.status == OrgStatus.ACTIVE


def test_a_chair_dissolves_a_group_and_its_page_says_so(tree, chair, client_for):
    client = client_for(chair)
    group = tree.school1_group_a

    response = client.post(reverse("core:org_dissolve", args=[group.pk]), {"on": "2026-03-01"}, follow=True)

    group.refresh_from_db()
    assert group.status == OrgStatus.DISSOLVED
    assert str(group.dissolved_at) == "2026-03-01"
    assert "已撤销" in response.content.decode()
    assert AuditEvent.objects.get(action="org.dissolve").after["dissolved_at"] == "2026-03-01"


def test_the_dissolve_date_is_required_in_chinese(tree, chair, client_for):
    response = client_for(chair).post(
        reverse("core:org_dissolve", args=[tree.school1_group_a.pk]), {"on": ""}
    )

    assert field_errors(response.content.decode(), "on") == ["这个字段是必填项。"]


# --- query counts: the same for 1 and 3 items (no N+1) ---------------------------------------


def superior_of_roots(n: int):
    """A superior officer holding a role at each of `n` separate root orgs, each with a child."""
    officer = UserFactory()
    for i in range(n):
        root = OrgFactory(name=f"根组织{i}", kind=OrgKind.COUNTY, unit_type=UnitType.ORGAN)
        OrgFactory(name=f"根组织{i}下属学校", parent=root)
        RoleAssignmentFactory(user=officer, org=root, role=Role.SUPERIOR_ADMIN)
    return officer


def county_with_children(n: int):
    county = OrgFactory(name="计数县总工会", kind=OrgKind.COUNTY, unit_type=UnitType.ORGAN)
    for i in range(n):
        school = OrgFactory(name=f"计数学校{i}", parent=county)
        OrgFactory(name=f"计数学校{i}小组", parent=school, kind=OrgKind.GROUP, unit_type="")
    officer = UserFactory()
    RoleAssignmentFactory(user=officer, org=county, role=Role.SUPERIOR_ADMIN)
    return county, officer


def warm(client, url: str) -> None:
    """First request after login writes the idle-timeout stamp; measure the steady state."""
    assert client.get(url).status_code == 200


@pytest.mark.parametrize("n", [1, 3])
def test_the_tree_page_query_count_does_not_grow_with_roots(n, client_for, django_assert_num_queries):
    client = client_for(superior_of_roots(n))
    url = reverse("core:org_tree")
    warm(client, url)

    with django_assert_num_queries(5):
        response = client.get(url)

    assert response.content.decode().count("data-expand=") == n


@pytest.mark.parametrize("n", [1, 3])
def test_the_children_fragment_query_count_does_not_grow_with_children(
    n, client_for, django_assert_num_queries
):
    county, officer = county_with_children(n)
    client = client_for(officer)
    url = reverse("core:org_children", args=[county.pk])
    warm(client, url)

    with django_assert_num_queries(5):
        response = client.get(url, **HTMX)

    assert response.content.decode().count("data-expand=") == n


@pytest.mark.parametrize("n", [1, 3])
def test_the_detail_page_query_count_does_not_grow_with_children(n, client_for, django_assert_num_queries):
    county, officer = county_with_children(n)
    client = client_for(officer)
    url = reverse("core:org_detail", args=[county.pk])
    warm(client, url)

    with django_assert_num_queries(9):
        response = client.get(url)

    children = response.content.decode().split('id="children"')[1].split("</table>")[0]
    assert children.count("<tr>") == n


@pytest.mark.parametrize("n", [1, 3])
def test_the_search_results_query_count_does_not_grow_with_hits(n, client_for, django_assert_num_queries):
    _county, officer = county_with_children(n)
    client = client_for(officer)
    url = reverse("core:org_tree")
    warm(client, url)

    with django_assert_num_queries(6):
        response = client.get(url, {"q": "小组"})

    assert response.content.decode().count(" › ") == n
