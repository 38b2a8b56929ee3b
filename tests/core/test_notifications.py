"""In-app messages (站内消息): sending, marking one or all read, only one's own."""

from __future__ import annotations

import pytest

from gonghui.core import services
from gonghui.core.access import can, visible
from gonghui.core.models import Notification

pytestmark = pytest.mark.django_db


def unread_titles(user) -> set[str]:
    return set(Notification.objects.filter(user=user, read_at__isnull=True).values_list("title", flat=True))


def test_sending_gives_each_user_their_own_unread_message(tree, chair, member):
    sent = services.notification_send(
        users=[chair, member],
        title="教代会提案征集开始",
        body="请于月底前提交。",
        url="/congress/",
        org=tree.school1,
    )

    assert len(sent) == 2
    rows = Notification.objects.order_by("user_id")
    assert [(n.user_id, n.title, n.body, n.url, n.org_id, n.read_at) for n in rows] == sorted(
        [
            (chair.pk, "教代会提案征集开始", "请于月底前提交。", "/congress/", tree.school1.pk, None),
            (member.pk, "教代会提案征集开始", "请于月底前提交。", "/congress/", tree.school1.pk, None),
        ]
    )


def test_sending_to_nobody_sends_nothing(db):
    assert services.notification_send(users=[], title="空") == []
    assert not Notification.objects.exists()


def test_marking_one_message_read_leaves_the_others_unread(member):
    first, _second = services.notification_send(users=[member, member], title="慰问通知")
    services.notification_send(users=[member], title="活动报名")

    assert services.notification_mark_read(user=member, notification=first) == 1

    first.refresh_from_db()
    assert first.read_at is not None
    assert Notification.objects.filter(user=member, read_at__isnull=True).count() == 2


def test_marking_all_read_marks_only_the_users_own_messages(member, chair):
    services.notification_send(users=[member], title="慰问通知")
    services.notification_send(users=[member], title="活动报名")
    services.notification_send(users=[chair], title="待审批")

    assert services.notification_mark_read(user=member) == 2

    assert unread_titles(member) == set()
    assert unread_titles(chair) == {"待审批"}


def test_a_user_cannot_mark_someone_elses_message_read(member, chair):
    (chairs_message,) = services.notification_send(users=[chair], title="待审批")

    assert services.notification_mark_read(user=member, notification=chairs_message) == 0

    chairs_message.refresh_from_db()
    assert chairs_message.read_at is None


def test_marking_an_already_read_message_keeps_its_first_read_time(member):
    (message,) = services.notification_send(users=[member], title="慰问通知")
    services.notification_mark_read(user=member, notification=message)
    message.refresh_from_db()
    first_read = message.read_at

    assert services.notification_mark_read(user=member, notification=message) == 0

    message.refresh_from_db()
    assert message.read_at == first_read


def test_only_the_recipient_may_see_or_change_a_message(tree, member, chair, county_officer):
    (message,) = services.notification_send(users=[member], title="慰问通知", org=tree.school1)

    assert can(member, "view", message) and can(member, "change", message)
    for other in (chair, county_officer):
        assert not can(other, "view", message)
        assert not visible(Notification.objects.all(), other, "change").exists()
