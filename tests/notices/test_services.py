"""Public notices (公示): period by working days, lifecycle, objections, finality and its signal."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command

from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, Notification
from gonghui.notices import queries, services
from gonghui.notices.enums import NOTICE_TRANSITIONS, NoticeKind, NoticeState, ObjectionState
from gonghui.notices.models import Notice
from tests.factories import RoleAssignmentFactory, UserFactory

from .factories import FRIDAY, MONDAY, NoticeFactory, ObjectionFactory, union_member

pytestmark = pytest.mark.django_db

SATURDAY = FRIDAY + dt.timedelta(days=1)
NEXT_MONDAY = MONDAY + dt.timedelta(days=7)


def published(tree, **kwargs) -> Notice:
    return NoticeFactory(org=tree.school1, starts_on=MONDAY, state=NoticeState.PUBLISHED, **kwargs)


# --- creating and the period -----------------------------------------------------------------


def test_a_notice_lasts_five_working_days_by_default(tree, chair):
    notice = services.notice_create(
        actor=chair, org=tree.school1, title="评优结果公示", body="拟推荐……", kind=NoticeKind.AWARD,
        starts_on=dt.date(2026, 2, 12),
    )  # fmt: skip

    # Thu 12, Fri 13, Sat 14 (补班), then 春节 until 23 Feb, Tue 24, Wed 25.
    assert (notice.starts_on, notice.ends_on, notice.days) == (dt.date(2026, 2, 12), dt.date(2026, 2, 25), 5)
    assert notice.state == NoticeState.DRAFT
    assert notice.created_by == chair


def test_the_period_length_is_configurable_in_working_days(tree, chair):
    notice = services.notice_create(
        actor=chair, org=tree.school1, title="公示", body="内容", kind=NoticeKind.FINANCE,
        starts_on=MONDAY, days=7,
    )  # fmt: skip

    assert notice.ends_on == dt.date(2026, 3, 10)


@pytest.mark.parametrize("days", [0, 61])
def test_a_period_of_no_days_or_too_many_is_refused(tree, chair, days):
    with pytest.raises(DomainError):
        services.notice_create(actor=chair, org=tree.school1, title="公示", body="内容",
                               kind=NoticeKind.OTHER, days=days)  # fmt: skip


def test_a_notice_may_point_at_any_record(tree, chair):
    notice = NoticeFactory(org=tree.school1, actor=chair, subject=tree.school1_group_a)

    assert Notice.objects.get(pk=notice.pk).subject == tree.school1_group_a
    assert list(queries.notices_about(tree.school1_group_a)) == [notice]
    assert list(queries.notices_about(tree.school1_group_b)) == []


@pytest.mark.parametrize("persona", ["member", "other_union_chair", "county_officer"])
def test_only_the_unions_panel_drafts_its_notices(tree, persona, request):
    user = request.getfixturevalue(persona)

    with pytest.raises(DomainError):
        services.notice_create(actor=user, org=tree.school1, title="公示", body="内容", kind=NoticeKind.OTHER)


def test_a_committee_member_drafts_a_notice(tree, committee_member):
    notice = NoticeFactory(org=tree.school1, actor=committee_member)

    assert notice.created_by == committee_member


def test_a_union_group_does_not_publish_notices_of_its_own(tree, chair):
    with pytest.raises(DomainError):
        services.notice_create(actor=chair, org=tree.school1_group_a, title="公示", body="内容",
                               kind=NoticeKind.OTHER)  # fmt: skip


def test_a_draft_can_be_edited_and_its_end_follows(tree, chair):
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY)

    services.notice_update(actor=chair, notice=notice, title="改后的标题", days=3)

    notice.refresh_from_db()
    assert (notice.title, notice.ends_on) == ("改后的标题", dt.date(2026, 3, 4))
    assert AuditEvent.objects.filter(action="notices.notice_update", object_id=str(notice.pk)).exists()


def test_a_published_notice_cannot_be_edited(tree, chair):
    notice = published(tree)

    with pytest.raises(DomainError):
        services.notice_update(actor=chair, notice=notice, title="偷偷修改")


# --- lifecycle -------------------------------------------------------------------------------


ALL_PAIRS = [(a, b) for a in NoticeState for b in NoticeState]


@pytest.mark.parametrize(("before", "after"), ALL_PAIRS, ids=[f"{a}->{b}" for a, b in ALL_PAIRS])
def test_notice_set_state_follows_the_transition_table(tree, before, after):
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY)
    Notice.objects.filter(pk=notice.pk).update(state=before)  # a test fixture, not a transition
    notice.refresh_from_db()

    if after in NOTICE_TRANSITIONS[before]:
        services.notice_set_state(notice=notice, actor=None, to=after)
        notice.refresh_from_db()
        assert notice.state == after
    else:
        with pytest.raises(DomainError):
            services.notice_set_state(notice=notice, actor=None, to=after)
        notice.refresh_from_db()
        assert notice.state == before


def test_the_table_allows_exactly_the_documented_moves():
    allowed = {(a, b) for a, targets in NOTICE_TRANSITIONS.items() for b in targets}

    assert allowed == {
        (NoticeState.DRAFT, NoticeState.PUBLISHED),
        (NoticeState.PUBLISHED, NoticeState.CLOSED_PENDING),
        (NoticeState.PUBLISHED, NoticeState.FINAL),
        (NoticeState.PUBLISHED, NoticeState.WITHDRAWN),
        (NoticeState.CLOSED_PENDING, NoticeState.FINAL),
        (NoticeState.CLOSED_PENDING, NoticeState.WITHDRAWN),
    }


def test_publishing_records_who_and_when_and_audits_the_state(tree, chair):
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY, actor=chair)

    services.notice_publish(actor=chair, notice=notice, today=MONDAY)

    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED
    assert notice.published_by == chair and notice.published_at is not None
    event = AuditEvent.objects.get(action="notices.notice_state", object_id=str(notice.pk))
    assert (event.before, event.after["state"], event.actor) == ({"state": "draft"}, "published", chair)


def test_publishing_late_gives_the_full_period_from_today(tree, chair):
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY)

    services.notice_publish(actor=chair, notice=notice, today=dt.date(2026, 3, 4))

    notice.refresh_from_db()
    assert (notice.starts_on, notice.ends_on) == (dt.date(2026, 3, 4), dt.date(2026, 3, 10))


def test_publishing_twice_is_refused(tree, chair):
    notice = published(tree)

    with pytest.raises(DomainError):
        services.notice_publish(actor=chair, notice=notice, today=MONDAY)


def test_withdrawing_needs_a_reason_and_a_running_notice(tree, chair):
    notice = published(tree)

    with pytest.raises(DomainError):
        services.notice_withdraw(actor=chair, notice=notice, reason="  ")
    services.notice_withdraw(actor=chair, notice=notice, reason="名单有误，重新评选")

    notice.refresh_from_db()
    assert (notice.state, notice.withdraw_reason) == (NoticeState.WITHDRAWN, "名单有误，重新评选")
    with pytest.raises(DomainError):
        services.notice_withdraw(actor=chair, notice=notice, reason="再撤一次")


def test_a_draft_cannot_be_withdrawn(tree, chair):
    with pytest.raises(DomainError):
        services.notice_withdraw(actor=chair, notice=NoticeFactory(org=tree.school1), reason="不要了")


# --- objections ------------------------------------------------------------------------------


@pytest.mark.parametrize("day", [MONDAY, dt.date(2026, 3, 4), FRIDAY])
def test_a_member_objects_within_the_period(tree, member, day):
    notice = published(tree)

    objection = services.objection_submit(actor=member, notice=notice, text="有异议", today=day)

    assert (objection.state, objection.submitted_by, objection.anonymous) == (
        ObjectionState.SUBMITTED, member, False,
    )  # fmt: skip


@pytest.mark.parametrize("day", [MONDAY - dt.timedelta(days=1), SATURDAY, NEXT_MONDAY])
def test_an_objection_outside_the_period_is_refused(tree, member, day):
    notice = published(tree)

    with pytest.raises(DomainError):
        services.objection_submit(actor=member, notice=notice, text="有异议", today=day)
    assert not notice.objections.exists()


def test_a_published_notice_starting_later_takes_no_objection_before_it_starts(tree, member):
    notice = NoticeFactory(org=tree.school1, starts_on=NEXT_MONDAY)
    services.notice_publish(actor=None, notice=notice, today=MONDAY)

    with pytest.raises(DomainError, match="尚未开始"):
        services.objection_submit(actor=member, notice=notice, text="有异议", today=MONDAY)


@pytest.mark.parametrize("state", [NoticeState.DRAFT, NoticeState.WITHDRAWN])
def test_no_objection_to_a_draft_or_a_withdrawn_notice(tree, member, state):
    notice = NoticeFactory(org=tree.school1, starts_on=MONDAY, state=state)

    with pytest.raises(DomainError):
        services.objection_submit(actor=member, notice=notice, text="有异议", today=MONDAY)


@pytest.mark.parametrize("persona", ["other_union_chair", "county_officer", "department_handler"])
def test_only_members_of_the_union_object(tree, persona, request):
    notice = published(tree)
    user = request.getfixturevalue(persona)

    with pytest.raises(DomainError, match="只有本工会的会员"):
        services.objection_submit(actor=user, notice=notice, text="有异议", today=MONDAY)


def test_a_member_of_one_of_the_unions_groups_objects(tree):
    notice = published(tree)
    leader = UserFactory()
    RoleAssignmentFactory(user=leader, org=tree.school1_group_a, role=Role.GROUP_LEADER)

    assert services.objection_submit(actor=leader, notice=notice, text="有异议", today=MONDAY).pk


def test_an_anonymous_objection_keeps_the_name_for_the_panel_but_not_in_the_audit_log(tree, member):
    notice = published(tree)

    objection = services.objection_submit(actor=member, notice=notice, text="有异议", anonymous=True,
                                          today=MONDAY)  # fmt: skip

    assert objection.submitted_by == member and objection.anonymous
    event = AuditEvent.objects.get(action="notices.objection_submit")
    assert event.actor is None and event.actor_label == ""


def test_an_objection_notifies_the_creator_and_the_chair_after_commit(
    tree, chair, committee_member, member, django_capture_on_commit_callbacks
):
    notice = NoticeFactory(
        org=tree.school1, starts_on=MONDAY, state=NoticeState.PUBLISHED, actor=committee_member
    )

    with django_capture_on_commit_callbacks(execute=True):
        services.objection_submit(actor=member, notice=notice, text="有异议", anonymous=True, today=MONDAY)

    sent = Notification.objects.filter(title__contains="收到一条异议")
    assert sorted(n.user.username for n in sent) == ["chair", "committee_member"]
    assert all(member.name not in n.title + n.body for n in sent)
    assert {n.url for n in sent} == {f"/notices/{notice.pk}/"}


def test_the_panel_resolves_with_reasons_and_the_objector_is_told(
    tree, chair, member, django_capture_on_commit_callbacks
):
    objection = ObjectionFactory(notice=published(tree), submitted_by=member)

    with pytest.raises(DomainError):
        services.objection_resolve(
            actor=chair, objection=objection, upheld=False, resolution=" ", today=MONDAY
        )
    with django_capture_on_commit_callbacks(execute=True):
        services.objection_resolve(actor=chair, objection=objection, upheld=False, resolution="经核实不成立",
                                   today=MONDAY)  # fmt: skip

    objection.refresh_from_db()
    assert (objection.state, objection.resolution, objection.resolved_by) == (
        ObjectionState.DISMISSED, "经核实不成立", chair,
    )  # fmt: skip
    assert Notification.objects.filter(user=member, title__contains="已处理").exists()
    with pytest.raises(DomainError):
        services.objection_resolve(
            actor=chair, objection=objection, upheld=True, resolution="改判", today=MONDAY
        )


@pytest.mark.parametrize("persona", ["member", "other_union_chair", "county_officer"])
def test_only_the_panel_resolves_objections(tree, persona, request):
    objection = ObjectionFactory(notice=published(tree))

    with pytest.raises(DomainError):
        services.objection_resolve(actor=request.getfixturevalue(persona), objection=objection, upheld=False,
                                   resolution="不成立", today=MONDAY)  # fmt: skip


def test_a_panel_member_does_not_resolve_their_own_objection(tree, committee_member):
    objection = ObjectionFactory(notice=published(tree), submitted_by=committee_member)

    with pytest.raises(DomainError, match="自己"):
        services.objection_resolve(actor=committee_member, objection=objection, upheld=False,
                                   resolution="不成立", today=MONDAY)  # fmt: skip


# --- finality --------------------------------------------------------------------------------


def test_a_notice_without_objections_becomes_final_the_day_after_its_period(tree, finalized):
    notice = published(tree)

    assert services.notice_refresh(notice=notice, today=FRIDAY).state == NoticeState.PUBLISHED
    assert not notice.is_final and finalized == []

    notice = services.notice_refresh(notice=notice, today=SATURDAY)

    assert notice.is_final and notice.finalised_at is not None and not notice.any_upheld
    assert [n.pk for n in finalized] == [notice.pk]


def test_an_open_objection_holds_the_notice_until_it_is_resolved(tree, chair, finalized):
    notice = published(tree)
    objection = ObjectionFactory(notice=notice, today=FRIDAY)

    notice = services.notice_refresh(notice=notice, today=NEXT_MONDAY)

    assert notice.state == NoticeState.CLOSED_PENDING and not notice.is_final and finalized == []

    services.objection_resolve(actor=chair, objection=objection, upheld=True, resolution="成立，已调整名单",
                               today=NEXT_MONDAY)  # fmt: skip

    notice.refresh_from_db()
    assert notice.is_final and notice.any_upheld
    assert [n.pk for n in finalized] == [notice.pk]


def test_resolving_every_objection_during_the_period_does_not_end_it_early(tree, chair, finalized):
    notice = published(tree)
    objection = ObjectionFactory(notice=notice)

    services.objection_resolve(
        actor=chair, objection=objection, upheld=False, resolution="不成立", today=MONDAY
    )

    notice.refresh_from_db()
    assert notice.state == NoticeState.PUBLISHED and finalized == []


def test_the_finalized_signal_is_sent_exactly_once(tree, chair, finalized):
    notice = published(tree)
    first, second = ObjectionFactory(notice=notice), ObjectionFactory(notice=notice)
    services.notice_refresh(notice=notice, today=NEXT_MONDAY)

    services.objection_resolve(
        actor=chair, objection=first, upheld=False, resolution="不成立", today=NEXT_MONDAY
    )
    assert finalized == []
    services.objection_resolve(
        actor=chair, objection=second, upheld=False, resolution="不成立", today=NEXT_MONDAY
    )
    for _ in range(3):
        services.notice_refresh(notice=notice, today=NEXT_MONDAY + dt.timedelta(days=3))
    call_command("notices-refresh", "--today", "2026-03-20")

    assert [n.pk for n in finalized] == [notice.pk]
    assert AuditEvent.objects.filter(action="notices.notice_state", after__state="final").count() == 1


def test_a_withdrawn_notice_never_becomes_final(tree, chair, finalized):
    notice = published(tree)
    services.notice_withdraw(actor=chair, notice=notice, reason="撤回")

    notice = services.notice_refresh(notice=notice, today=NEXT_MONDAY)

    assert notice.state == NoticeState.WITHDRAWN and finalized == []


def test_the_daily_command_moves_every_due_notice(tree, finalized):
    quiet = published(tree)
    held = published(tree)
    ObjectionFactory(notice=held)
    running = NoticeFactory(org=tree.school2, starts_on=NEXT_MONDAY, state=NoticeState.PUBLISHED)

    call_command("notices-refresh", "--today", NEXT_MONDAY.isoformat())

    states = dict(Notice.objects.values_list("pk", "state"))
    assert states[quiet.pk] == NoticeState.FINAL
    assert states[held.pk] == NoticeState.CLOSED_PENDING
    assert states[running.pk] == NoticeState.PUBLISHED
    assert [n.pk for n in finalized] == [quiet.pk]


def test_union_member_helper_makes_a_member(tree):
    assert union_member(tree.school1).roles.get().role == Role.MEMBER
