"""Audit events as Chinese sentences: what the audit log (/audit/) and 变更记录 show users.

An event is stored with a code (`org.create`), before/after dictionaries and a free detail. Users
never see those raw: each app registers, in its own `audit_text.py` (found automatically, like
admin.py), what its events mean in Chinese, and the names of the keys its events store that are
not fields of the event's object. Rendering turns

* the code into a sentence (新建组织); an unregistered code still reads in Chinese (其他操作,
  with its area when the prefix is known);
* each key into a label: a registered key, else the verbose name of the object's model field of
  that name (`parent_id` → 上级组织), else 其他信息, never the key itself;
* each value into text: a choice code into its label, an id into the object's name (one query
  per model for a whole page), ISO dates into 2026年3月1日, True/False into 是/否.

The detail column is kept only when it is already Chinese text, or a registered formatter makes
it so (a refused access names the page, not `view /members/3/`).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils.functional import Promise
from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

Label = str | Promise


@dataclass(frozen=True)
class Key:
    """A key an event stores that is not a field of its object's model."""

    label: Label
    model: str = ""  # "members.member": the value is the id (or a list of ids) of one of these
    choices: type[models.TextChoices] | Mapping[str, Label] | None = None  # the value is a code of this table
    hidden: bool = False  # internal (a tree path): never shown


_EVENTS: dict[str, Label] = {}
_AREAS: dict[str, Label] = {}
_UNDOTTED: dict[str, set[str]] = defaultdict(set)  # area prefix → its codes without a prefix (login)
_KEYS: dict[tuple[str, str], Key] = {}  # (area prefix or "" for every area, key name)
_DETAILS: dict[str, Callable[[str], str]] = {}
_loaded = False

CJK = re.compile(r"[\u4e00-\u9fff]")
DEFAULT_STR = re.compile(r"^\w+ object \(\d+\)$")
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
ISO_DATETIME = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}")
OTHER = gettext_lazy("其他信息")


def register(
    *,
    area: tuple[str, Label] | None = None,
    events: Mapping[str, Label] | None = None,
    keys: Mapping[str, Key | Label] | None = None,
    details: Mapping[str, Callable[[str], str]] | None = None,
) -> None:
    """Register an area (code prefix and its Chinese name), event sentences, key names and
    detail formatters. Called at import of an app's `audit_text.py`. Keys registered with an
    area apply to that area's events only; without one, to every event."""
    prefix = ""
    if area is not None:
        prefix = area[0]
        _AREAS[prefix] = area[1]
        _UNDOTTED[prefix].update(code for code in events or {} if "." not in code)
    _EVENTS.update(events or {})
    for name, key in (keys or {}).items():
        _KEYS[(prefix, name)] = key if isinstance(key, Key) else Key(key)
    _DETAILS.update(details or {})


def _load() -> None:
    global _loaded
    if not _loaded:
        _loaded = True
        autodiscover_modules("audit_text")


def registered_events() -> dict[str, Label]:
    _load()
    return dict(_EVENTS)


def area_choices() -> list[tuple[str, Label]]:
    """(prefix with its dot, Chinese name) of each area, for the audit log's 类别 filter."""
    _load()
    return [(f"{prefix}.", label) for prefix, label in sorted(_AREAS.items(), key=lambda pair: str(pair[1]))]


def area_codes(prefix: str) -> set[str]:
    """The codes of an area that its prefix does not match (login and logout in 访问控制)."""
    _load()
    return set(_UNDOTTED.get(prefix.rstrip("."), set()))


def sentence(action: str) -> str:
    """The Chinese name of an event code; an unknown code reads 其他操作 (with its area if known)."""
    _load()
    if action in _EVENTS:
        return str(_EVENTS[action])
    area = _AREAS.get(action.split(".", 1)[0]) if "." in action else None
    return _("%(area)s：其他操作") % {"area": area} if area else _("其他操作")


@dataclass
class Change:
    label: str
    before: str | None
    after: str | None

    def __str__(self) -> str:
        if self.before is not None and self.after is not None:
            return f"{self.label}：{self.before} → {self.after}"
        return f"{self.label}：{self.after if self.after is not None else self.before}"


@dataclass
class Described:
    """One event as the pages show it."""

    event: Any
    what: str
    object: str
    changes: list[Change] = field(default_factory=list)
    note: str = ""

    @property
    def summary(self) -> str:
        return "；".join(str(change) for change in self.changes)


def _model(label: str) -> type[models.Model] | None:
    try:
        return apps.get_model(label) if "." in label else None
    except (LookupError, ValueError):
        return None


def _field(model: type[models.Model] | None, name: str) -> models.Field[Any, Any] | None:
    if model is None:
        return None
    for candidate in (name, name.removesuffix("_id")):
        try:
            found = model._meta.get_field(candidate)
        except FieldDoesNotExist:
            continue
        if isinstance(found, models.Field):
            return found
    return None


@dataclass(frozen=True)
class _Spec:
    """How one key of one event is shown."""

    label: str
    hidden: bool = False
    model: str = ""
    choices: dict[str, str] = field(default_factory=dict)


def _registered(action: str, name: str) -> Key | None:
    """The key as registered for this one event ("care.visit_create:members"), else for its
    area, else for every area."""
    area = action.split(".", 1)[0]
    for candidate in ((area, f"{action}:{name}"), (area, name), ("", name)):
        if candidate in _KEYS:
            return _KEYS[candidate]
    return None


def _choices(key: Key) -> dict[str, str]:
    if key.choices is None:
        return {}
    pairs = key.choices.choices if isinstance(key.choices, type) else key.choices.items()
    return {str(value): str(label) for value, label in pairs}


def _spec(action: str, model: type[models.Model] | None, name: str) -> _Spec:
    """A field of the event's object names itself (by its Chinese verbose name); other keys are
    registered (for the event, its area or every area); else 其他信息, never the key itself."""
    key = _registered(action, name)
    found = _field(model, name)
    event_scoped = (action.split(".", 1)[0], f"{action}:{name}") in _KEYS
    if key is not None and (key.hidden or found is None or event_scoped):
        return _Spec(str(key.label), key.hidden, key.model, _choices(key))
    if found is None:
        return _Spec(str(OTHER))
    label = str(found.verbose_name)
    if not CJK.search(label):  # an English verbose name is no better than the key
        label = str(key.label) if key is not None else str(OTHER)
    if found.is_relation and found.related_model is not None and not isinstance(found.related_model, str):
        return _Spec(label, model=found.related_model._meta.label_lower)
    if found.choices:
        return _Spec(label, choices={str(value): str(text) for value, text in found.flatchoices})
    return _Spec(label)


def _ids(value: Any) -> list[int]:
    values = value if isinstance(value, list) else [value]
    return [int(v) for v in values if isinstance(v, int) or (isinstance(v, str) and v.isdigit())]


def _plain(value: Any) -> str:
    if value is None or value == "":
        return _("无")
    if isinstance(value, bool):
        return _("是") if value else _("否")
    if isinstance(value, str):
        if ISO_DATE.match(value):
            day = dt.date.fromisoformat(value)
            return f"{day.year}年{day.month}月{day.day}日"
        if ISO_DATETIME.match(value):
            moment = dt.datetime.fromisoformat(value)
            return f"{moment.year}年{moment.month}月{moment.day}日 {moment:%H:%M}"
        return value
    if isinstance(value, dict):
        return "；".join(_plain(v) for v in value.values())
    return str(value)


class _Names:
    """Object names for the ids of a page's events: one query per model."""

    def __init__(self) -> None:
        self.wanted: dict[str, set[int]] = defaultdict(set)
        self.found: dict[str, dict[int, str]] = {}

    def want(self, model: str, value: Any) -> None:
        self.wanted[model].update(_ids(value))

    def fetch(self) -> None:
        for label, ids in self.wanted.items():
            model = _model(label)
            if model is None or not ids:
                continue
            self.found[label] = {
                pk: str(obj) for pk, obj in model._default_manager.in_bulk(sorted(ids)).items()
            }

    def name(self, model: str, value: Any) -> str:
        names = self.found.get(model, {})
        if isinstance(value, list):
            return "、".join(self.name(model, item) for item in value) or _("无")
        if value is None or value == "":
            return _("无")
        pk = _ids(value)
        if not pk:  # stored as a name already (a username, a group's name)
            return _plain(value)
        return names.get(pk[0]) or _("已删除的记录")


def _text(spec: _Spec, value: Any, names: _Names) -> str:
    if spec.model:
        return names.name(spec.model, value)
    if spec.choices:
        if isinstance(value, list):
            return "、".join(spec.choices.get(str(item), _plain(item)) for item in value)
        return spec.choices.get(str(value), _plain(value))
    if isinstance(value, list):
        return "、".join(_plain(item) for item in value) or _("无")
    return _plain(value)


def _note(event: Any) -> str:
    detail = event.detail or ""
    formatter = _DETAILS.get(event.action)
    if formatter is not None:
        return formatter(detail)
    return detail if CJK.search(detail) else ""


def describe(events: Iterable[Any]) -> list[Described]:
    """The events as Chinese sentences, their ids named with one query per model referenced."""
    _load()
    events = list(events)
    names = _Names()
    planned: list[tuple[Any, list[tuple[_Spec, str, Any, Any]]]] = []
    for event in events:
        model = _model(event.object_type)
        before, after = event.before or {}, event.after or {}
        if not isinstance(before, dict):
            before = {"": before}
        if not isinstance(after, dict):
            after = {"": after}
        rows = []
        for name in [*after.keys(), *(k for k in before if k not in after)]:
            spec = _spec(event.action, model, name)
            if spec.hidden:
                continue
            old, new = before.get(name), after.get(name)
            if spec.model:
                names.want(spec.model, old)
                names.want(spec.model, new)
            rows.append((spec, name, old if name in before else _MISSING, new if name in after else _MISSING))
        planned.append((event, rows))
    names.fetch()
    described = []
    for event, rows in planned:
        model = _model(event.object_type)
        changes = [
            Change(
                spec.label,
                None if old is _MISSING else _text(spec, old, names),
                None if new is _MISSING else _text(spec, new, names),
            )
            for spec, _name, old, new in rows
        ]
        shown_object = event.object_repr
        if not shown_object or DEFAULT_STR.search(shown_object):  # a model without __str__
            verbose = str(model._meta.verbose_name) if model is not None else ""
            shown_object = verbose if CJK.search(verbose) else ""
        described.append(Described(event, sentence(event.action), shown_object, changes, _note(event)))
    return described


_MISSING = object()


# --- the core app's own events ------------------------------------------------------------------

_ACCESS_ACTIONS = {
    "view": gettext_lazy("查看"),
    "change": gettext_lazy("修改"),
    "move": gettext_lazy("移动"),
    "reveal": gettext_lazy("查看完整信息"),
}


def _denied(detail: str) -> str:
    """`view /members/3/` (what was tried, on which page) as 查看：/members/3/."""
    verb, _space, page = detail.partition(" ")
    if verb.startswith("/"):
        verb, page = "", detail
    shown = str(_ACCESS_ACTIONS.get(verb, "")) or (_("操作") if verb else "")
    parts = [shown, _("页面 %(page)s") % {"page": page} if page else ""]
    return "，".join(part for part in parts if part)


def _login(detail: str) -> str:
    parts = []
    if "bad credentials" in detail:
        parts.append(_("用户名或密码错误"))
    if "address locked" in detail:
        parts.append(_("该地址登录尝试过多，需等待后再试"))
    elif "locked" in detail:
        parts.append(_("账号已暂时锁定") if parts else _("账号登录尝试过多，需等待后再试"))
    if "known device" in detail:
        parts.append(_("常用设备"))
    if parts:
        return "，".join(parts)
    return detail if CJK.search(detail) else ""


register(
    area=("org", gettext_lazy("组织")),
    events={
        "org.create": gettext_lazy("新建组织"),
        "org.update": gettext_lazy("修改组织信息"),
        "org.move": gettext_lazy("移动组织到新的上级"),
        "org.dissolve": gettext_lazy("撤销组织"),
    },
)
register(area=("import", gettext_lazy("批量导入")), events={
    "import.errors_revealed": gettext_lazy("下载导入错误说明表(身份证号未打码)"),
    "import.retry": gettext_lazy("重试中断的导入"),
}, keys={"step": Key(gettext_lazy("重试步骤"), choices={
    "validate": gettext_lazy("校验"), "apply": gettext_lazy("导入")})})  # fmt: skip
register(area=("export", gettext_lazy("导出文件")), events={
    "export.download": gettext_lazy("下载导出的文件"),
}, keys={"kind": gettext_lazy("文件类别"), "file": gettext_lazy("文件名"), "bytes": gettext_lazy("大小(字节)")})  # fmt: skip
register(area=("role", gettext_lazy("角色")), events={
    "role.assign": gettext_lazy("分配角色"),
    "role.revoke": gettext_lazy("撤销角色"),
})  # fmt: skip
register(area=("keys", gettext_lazy("密钥")), events={
    "keys.rotate": gettext_lazy("更换加密密钥(重新加密身份证号、重新密封选票)"),
}, keys={"members": gettext_lazy("重新加密的身份证号"), "ballots": gettext_lazy("重新密封的选票"),
         "old_key": gettext_lazy("旧密钥指纹"), "new_key": gettext_lazy("新密钥指纹")})  # fmt: skip
register(area=("backup", gettext_lazy("备份")), events={
    "backup.create": gettext_lazy("备份数据库和上传文件"),
    "backup.restore": gettext_lazy("从备份恢复数据库和上传文件"),
}, keys={"folder": gettext_lazy("备份目录"), "rows": gettext_lazy("数据行数"),
         "files": gettext_lazy("上传文件数"), "key": gettext_lazy("密钥指纹")})  # fmt: skip
register(area=("user", gettext_lazy("账号")), events={
    "user.create": gettext_lazy("新建账号"),
    "user.password_change": gettext_lazy("修改密码"),
    "user.unlock": gettext_lazy("解除登录锁定"),
}, keys={"username": gettext_lazy("用户名"), "name": gettext_lazy("名称"),
         "failures": gettext_lazy("连续登录失败次数")})  # fmt: skip
register(
    area=("access", gettext_lazy("访问控制")),
    events={
        "access.denied": gettext_lazy("访问被拒绝"),
        "login": gettext_lazy("登录"),
        "logout": gettext_lazy("退出登录"),
        "access.lock": gettext_lazy("登录尝试过多，暂缓登录"),
    },
    keys={
        "scope": Key(
            gettext_lazy("暂缓对象"),
            choices={"account": gettext_lazy("账号"), "address": gettext_lazy("登录地址")},
        ),
        "minutes": gettext_lazy("等待分钟数"),
        "failures": gettext_lazy("连续登录失败次数"),
    },
    details={"access.denied": _denied, "login": _login},
)
register(
    keys={
        "path": Key(gettext_lazy("路径"), hidden=True),  # a tree path of ids: internal
        "user": gettext_lazy("用户"),
        "state": gettext_lazy("状态"),
        "status": gettext_lazy("状态"),
        "reason": gettext_lazy("原因"),
        "count": gettext_lazy("数量"),
        "title": gettext_lazy("标题"),
        "kind": gettext_lazy("类别"),
        "year": gettext_lazy("年度"),
        "date": gettext_lazy("日期"),
        "on": gettext_lazy("日期"),
        "amount": gettext_lazy("金额(元)"),
        "total": gettext_lazy("合计"),
        "org": Key(gettext_lazy("组织"), model="core.org"),
    }
)
