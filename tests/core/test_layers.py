"""Layers (issue 14 §4, `.importlinter`): core imports no app and no domain app imports another.
Where one area needs another, the other registers with core in its AppConfig.ready(); these
tests follow each such registration to what the user gets from it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from gonghui.congress.models import Delegate
from gonghui.core import electorates, publicity, rekeying, schedule
from gonghui.core.errors import DomainError
from gonghui.voting import services
from gonghui.voting.enums import PollKind, PollState
from tests.congress.factories import DelegateFactory, TermFactory
from tests.voting.factories import electorate, make_poll, option_ids

pytestmark = pytest.mark.django_db


def test_a_poll_takes_the_active_delegates_of_its_unions_term_as_electorate(tree, chair, client_for):
    term = TermFactory(org=tree.school1)
    serving, also_serving, replaced = (DelegateFactory(term=term) for _ in range(3))
    Delegate.objects.filter(pk=replaced.pk).update(active=False)
    poll = make_poll(tree.school1, voters=0)

    client_for(chair).post(reverse("voting:electorate", args=[poll.pk]), {"source": "term", "term": term.pk})

    assert {member.pk for member in electorate(poll)} == {serving.member_id, also_serving.member_id}


def test_only_the_unions_own_terms_are_offered_as_electorate(tree, chair, client_for):
    TermFactory(org=tree.school1, number=7)
    other = TermFactory(org=tree.school2, number=9)
    DelegateFactory(term=other)
    poll = make_poll(tree.school1, voters=0)
    client = client_for(chair)

    page = client.get(reverse("voting:electorate", args=[poll.pk])).content.decode()
    client.post(reverse("voting:electorate", args=[poll.pk]), {"source": "term", "term": other.pk})

    assert "第七届" in page and "第九届" not in page
    assert electorate(poll) == []


def test_an_award_notice_is_linked_only_for_those_who_may_open_it(
    tree, member, department_handler, client_for
):
    poll = make_poll(tree.school1, kind=PollKind.AWARD, title="师德标兵评选", options=["甲", "乙"],
                     voters=2, state=PollState.OPEN)  # fmt: skip
    for voter in electorate(poll):
        services.ballot_cast(poll=poll, member=voter, choices={"selected": [option_ids(poll)["甲"]]})
    for step in (PollState.CLOSED, PollState.REVIEWED, PollState.RELEASED):
        poll = services.poll_set_state(actor=None, poll=poll, to=step)
    notice = services.award_publish_notice(actor=None, poll=poll)
    url, link = reverse("voting:results", args=[poll.pk]), reverse("notices:detail", args=[notice.pk])

    assert link in client_for(member).get(url).content.decode()
    seen_by_department = client_for(department_handler).get(url)  # 承办部门: results, not notices
    assert seen_by_department.status_code == 200 and link not in seen_by_department.content.decode()


def test_without_a_notice_board_nothing_is_put_on_notice(tree, monkeypatch):
    monkeypatch.setattr(publicity, "_board", [])

    with pytest.raises(DomainError, match="未启用公示功能"):
        publicity.publish(
            actor=None, org=tree.school1, subject=None, kind="other", title="t", body="b", days=5
        )
    assert publicity.may_see(None, 1) is False


def test_each_app_registers_what_core_runs_for_it():
    jobs = {job.task.module_path for job in schedule.SCHEDULE}

    assert {"gonghui.notices.tasks.notices_finalise", "gonghui.congress.tasks.deadline_remind"} <= jobs
    assert [r.key for r in rekeying.rekeyers()] == ["members", "ballots"]  # the order of INSTALLED_APPS
    assert electorates.source("term") is not None
