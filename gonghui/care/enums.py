"""Code tables and lifecycles of the care app (帮扶 · 慰问 · 助学 · 捐款 · 健康).

Each lifecycle is an explicit transition table; the matching `services.<entity>_set_state` is the
only place that changes a state, and it refuses anything the table does not list.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

# The member registry's levels (一般困难/特困) are the file levels too: one code table, so a
# file's level can be copied onto Member.hardship_level as is.
from gonghui.members.enums import HardshipLevel

__all__ = ["HardshipLevel"]


class LedgerKind(models.TextChoices):
    """What a payout was for (the source area of the care app)."""

    HARDSHIP_AID = "hardship_aid", _("困难帮扶")
    STUDENT_AID = "student_aid", _("金秋助学")
    CONDOLENCE = "condolence", _("慰问")
    DONATION_PAYOUT = "donation_payout", _("捐款拨付")
    RECUPERATION = "recuperation", _("疗休养")
    HEALTH = "health", _("体检")
    OTHER = "other", _("其他")


# The ledger kinds of 帮扶慰问支出合计 (care.total): assistance, student aid and visit money; not
# 疗休养, 体检 or a drive's payout (donated money), which have figures of their own.
CARE_TOTAL_KINDS = (LedgerKind.HARDSHIP_AID.value, LedgerKind.STUDENT_AID.value, LedgerKind.CONDOLENCE.value)


class SpendingCategory(models.TextChoices):
    """Budget line (预算科目) a payout is charged to; the finance area compares against these.

    Codes are stable; labels follow 基层工会经费收支管理办法 (2017). BUDGET_GROUP below names the
    expenditure heading each line belongs to.
    """

    HARDSHIP = "hardship", _("困难职工帮扶")
    STUDENT_AID = "student_aid", _("金秋助学")
    WARMTH = "warmth", _("送温暖")
    FESTIVAL = "festival", _("节日慰问")
    BIRTHDAY = "birthday", _("生日慰问")
    CONDOLENCE = "condolence", _("婚丧病慰问")
    DONATION = "donation", _("爱心捐款拨付")
    RECUPERATION = "recuperation", _("职工疗休养")
    HEALTH = "health", _("职工体检")
    OTHER = "other", _("其他")


class BudgetGroup(models.TextChoices):
    ACTIVITIES = "activities", _("职工活动支出")
    RIGHTS = "rights", _("维权支出")
    OTHER = "other", _("其他支出")


BUDGET_GROUP: dict[str, str] = {
    SpendingCategory.HARDSHIP: BudgetGroup.RIGHTS,
    SpendingCategory.STUDENT_AID: BudgetGroup.RIGHTS,
    SpendingCategory.WARMTH: BudgetGroup.RIGHTS,
    SpendingCategory.FESTIVAL: BudgetGroup.ACTIVITIES,
    SpendingCategory.BIRTHDAY: BudgetGroup.ACTIVITIES,
    SpendingCategory.CONDOLENCE: BudgetGroup.ACTIVITIES,
    SpendingCategory.DONATION: BudgetGroup.OTHER,
    SpendingCategory.RECUPERATION: BudgetGroup.ACTIVITIES,
    SpendingCategory.HEALTH: BudgetGroup.ACTIVITIES,
    SpendingCategory.OTHER: BudgetGroup.OTHER,
}


class PaymentMethod(models.TextChoices):
    CASH = "cash", _("现金")
    TRANSFER = "transfer", _("转账")
    GOODS = "goods", _("实物")


class HardshipCause(models.TextChoices):
    ILLNESS = "illness", _("大病")
    DISASTER = "disaster", _("因灾")
    SINGLE_PARENT = "single_parent", _("单亲")
    SCHOOLING = "schooling", _("子女就学")
    LOW_INCOME = "low_income", _("低收入")
    OTHER = "other", _("其他")


class FileState(models.TextChoices):
    OPEN = "open", _("在档")
    CLOSED = "closed", _("已销档")


FILE_TRANSITIONS: dict[str, frozenset[str]] = {
    FileState.OPEN: frozenset({FileState.CLOSED}),
    FileState.CLOSED: frozenset(),
}


class ReviewOutcome(models.TextChoices):
    CONTINUE = "continue", _("继续帮扶")
    CHANGE_LEVEL = "change_level", _("调整困难等级")
    CLOSE = "close", _("销档")


class ApplicationKind(models.TextChoices):
    """The kinds of assistance applications; the values are LedgerKind values."""

    HARDSHIP_AID = LedgerKind.HARDSHIP_AID.value, _("困难帮扶")
    STUDENT_AID = LedgerKind.STUDENT_AID.value, _("金秋助学")


# The budget line an application's payment is charged to.
APPLICATION_CATEGORY: dict[str, str] = {
    ApplicationKind.HARDSHIP_AID: SpendingCategory.HARDSHIP,
    ApplicationKind.STUDENT_AID: SpendingCategory.STUDENT_AID,
}


class ApplicationState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准待发放")
    REJECTED = "rejected", _("未批准")
    PAID = "paid", _("已发放")
    REVERSED = "reversed", _("已冲正")


APPLICATION_TRANSITIONS: dict[str, frozenset[str]] = {
    ApplicationState.DRAFT: frozenset({ApplicationState.SUBMITTED}),
    ApplicationState.SUBMITTED: frozenset({ApplicationState.APPROVED, ApplicationState.REJECTED}),
    ApplicationState.APPROVED: frozenset({ApplicationState.PAID}),
    ApplicationState.REJECTED: frozenset(),
    ApplicationState.PAID: frozenset({ApplicationState.REVERSED}),
    ApplicationState.REVERSED: frozenset(),
}
# States in which the application's content (amount requested, reason, child) may still change.
EDITABLE_STATES = frozenset({ApplicationState.DRAFT, ApplicationState.SUBMITTED})


# --- donation drives (捐款) and health (体检 · 妇检 · 疗休养) ------------------------------------


class CampaignKind(models.TextChoices):
    CHARITY_DAY = "charity_day", _("博爱一日捐")
    LOVE = "love", _("爱心捐款")
    OTHER = "other", _("其他")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


CAMPAIGN_TRANSITIONS: dict[str, frozenset[str]] = {
    CampaignState.DRAFT: frozenset({CampaignState.OPEN}),
    CampaignState.OPEN: frozenset({CampaignState.CLOSED}),
    CampaignState.CLOSED: frozenset(),
}


class HealthKind(models.TextChoices):
    CHECKUP = "checkup", _("体检")
    WOMEN = "women", _("妇检")


# --- condolence visits (慰问) -------------------------------------------------------------------


class Occasion(models.TextChoices):
    """Occasions of a condolence visit; each union keeps a standard per occasion."""

    HOSPITAL = "hospital", _("住院")
    CHILDBIRTH = "childbirth", _("生育")
    WEDDING = "wedding", _("结婚")
    FUNERAL = "funeral", _("丧事(直系亲属)")
    RETIREMENT = "retirement", _("退休")
    SPRING_FESTIVAL = "spring_festival", _("春节")
    CHONGYANG = "chongyang", _("重阳")
    SUMMER = "summer", _("夏送清凉")
    BIRTHDAY = "birthday", _("生日")
    TRANSFER = "transfer", _("调入调离")
    MODEL_WORKER = "model_worker", _("劳模")
    OTHER = "other", _("其他")


# The budget line a visit's cash is charged to.
OCCASION_CATEGORY: dict[str, str] = {
    Occasion.HOSPITAL: SpendingCategory.CONDOLENCE,
    Occasion.CHILDBIRTH: SpendingCategory.CONDOLENCE,
    Occasion.WEDDING: SpendingCategory.CONDOLENCE,
    Occasion.FUNERAL: SpendingCategory.CONDOLENCE,
    Occasion.RETIREMENT: SpendingCategory.CONDOLENCE,
    Occasion.SPRING_FESTIVAL: SpendingCategory.FESTIVAL,
    Occasion.CHONGYANG: SpendingCategory.FESTIVAL,
    Occasion.SUMMER: SpendingCategory.FESTIVAL,
    Occasion.BIRTHDAY: SpendingCategory.BIRTHDAY,
    Occasion.TRANSFER: SpendingCategory.CONDOLENCE,
    Occasion.MODEL_WORKER: SpendingCategory.CONDOLENCE,
    Occasion.OTHER: SpendingCategory.CONDOLENCE,
}


class VisitState(models.TextChoices):
    DRAFT = "draft", _("待审批")
    APPROVED = "approved", _("已批准待发放")
    RECORDED = "recorded", _("已发放登记")
    CANCELLED = "cancelled", _("已取消")


VISIT_TRANSITIONS: dict[str, frozenset[str]] = {
    VisitState.DRAFT: frozenset({VisitState.APPROVED, VisitState.CANCELLED}),
    VisitState.APPROVED: frozenset({VisitState.RECORDED, VisitState.CANCELLED}),
    VisitState.RECORDED: frozenset(),
    VisitState.CANCELLED: frozenset(),
}


class LifeEventKind(models.TextChoices):
    """The "五必访" events a union group leader reports (住院 the most frequent)."""

    HOSPITAL = Occasion.HOSPITAL.value, _("住院")
    CHILDBIRTH = Occasion.CHILDBIRTH.value, _("生育")
    WEDDING = Occasion.WEDDING.value, _("结婚")
    FUNERAL = Occasion.FUNERAL.value, _("丧事(直系亲属)")
    RETIREMENT = Occasion.RETIREMENT.value, _("退休")
