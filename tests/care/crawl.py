"""Care URL fillers for the cross-organisation crawl (merged into tests/test_crawl.py).

URL name -> a function (tree, personas) returning the id of an object that belongs to school 2.
"""

from __future__ import annotations

from typing import Any


def _school2_member(tree: Any) -> Any:
    from gonghui.members.models import Member
    from tests.members.factories import MemberFactory

    existing = Member.objects.filter(org=tree.school2_group, name="第二小学困难会员").first()
    return existing or MemberFactory(union=tree.school2, group=tree.school2_group, name="第二小学困难会员")


def _school2_file(tree: Any, p: Any) -> int:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.care import services
    from gonghui.care.models import HardshipFile

    existing = HardshipFile.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    file = services.hardship_file_open(
        actor=None, member=_school2_member(tree), cause="illness", level="severe"
    )
    services.hardship_document_add(actor=None, file=file, upload=SimpleUploadedFile("诊断证明.pdf", b"pdf"))
    return file.pk


def _school2_document(tree: Any, p: Any) -> int:
    from gonghui.care.models import HardshipDocument

    return HardshipDocument.objects.get(file_id=_school2_file(tree, p)).pk


def _school2_application(tree: Any, p: Any) -> int:
    """A paid application of 第二小学 (its chair approved it), so every action has something to do."""
    from gonghui.care.models import AssistanceApplication

    from .factories import make_application, set_standards

    existing = AssistanceApplication.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    set_standards(tree.school2)
    return make_application(_school2_member(tree), state="paid", approver=p.other_union_chair).pk


def _school2_entry(tree: Any, p: Any) -> int:
    from gonghui.care.models import LedgerEntry

    return LedgerEntry.objects.get(application_id=_school2_application(tree, p)).pk


FOREIGN_OBJECTS: dict = {
    **{f"care:{name}": _school2_file for name in (
        "file_detail", "file_edit", "file_review", "file_close", "file_document_add",
    )},
    "care:file_document": _school2_document,
    **{f"care:{name}": _school2_application for name in (
        "application_detail", "application_submit", "application_approve", "application_reject",
        "application_pay",
    )},
    "care:entry_reverse": _school2_entry,
}  # fmt: skip


# --- donation drives, health campaigns, 疗休养 (school 2's, with gifts, a use, attendance) --------


def _school2_campaign(tree: Any, p: Any) -> int:
    import datetime as dt

    from gonghui.care import campaigns
    from gonghui.care.models import DonationCampaign

    existing = DonationCampaign.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    member = _school2_member(tree)
    today = dt.date.today()
    campaign = campaigns.campaign_create(actor=None, org=tree.school2, kind="love", title="第二小学爱心捐款",
                                         starts_on=today, ends_on=today, beneficiary=member)  # fmt: skip
    campaigns.campaign_open(actor=None, campaign=campaign)
    campaigns.donation_add(actor=None, campaign=campaign, amount="100", donated_on=today, member=member)
    campaigns.donation_use_add(actor=None, campaign=campaign, used_on=today, purpose="医疗费", amount="50",
                               member=member)  # fmt: skip
    return campaign.pk


def _school2_health(tree: Any, p: Any) -> int:
    import datetime as dt

    from gonghui.care import campaigns
    from gonghui.care.models import HealthCampaign

    existing = HealthCampaign.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    member = _school2_member(tree)
    today = dt.date.today()
    campaign = campaigns.health_campaign_create(actor=None, org=tree.school2, kind="checkup", year=today.year,
                                                title="第二小学体检", starts_on=today, ends_on=today)  # fmt: skip
    campaigns.health_attend(actor=None, campaign=campaign, member_ids=[member.pk], attended_on=today)
    return campaign.pk


def _school2_trip(tree: Any, p: Any) -> int:
    import datetime as dt

    from gonghui.care import campaigns
    from gonghui.care.models import RecuperationTrip

    existing = RecuperationTrip.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    today = dt.date.today()
    return campaigns.trip_create(actor=None, org=tree.school2, title="第二小学疗休养", place="莫干山",
                                 provider="某旅行社", starts_on=today, ends_on=today,
                                 participants=[_school2_member(tree)], cost="2000").pk  # fmt: skip


FOREIGN_OBJECTS.update({
    **{f"care:{name}": _school2_campaign for name in (
        "donation_detail", "donation_open", "donation_close", "donation_add", "donation_use_add",
        "donation_import", "donation_template",
    )},
    "care:health_detail": _school2_health,
    "care:health_attend": _school2_health,
    "care:trip_detail": _school2_trip,
})  # fmt: skip


# --- condolence visits (慰问): school 2's visit with a photo -----------------------------------


def _school2_visit(tree: Any, p: Any) -> int:
    import datetime as dt

    from django.core.files.uploadedfile import SimpleUploadedFile

    from gonghui.care import visiting
    from gonghui.care.models import Visit

    existing = Visit.objects.filter(org=tree.school2).first()
    if existing is not None:
        return existing.pk
    visit = visiting.visit_create(actor=None, org=tree.school2, occasion="birthday", visited_on=dt.date.today(),
                                  members=[_school2_member(tree)], amount_each=50)  # fmt: skip
    visiting.visit_photo_add(actor=None, visit=visit, upload=SimpleUploadedFile("慰问.jpg", b"jpg"))
    return visit.pk


def _school2_visit_photo(tree: Any, p: Any) -> int:
    from gonghui.care.models import VisitPhoto

    return VisitPhoto.objects.get(visit_id=_school2_visit(tree, p)).pk


FOREIGN_OBJECTS.update({
    **{f"care:{name}": _school2_visit for name in (
        "visit_detail", "visit_approve", "visit_record", "visit_cancel", "visit_photo_add",
    )},
    "care:visit_photo": _school2_visit_photo,
    # The visit form's member picker: a member of another union is not found (404).
    "care:visit_member_pick": lambda tree, p: _school2_member(tree).pk,
})  # fmt: skip


# The school-1 chair's own care pages, whose forms the body crawl (tests/test_crawl.py) posts with
# school 2's ids: the fillers above, run with the two schools' places swapped (so the objects are
# school 1's, the chair approving where school 2's chair did).


def _own(filler: Any) -> Any:
    def run(tree: Any, p: Any) -> int:
        import dataclasses

        mirrored = dataclasses.replace(tree, school1=tree.school2, school1_group_a=tree.school2_group,
                                       school2=tree.school1, school2_group=tree.school1_group_a)  # fmt: skip
        return filler(mirrored, dataclasses.replace(p, other_union_chair=p.chair))

    return run


OWN_PAGES: dict = {
    "care:file_detail": _own(_school2_file),
    "care:application_detail": _own(_school2_application),
    "care:donation_detail": _own(_school2_campaign),
    "care:health_detail": _own(_school2_health),
    "care:trip_detail": _own(_school2_trip),
    "care:visit_detail": _own(_school2_visit),
}
