"""The audit log: append-only, pruned only after the retention period, helpers for before/after."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from gonghui.core import services
from gonghui.core.audit import (
    MIN_RETENTION_DAYS,
    audit,
    changed,
    current_ip,
    prune_expired,
    retention_days,
    snapshot,
)
from gonghui.core.enums import Outcome, Portfolio, Role
from gonghui.core.models import AuditEvent, RoleAssignment
from tests.factories import OrgFactory, UserFactory

pytestmark = pytest.mark.django_db


def event_aged(days: float, action: str = "test.event") -> AuditEvent:
    return AuditEvent.objects.create(action=action, at=timezone.now() - dt.timedelta(days=days))


def test_an_audit_event_cannot_be_saved_again():
    event = audit(action="test.event", detail="原始")
    event.detail = "篡改"

    with pytest.raises(PermissionError):
        event.save()

    assert AuditEvent.objects.get(pk=event.pk).detail == "原始"


def test_an_audit_event_cannot_be_deleted():
    event = audit(action="test.event")

    with pytest.raises(PermissionError):
        event.delete()

    assert AuditEvent.objects.filter(pk=event.pk).exists()


def test_audit_events_cannot_be_updated_or_deleted_in_bulk():
    audit(action="test.event")

    with pytest.raises(PermissionError):
        AuditEvent.objects.filter(action="test.event").update(detail="篡改")
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()

    assert AuditEvent.objects.get(action="test.event").detail == ""


def test_audit_records_actor_org_object_and_source_address():
    actor = UserFactory(username="chair1")
    org = OrgFactory(name="第一中学工会")
    token = current_ip.set("192.0.2.10")
    try:
        event = audit(action="org.export", actor=actor, org=org, obj=org, detail="导出名册")
    finally:
        current_ip.reset(token)

    event.refresh_from_db()
    assert (event.actor, event.actor_label, event.org) == (actor, "chair1", org)
    assert (event.object_type, event.object_id, event.object_repr) == (
        "core.org",
        str(org.pk),
        "第一中学工会",
    )
    assert event.ip == "192.0.2.10"
    assert event.outcome == Outcome.SUCCESS


def test_an_overlong_detail_is_cut_rather_than_refused():
    event = audit(action="test.event", detail="长" * 500)

    assert len(AuditEvent.objects.get(pk=event.pk).detail) == 300


def test_the_audit_log_keeps_its_row_when_the_actor_is_deleted():
    actor = UserFactory(username="leaver")
    event = audit(action="test.event", actor=actor)

    actor.delete()

    event.refresh_from_db()
    assert event.actor is None
    assert event.actor_label == "leaver"


def test_retention_is_never_below_the_legal_minimum(settings):
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 30
    assert retention_days() == MIN_RETENTION_DAYS == 184

    settings.GONGHUI_AUDIT_RETENTION_DAYS = 400
    assert retention_days() == 400


def test_pruning_keeps_events_younger_than_184_days_even_when_settings_say_30(settings):
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 30
    recent, middle, old = event_aged(1), event_aged(100), event_aged(183)

    deleted = prune_expired()

    assert deleted == 0
    assert set(AuditEvent.objects.values_list("pk", flat=True)) == {recent.pk, middle.pk, old.pk}


def test_pruning_deletes_events_older_than_the_retention_period(settings):
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 30
    kept = event_aged(183)
    event_aged(185)
    event_aged(400)

    assert prune_expired() == 2

    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_pruning_follows_a_longer_configured_retention(settings):
    settings.GONGHUI_AUDIT_RETENTION_DAYS = 365
    kept = event_aged(300)
    event_aged(366)

    assert prune_expired() == 1
    assert list(AuditEvent.objects.values_list("pk", flat=True)) == [kept.pk]


def test_pruning_measures_age_from_the_given_moment():
    now = timezone.now()
    event_aged(10)

    assert prune_expired(now=now + dt.timedelta(days=200)) == 1
    assert not AuditEvent.objects.exists()


def test_assigning_a_role_is_audited_once():
    actor = UserFactory(username="county_admin")
    user = UserFactory(username="wangfang")
    org = OrgFactory(name="第一中学工会")

    first = services.role_assign(
        actor=actor, user=user, org=org, role=Role.COMMITTEE, portfolio=Portfolio.CULTURE
    )
    again = services.role_assign(
        actor=actor, user=user, org=org, role=Role.COMMITTEE, portfolio=Portfolio.CULTURE
    )

    assert first == again
    event = AuditEvent.objects.get(action="role.assign", object_id=str(first.pk))
    assert (event.actor, event.org) == (actor, org)
    assert event.after == {
        "user": "wangfang",
        "role": "committee",
        "portfolio": "culture",
        "this_org_only": False,
    }
    assert AuditEvent.objects.filter(action="role.assign", org=org).count() == 1


def test_revoking_a_role_is_audited_with_what_was_removed():
    actor = UserFactory(username="county_admin")
    org = OrgFactory(name="第一中学工会")
    assignment = services.role_assign(
        actor=None, user=UserFactory(username="lina"), org=org, role=Role.MEMBER
    )
    pk = assignment.pk

    services.role_revoke(actor=actor, assignment=assignment)

    assert not RoleAssignment.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="role.revoke")
    assert (event.actor, event.org, event.object_id) == (actor, org, str(pk))
    assert event.before == {"user": "lina", "role": "member", "portfolio": "", "this_org_only": True}
    assert event.after is None


def test_creating_a_user_is_audited_without_the_password():
    user = services.user_create(actor=None, username="liuyang", name="刘洋", password="Gonghui@2026")

    event = AuditEvent.objects.get(action="user.create")
    assert event.after == {"username": "liuyang", "name": "刘洋"}
    assert "Gonghui@2026" not in str(event.after)
    assert user.check_password("Gonghui@2026")


def test_snapshot_makes_dates_decimals_and_related_objects_json_safe():
    org = OrgFactory(name="第一中学工会")
    org.dissolved_at = dt.date(2026, 3, 1)
    org.workforce = Decimal("12.50")
    child = OrgFactory(parent=org)

    picture = snapshot(org, ["name", "dissolved_at", "workforce", "created_at"])
    assert picture["name"] == "第一中学工会"
    assert picture["dissolved_at"] == "2026-03-01"
    assert picture["workforce"] == "12.50"
    assert picture["created_at"] == org.created_at.isoformat()
    assert snapshot(child, ["parent"]) == {"parent": org.pk}


def test_changed_keeps_only_the_fields_that_differ():
    before = {"name": "旧名", "workforce": 10, "code": None}
    after = {"name": "新名", "workforce": 10, "code": "JY-1"}

    assert changed(before, after) == ({"name": "旧名", "code": None}, {"name": "新名", "code": "JY-1"})
    assert changed(before, dict(before)) == ({}, {})
