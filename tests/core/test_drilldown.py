"""core.drilldown: the one parameter set from a figure to its records, the union check, the
narrowing by org and date, the banner, and the guards that hide links a viewer cannot open."""

from __future__ import annotations

import datetime as dt
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.test import RequestFactory
from django.urls import resolve

from gonghui.core import drilldown
from gonghui.core.drilldown import Drilldown, Linker
from gonghui.core.facts import Period
from gonghui.core.models import AuditEvent, Org
from tests.factories import OrgFactory

pytestmark = pytest.mark.django_db


def _request(user, query: str = ""):
    request = RequestFactory().get(f"/members/?{query}")
    request.user = user
    return request


def test_the_link_names_the_union_and_the_period(tree):
    link = drilldown.url(
        "members:list", tree.school1, Period.statistical_year(2025), status="active", flag=""
    )
    parts = urlsplit(link)
    assert parts.path == "/members/"
    assert parse_qs(parts.query) == {"union": [str(tree.school1.pk)], "from": ["2024-10-01"],
                                     "to": ["2025-09-30"], "status": ["active"]}  # fmt: skip
    alone = drilldown.url("members:list", tree.school1, None, subtree=False)
    assert parse_qs(urlsplit(alone).query) == {"union": [str(tree.school1.pk)], "subtree": ["0"]}


def test_a_union_outside_the_users_scope_is_missing_and_audited(tree, chair):
    with pytest.raises(Http404):
        Drilldown.from_request(_request(chair, f"union={tree.school2.pk}"))
    with pytest.raises(Http404):
        Drilldown.from_request(_request(chair, "union=999999"))
    assert AuditEvent.objects.filter(action="access.denied", actor=chair).count() == 2
    drill = Drilldown.from_request(_request(chair, f"union={tree.school1_group_a.pk}&from=2025-01-01&to=x"))
    assert (drill.org, drill.start, drill.end, drill.subtree) == (
        tree.school1_group_a,
        dt.date(2025, 1, 1),
        None,
        True,
    )


def test_narrowing_by_subtree_or_the_union_alone(tree):
    """Rows are orgs here, attributed to their parent: the union alone means rows of the union
    itself or of its groups; the subtree adds those of child unions below."""
    child_union = OrgFactory(name="第一中学分会", parent=tree.school1)
    grandchild = OrgFactory(name="分会下属工会", parent=child_union)
    orgs = Org.objects.all()
    under = Drilldown(org=tree.school1).narrow(orgs, org_field="parent")
    assert set(under) == {tree.school1_group_a, tree.school1_group_b, child_union, grandchild}
    alone = Drilldown(org=tree.school1, subtree=False).narrow(orgs, org_field="parent")
    assert set(alone) == {tree.school1_group_a, tree.school1_group_b, child_union}


def test_dates_are_a_closed_range_and_datetimes_end_at_midnight(tree):
    drill = Drilldown(start=dt.date(2024, 10, 1), end=dt.date(2025, 9, 30))
    q = drill.date_q("created_at", is_datetime=True)
    children = dict(q.children)
    assert children["created_at__gte"] == drilldown.day_start(dt.date(2024, 10, 1))
    assert children["created_at__lt"] == drilldown.day_start(dt.date(2025, 10, 1))
    assert dict(drill.date_q("opened_on").children) == {"opened_on__gte": dt.date(2024, 10, 1),
                                                         "opened_on__lte": dt.date(2025, 9, 30)}  # fmt: skip


def test_the_banner_counts_and_clears_only_the_drilldown(tree, chair):
    request = _request(chair, f"union={tree.school1.pk}&from=2025-01-01&to=2025-12-31&status=active&page=3")
    banner = Drilldown.from_request(request).banner(request, 7)
    assert banner["active"] and banner["count"] == 7
    assert banner["text"] == "第一中学工会(含下级单位) · 2025-01-01 至 2025-12-31"
    assert banner["clear_url"] == "/members/?status=active"
    assert not Drilldown.from_request(_request(chair, "status=active")).active


def test_a_guarded_page_is_linked_only_for_whom_the_guard_allows(tree, chair, county_officer):
    drilldown.guard("core:audit_list", lambda user, org: org is not None and user.username == "chair")
    try:
        link = f"/audit/?union={tree.school1.pk}"
        assert Linker(chair)(link) == link
        assert Linker(county_officer)(link) == ""
    finally:
        drilldown._GUARDS.pop("core:audit_list")
    assert Linker(county_officer)(link) == link  # unguarded: the page's own scoping applies
    assert Linker(chair)("care:applications") == ""  # not a path: never an href
    assert Linker(chair)("/no/such/page/") == ""


def test_the_pages_guard_refuses_a_union_in_scope_with_403_and_audits_it(tree, chair):
    request = RequestFactory().get(f"/audit/?union={tree.school1.pk}")
    request.user = chair
    request.resolver_match = resolve("/audit/")
    drilldown.guard("core:audit_list", lambda user, org: False)
    try:
        with pytest.raises(PermissionDenied):
            Drilldown.from_request(request)
    finally:
        drilldown._GUARDS.pop("core:audit_list")
    assert AuditEvent.objects.filter(
        action="access.denied", actor=chair, object_id=str(tree.school1.pk)
    ).exists()
    assert Drilldown.from_request(request).org == tree.school1  # unguarded: the scope check alone
