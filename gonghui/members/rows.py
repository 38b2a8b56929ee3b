"""Turning one row of text (a form or a spreadsheet line) into clean member fields.

The import, the edit form and the API share this, so a rule is written once and every channel
gives the same Chinese message for the same mistake.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from . import idcard
from .enums import (
    ETHNICITY_ALIASES,
    ETHNICITY_CHOICES,
    Education,
    Employment,
    HardshipLevel,
    MemberStatus,
    ModelWorkerLevel,
    Political,
    Sex,
)
from .privacy import is_mobile, normalise_mobile


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    required: bool = False
    aliases: tuple[str, ...] = ()
    note: str = ""
    example: str = ""


# The import template, in order. Headers follow the provincial 会员信息采集表 where it has them.
COLUMNS: list[Column] = [
    Column("name", "姓名", True, note="必填", example="张三"),
    Column("sex", "性别", aliases=("性别(男/女)",), note="男/女；可不填，按身份证号自动识别", example="男"),
    Column("birth_date", "出生日期", note="yyyy/MM/dd；可不填，按身份证号自动识别", example="1985/03/07"),
    Column("ethnicity", "民族", aliases=("民族名称",), note="如 汉族、回族", example="汉族"),
    Column(
        "id_number",
        "身份证号",
        True,
        aliases=("证件号码", "公民身份号码", "身份证号码"),
        note="18位",
        example="",
    ),
    Column(
        "mobile", "手机号", aliases=("移动电话", "手机", "联系电话"), note="11位手机号", example="13812345678"
    ),
    Column("political", "政治面貌", note="如 中共党员、共青团员、群众", example="中共党员"),
    Column("education", "学历", note="博士/硕士/本科/大专/中专/高中/初中/小学及以下", example="本科"),
    Column("position", "工作岗位/职务", aliases=("职务", "岗位", "工作岗位"), example="语文教师"),
    Column("join_date", "入会日期", aliases=("会籍变化日期",), note="yyyy/MM/dd", example="2010/09/01"),
    Column("card_number", "会员证号", example=""),
    Column(
        "employment", "用工类别", note="在编/合同制/劳务派遣/临时聘用/农民工/内退在岗/离退休", example="在编"
    ),
    Column("group", "工会小组", aliases=("所在小组",), note="须为本工会已有的小组名称", example=""),
    Column("hardship_level", "困难职工", note="一般困难/特困；不是则不填", example=""),
    Column("hardship_cert_no", "困难职工证号", example=""),
    Column("single_parent", "单亲", note="是/否", example="否"),
    Column("model_worker_level", "劳模", note="全国劳模/省部级劳模/地市级劳模/其他；不是则不填", example=""),
    Column("status", "会籍状态", note="在会/转出/退会/离退休/去世/除名；不填为在会", example="在会"),
    Column("migrant", "是否农民工会员", note="是/否", example="否"),
]
COLUMN_BY_KEY = {c.key: c for c in COLUMNS}


def header_map(headers: list[Any]) -> tuple[dict[str, int], list[str]]:
    """Map column keys to positions by header text (order free); report missing required ones."""
    index: dict[str, int] = {}
    for position, raw in enumerate(headers):
        text = re.sub(r"[\s*＊]", "", str(raw or ""))
        for column in COLUMNS:
            if text == column.header or text in column.aliases:
                index.setdefault(column.key, position)
    missing = [c.header for c in COLUMNS if c.required and c.key not in index]
    return index, missing


def _labels(choices: Any) -> dict[str, str]:
    return {str(label): value for value, label in choices}


ETHNICITY_BY_NAME = {name: code for code, name in ETHNICITY_CHOICES}
POLITICAL_BY_NAME = _labels(Political.choices) | {
    "党员": Political.CPC, "预备党员": Political.CPC_PROBATIONARY, "团员": Political.LEAGUE, "民革": Political.RCCK,
    "民盟": Political.CDL, "民建": Political.CNDCA, "民进": Political.CAPD, "农工党": Political.CPWDP,
    "致公党": Political.CZGP, "九三学社": Political.JIUSAN, "台盟": Political.TDSGL, "无党派": Political.INDEPENDENT,
}  # fmt: skip
EDUCATION_BY_NAME = _labels(Education.choices) | {
    "研究生": Education.MASTER, "博士研究生": Education.DOCTOR, "硕士研究生": Education.MASTER,
    "大学本科": Education.BACHELOR, "专科": Education.COLLEGE, "大学专科": Education.COLLEGE,
    "中等职业": Education.SECONDARY_VOCATIONAL, "中技": Education.SECONDARY_VOCATIONAL, "技校": Education.SECONDARY_VOCATIONAL,
    "普通高中": Education.HIGH_SCHOOL, "小学": Education.PRIMARY, "小学及以下": Education.PRIMARY,
}  # fmt: skip
EMPLOYMENT_BY_NAME = _labels(Employment.choices) | {"合同工": Employment.CONTRACT, "派遣": Employment.AGENCY}
HARDSHIP_BY_NAME = {str(label): value for value, label in HardshipLevel.choices if value}
MODEL_WORKER_BY_NAME = {str(label): value for value, label in ModelWorkerLevel.choices if value}
STATUS_BY_NAME = _labels(MemberStatus.choices) | {"退休": MemberStatus.RETIRED}
SEX_BY_NAME = {"男": Sex.MALE, "女": Sex.FEMALE, "1": Sex.MALE, "2": Sex.FEMALE}
YES = {"是", "Y", "y", "1", "true", "True", "TRUE"}
NO = {"否", "N", "n", "0", "false", "False", "FALSE", ""}


def text_of(value: Any) -> str:
    """Spreadsheet cells arrive as str, int, float, date or None; make them plain text."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    return str(value).strip()


def parse_date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = text_of(value)
    match = re.fullmatch(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        raise ValueError(_("日期格式应为 yyyy/MM/dd，如 2010/09/01。"))
    year, month, day = (int(part) for part in match.groups())
    try:
        return dt.date(year, month, day)
    except ValueError as error:
        raise ValueError(_("日期不存在。")) from error


@dataclass
class RowResult:
    data: dict[str, Any] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, message)

    def error(self, key: str, message: str) -> None:
        self.errors.append((COLUMN_BY_KEY[key].header, message))


def clean_row(raw: dict[str, Any], *, groups: dict[str, Any], today: dt.date) -> RowResult:
    """Validate one row given as {column key: cell}. `groups` maps group names to Org rows."""
    result = RowResult()
    data = result.data
    name = text_of(raw.get("name"))
    if not name:
        result.error("name", _("姓名不能为空。"))
    elif len(name) > 40 or not re.fullmatch(r"[\u3400-\u9fffA-Za-z·•.\s]+", name):
        result.error("name", _("姓名只能包含汉字、字母和间隔号“·”，且不超过40个字。"))
    data["name"] = name

    info = None
    id_text = text_of(raw.get("id_number"))
    if not id_text:
        result.error("id_number", _("身份证号不能为空。"))
    else:
        try:
            info = idcard.parse(id_text, today=today)
        except idcard.IdNumberError as error:
            result.error("id_number", str(error))
    if info is not None:
        data["id_number"] = info.number
        data["birth_date"] = info.birth_date
        data["sex"] = info.sex

    sex_text = text_of(raw.get("sex"))
    if sex_text:
        sex = SEX_BY_NAME.get(sex_text)
        if sex is None:
            result.error("sex", _("性别应为“男”或“女”。"))
        elif info is not None and sex != info.sex:
            result.error(
                "sex", _("性别与身份证号不符(身份证号显示为%(sex)s)。") % {"sex": Sex(info.sex).label}
            )
    birth_raw = raw.get("birth_date")
    if text_of(birth_raw):
        try:
            birth = parse_date(birth_raw)
        except ValueError as error:
            result.error("birth_date", str(error))
        else:
            if info is not None and birth != info.birth_date:
                result.error("birth_date", _("出生日期与身份证号不符。"))

    ethnicity_text = text_of(raw.get("ethnicity")) or "汉族"
    ethnicity_text = ETHNICITY_ALIASES.get(ethnicity_text, ethnicity_text)
    if ethnicity_text in ETHNICITY_BY_NAME:
        data["ethnicity"] = ETHNICITY_BY_NAME[ethnicity_text]
    elif f"{ethnicity_text}族" in ETHNICITY_BY_NAME:
        data["ethnicity"] = ETHNICITY_BY_NAME[f"{ethnicity_text}族"]
    else:
        result.error("ethnicity", _("未知的民族“%(value)s”。") % {"value": ethnicity_text})

    mobile = normalise_mobile(text_of(raw.get("mobile")))
    if mobile and not is_mobile(mobile):
        result.error("mobile", _("手机号应为11位大陆手机号码。"))
    data["mobile"] = mobile

    _choice(result, raw, "political", POLITICAL_BY_NAME, default=Political.MASSES, label=_("政治面貌"))
    _choice(result, raw, "education", EDUCATION_BY_NAME, default="", label=_("学历"))
    _choice(
        result, raw, "employment", EMPLOYMENT_BY_NAME, default=Employment.ESTABLISHED, label=_("用工类别")
    )
    _choice(result, raw, "hardship_level", HARDSHIP_BY_NAME, default="", label=_("困难职工"))
    _choice(result, raw, "model_worker_level", MODEL_WORKER_BY_NAME, default="", label=_("劳模"))
    _choice(result, raw, "status", STATUS_BY_NAME, default=MemberStatus.ACTIVE, label=_("会籍状态"))
    data["single_parent"] = _yes_no(result, raw, "single_parent")
    if _yes_no(result, raw, "migrant") and data.get("employment") == Employment.ESTABLISHED:
        data["employment"] = Employment.MIGRANT

    data["position"] = text_of(raw.get("position"))[:60]
    data["card_number"] = text_of(raw.get("card_number"))[:30]
    data["hardship_cert_no"] = text_of(raw.get("hardship_cert_no"))[:40]
    if data["hardship_cert_no"] and not data.get("hardship_level"):
        result.error("hardship_level", _("填写了困难职工证号，请同时填写困难类别。"))

    join_raw = raw.get("join_date")
    data["join_date"] = None
    if text_of(join_raw):
        try:
            join = parse_date(join_raw)
        except ValueError as error:
            result.error("join_date", str(error))
        else:
            if join > today:
                result.error("join_date", _("入会日期不能晚于今天。"))
            elif info is not None and join < info.birth_date:
                result.error("join_date", _("入会日期早于出生日期。"))
            data["join_date"] = join

    group_name = text_of(raw.get("group"))
    data["group"] = None
    if group_name:
        group = groups.get(group_name)
        if group is None:
            result.error("group", _("本工会没有名为“%(value)s”的工会小组。") % {"value": group_name})
        data["group"] = group
    return result


def _choice(
    result: RowResult, raw: dict[str, Any], key: str, table: dict[str, str], *, default: str, label: Any
) -> None:
    text = text_of(raw.get(key))
    if not text:
        result.data[key] = default
        return
    value = table.get(text)
    if value is None:
        result.error(key, _("无法识别的%(label)s“%(value)s”。") % {"label": label, "value": text})
        result.data[key] = default
    else:
        result.data[key] = value


def _yes_no(result: RowResult, raw: dict[str, Any], key: str) -> bool:
    text = text_of(raw.get(key))
    if text in YES:
        return True
    if text not in NO:
        result.error(key, _("请填写“是”或“否”。"))
    return False
