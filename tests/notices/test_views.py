"""Notice pages: the board (公示栏), a notice with its objections, drafting and the printable page."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core.todos import todos_for
from gonghui.notices.enums import NoticeKind, NoticeState, ObjectionState
from gonghui.notices.models import Notice, Objection

from .factories import NoticeFactory, ObjectionFactory

pytestmark = pytest.mark.django_db


def running(tree, org=None, **kwargs) -> Notice:
    """A notice of 第一中学 (or `org`) published today, open for objections."""
    return NoticeFactory(org=org or tree.school1, state=NoticeState.PUBLISHED, **kwargs)


def text(response) -> str:
    return response.content.decode()


# --- the board -------------------------------------------------------------------------------


def test_the_board_shows_the_unions_notices_with_period_state_and_objections(tree, member, client_for):
    notice = running(tree, title="优秀班主任评选结果公示")
    ObjectionFactory(notice=notice)
    past = NoticeFactory(
        org=tree.school1, starts_on=dt.date(2025, 3, 3), state=NoticeState.FINAL, title="去年的公示"
    )
    NoticeFactory(org=tree.school2, state=NoticeState.PUBLISHED, title="第二小学的公示")

    page = text(client_for(member).get(reverse("notices:board")))

    assert "优秀班主任评选结果公示" in page and "公示中" in page
    assert f"{notice.starts_on:%Y-%m-%d} — {notice.ends_on:%Y-%m-%d}" in page
    assert "1条待处理" in page
    assert past.title in page and "公示结束" in page
    assert "第二小学的公示" not in page


def test_drafts_are_on_the_board_only_for_the_panel(tree, chair, member, client_for):
    NoticeFactory(org=tree.school1, title="尚未发布的草稿")

    assert "尚未发布的草稿" in text(client_for(chair).get(reverse("notices:board")))
    assert "尚未发布的草稿" not in text(client_for(member).get(reverse("notices:board")))


def test_a_superior_officer_sees_the_boards_below(tree, county_officer, client_for):
    running(tree, title="第一中学的公示")
    running(tree, org=tree.school2, title="第二小学的公示")

    page = text(client_for(county_officer).get(reverse("notices:board")))

    assert "第一中学的公示" in page and "第二小学的公示" in page


def test_the_board_can_show_one_union(tree, county_officer, client_for):
    running(tree, title="第一中学的公示")
    running(tree, org=tree.school2, title="第二小学的公示")

    page = text(client_for(county_officer).get(reverse("notices:board"), {"org": tree.school2.pk}))

    assert "第一中学的公示" not in page and "第二小学的公示" in page


def test_a_department_account_has_no_board(tree, department_handler, client_for):
    assert client_for(department_handler).get(reverse("notices:board")).status_code == 403


def _board_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("notices:board")).status_code == 200
    return len(captured)


def test_the_board_costs_the_same_queries_for_one_or_three_notices(
    tree, member, client_for, django_assert_num_queries
):
    client = client_for(member)
    first = running(tree)
    ObjectionFactory(notice=first)
    client.get(reverse("notices:board"))  # the first request of a session writes its timestamp
    one = _board_queries(client)
    for _ in range(2):
        ObjectionFactory(notice=running(tree))
    NoticeFactory(org=tree.school1, starts_on=dt.date(2025, 3, 3), state=NoticeState.FINAL)

    with django_assert_num_queries(one):
        client.get(reverse("notices:board"))
    # session, user, scopes, notices due for refresh, running notices, past notices, unread bell.
    assert one == 7


def test_the_board_finalises_notices_whose_period_ended(tree, member, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=dt.date(2025, 3, 3), state=NoticeState.PUBLISHED)

    client_for(member).get(reverse("notices:board"))

    notice.refresh_from_db()
    assert notice.is_final


# --- one notice ------------------------------------------------------------------------------


def test_an_anonymous_objection_is_hidden_on_the_public_page_but_shown_to_the_panel(
    tree, chair, member, colleague, client_for
):
    notice = running(tree)
    ObjectionFactory(notice=notice, submitted_by=member, anonymous=True, text="异议甲")
    url = reverse("notices:detail", args=[notice.pk])

    public = text(client_for(colleague).get(url))
    panel = text(client_for(chair).get(url))
    own = text(client_for(member).get(url))

    assert "异议甲" in public and "匿名" in public and member.name not in public
    assert member.name in panel and "对外匿名" in panel
    assert member.name in own


def test_a_named_objection_shows_its_name_to_everyone(tree, member, colleague, client_for):
    notice = running(tree)
    ObjectionFactory(notice=notice, submitted_by=member, text="实名异议")

    page = text(client_for(colleague).get(reverse("notices:detail", args=[notice.pk])))

    assert member.name in page


def test_a_member_objects_through_the_page(tree, member, client_for):
    notice = running(tree)

    response = client_for(member).post(
        reverse("notices:object", args=[notice.pk]), {"text": "建议核实获奖人条件", "anonymous": "on"}
    )

    assert response.status_code == 302
    objection = Objection.objects.get(notice=notice)
    assert (objection.submitted_by, objection.anonymous, objection.text) == (
        member,
        True,
        "建议核实获奖人条件",
    )


def test_an_objection_after_the_period_is_refused_on_the_page(tree, member, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=dt.date(2025, 3, 3), state=NoticeState.PUBLISHED)
    client = client_for(member)

    page = text(client.get(reverse("notices:detail", args=[notice.pk])))
    response = client.post(reverse("notices:object", args=[notice.pk]), {"text": "迟到的异议"}, follow=True)

    assert 'id="objection-form"' not in page
    assert "公示期已结束" in text(response)
    assert not Objection.objects.exists()


def test_the_objection_form_is_only_for_members(tree, member, county_officer, client_for):
    notice = running(tree)
    url = reverse("notices:detail", args=[notice.pk])

    assert 'id="objection-form"' in text(client_for(member).get(url))
    assert 'id="objection-form"' not in text(client_for(county_officer).get(url))


def test_the_panel_resolves_an_objection_on_the_page(tree, chair, client_for):
    objection = ObjectionFactory(notice=running(tree))

    response = client_for(chair).post(
        reverse("notices:objection_resolve", args=[objection.pk]),
        {"outcome": "upheld", "resolution": "经核实，异议成立，已调整名单。"},
    )

    assert response.status_code == 302
    objection.refresh_from_db()
    assert (objection.state, objection.resolved_by) == (ObjectionState.UPHELD, chair)


def test_a_member_cannot_resolve_or_publish(tree, member, client_for):
    objection = ObjectionFactory(notice=running(tree))
    draft = NoticeFactory(org=tree.school1)
    client = client_for(member)

    assert client.post(reverse("notices:objection_resolve", args=[objection.pk]),
                       {"outcome": "dismissed", "resolution": "x"}).status_code == 404  # fmt: skip
    assert client.post(reverse("notices:publish", args=[draft.pk])).status_code == 404
    assert client.get(reverse("notices:detail", args=[draft.pk])).status_code == 404


def test_the_detail_page_finalises_a_notice_whose_period_ended(tree, member, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=dt.date(2025, 3, 3), state=NoticeState.PUBLISHED)

    page = text(client_for(member).get(reverse("notices:detail", args=[notice.pk])))

    assert "公示期内无异议" in page
    notice.refresh_from_db()
    assert notice.is_final


def test_another_unions_notice_is_404(tree, chair, client_for):
    notice = running(tree, org=tree.school2)

    assert client_for(chair).get(reverse("notices:detail", args=[notice.pk])).status_code == 404
    assert client_for(chair).get(reverse("notices:print", args=[notice.pk])).status_code == 404


# --- drafting, publishing, withdrawing -------------------------------------------------------


def test_the_chair_drafts_and_publishes_a_notice(tree, chair, client_for):
    client = client_for(chair)
    today = timezone.localdate()

    response = client.post(reverse("notices:create"), {
        "union": tree.school1.pk, "title": "职代会代表选举结果公示", "kind": NoticeKind.ELECTION,
        "body": "当选代表名单如下……", "starts_on": today.isoformat(), "days": 5, "contact": "王老师",
    })  # fmt: skip
    notice = Notice.objects.get(title="职代会代表选举结果公示")
    assert response.status_code == 302 and notice.state == NoticeState.DRAFT

    client.post(reverse("notices:publish", args=[notice.pk]))

    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and notice.published_by == chair


def test_the_chair_edits_a_draft(tree, chair, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=dt.date(2026, 3, 2))

    response = client_for(chair).post(reverse("notices:edit", args=[notice.pk]), {
        "title": "改过的标题", "kind": NoticeKind.FINANCE, "body": "改过的内容", "starts_on": "2026-03-02",
        "days": 3, "contact": "",
    })  # fmt: skip

    assert response.status_code == 302
    notice.refresh_from_db()
    assert (notice.title, notice.kind, notice.ends_on) == (
        "改过的标题",
        NoticeKind.FINANCE,
        dt.date(2026, 3, 4),
    )


def test_the_create_page_offers_only_the_users_unions(tree, chair, client_for):
    page = text(client_for(chair).get(reverse("notices:create")))

    assert "第一中学工会" in page and "第二小学工会" not in page


def test_a_plain_member_may_not_draft(tree, member, client_for):
    assert client_for(member).get(reverse("notices:create")).status_code == 403


def test_the_chair_withdraws_with_a_reason(tree, chair, client_for):
    notice = running(tree)

    client_for(chair).post(reverse("notices:withdraw", args=[notice.pk]), {"reason": "名单有误"})

    notice.refresh_from_db()
    assert (notice.state, notice.withdraw_reason) == (NoticeState.WITHDRAWN, "名单有误")


def test_the_printable_notice_has_title_body_period_contact_signature_and_date(tree, member, client_for):
    notice = NoticeFactory(org=tree.school1, starts_on=dt.date(2026, 3, 2), state=NoticeState.PUBLISHED,
                           title="师德标兵评选结果公示", contact="李老师 13800001111")  # fmt: skip

    page = text(client_for(member).get(reverse("notices:print", args=[notice.pk])))

    assert "师德标兵评选结果公示" in page and "拟推荐张三" in page
    assert "2026年3月2日至2026年3月6日（5个工作日）" in page
    assert "李老师 13800001111" in page and "第一中学工会" in page
    # A4 in 仿宋, from a stylesheet of our own (the Content-Security-Policy refuses a <style> element)
    assert "notices/print.css" in page
    stylesheet = finders.find("notices/print.css")
    assert stylesheet is not None and "@page { size: A4" in Path(stylesheet).read_text(encoding="utf-8")


# --- to-dos ----------------------------------------------------------------------------------


def test_objections_waiting_are_a_todo_for_the_panel_only(tree, chair, member):
    ObjectionFactory(notice=running(tree))
    ObjectionFactory(notice=running(tree, org=tree.school2))

    def waiting(user):
        from gonghui.core.access import user_scopes

        return [t.count for t in todos_for(user, user_scopes(user)[0]) if t.label == "待处理的公示异议"]

    assert waiting(chair) == [1]
    assert waiting(member) == []
