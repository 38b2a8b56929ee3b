"""The audit log page: scoped to the viewer's subtree, filters, HTMX rows, paging without COUNT."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from gonghui.core.enums import Outcome
from gonghui.core.models import AuditEvent

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
AUDIT = reverse("core:audit_list")


def event(
    org,
    action: str,
    *,
    outcome: str = Outcome.SUCCESS,
    at: dt.datetime | None = None,
    actor_label: str = "测试人",
    **extra,
):
    """An event whose object is named after `action`, so a test can find its row (the page shows
    the event's Chinese sentence, never its code)."""
    extra.setdefault("object_repr", action)
    return AuditEvent.objects.create(
        org=org, action=action, outcome=outcome, at=at or timezone.now(), actor_label=actor_label, **extra
    )


def rows_of(content: str) -> str:
    return content.split('id="audit-table"')[1].split("</table>")[0]


def test_a_chair_sees_their_own_unions_events_but_not_another_unions(tree, chair, client_for):
    event(tree.school1, "test.school1")
    event(tree.school1_group_a, "test.school1.group")
    event(tree.school2, "test.school2")
    event(tree.county, "test.county")

    response = client_for(chair).get(AUDIT)

    rows = rows_of(response.content.decode())
    assert response.status_code == 200
    assert "test.school1" in rows and "test.school1.group" in rows
    assert "test.school2" not in rows
    assert "test.county" not in rows
    assert "第二小学工会" not in response.content.decode()


def test_the_county_officer_sees_the_events_of_every_school(tree, county_officer, client_for):
    event(tree.school1, "test.school1")
    event(tree.school2, "test.school2")

    rows = rows_of(client_for(county_officer).get(AUDIT).content.decode())

    assert "test.school1" in rows and "test.school2" in rows


@pytest.mark.parametrize("persona", ["member", "committee_member", "department_handler"])
def test_people_without_an_audit_role_get_403(tree, persona, request, client_for):
    user = request.getfixturevalue(persona)

    response = client_for(user).get(AUDIT)

    assert response.status_code == 403
    assert "您没有权限访问此页面" in response.content.decode()
    assert AuditEvent.objects.filter(action="access.denied", actor=user, outcome=Outcome.DENIED).exists()


def test_an_anonymous_visitor_is_sent_to_login(db, client):
    response = client.get(AUDIT)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_the_outcome_filter_keeps_only_matching_events(tree, chair, client_for):
    event(tree.school1, "test.ok", outcome=Outcome.SUCCESS)
    event(tree.school1, "test.failed", outcome=Outcome.FAILURE)

    rows = rows_of(client_for(chair).get(AUDIT, {"outcome": "failure"}).content.decode())

    assert "test.failed" in rows
    assert "test.ok" not in rows


def test_the_category_filter_keeps_the_events_of_one_area(tree, chair, client_for):
    event(tree.school1, "member.import", object_repr="导入甲")
    event(tree.school1, "member.export", object_repr="导出乙")
    event(tree.school1, "care.ledger_record", object_repr="发放丙")

    rows = rows_of(client_for(chair).get(AUDIT, {"action": "member."}).content.decode())

    assert "导入甲" in rows and "导出乙" in rows
    assert "发放丙" not in rows
    assert "导入会员名册" in rows and "导出会员名册" in rows


def test_the_date_filters_keep_events_in_the_range(tree, chair, client_for):
    now = timezone.now()
    event(tree.school1, "test.old", at=now - dt.timedelta(days=40))
    event(tree.school1, "test.middle", at=now - dt.timedelta(days=20))
    event(tree.school1, "test.recent", at=now)

    rows = rows_of(
        client_for(chair)
        .get(
            AUDIT,
            {
                "date_from": timezone.localdate(now - dt.timedelta(days=30)).isoformat(),
                "date_to": timezone.localdate(now - dt.timedelta(days=10)).isoformat(),
            },
        )
        .content.decode()
    )

    assert "test.middle" in rows
    assert "test.old" not in rows and "test.recent" not in rows


def test_the_actor_filter_matches_the_actor_name(tree, chair, client_for):
    event(tree.school1, "test.by_wang", actor_label="王老师")
    event(tree.school1, "test.by_li", actor_label="李老师")

    rows = rows_of(client_for(chair).get(AUDIT, {"q": "王"}).content.decode())

    assert "test.by_wang" in rows and "test.by_li" not in rows


def test_an_invalid_date_filter_shows_a_chinese_error(tree, chair, client_for):
    response = client_for(chair).get(AUDIT, {"date_from": "2026-13-45"})

    assert response.status_code == 200
    assert "输入一个有效的日期。" in response.content.decode()


def test_a_filter_without_hits_says_so_in_chinese(tree, chair, client_for):
    event(tree.school1, "member.export")

    rows = rows_of(client_for(chair).get(AUDIT, {"action": "voting."}).content.decode())

    assert "没有符合条件的记录。" in rows


def test_an_htmx_request_returns_only_the_rows(tree, chair, client_for):
    event(tree.school1, "test.school1")

    response = client_for(chair).get(AUDIT, {"outcome": "success"}, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert "test.school1" in content and 'id="audit-table"' in content
    assert "<html" not in content
    assert 'name="outcome"' not in content  # the filter form stays on the page


def test_before_and_after_are_shown_in_the_details(tree, chair, client_for):
    event(
        tree.school1,
        "org.update",
        object_type="core.org",
        before={"name": "旧名称"},
        after={"name": "新名称"},
    )

    rows = rows_of(client_for(chair).get(AUDIT).content.decode())

    assert "名称：旧名称 → 新名称" in rows


def test_paging_shows_next_page_without_counting_the_log(tree, chair, client_for):
    base = timezone.now() - dt.timedelta(hours=1)
    AuditEvent.objects.bulk_create(
        AuditEvent(
            org=tree.school1,
            action="member.export",
            object_repr=f"test.page.{i:03d}",
            at=base + dt.timedelta(seconds=i),
        )
        for i in range(51)
    )
    client = client_for(chair)

    with CaptureQueriesContext(connection) as queries:
        first = client.get(AUDIT, {"action": "member."}).content.decode()
    audit_queries = [q["sql"] for q in queries.captured_queries if "core_auditevent" in q["sql"]]
    second = client.get(AUDIT, {"action": "member.", "page": "2"}).content.decode()

    assert "下一页" in first and "上一页" not in first
    assert "第 1 页" in first
    assert "test.page.050" in first and "test.page.001" in first
    assert "test.page.000" not in first
    assert "?action=member.&page=2" in first
    assert "下一页" not in second and "上一页" in second
    assert "test.page.000" in rows_of(second) and "test.page.001" not in rows_of(second)
    assert audit_queries and not any("COUNT(" in sql.upper() for sql in audit_queries)


def test_a_nonsense_page_number_falls_back_to_the_first_page(tree, chair, client_for):
    response = client_for(chair).get(AUDIT, {"page": "abc"})

    assert response.status_code == 200
    assert "第 1 页" in response.content.decode()


# --- query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_the_audit_list_query_count_does_not_grow_with_events(
    n, tree, chair, client_for, django_assert_num_queries
):
    for i in range(n):
        event(
            tree.school1,
            "org.update",
            object_repr=f"test.count.{i}",
            before={"x": 1},
            after={"x": 2},
            actor=chair,
        )
    client = client_for(chair)
    client.get(AUDIT)

    # 6: session, user, scopes, events, the names of the organisations the tree's org.create
    # events mention (one query per model for the whole page), unread count.
    with django_assert_num_queries(6):
        response = client.get(AUDIT, {"action": "org."})

    assert rows_of(response.content.decode()).count("test.count.") == n
