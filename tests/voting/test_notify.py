"""Voters are told: opening a poll messages every voter in-app, and their home page shows a
"待投票" card until they vote or the poll closes; a 公示 naming a person tells them too."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.core.models import Notification
from gonghui.voting import services
from gonghui.voting.enums import PollKind, PollState

from .factories import drive, electorate, make_poll, option_ids, voter_member

pytestmark = pytest.mark.django_db


def test_opening_a_poll_messages_every_voter_with_an_account(tree, django_capture_on_commit_callbacks):
    poll = make_poll(tree.school1, voters=2, title="工会委员会换届选举")
    services.electorate_add(actor=None, poll=poll, members=[voter_member(tree.school1, account=False)])
    outsider = voter_member(tree.school1)  # a member of the union, not in the electorate

    with django_capture_on_commit_callbacks(execute=True):
        services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)

    sent = Notification.objects.filter(title__contains="工会委员会换届选举")
    assert sorted(sent.values_list("user_id", flat=True)) == sorted(
        m.user_id for m in electorate(poll) if m.user_id
    )
    assert sent.count() == 2 and not sent.filter(user=outsider.user).exists()
    assert {n.url for n in sent} == {reverse("voting:vote", args=[poll.pk])}


def test_no_message_is_sent_if_the_opening_fails(tree, django_capture_on_commit_callbacks):
    poll = make_poll(tree.school1, voters=0)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(Exception, match="选民"):
        services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)

    assert not Notification.objects.exists()


def test_the_home_page_shows_a_pending_vote_until_the_voter_has_voted(tree, client_for):
    poll = make_poll(tree.school1, voters=2, title="工会委员会换届选举", state=PollState.OPEN)
    voter = electorate(poll)[0]
    client = client_for(voter.user)

    before = client.get(reverse("core:home")).content.decode()
    services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["张三"]]})
    after = client.get(reverse("core:home")).content.decode()

    assert "待投票：工会委员会换届选举" in before and reverse("voting:vote", args=[poll.pk]) in before
    assert "待投票" not in after


def test_the_pending_vote_goes_when_the_poll_closes(tree, client_for):
    poll = make_poll(tree.school1, voters=2, title="工会委员会换届选举", state=PollState.OPEN)
    client = client_for(electorate(poll)[1].user)
    assert "待投票" in client.get(reverse("core:home")).content.decode()

    drive(poll, PollState.CLOSED)

    assert "待投票" not in client.get(reverse("core:home")).content.decode()


def test_an_officer_in_the_electorate_sees_the_card_on_the_officer_home(tree, chair, client_for):
    member = voter_member(tree.school1, account=False)
    member.user = chair
    member.save(update_fields=["user"])
    make_poll(tree.school1, voters=[member], title="工会委员会换届选举", state=PollState.OPEN)

    page = client_for(chair).get(reverse("core:home")).content.decode()

    assert "待投票：工会委员会换届选举" in page


def test_an_award_notice_tells_the_people_on_its_list(tree, django_capture_on_commit_callbacks):
    winner = voter_member(tree.school1, name="王优秀")
    other = voter_member(tree.school1, name="李其他")
    poll = make_poll(tree.school1, kind=PollKind.AWARD, options=["王优秀", "李其他"], option_members=[winner, other],
                     voters=[winner, other], state=PollState.OPEN)  # fmt: skip
    for voter in (winner, other):
        services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["王优秀"]]})
    poll = drive(poll, PollState.RELEASED)

    with django_capture_on_commit_callbacks(execute=True):
        notice = services.award_publish_notice(actor=None, poll=poll)

    told = Notification.objects.filter(title__startswith="您在公示名单中")
    assert list(told.values_list("user_id", flat=True)) == [winner.user_id]
    assert told.get().url == reverse("notices:detail", args=[notice.pk])
    assert list(notice.people.all()) == [winner]
