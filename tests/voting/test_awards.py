"""评优: nominations, screening, voting, then 公示 through the notices app; the award becomes
final only when the notice does."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from gonghui.core.errors import DomainError
from gonghui.voting import services
from gonghui.voting.enums import AwardLevel, PollKind, PollState
from gonghui.voting.models import Poll

from .factories import electorate, make_poll, option_ids

pytestmark = pytest.mark.django_db


def released_award(tree, votes_for: str = "甲") -> Poll:
    poll = make_poll(tree.school1, kind=PollKind.AWARD, title="师德标兵评选", options=["甲", "乙", "丙"],
                     voters=3, award_level=AwardLevel.COUNTY, state=PollState.OPEN)  # fmt: skip
    for member in electorate(poll):
        services.ballot_cast(poll=poll, member=member, choices={"selected": [option_ids(poll)[votes_for]]})
    services.poll_set_state(actor=None, poll=poll, to=PollState.CLOSED)
    services.poll_set_state(actor=None, poll=poll, to=PollState.REVIEWED)
    return services.poll_set_state(actor=None, poll=poll, to=PollState.RELEASED)


def test_an_award_needs_a_name(tree):
    with pytest.raises(DomainError, match="奖项名称"):
        services.poll_create(actor=None, org=tree.school1, kind=PollKind.AWARD, title="评优")


def test_the_result_goes_on_public_notice_and_becomes_final_with_it(tree):
    from gonghui.notices import services as notices
    from gonghui.notices.models import Notice

    poll = released_award(tree)

    notice = services.award_publish_notice(actor=None, poll=poll)

    poll.refresh_from_db()
    assert poll.notice_id == notice.pk and not poll.award_final
    assert "甲" in notice.body and "师德标兵评选" not in notice.body
    with pytest.raises(DomainError, match="已经公示"):
        services.award_publish_notice(actor=None, poll=poll)
    notices.notice_refresh(
        notice=Notice.objects.get(pk=notice.pk), today=notice.ends_on + dt.timedelta(days=1)
    )
    poll.refresh_from_db()
    assert poll.award_final


def test_only_a_released_award_goes_on_notice(tree):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, options=["甲"], voters=1, state=PollState.CLOSED)

    with pytest.raises(DomainError, match="公布结果之前"):
        services.award_publish_notice(actor=None, poll=poll)


def test_members_find_award_selections_taking_nominations_on_the_voting_page(
    tree, member, other_union_chair, client_for
):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, title="优秀班主任评选", options=[], voters=0)
    make_poll(tree.school1, kind=PollKind.AWARD, title="已开始的评选", options=["甲"], voters=1,
              state=PollState.OPEN)  # fmt: skip

    mine = client_for(member).get(reverse("voting:home")).content.decode()
    theirs = client_for(other_union_chair).get(reverse("voting:home")).content.decode()

    assert "优秀班主任评选" in mine and reverse("voting:nominate", args=[poll.pk]) in mine
    assert "已开始的评选" not in mine  # no longer taking nominations
    assert "优秀班主任评选" not in theirs


def test_the_results_page_shows_every_member_the_award_notice_and_when_it_is_final(tree, member, client_for):
    from gonghui.notices import services as notices

    poll = released_award(tree)
    client = client_for(member)
    url = reverse("voting:results", args=[poll.pk])
    assert "尚待公示" in client.get(url).content.decode()

    notice = services.award_publish_notice(actor=None, poll=poll)
    page = client.get(url).content.decode()
    assert "公示中" in page and reverse("notices:detail", args=[notice.pk]) in page
    assert "进行公示" not in page  # only the panel puts a result on notice

    notices.notice_refresh(notice=notice, today=notice.ends_on + dt.timedelta(days=1))
    assert "公示期满，结果生效" in client.get(url).content.decode()
