"""The ballot box: casting online and with paper codes, paper totals, one census for every
channel, validation of the choices, turnout."""

from __future__ import annotations

import pytest

from gonghui.core.errors import DomainError
from gonghui.voting import sealing, services
from gonghui.voting.enums import Channel, PollState
from gonghui.voting.models import Ballot, PaperCode, Participation

from .factories import drive, electorate, make_poll, opened_ballots, option_ids, voter_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def poll(tree):
    return make_poll(
        tree.school1, voters=4, choose_max=2, options=["甲", "乙", "丙", "丁"], state=PollState.OPEN
    )


def test_a_voter_casts_a_ballot_and_gets_a_receipt(poll):
    voter = electorate(poll)[0]
    ids = option_ids(poll)

    receipt = services.ballot_cast(poll=poll, member=voter, choices={"selected": [ids["甲"], ids["丙"]]})

    assert len(receipt) == 10
    assert set(receipt) <= set(services.ALPHABET)
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.receipt != receipt and sealing.is_sealed(ballot.choices)  # sealed while open
    assert sealing.unseal(poll.pk, ballot.choices) == ({"selected": sorted([ids["甲"], ids["丙"]])}, receipt)
    assert Participation.objects.get(poll=poll).member == voter
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    ballot = Ballot.objects.get(poll=poll)
    assert ballot.receipt == receipt
    assert ballot.choices == {"selected": sorted([ids["甲"], ids["丙"]])}


def test_a_second_attempt_is_refused_and_writes_nothing(poll):
    voter = electorate(poll)[0]
    services.ballot_cast(poll=poll, member=voter, choices={"selected": []})

    with pytest.raises(DomainError, match="您已投票"):
        services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["甲"]]})

    assert Ballot.objects.filter(poll=poll).count() == 1
    assert Participation.objects.filter(poll=poll).count() == 1


def test_someone_outside_the_electorate_cannot_vote(poll, tree):
    with pytest.raises(DomainError, match="不在本次投票的选民名单中"):
        services.ballot_cast(poll=poll, member=voter_member(tree.school1), choices={"selected": []})


@pytest.mark.parametrize(
    "state", [PollState.DRAFT, PollState.CLOSED, PollState.RELEASED, PollState.CANCELLED]
)
def test_votes_are_accepted_only_while_the_poll_is_open(tree, state):
    poll = make_poll(tree.school1, voters=2, state=state)

    with pytest.raises(DomainError, match="尚未开始或已经结束"):
        services.ballot_cast(poll=poll, member=electorate(poll)[0], choices={"selected": []})
    assert not Participation.objects.filter(poll=poll).exists()


@pytest.mark.parametrize(
    ("choices", "message"),
    [
        ({"selected": ["甲", "乙", "丙"]}, "最多只能选2项"),
        ({"selected": ["甲", "甲"]}, "不属于本次投票"),
        ({"selected": [999_999]}, "不属于本次投票"),
        ({"selected": ["x"]}, "选票内容无效"),
        ({"selected": [], "write_ins": ["赵六"]}, "不允许另选他人"),
    ],
)
def test_invalid_choices_are_refused_and_nothing_is_written(poll, choices, message):
    ids = option_ids(poll)
    choices = {**choices, "selected": [ids.get(c, c) for c in choices["selected"]]}

    with pytest.raises(DomainError, match=message):
        services.ballot_cast(poll=poll, member=electorate(poll)[0], choices=choices)
    assert not Participation.objects.filter(poll=poll).exists()
    assert not Ballot.objects.filter(poll=poll).exists()


def test_an_option_of_another_poll_is_refused(poll, tree):
    other = make_poll(tree.school1, title="另一次选举", voters=0)

    with pytest.raises(DomainError, match="不属于本次投票"):
        services.ballot_cast(poll=poll, member=electorate(poll)[0],
                             choices={"selected": [other.options.first().pk]})  # fmt: skip


def test_write_ins_count_against_the_seats_when_allowed(tree):
    poll = make_poll(tree.school1, voters=1, choose_max=2, allow_write_in=True, state=PollState.OPEN)
    voter = electorate(poll)[0]

    with pytest.raises(DomainError, match="最多只能选2项"):
        services.ballot_cast(poll=poll, member=voter,
                             choices={"selected": [option_ids(poll)["张三"]], "write_ins": ["赵六", "钱七"]})  # fmt: skip
    with pytest.raises(DomainError, match="已在候选人名单中"):
        services.ballot_cast(poll=poll, member=voter, choices={"selected": [], "write_ins": ["张三"]})
    services.ballot_cast(poll=poll, member=voter, choices={"selected": [], "write_ins": [" 赵 六 "]})

    assert [c for _r, c in opened_ballots(poll)] == [{"selected": [], "write_ins": ["赵 六"]}]


# --- paper ----------------------------------------------------------------------------------


def test_a_paper_code_is_used_once(tree):
    poll = make_poll(tree.school1, voters=2)
    codes = services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()))
    poll = drive(poll, PollState.OPEN)

    receipt = services.ballot_cast(
        poll=poll, code=services.pretty_code(codes[0]).lower(), choices={"selected": []}
    )
    with pytest.raises(DomainError, match="该随机码已使用"):
        services.ballot_cast(poll=poll, code=codes[0], choices={"selected": []})

    assert receipt
    assert Participation.objects.filter(poll=poll, channel=Channel.PAPER_CODE).count() == 1
    assert PaperCode.objects.filter(poll=poll, used=True).count() == 1
    assert Ballot.objects.filter(poll=poll).count() == 1


def test_only_hashes_of_paper_codes_are_stored(tree):
    poll = make_poll(tree.school1, voters=3)
    codes = services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()))

    stored = set(PaperCode.objects.filter(poll=poll).values_list("code_hash", flat=True))
    assert len(codes) == len(set(codes)) == 3
    assert not stored & set(codes)
    assert stored == {services.code_hash(c) for c in codes}


def test_a_wrong_code_is_refused(tree):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)

    with pytest.raises(DomainError, match="随机码无效"):
        services.ballot_cast(poll=poll, code="ABCDE-FGHJK", choices={"selected": []})


def test_a_code_of_another_poll_is_refused(tree):
    first = make_poll(tree.school1, voters=1)
    codes = services.paper_codes_issue(actor=None, poll=first, voters=list(first.voters.all()))
    second = make_poll(tree.school1, title="第二次", voters=1, state=PollState.OPEN)

    with pytest.raises(DomainError, match="随机码无效"):
        services.ballot_cast(poll=second, code=codes[0], choices={"selected": []})


def test_codes_are_printed_before_voting_opens(tree):
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)

    with pytest.raises(DomainError, match="投票开始前打印"):
        services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()))


def test_a_voter_given_a_paper_code_cannot_also_vote_online(tree):
    poll = make_poll(tree.school1, voters=1)
    services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()))
    poll = drive(poll, PollState.OPEN)

    with pytest.raises(DomainError, match="使用随机码投票"):
        services.ballot_cast(poll=poll, member=electorate(poll)[0], choices={"selected": []})


def test_a_member_who_voted_online_cannot_be_recorded_as_voting_on_paper(poll):
    voter = electorate(poll)[0]
    services.ballot_cast(poll=poll, member=voter, choices={"selected": []})

    with pytest.raises(DomainError, match="已投票"):
        services.paper_census_record(actor=None, poll=poll, members=[voter])
    assert Participation.objects.filter(poll=poll).count() == 1


def test_a_member_recorded_as_voting_on_paper_cannot_vote_online(poll):
    voter = electorate(poll)[0]
    services.paper_census_record(actor=None, poll=poll, members=[voter])

    with pytest.raises(DomainError, match="您已投票"):
        services.ballot_cast(poll=poll, member=voter, choices={"selected": []})
    assert not Ballot.objects.filter(poll=poll).exists()


def test_paper_totals_never_exceed_the_paper_voters_recorded(poll):
    voters = electorate(poll)
    ids = option_ids(poll)
    services.paper_census_record(actor=None, poll=poll, members=voters[:2])

    with pytest.raises(DomainError, match="超过已登记的纸质投票人数"):
        services.paper_batch_enter(actor=None, poll=poll, valid=2, invalid=1, counts={ids["甲"]: 2})
    with pytest.raises(DomainError, match="不能超过有效票数"):
        services.paper_batch_enter(actor=None, poll=poll, valid=1, invalid=0, counts={ids["甲"]: 2})
    with pytest.raises(DomainError, match="最多可选数"):
        services.paper_batch_enter(
            actor=None, poll=poll, valid=1, invalid=0, counts={ids["甲"]: 1, ids["乙"]: 1, ids["丙"]: 1}
        )
    services.paper_batch_enter(actor=None, poll=poll, valid=1, invalid=1, counts={ids["甲"]: 1, ids["乙"]: 1})

    assert services.ballots_counted(poll) == 2


def test_the_census_refuses_members_outside_the_electorate(poll, tree):
    with pytest.raises(DomainError, match="不在选民名单中"):
        services.paper_census_record(actor=None, poll=poll, members=[voter_member(tree.school1)])


def test_turnout_counts_every_channel_live(tree):
    poll = make_poll(tree.school1, voters=5)
    codes = services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()[:1]))
    with pytest.raises(DomainError, match="没有需要打印随机码的选民"):  # a voter gets one code only
        services.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all()[:1]))
    poll = drive(poll, PollState.OPEN)
    voters = [v.member for v in poll.voters.filter(paper=False).select_related("member")]
    services.ballot_cast(poll=poll, member=voters[0], choices={"selected": []})
    services.paper_census_record(actor=None, poll=poll, members=[voters[1]])
    services.ballot_cast(poll=poll, code=codes[0], choices={"selected": []})

    turnout = services.turnout(poll)

    assert (turnout.electorate, turnout.voted, turnout.online, turnout.paper) == (5, 3, 1, 2)
    assert turnout.percent == 60.0
