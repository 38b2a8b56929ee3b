"""Code tables of the core app: organisation kinds, unit types, roles."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OrgKind(models.TextChoices):
    NATIONAL = "national", _("全国总工会")
    PROVINCIAL = "provincial", _("省总工会")
    CITY = "city", _("市总工会")
    COUNTY = "county", _("县(区)总工会")
    INDUSTRY = "industry", _("产业工会")
    STREET = "street", _("街道(乡镇)总工会")
    GRASSROOTS = "grassroots", _("基层工会")
    JOINT = "joint", _("联合工会")
    GROUP = "group", _("工会小组")


# Kinds that run the daily work of members (their own members, congress, care).
GRASSROOTS_KINDS = frozenset({OrgKind.GRASSROOTS, OrgKind.JOINT})
# Kinds that oversee other unions.
SUPERIOR_KINDS = frozenset(
    {OrgKind.NATIONAL, OrgKind.PROVINCIAL, OrgKind.CITY, OrgKind.COUNTY, OrgKind.INDUSTRY, OrgKind.STREET}
)


class UnitType(models.TextChoices):
    SCHOOL = "school", _("学校")
    PRIVATE_SCHOOL = "private_school", _("民办学校")
    KINDERGARTEN = "kindergarten", _("幼儿园")
    ORGAN = "organ", _("机关")
    ENTERPRISE = "enterprise", _("企业")
    INSTITUTION = "institution", _("事业单位")
    COMMUNITY = "community", _("街道社区")
    OTHER = "other", _("其他")


class OrgStatus(models.TextChoices):
    ACTIVE = "active", _("正常")
    DISSOLVED = "dissolved", _("已撤销")


# Dissolving (撤销) is final: an org is never revived, its records stay where they are.
ORG_TRANSITIONS: dict[str, frozenset[str]] = {
    OrgStatus.ACTIVE: frozenset({OrgStatus.DISSOLVED}),
    OrgStatus.DISSOLVED: frozenset(),
}


class Role(models.TextChoices):
    SUPERIOR_ADMIN = "superior_admin", _("上级工会管理员")
    CHAIR = "chair", _("主席")
    VICE_CHAIR = "vice_chair", _("副主席")
    COMMITTEE = "committee", _("委员")
    AUDITOR = "auditor", _("经审")
    WOMEN = "women", _("女工委")
    GROUP_LEADER = "group_leader", _("工会小组长")
    DELEGATE = "delegate", _("代表")
    MEMBER = "member", _("会员")
    DEPARTMENT = "department", _("承办部门")


class Portfolio(models.TextChoices):
    NONE = "", _("无")
    ORGANISATION = "organisation", _("组织")
    PUBLICITY = "publicity", _("宣传")
    CULTURE = "culture", _("文体")
    WELFARE = "welfare", _("生活")
    WOMEN = "women", _("女工")
    AUDIT = "audit", _("经审")
    OTHER = "other", _("其他")


# Role groups used by access policies. A role covers the org's subtree unless the assignment
# says "this org only" (members, delegates and departments are this-org-only by default).
MANAGER_ROLES = frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR, Role.VICE_CHAIR})
OFFICER_ROLES = MANAGER_ROLES | {Role.COMMITTEE, Role.AUDITOR, Role.WOMEN}
STAFF_ROLES = OFFICER_ROLES | {Role.GROUP_LEADER}
PERSONAL_ROLES = frozenset({Role.MEMBER, Role.DELEGATE, Role.DEPARTMENT})
THIS_ORG_ONLY_BY_DEFAULT = PERSONAL_ROLES


class Outcome(models.TextChoices):
    SUCCESS = "success", _("成功")
    FAILURE = "failure", _("失败")
    DENIED = "denied", _("拒绝")
