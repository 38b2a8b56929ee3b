"""Import kinds: what one spreadsheet import reads and writes. The framework (core.imports.jobs)
does the rest: upload limits, reading, the 工会 column, row-by-row errors naming the cell, the
preview, one transaction, the audit event and progress. An app registers its kinds in its
AppConfig.ready(), so activities or training attendance plug in later without touching core."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any, ClassVar

from django.utils.translation import gettext as _

from gonghui.core.validators import CONTROL_CHARACTERS, has_control_characters

from .sheet import column_letter, mangled_number, text_of
from .workbook import Column

if TYPE_CHECKING:
    from gonghui.core.models import Org, User

    from .models import ImportJob

UNION_KEY = "union"
CENT = Decimal("0.01")
SHOWN_CHARS = 50  # a value quoted in an error message is cut here ("…")
MESSAGE_CHARS = 150  # and a whole message here: an error list stays small whatever the cells hold
_QUOTED = re.compile("“([^”]*)”")


def shown(value: Any, most: int = SHOWN_CHARS) -> str:
    """A cell's text as an error message quotes it: without control characters, cut at `most`."""
    text = CONTROL_CHARACTERS.sub("", text_of(value))
    return text if len(text) <= most else text[:most] + "…"


def clip_message(message: str) -> str:
    """An error message with every “quoted value” cut to SHOWN_CHARS and the whole to
    MESSAGE_CHARS: a message never repeats a long cell, so the status page stays small."""
    message = _QUOTED.sub(lambda match: f"“{shown(match.group(1))}”", str(message))
    message = CONTROL_CHARACTERS.sub("", message)
    return message if len(message) <= MESSAGE_CHARS else message[:MESSAGE_CHARS] + "…"


class RowError(Exception):
    """Raised by a Row reader; the framework records it against the row's cell."""


@dataclass
class Row:
    """One data row: the cells by column key, the union it goes to, and its errors."""

    number: int  # Excel row number
    cells: dict[str, Any]
    positions: dict[str, int]  # column key → position in the file
    headers: dict[str, str]  # column key → header as the file spells it
    union: Org | None = None
    errors: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        # The one check every text cell of every kind gets, where the cells of a row are read: an
        # invisible control character (NUL, vertical tab, …) would break every document the text
        # later goes into, so the row is refused (and with it the whole import) naming the cell.
        for key, value in self.cells.items():
            if isinstance(value, str) and has_control_characters(value):
                self.error(key, _("包含不可见的控制字符，请删除后重新上传。"))

    def error(self, key: str, message: str) -> None:
        position = self.positions.get(key)
        self.errors.append({
            "row": self.number,
            "position": position,
            "letter": column_letter(position) if position is not None else "",
            "column": shown(self.headers.get(key, key), 20),
            "message": clip_message(message),
        })  # fmt: skip

    def raw(self, key: str) -> Any:
        return self.cells.get(key)

    def text(self, key: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = text_of(self.cells.get(key))
        if required and not value:
            self.error(key, _("不能为空。"))
        if max_length is not None and len(value) > max_length:
            self.error(key, _("不能超过%(n)s个字。") % {"n": max_length})
            value = value[:max_length]
        return value

    def date(self, key: str, *, required: bool = False, default: dt.date | None = None,
             not_after: dt.date | None = None) -> dt.date | None:  # fmt: skip
        value = self.cells.get(key)
        if value is None or value == "":
            if required and default is None:
                self.error(key, _("不能为空。"))
            return default
        if isinstance(value, dt.datetime):
            day: dt.date = value.date()
        elif isinstance(value, dt.date):
            day = value
        else:
            day_or_none = parse_date_text(text_of(value))
            if day_or_none is None:
                self.error(key, _("日期格式应为 yyyy/MM/dd，如 2026/03/08。"))
                return None
            day = day_or_none
        if not_after is not None and day > not_after:
            self.error(key, _("日期不能晚于%(day)s。") % {"day": not_after.strftime("%Y/%m/%d")})
            return None
        return day

    def money(self, key: str, *, required: bool = True, allow_zero: bool = False) -> Decimal | None:
        """An amount in yuan, exact to the fen (a float cell is read through its shortest repr,
        so 0.1 + 0.2 typed by Excel comes back as 0.3, never as 0.30000000000000004)."""
        value = self.cells.get(key)
        if value is None or value == "":
            if required:
                self.error(key, _("不能为空。"))
            return None
        try:
            amount = (
                Decimal(repr(value)) if isinstance(value, float) else Decimal(text_of(value).replace(",", ""))
            )
        except InvalidOperation:
            self.error(key, _("应为金额数字，如 500 或 500.50。"))
            return None
        if not amount.is_finite() or amount < 0 or (amount == 0 and not allow_zero):
            self.error(key, _("金额不能为负数。") if allow_zero else _("金额必须大于零。"))
            return None
        if amount != amount.quantize(CENT):
            self.error(key, _("金额最多保留两位小数(到分)。"))
            return None
        return amount.quantize(CENT)

    def choice(self, key: str, options: dict[str, str], *, required: bool = False, default: str = "") -> str:
        """A value picked from `options` (label → stored value)."""
        label = text_of(self.cells.get(key))
        if not label:
            if required and not default:
                self.error(key, _("不能为空。"))
            return default
        if label not in options:
            self.error(key, _("“%(value)s”不是可选的值，请从下拉列表中选择。") % {"value": shown(label)})
            return default
        return options[label]

    def id_number(self, key: str) -> str:
        """An ID number read as text; a number Excel turned into a float is an error, since its
        last digits are gone."""
        value = self.cells.get(key)
        if mangled_number(value):
            self.error(key, _("身份证号被 Excel 存成了数字，后几位已经丢失。请把该列设置为“文本”格式后重新填写"
                              "（或在号码前加英文单引号 '）。"))  # fmt: skip
            return ""
        return text_of(value).upper()


def parse_date_text(text: str) -> dt.date | None:
    match = re.fullmatch(r"(\d{4})[/\-.年](\d{1,2})[/\-.月](\d{1,2})日?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not match:
        return None
    try:
        return dt.date(*(int(part) for part in match.groups()))
    except ValueError:
        return None


@dataclass
class Context:
    """What a kind sees while checking and writing one job."""

    job: ImportJob
    actor: User | None
    org: Org
    today: dt.date
    state: dict[str, Any] = field(default_factory=dict)  # the kind's look-ups for the whole file


class ImportKind:
    """Subclass, set the class attributes, implement `check_row` and `write`, and `register()`."""

    key: ClassVar[str]
    title: ClassVar[Any]  # lazy text: the thing imported, as in "批量导入帮扶发放"
    sheet_name: ClassVar[str]
    columns: ClassVar[Sequence[Column]]
    notes: ClassVar[Sequence[Any]] = ()  # text or lazy text
    union_column: ClassVar[bool] = True  # a 工会 column: name or code of a union in scope
    audit_action: ClassVar[str]
    max_rows: ClassVar[int] = 20000
    # The longest text one cell may hold (the file is refused above it, naming the cell); 0: the
    # site's GONGHUI_IMPORT_MAX_CELL_CHARS. A kind with a longer text column raises it.
    max_cell_chars: ClassVar[int] = 0
    id_columns: ClassVar[tuple[str, ...]] = ()  # masked in the error sheet unless `may_reveal`

    # --- who and where ---
    def may_import(self, user: Any, org: Org | str) -> bool:
        """Whether `user` may import rows into `org` (an Org, or its path: no query)."""
        raise NotImplementedError

    def may_reveal(self, user: Any, org: Org) -> bool:
        """Whether `user` may read the ID numbers of the uploaded rows in full (the error sheet)."""
        from gonghui.core.access import in_scope
        from gonghui.core.enums import Role

        return in_scope(user, org, {Role.CHAIR, Role.VICE_CHAIR})

    def accepts_union(self, org: Org) -> bool:
        """Whether rows may go to this union (grassroots-like unions for most kinds)."""
        from gonghui.core.enums import OrgKind

        return org.kind != OrgKind.GROUP and org.is_active

    def list_url(self, job: ImportJob) -> str:
        raise NotImplementedError

    def org_of(self, options: dict[str, Any]) -> Org | None:
        """The one union an import with these options goes to (a drive's union), if fixed."""
        return None

    def clean_options(self, *, actor: Any, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        """Check the job's options (e.g. the donation drive); raise DomainError to refuse."""
        return {}

    # --- the template ---
    def lists(self, org: Org, options: dict[str, Any]) -> dict[str, list[str]]:
        """Per-union pick lists by column key (the union's own code tables)."""
        return {}

    def example(self, org: Org, options: dict[str, Any]) -> dict[str, Any]:
        return {}

    # --- checking and writing ---
    def prepare(self, ctx: Context, unions: list[Org]) -> None:
        """Load what every row needs in a few queries (members of the unions, …) into ctx.state."""

    def check_row(self, ctx: Context, row: Row) -> Any:
        """Validate one row (errors through `row.error`) and return what `write` needs, or None."""
        raise NotImplementedError

    def preview_of(self, item: Any) -> list[str]:
        """A few cells summarising a checked row for the preview table."""
        return []

    preview_headers: ClassVar[Sequence[Any]] = ()  # text or lazy text

    def write(self, ctx: Context, items: list[Any]) -> int:
        """Write every checked row (inside the framework's transaction); return the count."""
        raise NotImplementedError

    def audit_after(self, ctx: Context, items: list[Any]) -> dict[str, Any]:
        return {}

    # --- optional hooks (a kind with its own column names, look-ups over the whole file, counts) ---
    def match_header(self, header: str) -> str | None:
        """The column key a header (spaces and * removed) stands for: by default its own header;
        a kind may accept other spellings (a provincial form's 证件号码 for 身份证号)."""
        for column in self.all_columns():
            if column.header == header:
                return column.key
        return None

    def template_columns(self, org: Org) -> list[Column]:
        """The template's columns for `org` (a kind may leave the 工会 column out where a union
        has no subordinate unions to name)."""
        return self.all_columns()

    def finish(self, ctx: Context, scan: Any) -> None:
        """After every row is checked: checks over the whole file in a few queries (numbers
        already registered elsewhere); errors go to `scan.reject(row, errors)`."""

    def summary(self, ctx: Context, scan: Any) -> str:
        """The preview's one-line summary; empty for the framework's own."""
        return ""

    def done_message(self, ctx: Context, count: int) -> str:
        return _("导入完成：共导入%(n)s行。") % {"n": count}

    def mask_of(self, key: str) -> Callable[[str], str]:
        """How the error sheet hides an `id_columns` cell from who may not read it in full."""
        from .jobs import mask_number

        return mask_number

    def all_columns(self) -> list[Column]:
        if not self.union_column:
            return list(self.columns)
        union = Column(
            UNION_KEY,
            _("工会"),
            note=_("工会名称或组织代码；留空为导入时选择的工会。只能填写您管理范围内的工会。"),
        )
        return [union, *self.columns]


_REGISTRY: dict[str, ImportKind] = {}


def register(kind: ImportKind) -> ImportKind:
    _REGISTRY[kind.key] = kind
    return kind


def get(key: str) -> ImportKind | None:
    return _REGISTRY.get(key)


def all_kinds() -> list[ImportKind]:
    return list(_REGISTRY.values())
