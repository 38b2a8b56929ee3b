"""A 公示 that concerns people: they are named (by name, never by id) from the union's own members
and each is told in-app when it is published."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from gonghui.core.errors import DomainError
from gonghui.core.models import Notification
from gonghui.notices import services
from gonghui.notices.enums import NoticeKind
from gonghui.notices.models import Notice
from tests.members.factories import MemberFactory
from tests.voting.factories import voter_member

pytestmark = pytest.mark.django_db


def _form(tree, people: str) -> dict:
    return {"union": tree.school1.pk, "title": "职代会代表选举结果公示", "kind": NoticeKind.ELECTION,
            "body": "当选代表名单如下……", "starts_on": timezone.localdate().isoformat(), "days": 5,
            "people": people}  # fmt: skip


def test_the_people_on_a_notice_are_told_when_it_is_published(
    tree, chair, client_for, django_capture_on_commit_callbacks
):
    named = voter_member(tree.school1, name="赵代表")
    bystander = voter_member(tree.school1, name="钱旁观")
    client = client_for(chair)

    client.post(reverse("notices:create"), _form(tree, "赵代表\n"))
    notice = Notice.objects.get(title="职代会代表选举结果公示")
    assert list(notice.people.all()) == [named]
    assert not Notification.objects.exists()  # a draft tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("notices:publish", args=[notice.pk]))

    told = Notification.objects.filter(title="您在公示名单中：职代会代表选举结果公示")
    assert list(told.values_list("user_id", flat=True)) == [named.user_id]
    assert told.get().url == reverse("notices:detail", args=[notice.pk])
    assert not Notification.objects.filter(user=bystander.user).exists()


def test_a_member_of_another_union_cannot_be_put_on_a_notice(tree, chair, client_for):
    MemberFactory(union=tree.school2, name="孙外校", mobile="13912345678")

    response = client_for(chair).post(reverse("notices:create"), _form(tree, "13912345678"))

    assert response.status_code == 200 and not Notice.objects.exists()
    page = response.content.decode()
    assert "不是本工会会员" in page and "孙外校" not in page  # only the user's own line comes back


def test_the_service_refuses_people_outside_the_union(tree):
    stranger = MemberFactory(union=tree.school2)

    with pytest.raises(DomainError, match="本工会的会员"):
        services.notice_create(actor=None, org=tree.school1, title="公示", body="内容", people=[stranger])

    assert not Notice.objects.exists()
