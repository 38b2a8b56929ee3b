"""Voting pages: the chair's journey, the member's ballot on a phone, the paper-code ballot, the
results refused to every role before release, and query counts of the list."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.enums import Role
from gonghui.core.models import AuditEvent
from gonghui.voting import services
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.models import Ballot, Participation, Poll
from tests.exporting import fetch_export
from tests.factories import RoleAssignmentFactory, UserFactory

from .factories import electorate, make_poll, opened_ballots, option_ids, voter_member

pytestmark = pytest.mark.django_db


def test_the_chair_sets_up_opens_closes_and_releases_an_election(tree, chair, client_for):
    client = client_for(chair)
    response = client.post(reverse("voting:poll_create") + "?kind=election",
                           {"kind": "election", "poll-title": "工会委员会换届选举", "poll-choose_max": 1,
                            "poll-diff_ratio": 20, "poll-majority_percent": 50})  # fmt: skip
    poll = Poll.objects.get(title="工会委员会换届选举")
    assert response.status_code == 302 and poll.kind == PollKind.ELECTION and poll.created_by == chair
    for name in ("张三", "李四"):
        client.post(reverse("voting:option_add", args=[poll.pk]), {"name": name})
    voters = [voter_member(tree.school1) for _ in range(2)]
    client.post(reverse("voting:electorate", args=[poll.pk]), {"source": "union"})
    assert poll.voters.count() == 2

    client.post(reverse("voting:poll_state", args=[poll.pk]), {"to": PollState.OPEN})
    poll.refresh_from_db()
    assert poll.state == PollState.OPEN
    detail = client.get(reverse("voting:poll_detail", args=[poll.pk]))
    assert "已投0人 / 应投2人" in detail.content.decode()
    member_client = client_for(voters[0].user)
    member_client.post(reverse("voting:vote", args=[poll.pk]), {"option": option_ids(poll)["张三"]})
    partial = client.get(
        reverse("voting:poll_detail", args=[poll.pk]) + "?part=turnout", HTTP_HX_REQUEST="true"
    )
    assert "已投1人 / 应投2人" in partial.content.decode() and "<html" not in partial.content.decode()

    client_for(voters[1].user).post(
        reverse("voting:vote", args=[poll.pk]), {"option": option_ids(poll)["张三"]}
    )

    client.post(reverse("voting:poll_state", args=[poll.pk]), {"to": PollState.CLOSED})
    # 计票 → 核对 → 公布: "公布" is not one click from the closed poll.
    client.post(reverse("voting:poll_state", args=[poll.pk]), {"to": PollState.RELEASED})
    poll.refresh_from_db()
    assert poll.state == PollState.CLOSED
    review = client.get(reverse("voting:count_review", args=[poll.pk]))
    assert review.status_code == 200 and "核对无误" in review.content.decode()
    assert 'class="badge bg-success">当选' in review.content.decode()
    hidden = member_client.get(reverse("voting:results", args=[poll.pk]))
    assert hidden.status_code == 403 and "张三" not in hidden.content.decode()
    client.post(reverse("voting:poll_state", args=[poll.pk]), {"to": PollState.REVIEWED})
    review = client.get(reverse("voting:count_review", args=[poll.pk]))
    assert "公布结果" in review.content.decode()
    assert member_client.get(reverse("voting:results", args=[poll.pk])).status_code == 403
    client.post(reverse("voting:poll_state", args=[poll.pk]), {"to": PollState.RELEASED})
    results = member_client.get(reverse("voting:results", args=[poll.pk]))
    document = fetch_export(client, reverse("voting:result_document", args=[poll.pk]))

    assert results.status_code == 200 and 'class="badge bg-success">当选' in results.content.decode()
    assert document.status_code == 200 and document.content[:2] == b"PK"


def test_adding_to_a_frozen_electorate_is_refused_with_a_message(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    voter_member(tree.school1)

    response = client_for(chair).post(
        reverse("voting:electorate", args=[poll.pk]), {"source": "union"}, follow=True
    )

    assert "冻结" in response.content.decode()
    assert poll.voters.count() == 1


def test_a_member_votes_once_and_sees_the_receipt_once(tree, client_for):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    voter = electorate(poll)[0]
    client = client_for(voter.user)

    home = client.get(reverse("voting:home"))
    page = client.get(reverse("voting:vote", args=[poll.pk]))
    first = client.post(reverse("voting:vote", args=[poll.pk]), {"option": option_ids(poll)["李四"]})
    second = client.post(reverse("voting:vote", args=[poll.pk]), {"option": option_ids(poll)["王五"]})

    assert "去投票" in home.content.decode()
    assert 'name="option"' in page.content.decode() and 'type="radio"' in page.content.decode()
    ((receipt, _choices),) = opened_ballots(poll)
    assert services.pretty_code(receipt) in first.content.decode()
    assert "您已投票" in second.content.decode()
    assert services.pretty_code(receipt) not in second.content.decode()
    assert Ballot.objects.filter(poll=poll).count() == 1
    assert "您已投票" in client.get(reverse("voting:home")).content.decode()


def test_an_evaluation_sheet_leaves_out_the_voter_themself(tree, client_for):
    principal = voter_member(tree.school1, name="王校长")
    poll = make_poll(tree.school1, kind=PollKind.EVALUATION, options=["王校长", "李副校长"],
                     option_members=[principal, None], voters=[principal], min_respondents=1,
                     state=PollState.OPEN)  # fmt: skip

    page = client_for(principal.user).get(reverse("voting:vote", args=[poll.pk])).content.decode()

    assert "李副校长" in page and "王校长" not in page.split("<form")[1]


def test_someone_outside_the_electorate_is_told_so(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)

    response = client_for(chair).post(
        reverse("voting:vote", args=[poll.pk]), {"option": option_ids(poll)["张三"]}
    )

    assert response.status_code == 403
    assert "不在本次投票的选民名单中" in response.content.decode()
    assert not Participation.objects.exists()


def test_a_paper_code_works_without_an_account_once(tree, client):
    poll = make_poll(tree.school1, voters=1)
    (code,) = services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()))
    services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)
    url = reverse("voting:code_vote")

    sheet = client.post(url, {"code": code.lower()})
    cast = client.post(url, {"code": code, "cast": "1", "option": option_ids(poll)["张三"]})
    again = client.post(url, {"code": code})

    assert 'name="option"' in sheet.content.decode()
    assert "投票成功" in cast.content.decode()
    assert "该随机码已使用" in again.content.decode()
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_the_chair_prints_codes_once(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=0)
    services.electorate_add(actor=None, poll=poll, members=[voter_member(tree.school1, account=False)])

    page = client_for(chair).post(reverse("voting:paper_codes", args=[poll.pk]))

    assert page.status_code == 200 and "限用一次" in page.content.decode()
    assert poll.voters.get().paper


def test_tellers_record_paper_voters_and_totals(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=2, state=PollState.OPEN)
    members = electorate(poll)
    client = client_for(chair)
    ids = option_ids(poll)

    client.post(
        reverse("voting:paper_entry", args=[poll.pk]), {"form": "census", "member": [m.pk for m in members]}
    )
    client.post(reverse("voting:paper_entry", args=[poll.pk]),
                {"form": "batch", "valid": 2, "invalid": 0, f"o{ids['张三']}": 2, f"o{ids['李四']}": 0,
                 f"o{ids['王五']}": 0})  # fmt: skip

    assert services.turnout(poll).paper == 2
    assert services.ballots_counted(poll) == 2


@pytest.mark.parametrize(
    "persona", ["chair", "committee_member", "county_officer", "superuser", "member", "voter"]
)
@pytest.mark.parametrize("state", [PollState.OPEN, PollState.CLOSED])
def test_results_are_refused_to_every_role_before_release(tree, client_for, persona, state, request):
    poll = make_poll(tree.school1, voters=2, state=PollState.OPEN)
    voter = electorate(poll)[0]
    services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["张三"]]})
    if state == PollState.CLOSED:
        services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    if persona == "superuser":
        user = UserFactory(is_superuser=True)
    elif persona == "voter":
        user = voter.user
    else:
        user = request.getfixturevalue(persona)
    client = client_for(user)

    for name in ("results", "receipts", "result_document", "result_pdf"):
        response = client.get(reverse(f"voting:{name}", args=[poll.pk]))
        assert response.status_code == 403, (name, response.status_code)
        assert "公布结果之前" in response.content.decode()
        assert "张三" not in response.content.decode()


def test_released_results_are_seen_by_the_union_and_not_by_another_union(
    tree, member, other_union_chair, client_for
):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    services.ballot_cast(
        poll=poll, member=electorate(poll)[0], choices={"selected": [option_ids(poll)["张三"]]}
    )
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)
    receipt = Ballot.objects.get(poll=poll).receipt

    mine = client_for(member).get(reverse("voting:receipts", args=[poll.pk]))
    theirs = client_for(other_union_chair).get(reverse("voting:receipts", args=[poll.pk]))

    assert mine.status_code == 200 and services.pretty_code(receipt) in mine.content.decode()
    assert "张三" in mine.content.decode()
    assert theirs.status_code == 404


def test_a_member_nominates_for_an_award_and_the_panel_screens(tree, chair, client_for):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, options=["甲"], voters=1)
    nominator = voter_member(tree.school1)
    RoleAssignmentFactory(user=nominator.user, org=tree.school1, role=Role.MEMBER)
    nominee = voter_member(tree.school1, name="优秀的人")

    client_for(nominator.user).post(reverse("voting:nominate", args=[poll.pk]),
                                    {"member": nominee.pk, "deeds": "扎根一线二十年"})  # fmt: skip
    option = poll.options.get(member=nominee)
    client_for(chair).post(
        reverse("voting:nomination_screen", args=[poll.pk]), {"option": option.pk, "eligible": "1"}
    )

    option.refresh_from_db()
    assert option.eligibility == "eligible" and option.deeds == "扎根一线二十年"


@pytest.mark.parametrize("n", [1, 3])
def test_the_poll_list_takes_a_fixed_number_of_queries(tree, chair, client_for, django_assert_num_queries, n):
    for i in range(n):
        make_poll(
            tree.school1, title=f"投票{i}", voters=1, state=PollState.OPEN if i % 2 else PollState.DRAFT
        )
    client = client_for(chair)
    client.get(reverse("voting:home"))  # warm the session

    with django_assert_num_queries(9):
        response = client.get(reverse("voting:home"))

    assert response.status_code == 200
    assert response.content.decode().count("voting/") >= n


@pytest.mark.parametrize("n", [1, 3])
def test_my_polls_take_a_fixed_number_of_queries(tree, client_for, django_assert_num_queries, n):
    voter = voter_member(tree.school1)
    for i in range(n):
        make_poll(tree.school1, title=f"投票{i}", voters=[voter], state=PollState.OPEN)
    client = client_for(voter.user)
    client.get(reverse("voting:home"))

    with django_assert_num_queries(7):
        response = client.get(reverse("voting:home"))

    assert response.content.decode().count("去投票") == n


def test_a_member_creating_a_poll_is_refused_and_audited(client_for, member, tree):
    assert client_for(member).get(reverse("voting:poll_create")).status_code == 403
    assert AuditEvent.objects.filter(action="access.denied", actor=member, object_type="voting.poll").exists()


def test_the_paper_census_takes_no_member_of_another_union_and_names_none(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=2, state=PollState.OPEN)
    foreign = voter_member(tree.school2, name="外校会员乙")
    outside = voter_member(tree.school1, name="本校非选民")  # of the union, not in the electorate
    client = client_for(chair)

    for ids in ([foreign.pk], [electorate(poll)[0].pk, foreign.pk], [outside.pk], ["999999999"]):
        response = client.post(reverse("voting:paper_entry", args=[poll.pk]), {"form": "census", "member": ids},
                               follow=True)  # fmt: skip
        page = response.content.decode()
        assert response.status_code == 200
        assert "外校会员乙" not in page and "本校非选民" not in page
        assert "选民名单" in page

    assert not poll.participations.exists()
    assert not AuditEvent.objects.filter(action="voting.paper_census").exists()


def test_paper_codes_are_not_printed_for_another_polls_voters(tree, chair, client_for):
    poll = make_poll(tree.school1, voters=2)
    theirs = make_poll(tree.school2, voters=1)

    response = client_for(chair).post(
        reverse("voting:paper_codes", args=[poll.pk]), {"voter": [theirs.voters.get().pk]}
    )

    assert response.status_code == 200 and "不在本次投票选民名单中" in response.content.decode()
    assert not poll.paper_codes.exists() and not theirs.paper_codes.exists()
    assert not AuditEvent.objects.filter(action="voting.paper_codes").exists()


def test_the_seats_field_is_named_by_its_visible_label_for_screen_readers():
    from gonghui.voting.forms import PollForm

    for kind, label in (
        (PollKind.ELECTION, "应选人数"),
        (PollKind.AWARD, "评选名额"),
        (PollKind.SIMPLE, "每人最多可选"),
    ):
        field = PollForm(kind=kind).fields["choose_max"]
        assert field.label == label and field.widget.attrs["aria-label"] == label
