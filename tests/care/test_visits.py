"""Condolence visits (慰问): standards, approval rules (never the recorder; beyond the standard
only the chair with a reason, audited), a group visit paying each member once through the ledger,
gifts without cash, photos, the report form, access (404 across unions) and query counts."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from gonghui.care import visiting
from gonghui.care.enums import LedgerKind, Occasion, SpendingCategory, VisitState
from gonghui.care.models import LedgerEntry, LifeEventReport, Visit, VisitMember
from gonghui.care.queries import my_care
from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members.models import Member
from tests.factories import RoleAssignmentFactory, UserFactory
from tests.members.factories import MemberFactory

from .visit_factories import make_visit, set_condolence_standards

pytestmark = pytest.mark.django_db


# Computed when a test runs, not when the module is collected: a run that crosses midnight in
# Asia/Shanghai (16:00 UTC) would otherwise use yesterday.
def today() -> dt.date:
    return dt.date.today()


@pytest.fixture
def cstandards(tree):
    set_condolence_standards(tree.school1)
    set_condolence_standards(tree.school2)


@pytest.fixture
def retirees(tree, cstandards) -> list[Member]:
    return [MemberFactory(union=tree.school1, name=f"退休教师{i}", status="retired") for i in range(5)]


@pytest.fixture
def visited(tree, cstandards) -> Member:
    return MemberFactory(union=tree.school1, group=tree.school1_group_a, name="李生日")


# --- standards -------------------------------------------------------------------------------


def test_only_the_chair_sets_a_condolence_standard(tree, chair, welfare):
    with pytest.raises(DomainError, match="只有工会主席"):
        visiting.condolence_standard_set(
            actor=welfare, org=tree.school1, occasion=Occasion.BIRTHDAY, amount="50"
        )

    standard = visiting.condolence_standard_set(
        actor=chair, org=tree.school1, occasion=Occasion.BIRTHDAY, amount="50", gift="生日卡"
    )

    assert standard.amount == Decimal("50.00") and standard.gift == "生日卡"
    assert AuditEvent.objects.filter(action="care.condolence_standard_set", actor=chair).exists()


def test_a_standard_needs_cash_or_a_gift(tree, chair):
    with pytest.raises(DomainError, match="慰问金标准或慰问品"):
        visiting.condolence_standard_set(actor=chair, org=tree.school1, occasion=Occasion.SUMMER)


def test_the_standards_page_saves_for_the_chair_and_refuses_the_welfare_officer_to_change(
    tree, chair, welfare, client_for
):
    data = {
        "org": tree.school1.pk,
        "occasion": "summer",
        "amount": "",
        "gift": "绿豆汤、毛巾",
        "gift_value": "40",
    }

    ok = client_for(chair).post(reverse("care:condolence_standards"), data)
    refused = client_for(welfare).post(reverse("care:condolence_standards"), {**data, "gift": "西瓜"})

    assert ok.status_code == 302 and refused.status_code == 403
    page = client_for(welfare).get(reverse("care:condolence_standards")).content.decode()
    assert "绿豆汤、毛巾" in page and "西瓜" not in page


# --- approval rules --------------------------------------------------------------------------


def test_the_recorder_cannot_approve_their_own_visit(tree, welfare, visited):
    visit = make_visit(tree.school1, [visited], recorder=welfare)

    with pytest.raises(DomainError, match="登记人不能审批"):
        visiting.visit_approve(actor=welfare, visit=visit)


def test_a_member_cannot_approve_a_visit_to_themself(tree, welfare, chair, cstandards):
    own = MemberFactory(union=tree.school1, name="主席本人")
    own.user = chair
    own.save(update_fields=["user"])
    visit = make_visit(tree.school1, [own], recorder=welfare)

    with pytest.raises(DomainError, match="不能审批给自己"):
        visiting.visit_approve(actor=chair, visit=visit)


def test_a_committee_member_without_the_welfare_portfolio_cannot_approve(
    tree, welfare, committee_member, visited
):
    visit = make_visit(tree.school1, [visited], recorder=welfare)

    with pytest.raises(DomainError, match="只有工会主席、副主席或生活委员"):
        visiting.visit_approve(actor=committee_member, visit=visit)


def test_within_the_standard_the_vice_chair_approves(tree, welfare, vice_chair, visited):
    visit = make_visit(tree.school1, [visited], recorder=welfare, amount="50")

    visiting.visit_approve(actor=vice_chair, visit=visit)

    visit.refresh_from_db()
    assert visit.state == VisitState.APPROVED and visit.approved_by == vice_chair and not visit.override


def test_over_the_standard_needs_the_chair_and_a_reason_and_is_audited(
    tree, welfare, vice_chair, chair, visited
):
    visit = make_visit(tree.school1, [visited], recorder=welfare, amount="80")

    with pytest.raises(DomainError, match="超出标准须由工会主席特批"):
        visiting.visit_approve(actor=vice_chair, visit=visit)
    with pytest.raises(DomainError, match="特批须填写理由"):
        visiting.visit_approve(actor=chair, visit=visit)
    visiting.visit_approve(actor=chair, visit=visit, override_reason="五十岁整生日")

    visit.refresh_from_db()
    assert visit.override and visit.override_reason == "五十岁整生日"
    event = AuditEvent.objects.get(action="care.visit_override")
    assert event.actor == chair and event.after["reason"] == "五十岁整生日"


def test_the_annual_cap_per_member_and_occasion_counts_earlier_visits(tree, welfare, vice_chair, visited):
    make_visit(tree.school1, [visited], recorder=welfare, amount="50", state="recorded", approver=vice_chair)
    second = make_visit(tree.school1, [visited], recorder=welfare, amount="50")
    visiting.visit_approve(actor=vice_chair, visit=second)  # 100 = the cap
    third = make_visit(tree.school1, [visited], recorder=welfare, amount="10")

    with pytest.raises(DomainError, match="每人每年上限100"):
        visiting.visit_approve(actor=vice_chair, visit=third)


def test_an_occasion_without_a_standard_needs_an_override(tree, welfare, vice_chair, visited):
    visit = make_visit(tree.school1, [visited], occasion=Occasion.WEDDING, recorder=welfare, amount="200")

    with pytest.raises(DomainError, match="尚未设置“结婚”的慰问标准"):
        visiting.visit_approve(actor=vice_chair, visit=visit)


def test_members_of_another_union_cannot_be_listed(tree, welfare, cstandards):
    stranger = MemberFactory(union=tree.school2, name="外校会员")

    with pytest.raises(DomainError, match="外校会员"):
        make_visit(tree.school1, [stranger], recorder=welfare)


# --- payment ---------------------------------------------------------------------------------


def test_a_group_visit_pays_each_member_once_through_the_ledger(tree, welfare, vice_chair, retirees):
    visit = make_visit(tree.school1, retirees, occasion=Occasion.SPRING_FESTIVAL, amount="500",
                       recorder=welfare, state="approved", approver=vice_chair)  # fmt: skip

    entries = visiting.visit_record(actor=welfare, visit=visit, method="cash", paid_on=dt.date(2026, 2, 10))

    assert len(entries) == 5
    assert {e.member_id for e in entries} == {m.pk for m in retirees}
    assert all(e.kind == LedgerKind.CONDOLENCE and e.category == SpendingCategory.FESTIVAL for e in entries)
    assert LedgerEntry.objects.filter(visit_member__visit=visit).total() == Decimal("2500.00")
    with pytest.raises(DomainError, match="不能重复发放"):
        visiting.visit_record(actor=welfare, visit=visit, method="cash")
    assert LedgerEntry.objects.count() == 5


def test_the_ledger_refuses_a_second_payment_of_one_visited_member(tree, welfare, vice_chair, visited):
    from gonghui.care import services

    visit = make_visit(tree.school1, [visited], recorder=welfare, state="recorded", approver=vice_chair)
    row = VisitMember.objects.get(visit=visit)

    with pytest.raises(DomainError, match="不能重复发放"):
        services.ledger_record(actor=None, org=tree.school1, kind=LedgerKind.CONDOLENCE,
                               category=SpendingCategory.BIRTHDAY, amount=Decimal("50"), method="cash",
                               paid_on=today(), member=visited, source=row)  # fmt: skip


def test_a_reversed_visit_payment_keeps_its_source_and_nets_out(tree, welfare, vice_chair, chair, visited):
    from gonghui.care import services

    visit = make_visit(tree.school1, [visited], recorder=welfare, state="recorded", approver=vice_chair)
    entry = LedgerEntry.objects.get(visit_member__visit=visit)

    reversal = services.ledger_reverse(actor=chair, entry=entry, reason="重复登记")

    assert reversal.visit_member_id == entry.visit_member_id
    assert LedgerEntry.objects.filter(visit_member__visit=visit).total() == Decimal("0.00")


def test_a_gift_only_visit_writes_no_ledger_entry(tree, welfare, vice_chair, visited):
    visit = make_visit(tree.school1, [visited], occasion=Occasion.HOSPITAL, amount="0", gift="水果",
                       gift_value="100", recorder=welfare, state="recorded", approver=vice_chair)  # fmt: skip

    assert visit.state == VisitState.RECORDED
    assert not LedgerEntry.objects.exists()


def test_a_visit_needs_cash_or_a_gift(tree, welfare, visited):
    with pytest.raises(DomainError, match="慰问金或慰问品"):
        make_visit(tree.school1, [visited], amount="0", recorder=welfare)


def test_the_member_sees_the_condolence_money_on_their_page(
    tree, welfare, vice_chair, helped_with_account, cstandards
):
    make_visit(tree.school1, [helped_with_account], recorder=welfare, state="recorded", approver=vice_chair)

    section = my_care(helped_with_account.user)

    assert [e.kind for e in section["entries"]] == [LedgerKind.CONDOLENCE]


# --- views -----------------------------------------------------------------------------------


def test_a_group_visit_from_the_due_list_is_one_post(tree, welfare, retirees, client_for):
    url = reverse("care:visit_create")
    data = {"org": tree.school1.pk, "occasion": "spring_festival", "visited_on": "2026-02-10",
            "members": [m.pk for m in retirees[:3]], "amount_each": "", "i_visited": "on",
            "visitor_names": "校长", "notes": "春节走访"}  # fmt: skip

    response = client_for(welfare).post(url, data)

    visit = Visit.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "care:visit_detail", args=[visit.pk]
    )
    assert visit.visit_members.count() == 3
    assert set(visit.visit_members.values_list("amount", flat=True)) == {Decimal("500.00")}  # the standard
    assert list(visit.visitors.all()) == [welfare]


def test_the_visit_form_adds_all_retirees_of_the_union_by_filter(tree, welfare, retirees, client_for):
    MemberFactory(union=tree.school2, status="retired", name="外校退休")
    data = {"org": tree.school1.pk, "occasion": "chongyang", "visited_on": "2026-10-10",
            "add_status": "retired", "amount_each": "300"}  # fmt: skip

    client_for(welfare).post(reverse("care:visit_create"), data)

    assert Visit.objects.get().visit_members.count() == 5


def test_the_visit_form_prefills_the_members_from_the_due_list(tree, welfare, retirees, client_for):
    query = "&".join(f"member={m.pk}" for m in retirees[:2])

    page = (
        client_for(welfare).get(f"{reverse('care:visit_create')}?occasion=birthday&{query}").content.decode()
    )

    assert retirees[0].name in page and retirees[1].name in page and retirees[2].name not in page


def test_approve_and_record_through_the_detail_page(tree, welfare, chair, retirees, client_for):
    visit = make_visit(tree.school1, retirees[:2], occasion=Occasion.SPRING_FESTIVAL, amount="500",
                       recorder=welfare)  # fmt: skip

    client_for(chair).post(reverse("care:visit_approve", args=[visit.pk]))
    client_for(welfare).post(reverse("care:visit_record", args=[visit.pk]),
                             {"method": "cash", "paid_on": "2026-02-10"})  # fmt: skip

    visit.refresh_from_db()
    assert visit.state == VisitState.RECORDED
    assert LedgerEntry.objects.filter(visit_member__visit=visit).count() == 2
    page = client_for(chair).get(reverse("care:visit_detail", args=[visit.pk])).content.decode()
    assert "已发放登记" in page and "1000.00" in page


def test_a_photo_is_served_only_to_who_sees_the_visit(tree, welfare, vice_chair, other_union_chair, member,
                                                       visited, client_for):  # fmt: skip
    visit = make_visit(tree.school1, [visited], recorder=welfare)
    jpeg = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(jpeg, "JPEG")  # a real picture: the form checks it with Pillow
    client_for(welfare).post(reverse("care:visit_photo_add", args=[visit.pk]),
                             {"photo": SimpleUploadedFile("慰问.jpg", jpeg.getvalue(), "image/jpeg")})  # fmt: skip
    photo = visit.photos.get()
    url = reverse("care:visit_photo", args=[photo.pk])

    assert b"".join(client_for(vice_chair).get(url).streaming_content) == jpeg.getvalue()
    assert client_for(other_union_chair).get(url).status_code == 404
    assert client_for(member).get(url).status_code == 404


@pytest.mark.parametrize("persona", ["other_union_chair", "member", "committee_member"])
def test_others_get_404_for_a_visit(persona, tree, welfare, visited, client_for, request):
    visit = make_visit(tree.school1, [visited], recorder=welfare)
    user = request.getfixturevalue(persona)

    assert client_for(user).get(reverse("care:visit_detail", args=[visit.pk])).status_code == 404


def test_a_group_leader_reports_a_member_in_hospital_from_the_phone_form(tree, cstandards, client_for):
    leader = UserFactory(username="leader")
    RoleAssignmentFactory(user=leader, org=tree.school1_group_a, role=Role.GROUP_LEADER)
    own = MemberFactory(union=tree.school1, group=tree.school1_group_a, name="住院老师")
    other_group = MemberFactory(union=tree.school1, group=tree.school1_group_b, name="别组老师")
    client = client_for(leader)

    form = client.get(reverse("care:report_create")).content.decode()
    response = client.post(reverse("care:report_create"), {"member": own.pk, "kind": "hospital",
                                                           "event_on": "2026-03-02", "place": "县人民医院"})  # fmt: skip
    refused = client.post(reverse("care:report_create"), {"member": other_group.pk, "kind": "hospital",
                                                          "event_on": "2026-03-02"})  # fmt: skip

    assert "住院老师" in form and "别组老师" not in form
    assert response.status_code == 302 and refused.status_code == 200
    report = LifeEventReport.objects.get()
    assert report.member == own and report.reported_by == leader and report.org == tree.school1


def test_the_visit_list_shows_the_unions_visits_only(tree, welfare, other_union_chair, visited, client_for):
    make_visit(tree.school1, [visited], recorder=welfare)

    mine = client_for(welfare).get(reverse("care:visits")).content.decode()
    theirs = client_for(other_union_chair).get(reverse("care:visits")).content.decode()

    assert "生日" in mine and "第一中学" in mine and "第一中学" not in theirs


@pytest.mark.parametrize("count", [1, 3])
def test_the_visit_list_query_count_does_not_grow_with_rows(count, tree, welfare, visited, client_for,
                                                             django_assert_num_queries):  # fmt: skip
    for _ in range(count):
        make_visit(tree.school1, [visited], recorder=welfare)
    client = client_for(welfare)
    client.get(reverse("care:visits"))

    with django_assert_num_queries(QUERIES_VISIT_LIST):
        response = client.get(reverse("care:visits"))

    assert response.status_code == 200


# 6: the occasion filter's choices are the union's own table (issue 12 §2), one query.
QUERIES_VISIT_LIST = 6


def test_condolence_facts_by_occasion_with_gifts_and_a_county_roll_up(
    tree, welfare, vice_chair, retirees, visited
):
    from gonghui.care.facts import visit_facts
    from gonghui.core.facts import Period

    day = dt.date(2026, 2, 10)
    make_visit(tree.school1, retirees, occasion=Occasion.SPRING_FESTIVAL, amount="500", visited_on=day,
               recorder=welfare, state="recorded", approver=vice_chair)  # fmt: skip
    make_visit(tree.school1, [visited, retirees[0]], occasion=Occasion.HOSPITAL, amount="0", gift="水果",
               gift_value="100", visited_on=day, recorder=welfare, state="recorded", approver=vice_chair)  # fmt: skip
    make_visit(tree.school1, [visited], visited_on=day, recorder=welfare)  # draft: not counted
    period = Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31))

    for org in (tree.school1, tree.county):
        facts = {f.key: f.value for f in visit_facts(org, period)}
        assert facts["care.condolence.times"] == 7
        assert facts["care.condolence.people"] == 6
        assert facts["care.condolence.amount"] == Decimal("2500.00")
        assert facts["care.condolence.gift_value"] == Decimal("200.00")
        assert facts["care.condolence.festival_retirees"] == 5
        assert facts["care.condolence.spring_festival.times"] == 5
        assert facts["care.condolence.hospital.amount"] == Decimal("0.00")
    assert {f.key: f.value for f in visit_facts(tree.school2, period)}["care.condolence.times"] == 0


def test_the_visit_demo_builds_paid_visits_and_open_reports(tree, chair):
    import random

    from gonghui.care.visit_demo import add_visits

    for month in range(1, 13):
        MemberFactory(union=tree.school1, birth_date=dt.date(1980, month, 3))
    MemberFactory(union=tree.school1, status="retired", name="退休老师")

    add_visits({"schools": [tree.school1], "rng": random.Random(1)})

    assert Visit.objects.filter(state=VisitState.RECORDED).exists()
    assert LedgerEntry.objects.filter(kind=LedgerKind.CONDOLENCE).exists()
    assert LifeEventReport.objects.filter(visit__isnull=True).count() == 2
