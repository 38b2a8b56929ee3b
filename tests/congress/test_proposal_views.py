"""Proposal pages (提案): list, new, detail and its lifecycle actions, printable form, 督办 list —
happy paths, who sees what, 404 across unions and for departments, Chinese errors, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from gonghui.congress.enums import Implementation, ProposalCategory, ProposalState, Rating, SessionStatus
from gonghui.congress.models import Answer, Proposal, Suggestion

from .factories import DelegateFactory, ProposalFactory, SessionFactory, TermFactory, reload

pytestmark = pytest.mark.django_db


def html(response) -> str:
    return response.content.decode()


def url(name: str, proposal: Proposal | None = None) -> str:
    return reverse(f"congress:{name}", args=[proposal.pk] if proposal else [])


def follow(client, name: str, proposal: Proposal, data: dict | None = None) -> str:
    """POST an action and return the detail page it redirects to (with its messages)."""
    response = client.post(url(name, proposal), data or {}, follow=True)
    assert response.status_code == 200
    return html(response)


@pytest.fixture
def school2_proposal(tree) -> Proposal:
    session = SessionFactory(term=TermFactory(org=tree.school2), status=SessionStatus.IN_SESSION)
    return ProposalFactory(session=session, title="第二小学的提案", state=ProposalState.SUBMITTED)


# --- list -------------------------------------------------------------------------------------


def test_an_officer_lists_the_unions_submitted_proposals_but_not_drafts_or_another_unions(
    session, chair, client_for, school2_proposal
):
    ProposalFactory(session=session, title="关于食堂的提案")
    ProposalFactory(session=session, title="关于操场的提案", state=ProposalState.SUBMITTED)

    page = html(client_for(chair).get(url("proposals")))

    assert "关于操场的提案" in page
    assert "关于食堂的提案" not in page  # a draft is the proposer's until submitted
    assert "第二小学的提案" not in page


def test_a_delegate_sees_their_own_and_the_published_proposals_but_not_others(
    session, proposer, delegates, client_for
):
    own = ProposalFactory(session=session, proposer=proposer, title="我的提案")
    published = ProposalFactory(
        session=session, proposer=delegates[3], title="公开的提案", state="registered"
    )
    hidden = ProposalFactory(session=session, proposer=delegates[3], title="未公开的提案", state="registered")
    Proposal.objects.filter(pk=published.pk).update(published=True)  # no service publishes yet
    client = client_for(proposer.user)

    page = html(client.get(url("proposals")))

    assert "我的提案" in page and "公开的提案" in page
    assert "未公开的提案" not in page
    assert client.get(url("proposal_detail", own)).status_code == 200
    assert client.get(url("proposal_detail", published)).status_code == 200
    assert client.get(url("proposal_detail", hidden)).status_code == 404


def test_a_cosigner_sees_the_draft_they_are_asked_to_support(session, proposer, cosigners, client_for):
    draft = ProposalFactory(session=session, proposer=proposer, cosigners=cosigners, title="请附议的提案")

    response = client_for(cosigners[0].user).get(url("proposal_detail", draft))

    assert response.status_code == 200
    assert "确认附议" in html(response)


def test_a_department_sees_only_the_proposals_assigned_to_it(
    session, department_handler, second_department, client_for
):
    mine = ProposalFactory(
        session=session,
        title="交给总务处的提案",
        state=ProposalState.ASSIGNED,
        departments=[department_handler],
    )
    theirs = ProposalFactory(
        session=session,
        title="交给教务处的提案",
        state=ProposalState.ASSIGNED,
        departments=[second_department],
    )
    client = client_for(department_handler)

    page = html(client.get(url("proposals")))

    assert "交给总务处的提案" in page and "交给教务处的提案" not in page
    assert client.get(url("proposal_detail", mine)).status_code == 200
    assert client.get(url("proposal_detail", theirs)).status_code == 404
    assert client.post(url("proposal_answer", theirs), {"body": "越权答复"}).status_code == 404
    assert not Answer.objects.filter(proposal=theirs).exists()


def test_the_list_filters_by_state_category_session_and_overdue(
    term, session, chair, department_handler, client_for, monkeypatch
):
    ProposalFactory(session=session, title="草稿提案", category=ProposalCategory.TEACHING,
                    state=ProposalState.SUBMITTED)  # fmt: skip
    ProposalFactory(session=session, title="交办提案", state=ProposalState.ASSIGNED,
                    departments=[department_handler])  # fmt: skip
    later = SessionFactory(term=term, status=SessionStatus.IN_SESSION)
    ProposalFactory(session=later, title="第二次会议的提案", state=ProposalState.SUBMITTED)
    client = client_for(chair)

    by_state = html(client.get(url("proposals"), {"state": "assigned"}))
    by_category = html(client.get(url("proposals"), {"category": "teaching"}))
    by_session = html(client.get(url("proposals"), {"session": later.pk}))
    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + dt.timedelta(days=40))
    overdue = html(client.get(url("proposals"), {"overdue": "on"}))

    assert "交办提案" in by_state and "草稿提案" not in by_state
    assert "草稿提案" in by_category and "交办提案" not in by_category
    assert "第二次会议的提案" in by_session and "草稿提案" not in by_session
    assert "交办提案" in overdue and "第二次会议的提案" not in overdue and "超期" in overdue


def test_the_htmx_list_returns_only_the_rows(session, chair, client_for):
    ProposalFactory(session=session, title="关于食堂的提案", state=ProposalState.SUBMITTED)

    page = html(client_for(chair).get(url("proposals"), HTTP_HX_REQUEST="true"))

    assert 'id="proposal-table"' in page and "关于食堂的提案" in page
    assert "<html" not in page


@pytest.mark.parametrize("count", [1, 3])
def test_the_list_runs_the_same_number_of_queries_for_1_and_3_proposals(
    session, chair, client_for, django_assert_num_queries, count
):
    for _ in range(count):
        ProposalFactory(session=session, state=ProposalState.SUBMITTED)
    client = client_for(chair)
    client.get(url("proposals"))  # the first request also writes the session

    # session, user, role scopes, session filter choices, the page of proposals, unread notifications
    with django_assert_num_queries(6):
        response = client.get(url("proposals"))
    assert response.status_code == 200


# --- new --------------------------------------------------------------------------------------


def test_a_delegate_files_a_proposal_with_cosigners(session, proposer, cosigners, client_for):
    response = client_for(proposer.user).post(
        url("proposal_create"),
        {
            "session": session.pk, "title": "关于增设教工休息室的提案", "category": "welfare",
            "reason": "教师课间无处休息。", "measures": "利用三楼空教室改建。",
            "cosigners": [c.pk for c in cosigners],
        },
    )  # fmt: skip

    proposal = Proposal.objects.get(title="关于增设教工休息室的提案")
    assert response.status_code == 302
    assert response["Location"] == url("proposal_detail", proposal)
    assert proposal.state == ProposalState.DRAFT
    assert proposal.proposer == proposer
    assert sorted(proposal.cosigners.values_list("delegate_id", flat=True)) == sorted(c.pk for c in cosigners)


def test_the_new_proposal_form_offers_only_open_sessions_of_the_delegates_term(
    term, session, proposer, client_for
):
    closed = SessionFactory(term=term, status=SessionStatus.CLOSED)

    response = client_for(proposer.user).get(url("proposal_create"))

    form = response.context["form"]
    assert list(form.fields["session"].queryset) == [session]
    assert closed not in form.fields["session"].queryset
    assert proposer not in form.fields["cosigners"].queryset


def test_someone_who_is_not_a_delegate_cannot_file_a_proposal(member, client_for):
    assert client_for(member).get(url("proposal_create")).status_code == 403


# --- detail, printable form, 督办 ------------------------------------------------------------


def test_the_detail_shows_the_proposal_and_the_review_form_to_an_officer(session, chair, client_for):
    proposal = ProposalFactory(session=session, title="关于食堂的提案", state=ProposalState.SUBMITTED)

    page = html(client_for(chair).get(url("proposal_detail", proposal)))

    assert "关于食堂的提案" in page
    assert proposal.reason in page
    assert "提交审查结论" in page
    assert "确认附议" not in page


def test_another_unions_proposal_gives_404_on_every_page_and_action(chair, client_for, school2_proposal):
    client = client_for(chair)

    assert client.get(url("proposal_detail", school2_proposal)).status_code == 404
    assert client.get(url("proposal_print", school2_proposal)).status_code == 404
    for action in ("proposal_review", "proposal_assign", "proposal_implement", "proposal_submit"):
        assert client.post(url(action, school2_proposal), {"decision": "registered"}).status_code == 404
    assert reload(school2_proposal).state == ProposalState.SUBMITTED


def test_the_printable_form_shows_the_usual_fields(session, chair, department_handler, client_for):
    proposal = ProposalFactory(
        session=session, title="关于食堂的提案", state=ProposalState.RATED, departments=[department_handler]
    )

    page = html(client_for(chair).get(url("proposal_print", proposal)))

    for label in ("提案号", "案由", "类别", "提案人", "附议人", "理由", "建议措施", "审查意见", "承办部门",
                  "答复", "评价"):  # fmt: skip
        assert label in page
    assert "关于食堂的提案" in page and "总务处" in page and "满意" in page
    assert "已按提案意见研究落实。" in page


def test_the_overdue_list_shows_assigned_proposals_past_their_deadline(
    session, chair, department_handler, client_for, monkeypatch
):
    ProposalFactory(session=session, title="超期的提案", state=ProposalState.ASSIGNED,
                    departments=[department_handler])  # fmt: skip
    ProposalFactory(session=session, title="已答复的提案", state=ProposalState.ANSWERED,
                    departments=[department_handler])  # fmt: skip
    today = timezone.localdate()
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: today + dt.timedelta(days=40))

    page = html(client_for(chair).get(url("proposal_overdue")))

    assert "超期的提案" in page and "已答复的提案" not in page
    assert "总务处" in page and ">10<" in page  # 30-day deadline, 40 days later


def test_the_overdue_list_is_refused_to_a_delegate(proposer, client_for):
    assert client_for(proposer.user).get(url("proposal_overdue")).status_code == 403


# --- actions: refusals shown in Chinese -------------------------------------------------------


def test_submitting_without_confirmed_cosigners_shows_the_chinese_error(session, proposer, client_for):
    proposal = ProposalFactory(session=session, proposer=proposer)

    page = follow(client_for(proposer.user), "proposal_submit", proposal)

    assert "提案需要至少2名代表附议确认，目前已确认0名。" in page
    assert reload(proposal).state == ProposalState.DRAFT


def test_only_the_proposer_submits(session, cosigners, client_for):
    proposal = ProposalFactory(session=session, cosigners=cosigners)

    page = follow(client_for(cosigners[0].user), "proposal_submit", proposal)

    assert "只有提案人可以提交提案。" in page
    assert reload(proposal).state == ProposalState.DRAFT


def test_not_registering_needs_a_reason(session, chair, client_for):
    proposal = ProposalFactory(session=session, state=ProposalState.SUBMITTED)

    page = follow(client_for(chair), "proposal_review", proposal, {"decision": "not_registered", "note": ""})

    assert "不立案或转为建议时须写明理由。" in page
    assert reload(proposal).state == ProposalState.SUBMITTED


def test_a_proposer_cannot_review_their_own_proposal(session, proposer, client_for):
    proposal = ProposalFactory(session=session, proposer=proposer, state=ProposalState.SUBMITTED)

    response = client_for(proposer.user).post(url("proposal_review", proposal), {"decision": "registered"})

    assert response.status_code == 404
    assert reload(proposal).state == ProposalState.SUBMITTED


def test_the_proposer_cannot_rate_before_an_answer(session, proposer, department_handler, client_for):
    proposal = ProposalFactory(session=session, proposer=proposer, state=ProposalState.ASSIGNED,
                               departments=[department_handler])  # fmt: skip

    page = follow(client_for(proposer.user), "proposal_rate", proposal, {"rating": "satisfied"})

    assert "提案答复后才能评价。" in page
    assert reload(proposal).state == ProposalState.ASSIGNED


def test_a_proposal_is_merged_into_another_or_converted_to_a_suggestion(session, chair, client_for):
    target = ProposalFactory(session=session, state=ProposalState.REGISTERED)
    merged = ProposalFactory(session=session, state=ProposalState.SUBMITTED)
    converted = ProposalFactory(session=session, state=ProposalState.SUBMITTED)
    client = client_for(chair)

    follow(
        client, "proposal_review", merged, {"decision": "merged", "merge_into": target.pk, "note": "内容相近"}
    )
    follow(client, "proposal_review", converted, {"decision": "converted", "note": "属日常管理事项"})

    assert reload(merged).state == ProposalState.MERGED and reload(merged).merged_into == target
    assert reload(converted).state == ProposalState.CONVERTED
    assert Suggestion.objects.filter(from_proposal=converted).exists()


def test_a_department_answers_with_an_attachment_or_asks_to_reassign(
    session, department_handler, second_department, client_for
):
    proposal = ProposalFactory(session=session, state=ProposalState.ASSIGNED,
                               departments=[department_handler, second_department])  # fmt: skip
    upload = SimpleUploadedFile("答复说明.pdf", b"%PDF-1.4 test", content_type="application/pdf")

    answer = {"body": "已列入暑期维修计划。", "attachment": upload}
    follow(client_for(department_handler), "proposal_answer", proposal, answer)
    page = follow(client_for(second_department), "proposal_reassign", proposal, {"reason": "属总务处职责"})

    answer = Answer.objects.get(proposal=proposal)
    assert answer.body == "已列入暑期维修计划。" and answer.attachment.name.endswith(".pdf")
    assert "已申请改派" in page and "属总务处职责" in page
    assert reload(proposal).state == ProposalState.ASSIGNED  # 教务处 has not answered


# --- the whole lifecycle through the pages ----------------------------------------------------


def test_the_whole_lifecycle_runs_through_the_pages(
    term, session, delegates, chair, department_handler, client_for
):
    proposer, first, second = delegates[0], delegates[1], delegates[2]
    delegate_client = client_for(proposer.user)
    officer = client_for(chair)
    department = client_for(department_handler)

    # 1. the delegate files a proposal with two co-signers, who confirm on their side
    delegate_client.post(url("proposal_create"), {
        "session": session.pk, "title": "关于改善教师午餐的提案", "category": "welfare",
        "reason": "午餐品种单一。", "measures": "增加菜品，定期征求意见。", "cosigners": [first.pk, second.pk],
    })  # fmt: skip
    proposal = Proposal.objects.get(title="关于改善教师午餐的提案")
    for cosigner in (first, second):
        assert "已确认附议。" in follow(client_for(cosigner.user), "proposal_confirm", proposal)

    # 2. submit -> the committee registers -> assigns to 总务处
    assert "提案已提交" in follow(delegate_client, "proposal_submit", proposal)
    follow(officer, "proposal_review", proposal, {"decision": "registered", "note": "同意立案"})
    assert reload(proposal).number == 1
    deadline = timezone.localdate() + dt.timedelta(days=20)
    follow(officer, "proposal_assign", proposal,
           {"departments": [department_handler.pk], "deadline": f"{deadline:%Y-%m-%d}"})  # fmt: skip
    assert reload(proposal).state == ProposalState.ASSIGNED

    # 3. the department answers; the proposer is not satisfied; a second answer; satisfied
    follow(department, "proposal_answer", proposal, {"body": "已与食堂协商。"})
    assert "不满意" in follow(delegate_client, "proposal_rate", proposal, {"rating": Rating.UNSATISFIED})
    assert reload(proposal).state == ProposalState.ASSIGNED
    follow(department, "proposal_answer", proposal, {"body": "已每周增加两个菜品。"})
    follow(delegate_client, "proposal_rate", proposal, {"rating": Rating.SATISFIED, "comment": "很好"})
    assert reload(proposal).state == ProposalState.RATED

    # 4. the officer records the implementation as done: 办结
    follow(officer, "proposal_implement", proposal, {"status": Implementation.DONE, "note": "已落实"})

    proposal = reload(proposal)
    assert proposal.state == ProposalState.CLOSED
    assert proposal.implementation == Implementation.DONE
    assert list(proposal.answers.values_list("round", flat=True)) == [1, 2]
    assert list(proposal.ratings.values_list("rating", flat=True)) == [Rating.UNSATISFIED, Rating.SATISFIED]
    page = html(delegate_client.get(url("proposal_detail", proposal)))
    assert "已办结" in page and "已与食堂协商。" in page and "已每周增加两个菜品。" in page


def test_a_delegate_of_another_term_cannot_be_named_cosigner(tree, session, proposer, client_for):
    other_term = TermFactory(org=tree.school1, number=7)
    outsider = DelegateFactory(term=other_term)

    response = client_for(proposer.user).post(url("proposal_create"), {
        "session": session.pk, "title": "提案", "category": "other", "reason": "理由", "measures": "措施",
        "cosigners": [outsider.pk],
    })  # fmt: skip

    assert response.status_code == 200
    assert not Proposal.objects.exists()


def test_an_officer_publishes_a_proposal_and_delegates_of_the_union_then_see_it(
    tree, chair, client_for, session
):
    from django.urls import reverse

    from gonghui.congress.enums import ProposalState
    from gonghui.core.models import AuditEvent

    from .factories import ProposalFactory

    proposal = ProposalFactory(session=session, state=ProposalState.REGISTERED)

    response = client_for(chair).post(
        reverse("congress:proposal_publish", args=[proposal.pk]), {"published": "1"}
    )

    assert response.status_code == 302
    proposal.refresh_from_db()
    assert proposal.published
    assert AuditEvent.objects.filter(action="congress.proposal_publish", object_id=str(proposal.pk)).exists()


def test_with_two_open_sessions_the_new_proposal_form_chooses_none_and_names_each_by_number_and_date(
    term, session, proposer, client_for
):
    earlier = SessionFactory(term=term, status=SessionStatus.IN_SESSION, date=dt.date(2025, 3, 15))

    page = html(client_for(proposer.user).get(url("proposal_create")))

    select = page[page.index('name="session"') : page.index("</select>", page.index('name="session"'))]
    options = select.split("<option")[1:]
    assert 'value=""' in options[0] and "请选择会议" in options[0]
    assert all("selected" not in option for option in options[1:])  # no session chosen for the delegate
    assert "第一次会议" in options[1] and f"{session.date.year}年{session.date.month}月" in options[1]
    assert f'value="{earlier.pk}"' in options[2] and "第二次会议（2025年3月15日）" in options[2]


def test_with_one_open_session_the_new_proposal_form_offers_just_it(session, proposer, client_for):
    form = client_for(proposer.user).get(url("proposal_create")).context["form"]

    assert [label for _value, label in form.fields["session"].choices] == [
        f"{session}（{session.date.year}年{session.date.month}月{session.date.day}日）"
    ]
