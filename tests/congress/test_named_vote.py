"""Named votes (记名表决): the clerk opens a named vote on an agenda item, each present delegate
votes 赞成/反对/弃权 on their phone (once, only checked in, only while it is open), the clerk closes
it and the counts come from the votes; it passes with more than half of ALL delegates."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.congress import services
from gonghui.congress.enums import ItemResult, SessionStatus, VoteChoice
from gonghui.congress.models import AgendaItem, AgendaVote
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from tests.members.factories import MemberFactory

from .factories import DelegateFactory

pytestmark = pytest.mark.django_db

FOR, AGAINST, ABSTAIN = VoteChoice.FOR, VoteChoice.AGAINST, VoteChoice.ABSTAIN


def html(response) -> str:
    return response.content.decode()


def check_in(session, delegates) -> None:
    for delegate in delegates:
        services.session_check_in(actor=None, session=session, delegate=delegate, by_self=True)


def fresh(item) -> AgendaItem:
    return AgendaItem.objects.get(pk=item.pk)


@pytest.fixture
def item(session, delegates) -> AgendaItem:
    """绩效工资发放办法; three of the four delegates are present (the 2/3 quorum is met)."""
    check_in(session, delegates[:3])
    return AgendaItem.objects.create(session=session, title="绩效工资发放办法")


@pytest.fixture
def voting(item, chair) -> AgendaItem:
    return services.item_open_named_vote(actor=chair, item=item)


def vote(delegate, item, choice=FOR):
    return services.item_vote(actor=delegate.user, item=item, choice=choice)


# --- opening ----------------------------------------------------------------------------------


def test_the_clerk_opens_a_named_vote(item, chair):
    opened = services.item_open_named_vote(actor=chair, item=item)

    assert (opened.named_vote, opened.named_vote_open, opened.result) == (True, True, ItemResult.PENDING)
    event = AuditEvent.objects.get(action="congress.item_named_vote_open", object_id=str(item.pk))
    assert event.actor == chair


def test_a_named_vote_needs_the_quorum_present(session, delegates, chair):
    check_in(session, delegates[:2])  # 2 of 4 < 2/3
    item = AgendaItem.objects.create(session=session, title="学校年度工作计划")

    with pytest.raises(DomainError, match="未达到法定人数"):
        services.item_open_named_vote(actor=chair, item=item)

    assert fresh(item).named_vote is False


def test_a_named_vote_is_not_opened_twice_nor_on_a_decided_item(voting, session, delegates, chair):
    with pytest.raises(DomainError, match="该议题的记名表决已经开始"):
        services.item_open_named_vote(actor=chair, item=voting)
    decided = AgendaItem.objects.create(session=session, title="校园建设规划")
    services.item_record_result(actor=chair, item=decided, votes_for=3, votes_against=0, votes_abstain=0)

    with pytest.raises(DomainError, match="该议题已表决"):
        services.item_open_named_vote(actor=chair, item=decided)


def test_no_named_vote_before_the_session_opens(term, delegates, chair):
    from .factories import SessionFactory

    preparing = SessionFactory(term=term)
    item = AgendaItem.objects.create(session=preparing, title="学校年度工作计划")

    with pytest.raises(DomainError, match="会议召开期间才能表决"):
        services.item_open_named_vote(actor=chair, item=item)


# --- voting -----------------------------------------------------------------------------------


def test_a_present_delegate_votes_and_the_vote_is_recorded_with_their_name(voting, delegates):
    cast = vote(delegates[0], voting, AGAINST)

    assert (cast.item, cast.delegate, cast.choice) == (voting, delegates[0], AGAINST)
    event = AuditEvent.objects.get(action="congress.item_vote")
    assert (event.actor, event.after) == (
        delegates[0].user,
        {"delegate": delegates[0].pk, "choice": "against"},
    )


def test_a_delegate_votes_only_once(voting, delegates):
    vote(delegates[0], voting, FOR)

    with pytest.raises(DomainError, match="您已对该议题表决，不能重复投票"):
        vote(delegates[0], voting, AGAINST)

    assert list(AgendaVote.objects.values_list("delegate", "choice")) == [(delegates[0].pk, FOR)]


def test_a_delegate_who_has_not_checked_in_cannot_vote(voting, delegates):
    with pytest.raises(DomainError, match="您尚未签到，签到后才能参加表决"):
        vote(delegates[3], voting)

    assert not AgendaVote.objects.exists()


@pytest.mark.parametrize("persona", ["chair", "member", "other_union_chair"])
def test_someone_who_is_not_a_delegate_of_the_term_cannot_vote(voting, persona, request):
    with pytest.raises(DomainError, match="只有本届在任代表可以参加表决"):
        services.item_vote(actor=request.getfixturevalue(persona), item=voting, choice=FOR)

    assert not AgendaVote.objects.exists()


def test_a_replaced_delegate_cannot_vote_even_if_checked_in(voting, term, delegates, chair):
    services.delegate_elect(
        actor=chair, term=term, member=MemberFactory(union=term.org), replaces=delegates[0]
    )

    with pytest.raises(DomainError, match="只有本届在任代表"):
        vote(delegates[0], voting)


def test_nobody_votes_before_the_named_vote_is_opened(item, delegates):
    with pytest.raises(DomainError, match="该议题尚未开始记名表决"):
        vote(delegates[0], item)

    assert not AgendaVote.objects.exists()


def test_nobody_votes_after_the_named_vote_is_closed(voting, delegates, chair):
    vote(delegates[0], voting)
    services.item_close_named_vote(actor=chair, item=voting)

    with pytest.raises(DomainError, match="该议题的表决已经结束"):
        vote(delegates[1], voting)

    assert AgendaVote.objects.count() == 1


def test_a_choice_outside_the_three_is_refused(voting, delegates):
    with pytest.raises(DomainError, match="表决意见只能是赞成、反对或弃权"):
        vote(delegates[0], voting, "maybe")


# --- closing ----------------------------------------------------------------------------------


def test_closing_takes_the_counts_from_the_votes_and_passes_with_more_than_half_of_all_delegates(
    voting, delegates, chair
):
    vote(delegates[0], voting, FOR)
    vote(delegates[1], voting, FOR)
    vote(delegates[2], voting, FOR)  # 3 of the term's 4 delegates

    closed = services.item_close_named_vote(actor=chair, item=voting)

    assert (closed.result, closed.votes_for, closed.votes_against, closed.votes_abstain) == (
        ItemResult.PASSED, 3, 0, 0,
    )  # fmt: skip
    assert closed.may_execute and not closed.named_vote_open and closed.decided_at is not None
    event = AuditEvent.objects.get(action="congress.item_result", object_id=str(voting.pk))
    assert event.after == {"result": "passed", "for": 3, "against": 0, "abstain": 0, "named": True}


def test_a_majority_of_those_present_is_not_enough(session, term, chair):
    delegates = [DelegateFactory(term=term) for _ in range(6)]
    check_in(session, delegates[:4])  # 4 of 6 meets the 2/3 quorum
    item = services.item_open_named_vote(
        actor=chair, item=AgendaItem.objects.create(session=session, title="校园建设规划")
    )
    for delegate, choice in zip(delegates[:4], (FOR, FOR, FOR, AGAINST), strict=True):
        vote(delegate, item, choice)

    closed = services.item_close_named_vote(actor=chair, item=item)

    # 3 of the 4 present is a majority of those present, but not more than half of all 6 delegates.
    assert (closed.result, closed.votes_for, closed.votes_against) == (ItemResult.FAILED, 3, 1)
    assert closed.may_execute is False


def test_present_delegates_who_did_not_vote_are_simply_not_counted(voting, delegates, chair):
    vote(delegates[0], voting, ABSTAIN)

    closed = services.item_close_named_vote(actor=chair, item=voting)

    assert (closed.result, closed.votes_for, closed.votes_against, closed.votes_abstain) == (
        ItemResult.FAILED, 0, 0, 1,
    )  # fmt: skip


def test_the_clerk_may_close_the_named_vote_sending_the_item_back_for_revision(voting, delegates, chair):
    vote(delegates[0], voting, AGAINST)

    closed = services.item_close_named_vote(actor=chair, item=voting, revise=True)

    assert (closed.result, closed.votes_against) == (ItemResult.REVISE, 1)
    assert services.item_revise(actor=chair, item=closed).result == ItemResult.PENDING


def test_an_item_without_an_open_named_vote_cannot_be_closed(item, chair):
    with pytest.raises(DomainError, match="该议题没有进行中的记名表决"):
        services.item_close_named_vote(actor=chair, item=item)

    assert fresh(item).result == ItemResult.PENDING


def test_hands_are_not_counted_while_a_named_vote_is_open(voting, chair):
    with pytest.raises(DomainError, match="该议题正在记名表决"):
        services.item_record_result(actor=chair, item=voting, votes_for=3, votes_against=0, votes_abstain=0)

    assert (fresh(voting).result, fresh(voting).votes_for) == (ItemResult.PENDING, 0)


def test_the_session_does_not_close_while_a_named_vote_is_open(voting, chair):
    with pytest.raises(DomainError, match="尚有议题正在记名表决，请先结束表决再闭会"):
        services.session_set_state(actor=chair, session=voting.session, to=SessionStatus.CLOSED)

    services.item_close_named_vote(actor=chair, item=voting)
    assert services.session_set_state(
        actor=chair, session=voting.session, to=SessionStatus.CLOSED
    ).status == (SessionStatus.CLOSED)


# --- the session page -------------------------------------------------------------------------


def test_the_clerk_opens_and_closes_a_named_vote_from_the_session_page(item, delegates, chair, client_for):
    client = client_for(chair)
    page_url = reverse("congress:session_detail", args=[item.session_id])

    client.post(reverse("congress:session_item_vote_open", args=[item.pk]))
    opened = html(client.get(page_url))
    vote(delegates[0], item, FOR)
    vote(delegates[1], item, AGAINST)
    tally = html(client.get(page_url))
    client.post(reverse("congress:session_item_vote_close", args=[item.pk]))
    closed = html(client.get(page_url))

    assert 'data-named-vote="open"' in opened
    assert reverse("congress:session_item_vote_close", args=[item.pk]) in opened
    assert "已表决2人：赞成1，反对1，弃权0" in tally
    assert fresh(item).result == ItemResult.FAILED
    assert "记名表决" in closed and "赞成1票，反对1票，弃权0票" in closed and "不得执行" in closed


def test_a_present_delegate_votes_on_the_phone_and_gets_the_agenda_fragment(voting, delegates, client_for):
    client = client_for(delegates[0].user)

    page = html(client.get(reverse("congress:session_detail", args=[voting.session_id])))
    fragment = html(client.post(reverse("congress:session_item_vote", args=[voting.pk]), {"choice": "for"},
                                HTTP_HX_REQUEST="true"))  # fmt: skip

    assert reverse("congress:session_item_vote", args=[voting.pk]) in page
    assert 'value="for"' in page and 'value="against"' in page and 'value="abstain"' in page
    assert fragment.lstrip().startswith('<div class="card shadow-sm mb-3" id="agenda-inner">')
    assert "您已表决：赞成" in fragment and "已表决1人" in fragment
    assert "赞成1，反对0" not in fragment  # the running breakdown is for the clerk only
    assert AgendaVote.objects.get(item=voting).delegate == delegates[0]


def test_a_second_vote_on_the_page_is_refused_in_chinese(voting, delegates, client_for):
    client = client_for(delegates[0].user)
    url = reverse("congress:session_item_vote", args=[voting.pk])
    client.post(url, {"choice": "for"})

    again = client.post(url, {"choice": "against"}, follow=True)
    fragment = html(client.post(url, {"choice": "against"}, HTTP_HX_REQUEST="true"))

    assert "您已对该议题表决，不能重复投票。" in html(again)
    assert "您已对该议题表决，不能重复投票。" in fragment
    assert list(AgendaVote.objects.values_list("choice", flat=True)) == ["for"]


def test_an_absent_delegate_is_asked_to_check_in_first(voting, delegates, client_for):
    client = client_for(delegates[3].user)

    page = html(client.get(reverse("congress:session_detail", args=[voting.session_id])))
    refused = html(client.post(reverse("congress:session_item_vote", args=[voting.pk]), {"choice": "for"},
                               follow=True))  # fmt: skip

    assert "请先签到，签到后才能参加表决。" in page
    assert reverse("congress:session_item_vote", args=[voting.pk]) not in page
    assert "您尚未签到，签到后才能参加表决。" in refused
    assert not AgendaVote.objects.exists()


def test_a_member_who_is_not_a_delegate_sees_no_buttons_and_is_refused(voting, member, client_for):
    client = client_for(member)

    page = html(client.get(reverse("congress:session_detail", args=[voting.session_id])))
    refused = html(client.post(reverse("congress:session_item_vote", args=[voting.pk]), {"choice": "for"},
                               follow=True))  # fmt: skip

    assert reverse("congress:session_item_vote", args=[voting.pk]) not in page
    assert "只有本届在任代表可以参加表决。" in refused
    assert not AgendaVote.objects.exists()


def test_a_vote_after_the_close_is_refused_on_the_page(voting, delegates, chair, client_for):
    services.item_close_named_vote(actor=chair, item=voting)

    refused = html(client_for(delegates[0].user).post(reverse("congress:session_item_vote", args=[voting.pk]),
                                                      {"choice": "for"}, follow=True))  # fmt: skip

    assert "该议题的表决已经结束。" in refused
    assert not AgendaVote.objects.exists()


def test_a_delegate_cannot_open_or_close_a_named_vote(item, delegates, client_for):
    client = client_for(delegates[0].user)

    opened = client.post(reverse("congress:session_item_vote_open", args=[item.pk]))
    closed = client.post(reverse("congress:session_item_vote_close", args=[item.pk]))

    assert (opened.status_code, closed.status_code) == (404, 404)
    assert fresh(item).named_vote is False


def test_the_agenda_fragment_refreshes_by_htmx_for_delegates(voting, delegates, client_for):
    client = client_for(delegates[1].user)
    url = reverse("congress:session_detail", args=[voting.session_id])

    page = html(client.get(url))
    fragment = html(client.get(url, {"part": "agenda"}, HTTP_HX_REQUEST="true"))

    assert f'hx-get="{url}?part=agenda"' in page
    assert fragment.lstrip().startswith('<div class="card shadow-sm mb-3" id="agenda-inner">')
    assert 'data-named-vote="open"' in fragment


def test_another_unions_delegate_gets_404_on_the_vote(tree, voting, client_for):
    from .factories import TermFactory

    outsider = DelegateFactory(term=TermFactory(org=tree.school2))

    response = client_for(outsider.user).post(reverse("congress:session_item_vote", args=[voting.pk]),
                                              {"choice": "for"})  # fmt: skip

    assert response.status_code == 404
    assert not AgendaVote.objects.exists()
