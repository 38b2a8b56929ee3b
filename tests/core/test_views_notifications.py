"""In-app messages: the bell with its unread count, the list, mark one read, mark all read."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core import services
from gonghui.core.models import Notification

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
LIST = reverse("core:notification_list")
BELL = reverse("core:notification_bell")


def send(user, title: str, **extra) -> Notification:
    return services.notification_send(users=[user], title=title, **extra)[0]


def unread_badge(content: str) -> str | None:
    found = re.search(r'id="unread-count">(\d+)</span>', content)
    return found.group(1) if found else None


def test_the_bell_shows_the_unread_count(tree, chair, client_for):
    send(chair, "提案征集开始")
    send(chair, "慰问名单待审")
    read = send(chair, "已读的旧消息")
    Notification.objects.filter(pk=read.pk).update(read_at=timezone.now())

    response = client_for(chair).get(BELL, **HTMX)

    content = response.content.decode()
    assert response.status_code == 200
    assert unread_badge(content) == "2"
    assert "<html" not in content


def test_the_bell_has_no_badge_without_unread_messages(tree, chair, client_for):
    response = client_for(chair).get(BELL)

    assert unread_badge(response.content.decode()) is None


def test_the_bell_counts_only_the_users_own_messages(tree, chair, other_union_chair, client_for):
    send(other_union_chair, "别人的消息")

    assert unread_badge(client_for(chair).get(BELL).content.decode()) is None


def test_every_page_header_carries_the_bell_with_its_count(tree, chair, client_for):
    send(chair, "提案征集开始")

    content = client_for(chair).get(reverse("core:home")).content.decode()

    assert unread_badge(content) == "1"


def test_the_list_shows_the_users_messages_newest_first(tree, chair, other_union_chair, client_for):
    send(chair, "第一条消息", body="正文内容")
    send(chair, "第二条消息")
    send(other_union_chair, "别人的消息")

    content = client_for(chair).get(LIST).content.decode()

    assert content.index("第二条消息") < content.index("第一条消息")
    assert "正文内容" in content
    assert "别人的消息" not in content


def test_an_empty_list_says_so_in_chinese(tree, chair, client_for):
    assert "暂无消息。" in client_for(chair).get(LIST).content.decode()


def test_marking_one_message_read(tree, chair, client_for):
    first = send(chair, "第一条消息")
    second = send(chair, "第二条消息")

    response = client_for(chair).post(reverse("core:notification_read", args=[first.pk]))

    assert response.status_code == 302
    assert response["Location"] == LIST
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.read_at is not None
    assert second.read_at is None


def test_marking_read_is_post_only(tree, chair, client_for):
    notification = send(chair, "第一条消息")

    response = client_for(chair).get(reverse("core:notification_read", args=[notification.pk]))

    assert response.status_code == 405
    notification.refresh_from_db()
    assert notification.read_at is None


def test_another_users_message_is_404_and_stays_unread(tree, chair, other_union_chair, client_for):
    foreign = send(other_union_chair, "别人的消息", org=tree.school2)

    response = client_for(chair).post(reverse("core:notification_read", args=[foreign.pk]))

    assert response.status_code == 404
    foreign.refresh_from_db()
    assert foreign.read_at is None


def test_a_superior_officer_cannot_mark_a_subordinates_message_read(tree, county_officer, chair, client_for):
    message = send(chair, "主席的消息", org=tree.school1)

    response = client_for(county_officer).post(reverse("core:notification_read", args=[message.pk]))

    assert response.status_code == 404
    message.refresh_from_db()
    assert message.read_at is None


def test_following_a_message_marks_it_read_and_opens_its_link(tree, chair, client_for):
    notification = send(chair, "请审核", url=reverse("core:audit_list"))

    response = client_for(chair).post(
        reverse("core:notification_read", args=[notification.pk]), {"follow": "1"}
    )

    assert response["Location"] == reverse("core:audit_list")
    notification.refresh_from_db()
    assert notification.read_at is not None


def test_an_off_site_link_in_a_message_is_not_followed(tree, chair, client_for):
    notification = send(chair, "可疑链接", url="https://evil.example/")

    response = client_for(chair).post(
        reverse("core:notification_read", args=[notification.pk]), {"follow": "1"}
    )

    assert response["Location"] == LIST


def test_read_all_marks_every_own_message_but_not_others(tree, chair, other_union_chair, client_for):
    send(chair, "一")
    send(chair, "二")
    foreign = send(other_union_chair, "别人的消息")

    response = client_for(chair).post(reverse("core:notification_read_all"), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert not Notification.objects.filter(user=chair, read_at__isnull=True).exists()
    foreign.refresh_from_db()
    assert foreign.read_at is None
    assert unread_badge(response.content.decode()) is None


def test_read_all_is_post_only(tree, chair, client_for):
    send(chair, "一")

    assert client_for(chair).get(reverse("core:notification_read_all")).status_code == 405
    assert Notification.objects.filter(user=chair, read_at__isnull=True).count() == 1


def test_the_list_needs_login(db, client):
    response = client.get(LIST)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


# --- query count -----------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 3])
def test_the_notification_list_query_count_does_not_grow_with_messages(
    n, tree, chair, client_for, django_assert_num_queries
):
    for i in range(n):
        send(chair, f"消息{i}", body="正文", url="/")
    client = client_for(chair)
    client.get(LIST)

    with django_assert_num_queries(6):
        response = client.get(LIST)

    assert response.content.decode().count("<strong>消息") == n
