"""Factories for public notices (公示) and objections.

They go through the app's services, so what they make is what a union would have recorded:

    notice = NoticeFactory(org=tree.school1)                                  # a draft, 5 working days
    notice = NoticeFactory(org=tree.school1, state=NoticeState.PUBLISHED)     # published on its start
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY, state=NoticeState.FINAL)
    objection = ObjectionFactory(notice=notice, submitted_by=member)          # raised on the start day

`state=` drives the notice with the services (publish on the start day; FINAL refreshes on the
day after the period; WITHDRAWN withdraws); nothing is written to a state field directly.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from gonghui.core.enums import Role
from gonghui.core.models import Org, User
from gonghui.notices import services
from gonghui.notices.enums import NoticeKind, NoticeState
from gonghui.notices.models import Notice, Objection
from tests.factories import OrgFactory, RoleAssignmentFactory, UserFactory

# A plain week in 2026: Monday 2 March to Friday 6 March is one 5-working-day period.
MONDAY = dt.date(2026, 3, 2)
FRIDAY = dt.date(2026, 3, 6)


def union_member(org: Org, name: str | None = None) -> User:
    """A plain member (会员) of `org` with a login account."""
    user = UserFactory(**({"name": name} if name else {}))
    RoleAssignmentFactory(user=user, org=org, role=Role.MEMBER)
    return user


class NoticeFactory(DjangoModelFactory):
    class Meta:
        model = Notice

    org = factory.SubFactory(OrgFactory)
    title = factory.Sequence(lambda n: f"关于优秀工会工作者评选结果的公示{n}")
    body = "经评选小组投票，拟推荐张三、李四为优秀工会工作者，现予以公示。"
    kind = NoticeKind.AWARD
    starts_on = factory.LazyFunction(timezone.localdate)
    days = 5
    contact = "校工会 王老师 0731-1234567"

    @classmethod
    def _create(cls, model_class: type[Notice], *args: Any, **kwargs: Any) -> Notice:
        state = kwargs.pop("state", NoticeState.DRAFT)
        actor = kwargs.pop("actor", None)
        notice = services.notice_create(actor=actor, **kwargs)
        if state == NoticeState.DRAFT:
            return notice
        notice = services.notice_publish(actor=actor, notice=notice, today=notice.starts_on)
        if state == NoticeState.WITHDRAWN:
            return services.notice_withdraw(actor=actor, notice=notice, reason="名单有误")
        if state == NoticeState.FINAL:
            return services.notice_refresh(notice=notice, today=notice.ends_on + dt.timedelta(days=1))
        return notice


class ObjectionFactory(DjangoModelFactory):
    class Meta:
        model = Objection

    notice = factory.SubFactory(NoticeFactory, state=NoticeState.PUBLISHED)
    submitted_by = None
    anonymous = False
    text = "被推荐人本学年有一次教学事故，建议核实。"

    @classmethod
    def _create(cls, model_class: type[Objection], *args: Any, **kwargs: Any) -> Objection:
        notice = kwargs["notice"]
        user = kwargs.pop("submitted_by", None) or union_member(notice.org)
        today = kwargs.pop("today", None) or notice.starts_on
        return services.objection_submit(actor=user, today=today, **kwargs)
