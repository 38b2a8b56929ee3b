"""Rationalization suggestions (合理化建议): submitted (named or anonymous, in a running campaign)
→ 采纳 / 不采纳 (with a reason) → implemented (benefit) → rewarded."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from gonghui.congress import services
from gonghui.congress.enums import SuggestionState
from gonghui.congress.models import Suggestion
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent

from .factories import CampaignFactory, SuggestionFactory, today, union_member

DAY = dt.timedelta(days=1)


def state_changes(suggestion) -> list[tuple[str, str]]:
    events = AuditEvent.objects.filter(action="congress.suggestion_state", object_id=str(suggestion.pk))
    return [(e.before["state"], e.after["state"]) for e in events.order_by("id")]


def submit(org, actor, **kwargs) -> Suggestion:
    return services.suggestion_submit(
        actor=actor, org=org, title="食堂错峰就餐的建议", body="建议按年级错峰就餐。", **kwargs
    )


# --- submitting -----------------------------------------------------------------------------


def test_a_member_submits_a_named_suggestion(tree, member):
    suggestion = submit(tree.school1, member)

    assert (suggestion.org, suggestion.submitter, suggestion.anonymous, suggestion.state) == (
        tree.school1,
        member,
        False,
        SuggestionState.SUBMITTED,
    )
    assert suggestion.submitted_at is not None
    event = AuditEvent.objects.get(action="congress.suggestion_submit", object_id=str(suggestion.pk))
    assert (event.actor, event.actor_label, event.org) == (member, "member", tree.school1)


def test_an_anonymous_suggestion_leaves_the_submitter_out_of_the_audit_log(tree, member):
    suggestion = submit(tree.school1, member, anonymous=True)

    assert suggestion.anonymous is True
    event = AuditEvent.objects.get(action="congress.suggestion_submit", object_id=str(suggestion.pk))
    assert (event.actor, event.actor_label) == (None, "")


def test_a_suggestion_is_submitted_in_a_running_campaign(tree, member):
    campaign = CampaignFactory(org=tree.school1)

    assert submit(tree.school1, member, campaign=campaign).campaign == campaign


def test_the_first_and_last_day_of_a_campaign_are_open(tree, member):
    first_day = CampaignFactory(org=tree.school1, start=today(), end=today() + DAY)
    last_day = CampaignFactory(org=tree.school1, start=today() - DAY, end=today())

    assert submit(tree.school1, member, campaign=first_day).campaign == first_day
    assert submit(tree.school1, member, campaign=last_day).campaign == last_day


@pytest.mark.parametrize(
    ("start", "end"),
    [(-20, -1), (1, 20)],
    ids=["ended", "not_started"],
)
def test_a_campaign_that_is_not_running_refuses_suggestions(tree, member, start, end):
    campaign = CampaignFactory(org=tree.school1, start=today() + start * DAY, end=today() + end * DAY)

    with pytest.raises(DomainError, match="该征集活动不在进行中"):
        submit(tree.school1, member, campaign=campaign)

    assert not Suggestion.objects.exists()


# --- review ---------------------------------------------------------------------------------


def test_a_reviewer_adopts_a_suggestion(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member)

    adopted = services.suggestion_review(actor=chair, suggestion=suggestion, adopt=True, note="很好")

    assert (adopted.state, adopted.review_note) == (SuggestionState.ADOPTED, "很好")
    assert adopted.reviewed_at is not None
    event = AuditEvent.objects.get(action="congress.suggestion_state", object_id=str(suggestion.pk))
    assert (event.actor, event.before, event.after) == (chair, {"state": "submitted"}, {"state": "adopted"})


def test_a_reviewer_rejects_a_suggestion_giving_a_reason(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member)

    rejected = services.suggestion_review(
        actor=chair, suggestion=suggestion, adopt=False, note="已有相关安排"
    )

    assert (rejected.state, rejected.review_note) == (SuggestionState.REJECTED, "已有相关安排")
    assert state_changes(suggestion) == [("submitted", "rejected")]


@pytest.mark.parametrize("note", ["", "  "])
def test_rejecting_needs_a_reason(tree, member, chair, note):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member)

    with pytest.raises(DomainError, match="不采纳时须写明理由"):
        services.suggestion_review(actor=chair, suggestion=suggestion, adopt=False, note=note)

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reviewed_at) == (SuggestionState.SUBMITTED, None)


def test_a_reviewer_cannot_review_their_own_suggestion(tree, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=chair)

    with pytest.raises(DomainError, match="不能审查自己提出的建议"):
        services.suggestion_review(actor=chair, suggestion=suggestion, adopt=True)

    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.SUBMITTED


def test_a_reviewer_cannot_review_their_own_anonymous_suggestion_either(tree, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=chair, anonymous=True)

    with pytest.raises(DomainError, match="不能审查自己提出的建议"):
        services.suggestion_review(actor=chair, suggestion=suggestion, adopt=True)


@pytest.mark.parametrize("state", [SuggestionState.ADOPTED, SuggestionState.REJECTED])
def test_a_reviewed_suggestion_is_not_reviewed_again(tree, member, chair, state):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=state)

    with pytest.raises(DomainError, match="不能办理为"):
        services.suggestion_review(actor=chair, suggestion=suggestion, adopt=False, note="改变主意")

    suggestion.refresh_from_db()
    assert suggestion.state == state


# --- implementation, benefit and reward -----------------------------------------------------


def test_an_adopted_suggestion_is_implemented_with_its_benefit_in_yuan_and_fen(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.ADOPTED)

    implemented = services.suggestion_implement(
        actor=chair, suggestion=suggestion, benefit="每年节约电费", amount=Decimal("12800.5")
    )

    implemented.refresh_from_db()
    assert (implemented.state, implemented.benefit, implemented.benefit_amount) == (
        SuggestionState.IMPLEMENTED,
        "每年节约电费",
        Decimal("12800.50"),
    )
    assert state_changes(suggestion)[-1] == ("adopted", "implemented")


def test_a_benefit_without_an_amount_is_recorded_as_zero_yuan(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.ADOPTED)

    implemented = services.suggestion_implement(actor=chair, suggestion=suggestion, benefit="改善就餐秩序")

    implemented.refresh_from_db()
    assert implemented.benefit_amount == Decimal("0.00")


def test_an_implemented_suggestion_is_rewarded(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.IMPLEMENTED)

    rewarded = services.suggestion_reward(actor=chair, suggestion=suggestion, reward="奖励200元")

    rewarded.refresh_from_db()
    assert (rewarded.state, rewarded.reward) == (SuggestionState.REWARDED, "奖励200元")
    assert state_changes(suggestion) == [
        ("submitted", "adopted"),
        ("adopted", "implemented"),
        ("implemented", "rewarded"),
    ]


def test_a_submitted_suggestion_cannot_be_implemented_before_review(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member)

    with pytest.raises(DomainError, match="建议当前为“已提交”，不能办理为“已实施”"):
        services.suggestion_implement(actor=chair, suggestion=suggestion, benefit="x", amount=Decimal("1"))

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.benefit_amount) == (SuggestionState.SUBMITTED, Decimal("0"))


def test_a_rejected_suggestion_is_neither_implemented_nor_rewarded(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.REJECTED)

    with pytest.raises(DomainError, match="建议当前为“不采纳”，不能办理为“已实施”"):
        services.suggestion_implement(actor=chair, suggestion=suggestion, benefit="x")
    with pytest.raises(DomainError, match="建议当前为“不采纳”，不能办理为“已奖励”"):
        services.suggestion_reward(actor=chair, suggestion=suggestion, reward="奖励")

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reward) == (SuggestionState.REJECTED, "")


def test_an_adopted_suggestion_is_not_rewarded_before_it_is_implemented(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.ADOPTED)

    with pytest.raises(DomainError, match="建议当前为“采纳”，不能办理为“已奖励”"):
        services.suggestion_reward(actor=chair, suggestion=suggestion, reward="奖励")


def test_a_rewarded_suggestion_is_final(tree, member, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, state=SuggestionState.REWARDED)

    with pytest.raises(DomainError, match="建议当前为“已奖励”"):
        services.suggestion_reward(actor=chair, suggestion=suggestion, reward="再奖一次")
    with pytest.raises(DomainError, match="建议当前为“已奖励”"):
        services.suggestion_implement(actor=chair, suggestion=suggestion, benefit="x")


# --- bugs: these describe the right behaviour and fail until the service is fixed -------------


def test_a_suggestion_cannot_be_filed_under_another_unions_campaign(tree, member):
    other_campaign = CampaignFactory(org=tree.school2)

    with pytest.raises(DomainError, match="征集活动"):
        submit(tree.school1, member, campaign=other_campaign)


# --- who may submit, and no one handles their own suggestion ----------------------------------


def test_someone_without_a_role_in_the_union_cannot_submit_to_it(tree, other_union_chair):
    with pytest.raises(DomainError, match="只有本工会的会员可以向本工会提出合理化建议"):
        submit(tree.school1, other_union_chair)

    assert not Suggestion.objects.exists()


def test_a_county_officer_is_not_a_member_of_a_school_union(tree, county_officer):
    with pytest.raises(DomainError, match="只有本工会的会员"):
        submit(tree.school1, county_officer)

    assert not Suggestion.objects.exists()


def test_nobody_submits_without_an_account(tree):
    with pytest.raises(DomainError, match="只有本工会的会员"):
        submit(tree.school1, None)

    assert not Suggestion.objects.exists()


def test_a_member_of_a_union_group_submits_to_the_groups_union(tree):
    teacher = union_member(tree.school1_group_a)

    assert submit(tree.school1, teacher).org == tree.school1


def test_the_submitter_cannot_record_the_implementation_of_their_own_suggestion(tree, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=chair, state=SuggestionState.ADOPTED)

    with pytest.raises(DomainError, match="不能为自己提出的建议登记实施情况"):
        services.suggestion_implement(actor=chair, suggestion=suggestion, benefit="节约", amount=Decimal("9"))

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.benefit, suggestion.benefit_amount) == (
        SuggestionState.ADOPTED,
        "",
        Decimal("0"),
    )
    assert state_changes(suggestion) == [("submitted", "adopted")]


def test_the_submitter_cannot_reward_their_own_suggestion(tree, chair):
    suggestion = SuggestionFactory(org=tree.school1, submitter=chair, state=SuggestionState.IMPLEMENTED)

    with pytest.raises(DomainError, match="不能奖励自己提出的建议"):
        services.suggestion_reward(actor=chair, suggestion=suggestion, reward="奖励500元")

    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.reward) == (SuggestionState.IMPLEMENTED, "")
