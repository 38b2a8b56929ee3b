"""Pages of the member registry: list, detail, reveal, create/edit, status, bulk actions,
transfers and "my membership" — happy paths, HTMX fragments, query counts and 404s across unions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.models import AuditEvent
from gonghui.members import idcard, services
from gonghui.members.enums import ChangeType, MemberStatus, TransferState
from gonghui.members.models import Member, Transfer
from gonghui.members.privacy import decrypt
from tests.exporting import fetch_export
from tests.factories import OrgFactory

from .factories import MemberFactory

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def full_id(member: Member) -> str:
    return decrypt(member.id_encrypted)


def form_data(**overrides) -> dict:
    data = {
        "name": "刘洋", "id_number": "", "sex": "", "ethnicity": "01", "mobile": "", "political": "13",
        "education": "", "position": "", "join_date": "", "card_number": "", "employment": "established",
        "group": "", "hardship_level": "", "hardship_cert_no": "", "model_worker_level": "",
    }  # fmt: skip
    data.update(overrides)
    return data


def edit_data(member: Member, **overrides) -> dict:
    current = {
        "name": member.name, "mobile": member.mobile, "position": member.position,
        "join_date": f"{member.join_date:%Y-%m-%d}", "employment": member.employment,
    }  # fmt: skip
    return form_data(**(current | overrides))


@pytest.fixture
def zhang(tree) -> Member:
    return MemberFactory(union=tree.school1, name="张伟", mobile="13812345678", card_number="2024001")


# --- list ---------------------------------------------------------------------------------------


def test_the_list_shows_the_unions_members_in_pinyin_order(tree, chair, client_for):
    for name in ["张伟", "安娜", "单丽"]:
        MemberFactory(union=tree.school1, name=name)
    MemberFactory(union=tree.school2, name="李雷")

    response = client_for(chair).get(reverse("members:list"))

    page = html(response)
    assert response.status_code == 200
    assert page.index("安娜") < page.index("单丽") < page.index("张伟")
    assert "李雷" not in page


def test_the_list_filters_by_status_flag_and_search(tree, chair, client_for):
    MemberFactory(union=tree.school1, name="张伟")
    MemberFactory(union=tree.school1, name="张敏", female=True)
    gone = MemberFactory(union=tree.school1, name="王走")
    services.member_change_status(actor=chair, member=gone, change=ChangeType.WITHDRAW)
    client = client_for(chair)

    by_status = html(client.get(reverse("members:list"), {"status": "withdrawn"}))
    by_flag = html(client.get(reverse("members:list"), {"flag": "female"}))
    by_initials = html(client.get(reverse("members:list"), {"q": "zw"}))
    default = html(client.get(reverse("members:list")))

    assert "王走" in by_status and "张伟" not in by_status
    assert "张敏" in by_flag and "张伟" not in by_flag
    assert "张伟" in by_initials and "张敏" not in by_initials
    assert "王走" not in default  # the default list shows current members only


def test_the_list_filters_by_union_and_group(tree, chair, client_for):
    MemberFactory(union=tree.school1, name="张伟", group=tree.school1_group_a)
    MemberFactory(union=tree.school1, name="安娜", group=tree.school1_group_b)

    page = html(
        client_for(chair).get(
            reverse("members:list"), {"union": tree.school1.pk, "group": tree.school1_group_a.pk}
        )
    )

    assert "张伟" in page
    assert "安娜" not in page


def test_an_htmx_request_keeps_a_group_of_another_union_out(tree, chair, client_for):
    MemberFactory(union=tree.school1, name="张伟", group=tree.school1_group_a)
    MemberFactory(union=tree.school2, name="张强", group=tree.school2_group)

    page = html(
        client_for(chair).get(
            reverse("members:list"),
            {"union": tree.school1.pk, "group": tree.school2_group.pk, "q": "zhang"},
            HTTP_HX_REQUEST="true",
        )
    )

    assert "张强" not in page
    assert "张伟" not in page


def test_a_long_union_list_is_cut_short_and_says_where_the_others_are(tree, client_for, monkeypatch):
    from gonghui.core.enums import Role
    from gonghui.members import queries
    from tests.factories import RoleAssignmentFactory

    officer = RoleAssignmentFactory(org=tree.county, role=Role.CHAIR).user
    MemberFactory(union=tree.school2, name="安娜")
    monkeypatch.setattr(queries, "UNION_OPTIONS", 1)
    first, second = sorted([tree.school1, tree.school2], key=lambda o: o.name)

    page = html(client_for(officer).get(reverse("members:list"), {"union": second.pk}))

    assert "范围内工会较多" in page
    assert f'<option value="{first.pk}"' in page
    assert f'<option value="{second.pk}" selected>' in page  # the chosen one is still listed
    assert ("安娜" in page) == (second == tree.school2)


def test_a_unions_page_links_to_its_member_list(tree, chair, client_for):
    page = html(client_for(chair).get(reverse("core:org_detail", args=[tree.school1.pk])))

    assert f'href="{reverse("members:list")}?union={tree.school1.pk}"' in page


def test_a_search_by_full_id_number_is_not_pushed_into_the_browser_history(tree, chair, client_for, zhang):
    response = client_for(chair).get(
        reverse("members:list"), {"q": full_id(zhang), "status": "current"}, HTTP_HX_REQUEST="true"
    )

    assert zhang.name in html(response)
    assert response["HX-Push-Url"] == f"{reverse('members:list')}?status=current"


def test_the_htmx_request_gets_only_the_rows(tree, chair, client_for):
    MemberFactory(union=tree.school1, name="张伟")

    response = client_for(chair).get(reverse("members:list"), {"q": "zhang"}, HTTP_HX_REQUEST="true")

    page = html(response)
    assert response.status_code == 200
    assert 'id="member-table"' in page
    assert "张伟" in page
    assert "<html" not in page
    assert 'id="member-filters"' not in page


def test_the_list_shows_masked_id_and_mobile_columns(tree, chair, client_for, zhang):
    client = client_for(chair)
    client.post(reverse("members:columns"), {"columns": ["name", "id_masked", "mobile"]})

    page = html(client.get(reverse("members:list")))

    assert zhang.id_masked in page
    assert "138****5678" in page
    assert full_id(zhang) not in page
    assert "13812345678" not in page


def test_the_list_pages_without_counting(tree, chair, client_for):
    for i in range(51):
        MemberFactory(union=tree.school1, name=f"会员{chr(0x4E00 + i)}")
    client = client_for(chair)

    first = html(client.get(reverse("members:list")))
    second = html(client.get(reverse("members:list"), {"page": "2"}))

    assert "page=2" in first
    assert "page=3" not in second
    assert "page=1" in second


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_the_same_number_of_queries_for_1_and_3_members(
    tree, chair, client_for, django_assert_num_queries, count
):
    for _ in range(count):
        MemberFactory(union=tree.school1, group=tree.school1_group_a, hardship_level="severe")
    client = client_for(chair)
    client.get(reverse("members:list"))  # the first request also writes the session

    # session, user, role scopes, the unions in scope (filter choices, and the chosen one),
    # the union's groups (filter choices and bulk move), the page of members, unread notifications
    with django_assert_num_queries(7):
        response = client.get(reverse("members:list"))
    assert response.status_code == 200


@pytest.mark.parametrize("count", [1, 3])
def test_the_htmx_list_runs_the_same_number_of_queries_for_1_and_3_members(
    tree, chair, client_for, django_assert_num_queries, count
):
    for _ in range(count):
        MemberFactory(union=tree.school1, group=tree.school1_group_a)
    client = client_for(chair)
    client.get(reverse("members:list"))

    # session, user, role scopes, the unions in scope, the page of members (no group list: the
    # filter form is not shown)
    with django_assert_num_queries(5):
        response = client.get(reverse("members:list"), {"q": "a"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["county_officer", "member"])
def test_the_list_is_refused_to_users_without_a_member_role(request, client_for, persona):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("members:list")).status_code == 403


def test_a_group_leader_lists_only_their_group(tree, group_leader, client_for):
    MemberFactory(union=tree.school1, name="张伟", group=tree.school1_group_a)
    MemberFactory(union=tree.school1, name="安娜", group=tree.school1_group_b)

    page = html(client_for(group_leader).get(reverse("members:list")))

    assert "张伟" in page
    assert "安娜" not in page
    assert reverse("members:create") not in page  # no register button without change rights


# --- detail and reveal --------------------------------------------------------------------------


def test_the_detail_page_shows_only_masked_id_and_mobile(chair, client_for, zhang):
    response = client_for(chair).get(reverse("members:detail", args=[zhang.pk]))

    page = html(response)
    assert response.status_code == 200
    assert zhang.id_masked in page
    assert "138****5678" in page
    assert full_id(zhang) not in page
    assert "13812345678" not in page
    assert "查看完整信息" in page
    assert "入会" in page  # the history


def test_a_committee_member_sees_the_detail_without_a_reveal_button(committee_member, client_for, zhang):
    page = html(client_for(committee_member).get(reverse("members:detail", args=[zhang.pk])))

    assert zhang.id_masked in page
    assert "reveal-button" not in page


def test_reveal_shows_the_full_values_to_the_chair_and_is_audited(chair, client_for, zhang):
    response = client_for(chair).post(reverse("members:reveal", args=[zhang.pk]), HTTP_HX_REQUEST="true")

    page = html(response)
    assert response.status_code == 200
    assert full_id(zhang) in page
    assert "13812345678" in page
    assert "<html" not in page
    event = AuditEvent.objects.get(action="member.reveal")
    assert (event.actor, event.object_id) == (chair, str(zhang.pk))


def test_a_vice_chair_may_reveal(vice_chair, client_for, zhang):
    response = client_for(vice_chair).post(reverse("members:reveal", args=[zhang.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert full_id(zhang) in html(response)


@pytest.mark.parametrize(
    "persona", ["committee_member", "group_leader", "other_union_chair", "county_officer"]
)
def test_reveal_is_404_without_the_reveal_permission(request, client_for, zhang, persona):
    user = request.getfixturevalue(persona)

    response = client_for(user).post(reverse("members:reveal", args=[zhang.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 404
    assert full_id(zhang) not in html(response)
    assert not AuditEvent.objects.filter(action="member.reveal").exists()


def test_reveal_needs_a_post(chair, client_for, zhang):
    assert client_for(chair).get(reverse("members:reveal", args=[zhang.pk])).status_code == 405


def test_a_group_leader_sees_a_member_of_their_group_but_not_others(tree, group_leader, client_for):
    ours = MemberFactory(union=tree.school1, group=tree.school1_group_a)
    theirs = MemberFactory(union=tree.school1, group=tree.school1_group_b)
    client = client_for(group_leader)

    assert client.get(reverse("members:detail", args=[ours.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[theirs.pk])).status_code == 404


def test_a_member_sees_their_own_record(tree, member, client_for):
    own = MemberFactory(union=tree.school1)
    Member.objects.filter(pk=own.pk).update(user=member)
    other = MemberFactory(union=tree.school1)
    client = client_for(member)

    assert client.get(reverse("members:detail", args=[own.pk])).status_code == 200
    assert client.get(reverse("members:detail", args=[other.pk])).status_code == 404
    assert client.post(reverse("members:reveal", args=[own.pk])).status_code == 404


# --- create and edit ----------------------------------------------------------------------------


def test_the_chair_registers_a_member_with_sex_and_birth_date_from_the_id(tree, chair, client_for):
    number = idcard.make("430121", dt.date(1990, 5, 17), 124)

    response = client_for(chair).post(
        reverse("members:create"), form_data(id_number=number, mobile="+86 139-1234-0000")
    )

    member = Member.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.org, member.sex, member.birth_date) == (tree.school1, "2", dt.date(1990, 5, 17))
    assert member.mobile == "13912340000"
    assert full_id(member) == number


def test_registering_with_a_bad_id_shows_the_chinese_error_next_to_the_field(tree, chair, client_for):
    number = idcard.make("430121", dt.date(1990, 5, 17), 124)
    broken = number[:17] + ("1" if number[17] != "1" else "2")

    response = client_for(chair).post(reverse("members:create"), form_data(id_number=broken))

    page = html(response)
    assert response.status_code == 200
    assert 'data-field-error="id_number"' in page
    field_error = page.split('data-field-error="id_number"', 1)[1].split("</div>", 1)[0]
    assert "校验位错误" in field_error
    assert not Member.objects.exists()


def test_registering_with_a_sex_contradicting_the_id_shows_an_error(tree, chair, client_for):
    number = idcard.make("430121", dt.date(1990, 5, 17), 124)  # female

    response = client_for(chair).post(reverse("members:create"), form_data(id_number=number, sex="1"))

    assert 'data-field-error="sex"' in html(response)
    assert not Member.objects.exists()


def test_registering_a_duplicate_shows_the_service_message(tree, chair, client_for, zhang):
    response = client_for(chair).post(reverse("members:create"), form_data(id_number=full_id(zhang)))

    page = html(response)
    assert "data-form-error" in page
    assert "已登记为会员" in page
    assert full_id(zhang) not in page.replace(f'value="{full_id(zhang)}"', "")
    assert Member.objects.count() == 1


def test_registering_into_a_group(tree, chair, client_for):
    number = idcard.make("430121", dt.date(1990, 5, 17), 123)

    client_for(chair).post(
        reverse("members:create"), form_data(id_number=number, group=tree.school1_group_b.pk)
    )

    assert Member.objects.get().org == tree.school1_group_b


@pytest.mark.parametrize("persona", ["group_leader", "county_officer", "member"])
def test_registering_is_refused_without_change_rights(request, client_for, persona):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("members:create")).status_code == 403


def test_the_edit_page_saves_changes(tree, chair, client_for, zhang):
    response = client_for(chair).post(
        reverse("members:edit", args=[zhang.pk]), edit_data(zhang, position="教研组长")
    )

    assert response.status_code == 302
    zhang.refresh_from_db()
    assert zhang.position == "教研组长"
    assert AuditEvent.objects.filter(action="member.update", object_id=str(zhang.pk)).exists()


def test_the_edit_page_keeps_the_id_when_left_blank_and_moves_groups(tree, chair, client_for, zhang):
    number = full_id(zhang)

    client_for(chair).post(
        reverse("members:edit", args=[zhang.pk]), edit_data(zhang, group=tree.school1_group_a.pk)
    )

    zhang.refresh_from_db()
    assert full_id(zhang) == number
    assert zhang.org == tree.school1_group_a


def test_the_edit_page_shows_the_masked_id(chair, client_for, zhang):
    page = html(client_for(chair).get(reverse("members:edit", args=[zhang.pk])))

    assert zhang.id_masked in page
    assert full_id(zhang) not in page


def test_the_edit_page_does_not_show_the_full_mobile(committee_member, client_for, zhang):
    page = html(client_for(committee_member).get(reverse("members:edit", args=[zhang.pk])))

    assert "13812345678" not in page


@pytest.mark.parametrize("persona", ["group_leader", "other_union_chair"])
def test_editing_is_404_without_change_rights_over_the_member(request, client_for, zhang, persona):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("members:edit", args=[zhang.pk])).status_code == 404


# --- status and bulk actions --------------------------------------------------------------------


def test_the_status_form_applies_a_change(chair, client_for, zhang):
    today = timezone.localdate()

    response = client_for(chair).post(
        reverse("members:status", args=[zhang.pk]),
        {"change": "withdraw", "date": f"{today:%Y-%m-%d}", "reason": "个人要求退会"},
        follow=True,
    )

    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.WITHDRAWN
    assert "已办理" in html(response)


def test_the_status_form_retires_into_the_retirees_group(tree, chair, client_for, zhang):
    client_for(chair).post(
        reverse("members:status", args=[zhang.pk]),
        {"change": "retire", "date": f"{timezone.localdate():%Y-%m-%d}"},
    )

    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.RETIRED
    assert "退休" in zhang.org.name


def test_a_refused_status_change_shows_the_reason(chair, client_for, zhang):
    services.member_change_status(actor=chair, member=zhang, change=ChangeType.DECEASE)

    response = client_for(chair).post(
        reverse("members:status", args=[zhang.pk]),
        {"change": "reinstate", "date": f"{timezone.localdate():%Y-%m-%d}"},
        follow=True,
    )

    assert "不能办理" in html(response)
    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.DECEASED


def test_bulk_move_to_a_group(tree, chair, client_for):
    members = [MemberFactory(union=tree.school1) for _ in range(2)]

    response = client_for(chair).post(
        reverse("members:bulk"),
        {"ids": ",".join(str(m.pk) for m in members), "action": "move", "group": tree.school1_group_b.pk},
        follow=True,
    )

    assert "已移动2名会员" in html(response)
    assert set(Member.objects.values_list("org", flat=True)) == {tree.school1_group_b.pk}


def test_bulk_status_change_reports_refused_members(tree, chair, client_for):
    active = MemberFactory(union=tree.school1, name="赵一")
    dead = MemberFactory(union=tree.school1, name="钱二")
    Member.objects.filter(pk=dead.pk).update(status=MemberStatus.DECEASED)

    response = client_for(chair).post(
        reverse("members:bulk"),
        {"ids": f"{active.pk},{dead.pk}", "action": "status", "change": "withdraw"},
        follow=True,
    )

    page = html(response)
    assert "已为1名会员办理" in page
    assert "钱二" in page
    active.refresh_from_db()
    assert active.status == MemberStatus.WITHDRAWN


def test_bulk_actions_ignore_members_of_another_union(tree, other_union_chair, client_for, zhang):
    response = client_for(other_union_chair).post(
        reverse("members:bulk"),
        {"ids": str(zhang.pk), "action": "status", "change": "withdraw"},
        follow=True,
    )

    assert "没有可操作的会员" in html(response)
    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.ACTIVE


def test_bulk_move_into_another_unions_group_is_404(tree, chair, client_for, zhang):
    response = client_for(chair).post(
        reverse("members:bulk"), {"ids": str(zhang.pk), "action": "move", "group": tree.school2_group.pk}
    )

    assert response.status_code == 404
    zhang.refresh_from_db()
    assert zhang.org == tree.school1


# --- transfers ----------------------------------------------------------------------------------


def test_the_transfer_form_offers_the_sibling_unions(tree, chair, client_for, zhang):
    page = html(client_for(chair).get(reverse("members:transfer_create", args=[zhang.pk])))

    choices = page.split('name="to_org"', 1)[1].split("</select>", 1)[0]
    assert f'value="{tree.school2.pk}"' in choices
    assert f'value="{tree.school1.pk}"' not in choices


def test_a_transfer_is_requested_from_the_form(tree, chair, client_for, zhang):
    response = client_for(chair).post(
        reverse("members:transfer_create", args=[zhang.pk]), {"to_org": tree.school2.pk, "reason": "调动"}
    )

    assert response.status_code == 302
    transfer = Transfer.objects.get()
    assert (transfer.member, transfer.to_org, transfer.state) == (
        zhang,
        tree.school2,
        TransferState.REQUESTED,
    )


def test_the_transfer_form_refuses_both_a_union_and_an_outside_destination(tree, chair, client_for, zhang):
    response = client_for(chair).post(
        reverse("members:transfer_create", args=[zhang.pk]),
        {"to_org": tree.school2.pk, "destination": "外省某中学"},
    )

    assert "只能填写一项" in html(response)
    assert not Transfer.objects.exists()


def test_a_transfer_outside_from_the_form_marks_the_member_transferred_out(chair, client_for, zhang):
    client_for(chair).post(reverse("members:transfer_create", args=[zhang.pk]), {"destination": "外省某中学"})

    zhang.refresh_from_db()
    assert zhang.status == MemberStatus.TRANSFERRED_OUT


def test_the_receiving_chair_sees_and_accepts_the_transfer(tree, chair, other_union_chair, client_for, zhang):
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=tree.school2)
    client = client_for(other_union_chair)

    listing = html(client.get(reverse("members:transfers")))
    response = client.post(reverse("members:transfer_accept", args=[transfer.pk]), follow=True)

    assert "张伟" in listing and "第一中学工会" in listing
    assert "已接收张伟转入" in html(response)
    zhang.refresh_from_db()
    assert zhang.org == tree.school2


def test_the_sending_chair_sees_the_outgoing_transfer_but_cannot_accept_it(tree, chair, client_for, zhang):
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=tree.school2)
    client = client_for(chair)

    listing = html(client.get(reverse("members:transfers")))

    assert "待接收" in listing
    assert client.post(reverse("members:transfer_accept", args=[transfer.pk])).status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_rejecting_without_a_note_is_refused_with_a_message(
    tree, chair, other_union_chair, client_for, zhang
):
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=tree.school2)

    response = client_for(other_union_chair).post(
        reverse("members:transfer_reject", args=[transfer.pk]), {"note": ""}, follow=True
    )

    assert "退回时请填写原因" in html(response)
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_rejecting_with_a_note(tree, chair, other_union_chair, client_for, zhang):
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=tree.school2)

    client_for(other_union_chair).post(
        reverse("members:transfer_reject", args=[transfer.pk]), {"note": "无编制"}
    )

    transfer.refresh_from_db()
    assert (transfer.state, transfer.decision_note) == (TransferState.REJECTED, "无编制")


def test_the_sender_cancels_and_the_receiver_cannot(tree, chair, other_union_chair, client_for, zhang):
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=tree.school2)

    refused = client_for(other_union_chair).post(reverse("members:transfer_cancel", args=[transfer.pk]))
    client_for(chair).post(reverse("members:transfer_cancel", args=[transfer.pk]))

    assert refused.status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == TransferState.CANCELLED


# --- my membership ------------------------------------------------------------------------------


def test_my_membership_shows_the_linked_record_masked(tree, member, client_for):
    own = MemberFactory(union=tree.school1, name="林小雨", mobile="13712349876", card_number="2019007")
    Member.objects.filter(pk=own.pk).update(user=member)

    page = html(client_for(member).get(reverse("members:me")))

    assert "林小雨" in page
    assert "第一中学工会" in page
    assert "2019007" in page
    assert own.id_masked in page
    assert "137****9876" in page
    assert full_id(own) not in page
    assert "13712349876" not in page


def test_my_membership_without_a_linked_record_says_so(member, client_for):
    page = html(client_for(member).get(reverse("members:me")))

    assert "没有找到您的会员登记" in page


# --- 404 for another union's chair on every object URL ------------------------------------------

OBJECT_URLS = [
    ("members:detail", "get"),
    ("members:edit", "get"),
    ("members:edit", "post"),
    ("members:reveal", "post"),
    ("members:status", "post"),
    ("members:transfer_create", "get"),
    ("members:transfer_create", "post"),
]
TRANSFER_URLS = ["members:transfer_accept", "members:transfer_reject", "members:transfer_cancel"]


@pytest.mark.parametrize(("name", "method"), OBJECT_URLS)
def test_every_member_url_is_404_for_another_unions_chair(
    tree, other_union_chair, client_for, zhang, name, method
):
    client = client_for(other_union_chair)
    url = reverse(name, args=[zhang.pk])
    data = {"change": "withdraw", "date": f"{timezone.localdate():%Y-%m-%d}", "to_org": tree.school2.pk}

    response = client.get(url) if method == "get" else client.post(url, data)

    assert response.status_code == 404
    zhang.refresh_from_db()
    assert (zhang.status, zhang.org) == (MemberStatus.ACTIVE, tree.school1)
    assert not Transfer.objects.exists()


@pytest.mark.parametrize("name", TRANSFER_URLS)
def test_every_transfer_url_is_404_for_a_union_outside_the_transfer(
    tree, chair, other_union_chair, client_for, zhang, name
):
    school3 = OrgFactory(name="第三小学工会", parent=tree.county)
    transfer = services.transfer_request(actor=chair, member=zhang, to_org=school3)

    response = client_for(other_union_chair).post(reverse(name, args=[transfer.pk]), {"note": "不要"})

    assert response.status_code == 404
    transfer.refresh_from_db()
    assert transfer.state == TransferState.REQUESTED


def test_the_chair_exports_full_ids_on_request_and_the_export_is_audited(chair, client_for, zhang):
    import io

    from openpyxl import load_workbook

    response = fetch_export(client_for(chair), reverse("members:export"), {"reveal": "1", "fmt": "national"})

    cells = {
        str(cell)
        for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True)
        for cell in row
    }
    assert full_id(zhang) in cells
    event = AuditEvent.objects.get(action="member.export")
    assert full_id(zhang) not in str(event.after)


def test_a_committee_member_cannot_export_full_ids(committee_member, client_for, zhang):
    response = fetch_export(client_for(committee_member), reverse("members:export"), {"reveal": "1"})

    assert response.status_code == 302
    assert not AuditEvent.objects.filter(action="member.export").exists()
