"""Pages of rationalization suggestions (合理化建议): list with figures, submit, review actions,
campaigns — happy paths, anonymity, query counts and 404s across unions."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from gonghui.congress.enums import SuggestionState
from gonghui.congress.models import Suggestion, SuggestionCampaign

from .factories import CampaignFactory, SuggestionFactory, today

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def messages_of(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --- list -----------------------------------------------------------------------------------------


def test_officers_see_the_unions_suggestions_with_figures_by_campaign(tree, chair, member, client_for):
    campaign = CampaignFactory(org=tree.school1, name="献一策活动")
    SuggestionFactory(org=tree.school1, submitter=member, title="错峰就餐", campaign=campaign,
                      state=SuggestionState.ADOPTED)  # fmt: skip
    SuggestionFactory(org=tree.school1, title="增设书架", campaign=campaign, state=SuggestionState.REJECTED)
    SuggestionFactory(org=tree.school1, title="延长开放时间", state=SuggestionState.SUBMITTED)
    SuggestionFactory(org=tree.school2, title="第二小学的建议")

    response = client_for(chair).get(reverse("congress:suggestions"))

    page = html(response)
    assert response.status_code == 200
    assert "错峰就餐" in page and "增设书架" in page and "延长开放时间" in page
    assert "第二小学的建议" not in page
    assert "共提出建议3条，其中1条被采纳" in page
    figures = response.context["figures"]
    assert figures["rate"] == Decimal("33.3")
    by_campaign = {row["campaign__name"]: (row["submitted"], row["adopted"], row["rate"])
                   for row in figures["by_campaign"]}  # fmt: skip
    assert by_campaign == {"献一策活动": (2, 1, Decimal("50.0")), None: (1, 0, Decimal("0.0"))}
    assert "普通会员" in page  # a named suggestion shows its submitter


def test_the_list_filters_by_state_and_campaign(tree, chair, client_for):
    campaign = CampaignFactory(org=tree.school1)
    SuggestionFactory(
        org=tree.school1, title="活动内已采纳", campaign=campaign, state=SuggestionState.ADOPTED
    )
    SuggestionFactory(org=tree.school1, title="活动内待审", campaign=campaign)
    SuggestionFactory(org=tree.school1, title="活动外已采纳", state=SuggestionState.ADOPTED)
    client = client_for(chair)

    by_state = html(client.get(reverse("congress:suggestions"), {"state": "adopted"}))
    by_campaign = html(client.get(reverse("congress:suggestions"), {"campaign": campaign.pk}))

    assert "活动内已采纳" in by_state and "活动外已采纳" in by_state and "活动内待审" not in by_state
    assert "活动内已采纳" in by_campaign and "活动内待审" in by_campaign and "活动外已采纳" not in by_campaign


def test_a_member_sees_only_their_own_suggestions_and_no_figures(tree, member, client_for):
    SuggestionFactory(org=tree.school1, submitter=member, title="我的建议", anonymous=True)
    SuggestionFactory(org=tree.school1, title="别人的建议")

    response = client_for(member).get(reverse("congress:suggestions"))

    page = html(response)
    assert "我的建议" in page and "别人的建议" not in page
    assert "普通会员" in page  # their own name, even when anonymous to reviewers
    assert response.context["figures"] is None


def test_the_list_is_refused_to_a_user_without_any_role(client_for):
    from tests.factories import UserFactory

    assert client_for(UserFactory()).get(reverse("congress:suggestions")).status_code == 403


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_the_same_number_of_queries_for_1_and_3_suggestions(
    tree, chair, client_for, django_assert_num_queries, count
):
    campaign = CampaignFactory(org=tree.school1)
    for _ in range(count):
        SuggestionFactory(org=tree.school1, campaign=campaign)
    client = client_for(chair)
    client.get(reverse("congress:suggestions"))  # the first request also writes the session

    # session, user, role scopes, the page of suggestions, the figures, the campaign filter,
    # whether the viewer may submit (提出建议 is shown only then), unread notifications
    with django_assert_num_queries(8):
        response = client.get(reverse("congress:suggestions"))
    assert response.status_code == 200


# --- anonymity ----------------------------------------------------------------------------------


def test_reviewers_never_see_the_name_of_an_anonymous_submitter(tree, chair, member, client_for):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, title="匿名的建议", anonymous=True)
    client = client_for(chair)

    pages = [
        html(client.get(reverse("congress:suggestions"))),
        html(client.get(reverse("congress:suggestion_detail", args=[suggestion.pk]))),
    ]

    for page in pages:
        assert "匿名的建议" in page
        assert "普通会员" not in page
        assert "匿名" in page


def test_the_submitter_still_sees_their_name_on_an_anonymous_suggestion(tree, member, client_for):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member, anonymous=True)

    page = html(client_for(member).get(reverse("congress:suggestion_detail", args=[suggestion.pk])))

    assert "普通会员" in page and "对审查人匿名" in page
    assert 'id="review-actions"' not in page


# --- submit -------------------------------------------------------------------------------------


def test_a_member_submits_an_anonymous_suggestion_to_a_running_campaign(tree, member, client_for):
    campaign = CampaignFactory(org=tree.school1)
    CampaignFactory(org=tree.school1, name="已结束的活动", start=today() - dt.timedelta(days=60),
                    end=today() - dt.timedelta(days=30))  # fmt: skip
    client = client_for(member)

    form_page = html(client.get(reverse("congress:suggestion_create")))
    response = client.post(
        reverse("congress:suggestion_create"),
        {"union": tree.school1.pk, "campaign": campaign.pk, "title": "增设饮水机", "body": "每层楼增设一台。",
         "anonymous": "on"},
    )  # fmt: skip

    assert "已结束的活动" not in form_page
    suggestion = Suggestion.objects.get(title="增设饮水机")
    assert (suggestion.org, suggestion.campaign, suggestion.submitter, suggestion.anonymous) == (
        tree.school1, campaign, member, True,
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == reverse("congress:suggestion_detail", args=[suggestion.pk])


def test_a_member_of_a_union_group_submits_to_the_groups_union(tree, client_for):
    from gonghui.core.enums import Role
    from tests.factories import RoleAssignmentFactory, UserFactory

    user = UserFactory(name="小组会员")
    RoleAssignmentFactory(user=user, org=tree.school1_group_a, role=Role.MEMBER, this_org_only=True)

    client_for(user).post(reverse("congress:suggestion_create"),
                          {"union": tree.school1.pk, "title": "小组的建议", "body": "内容"})  # fmt: skip

    assert Suggestion.objects.get(title="小组的建议").org == tree.school1


def test_submitting_shows_chinese_errors(tree, member, client_for):
    response = client_for(member).post(reverse("congress:suggestion_create"), {"union": tree.school1.pk})

    page = html(response)
    assert response.status_code == 200
    assert "请填写标题。" in page and "请填写建议内容。" in page
    assert not Suggestion.objects.exists()


def test_a_campaign_of_another_union_cannot_be_chosen(tree, member, client_for):
    foreign = CampaignFactory(org=tree.school2)

    response = client_for(member).post(
        reverse("congress:suggestion_create"),
        {"union": tree.school1.pk, "campaign": foreign.pk, "title": "标题", "body": "内容"},
    )

    assert response.status_code == 200
    assert "campaign" in response.context["form"].errors
    assert not Suggestion.objects.exists()


def test_a_user_cannot_submit_to_a_union_they_have_no_role_in(tree, member, client_for):
    client_for(member).post(reverse("congress:suggestion_create"),
                            {"union": tree.school2.pk, "title": "标题", "body": "内容"})  # fmt: skip

    assert not Suggestion.objects.exists()


# --- detail and review actions ------------------------------------------------------------------


def test_a_reviewer_adopts_implements_and_rewards(tree, chair, member, client_for):
    suggestion = SuggestionFactory(org=tree.school1, submitter=member)
    client = client_for(chair)
    detail = reverse("congress:suggestion_detail", args=[suggestion.pk])

    assert 'id="review-actions"' in html(client.get(detail))
    client.post(reverse("congress:suggestion_adopt", args=[suggestion.pk]), {"note": "可行"})
    client.post(reverse("congress:suggestion_implement", args=[suggestion.pk]),
                {"benefit": "每天节约10分钟", "amount": "1200.50"})  # fmt: skip
    response = client.post(
        reverse("congress:suggestion_reward", args=[suggestion.pk]), {"reward": "通报表扬"}
    )

    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.REWARDED
    assert (suggestion.review_note, suggestion.benefit, suggestion.benefit_amount, suggestion.reward) == (
        "可行", "每天节约10分钟", Decimal("1200.50"), "通报表扬",
    )  # fmt: skip
    assert response["Location"] == detail
    assert "1200.50" in html(client.get(detail))


def test_rejecting_needs_a_reason_in_chinese(tree, chair, client_for):
    suggestion = SuggestionFactory(org=tree.school1)
    client = client_for(chair)

    refused = client.post(
        reverse("congress:suggestion_reject", args=[suggestion.pk]), {"note": ""}, follow=True
    )
    client.post(reverse("congress:suggestion_reject", args=[suggestion.pk]), {"note": "经费不足"})

    assert "不采纳时须写明理由。" in messages_of(refused)
    suggestion.refresh_from_db()
    assert (suggestion.state, suggestion.review_note) == (SuggestionState.REJECTED, "经费不足")


def test_a_forbidden_transition_is_refused_with_a_chinese_message(tree, chair, client_for):
    suggestion = SuggestionFactory(org=tree.school1)

    response = client_for(chair).post(
        reverse("congress:suggestion_reward", args=[suggestion.pk]), {"reward": "奖金"}, follow=True
    )

    assert any("不能办理为" in m for m in messages_of(response))
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.SUBMITTED


@pytest.mark.parametrize("action", ["adopt", "implement"])
def test_the_submitter_cannot_review_their_own_suggestion(tree, chair, client_for, action):
    state = SuggestionState.SUBMITTED if action == "adopt" else SuggestionState.ADOPTED
    suggestion = SuggestionFactory(org=tree.school1, submitter=chair, state=state)
    client = client_for(chair)

    page = html(client.get(reverse("congress:suggestion_detail", args=[suggestion.pk])))
    response = client.post(
        reverse(f"congress:suggestion_{action}", args=[suggestion.pk]), {"benefit": "效益"}, follow=True
    )

    assert 'id="review-actions"' not in page
    assert "不能审查自己提出的建议。" in messages_of(response)
    suggestion.refresh_from_db()
    assert suggestion.state == state


def test_a_member_cannot_review_and_gets_404_on_actions(tree, member, client_for):
    suggestion = SuggestionFactory(org=tree.school1)

    assert (
        client_for(member).post(reverse("congress:suggestion_adopt", args=[suggestion.pk])).status_code == 404
    )
    assert (
        client_for(member).get(reverse("congress:suggestion_detail", args=[suggestion.pk])).status_code == 404
    )


def test_another_unions_suggestion_gives_404(tree, other_union_chair, chair, client_for):
    suggestion = SuggestionFactory(org=tree.school2, submitter=other_union_chair)
    client = client_for(chair)

    assert client.get(reverse("congress:suggestion_detail", args=[suggestion.pk])).status_code == 404
    for action in ("adopt", "reject", "implement", "reward"):
        url = reverse(f"congress:suggestion_{action}", args=[suggestion.pk])
        assert client.post(url, {"note": "x", "benefit": "x", "reward": "x"}).status_code == 404
    suggestion.refresh_from_db()
    assert suggestion.state == SuggestionState.SUBMITTED


# --- campaigns ----------------------------------------------------------------------------------


def test_a_reviewer_creates_a_campaign_and_sees_its_figures(tree, chair, client_for):
    client = client_for(chair)

    response = client.post(reverse("congress:suggestion_campaigns"),
                           {"union": tree.school1.pk, "name": "金点子征集", "start": "2026-03-01",
                            "end": "2026-04-30"})  # fmt: skip

    campaign = SuggestionCampaign.objects.get(name="金点子征集")
    assert (campaign.org, campaign.start, campaign.end) == (
        tree.school1,
        dt.date(2026, 3, 1),
        dt.date(2026, 4, 30),
    )
    assert response.status_code == 302
    assert "金点子征集" in html(client.get(reverse("congress:suggestion_campaigns")))


def test_a_campaign_cannot_end_before_it_starts(tree, chair, client_for):
    response = client_for(chair).post(reverse("congress:suggestion_campaigns"),
                                      {"union": tree.school1.pk, "name": "活动", "start": "2026-03-01",
                                       "end": "2026-02-01"})  # fmt: skip

    assert "结束日期不能早于开始日期。" in html(response)
    assert not SuggestionCampaign.objects.exists()


def test_campaigns_of_another_union_are_neither_listed_nor_creatable(tree, chair, client_for):
    CampaignFactory(org=tree.school2, name="第二小学的活动")
    client = client_for(chair)

    page = html(client.get(reverse("congress:suggestion_campaigns")))
    client.post(reverse("congress:suggestion_campaigns"),
                {"union": tree.school2.pk, "name": "越权活动", "start": "2026-03-01", "end": "2026-04-01"})  # fmt: skip

    assert "第二小学的活动" not in page
    assert not SuggestionCampaign.objects.filter(name="越权活动").exists()


def test_a_member_cannot_open_or_create_campaigns(tree, member, client_for):
    client = client_for(member)

    assert client.get(reverse("congress:suggestion_campaigns")).status_code == 403
    assert client.post(reverse("congress:suggestion_campaigns"),
                       {"union": tree.school1.pk, "name": "活动", "start": "2026-03-01",
                        "end": "2026-04-01"}).status_code == 403  # fmt: skip
    assert not SuggestionCampaign.objects.exists()


def test_the_suggest_button_is_shown_only_to_those_who_may_submit(tree, county_officer, member, client_for):
    create = reverse("congress:suggestion_create")

    county_page = client_for(county_officer).get(reverse("congress:suggestions")).content.decode()
    member_page = client_for(member).get(reverse("congress:suggestions")).content.decode()

    assert f'href="{create}"' not in county_page  # the form would answer 403 to a county officer
    assert client_for(county_officer).get(create).status_code == 403
    assert f'href="{create}"' in member_page
