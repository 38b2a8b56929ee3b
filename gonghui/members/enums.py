"""Code tables of the members app (national codes stored, short labels shown; REFERENCE.md §1–2)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sex(models.TextChoices):
    """GB/T 2261.1."""

    UNKNOWN = "0", _("未知")
    MALE = "1", _("男")
    FEMALE = "2", _("女")
    UNSTATED = "9", _("未说明")


ETHNIC_NAMES = [
    "汉族", "蒙古族", "回族", "藏族", "维吾尔族", "苗族", "彝族", "壮族", "布依族", "朝鲜族", "满族", "侗族",
    "瑶族", "白族", "土家族", "哈尼族", "哈萨克族", "傣族", "黎族", "傈僳族", "佤族", "畲族", "高山族", "拉祜族",
    "水族", "东乡族", "纳西族", "景颇族", "柯尔克孜族", "土族", "达斡尔族", "仫佬族", "羌族", "布朗族", "撒拉族",
    "毛南族", "仡佬族", "锡伯族", "阿昌族", "普米族", "塔吉克族", "怒族", "乌孜别克族", "俄罗斯族", "鄂温克族",
    "德昂族", "保安族", "裕固族", "京族", "塔塔尔族", "独龙族", "鄂伦春族", "赫哲族", "门巴族", "珞巴族", "基诺族",
]  # fmt: skip
# GB/T 3304: 01..56 in the order above, plus 97 and 98.
ETHNICITY_CHOICES = [(f"{i:02d}", name) for i, name in enumerate(ETHNIC_NAMES, start=1)] + [
    ("97", "其他"),
    ("98", "外国血统中国籍人士"),
]
# Old names still seen in spreadsheets.
ETHNICITY_ALIASES = {"毛难族": "毛南族", "崩龙族": "德昂族", "汉": "汉族"}


class Education(models.TextChoices):
    """The union's 8-level list (会员信息采集表)."""

    DOCTOR = "doctor", _("博士")
    MASTER = "master", _("硕士")
    BACHELOR = "bachelor", _("本科")
    COLLEGE = "college", _("大专")
    SECONDARY_VOCATIONAL = "secondary", _("中专")
    HIGH_SCHOOL = "high", _("高中")
    JUNIOR = "junior", _("初中")
    PRIMARY = "primary", _("小学及以下")


class Political(models.TextChoices):
    """GB/T 4762."""

    CPC = "01", _("中共党员")
    CPC_PROBATIONARY = "02", _("中共预备党员")
    LEAGUE = "03", _("共青团员")
    RCCK = "04", _("民革党员")
    CDL = "05", _("民盟盟员")
    CNDCA = "06", _("民建会员")
    CAPD = "07", _("民进会员")
    CPWDP = "08", _("农工党党员")
    CZGP = "09", _("致公党党员")
    JIUSAN = "10", _("九三学社社员")
    TDSGL = "11", _("台盟盟员")
    INDEPENDENT = "12", _("无党派人士")
    MASSES = "13", _("群众")


class Employment(models.TextChoices):
    ESTABLISHED = "established", _("在编")
    CONTRACT = "contract", _("合同制")
    AGENCY = "agency", _("劳务派遣")
    TEMPORARY = "temporary", _("临时聘用")
    MIGRANT = "migrant", _("农民工")
    INTERNAL_RETIRED = "internal_retired", _("内退在岗")
    RETIRED = "retired", _("离退休")


class MemberStatus(models.TextChoices):
    ACTIVE = "active", _("在会")
    TRANSFERRED_OUT = "transferred_out", _("转出")
    WITHDRAWN = "withdrawn", _("退会")
    RETIRED = "retired", _("离退休")
    DECEASED = "deceased", _("去世")
    EXPELLED = "expelled", _("除名")


# Members who still belong to the union (counted, visited at festivals).
CURRENT_STATUSES = frozenset({MemberStatus.ACTIVE, MemberStatus.RETIRED})
# Members who left (减少会员): their status_date is the day they left.
LEFT_STATUSES = frozenset(
    {MemberStatus.TRANSFERRED_OUT, MemberStatus.WITHDRAWN, MemberStatus.EXPELLED, MemberStatus.DECEASED}
)


class ChangeType(models.TextChoices):
    """会籍变化类型, plus our own status events."""

    JOIN = "join", _("入会")
    TRANSFER_IN = "transfer_in", _("转入")
    KEEP = "keep", _("保留")
    TRANSFER_OUT = "transfer_out", _("转出")
    EXPEL = "expel", _("除名")
    WITHDRAW = "withdraw", _("退会")
    RETIRE = "retire", _("退休")
    DECEASE = "decease", _("去世")
    REINSTATE = "reinstate", _("恢复会籍")


# Which status each change leads to: the member status machine as a table.
STATUS_AFTER_CHANGE = {
    ChangeType.JOIN: MemberStatus.ACTIVE,
    ChangeType.TRANSFER_IN: MemberStatus.ACTIVE,
    ChangeType.KEEP: MemberStatus.ACTIVE,
    ChangeType.TRANSFER_OUT: MemberStatus.TRANSFERRED_OUT,
    ChangeType.EXPEL: MemberStatus.EXPELLED,
    ChangeType.WITHDRAW: MemberStatus.WITHDRAWN,
    ChangeType.RETIRE: MemberStatus.RETIRED,
    ChangeType.DECEASE: MemberStatus.DECEASED,
    ChangeType.REINSTATE: MemberStatus.ACTIVE,
}
# Allowed transitions: from status -> changes that may be applied.
TRANSITIONS: dict[str, frozenset[str]] = {
    MemberStatus.ACTIVE: frozenset(
        {ChangeType.TRANSFER_OUT, ChangeType.EXPEL, ChangeType.WITHDRAW, ChangeType.RETIRE, ChangeType.DECEASE,
         ChangeType.KEEP}
    ),
    MemberStatus.RETIRED: frozenset({ChangeType.DECEASE, ChangeType.TRANSFER_OUT, ChangeType.WITHDRAW}),
    MemberStatus.TRANSFERRED_OUT: frozenset({ChangeType.TRANSFER_IN, ChangeType.REINSTATE}),
    MemberStatus.WITHDRAWN: frozenset({ChangeType.REINSTATE, ChangeType.JOIN}),
    MemberStatus.EXPELLED: frozenset({ChangeType.REINSTATE}),
    MemberStatus.DECEASED: frozenset(),
}  # fmt: skip
# The same table by status: where each status may move (Member.states, core.transitions).
STATUS_TRANSITIONS: dict[str, frozenset[str]] = {
    status: frozenset(STATUS_AFTER_CHANGE[ChangeType(change)] for change in changes)
    for status, changes in TRANSITIONS.items()
}


class HardshipLevel(models.TextChoices):
    NONE = "", _("无")
    ORDINARY = "ordinary", _("一般困难")
    SEVERE = "severe", _("特困")


class ModelWorkerLevel(models.TextChoices):
    NONE = "", _("无")
    NATIONAL = "national", _("全国劳模")
    PROVINCIAL = "provincial", _("省部级劳模")
    CITY = "city", _("地市级劳模")
    OTHER = "other", _("其他")


class TransferState(models.TextChoices):
    REQUESTED = "requested", _("待接收")
    ACCEPTED = "accepted", _("已接收")
    REJECTED = "rejected", _("已退回")
    CANCELLED = "cancelled", _("已撤回")
    COMPLETED_OUTSIDE = "outside", _("已转出(系统外)")


TRANSFER_TRANSITIONS: dict[str, frozenset[str]] = {
    TransferState.REQUESTED: frozenset(
        {TransferState.ACCEPTED, TransferState.REJECTED, TransferState.CANCELLED}
    ),
    TransferState.ACCEPTED: frozenset(),
    TransferState.REJECTED: frozenset(),
    TransferState.CANCELLED: frozenset(),
    TransferState.COMPLETED_OUTSIDE: frozenset(),
}

AGE_BANDS = [(0, 35, "35岁以下"), (35, 45, "35-44岁"), (45, 55, "45-54岁"), (55, 200, "55岁及以上")]
