"""`gonghui init`: the first run of a new installation. Creates the top organisation (e.g. 某县总工会
or 某县教育工会) and its administrator account, instead of the demo. Refuses when organisations
exist already. Everything goes through core.services (validated and audited) in one transaction.

Interactive: asks for what the options do not give. Non-interactive (`--no-input`, or no
terminal): every value from the options, the password from GONGHUI_INIT_PASSWORD (a password on
the command line would show in the process list and the shell history)."""

from __future__ import annotations

import getpass
import os
import sys
from collections.abc import Callable
from typing import Any

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from gonghui.core import services
from gonghui.core.enums import SUPERIOR_KINDS, OrgKind, Role, UnitType
from gonghui.core.errors import DomainError
from gonghui.core.models import Org, User

PASSWORD_ENV = "GONGHUI_INIT_PASSWORD"


def _kind_list() -> str:
    return "，".join(f"{kind.value}={kind.label}" for kind in OrgKind)


def _messages(error: ValidationError | DomainError) -> str:
    texts = [str(m) for m in error.messages] if isinstance(error, ValidationError) else [str(error)]
    return "；".join(text.rstrip("。") for text in texts) + "。"


class Command(BaseCommand):
    help = (
        "First run: create the top organisation and its administrator (refuses when organisations exist). "
        f"Password from the prompt or ${PASSWORD_ENV}."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--org-name", default="", help="名称, e.g. 青山县总工会")
        parser.add_argument(
            "--org-kind",
            default="",
            choices=[kind.value for kind in OrgKind],
            help=f"类别 (default county): {_kind_list()}",
        )
        parser.add_argument("--org-code", default="", help="组织代码 (optional)")
        parser.add_argument("--username", default="", help="管理员用户名 (letters, digits)")
        parser.add_argument("--name", default="", help="管理员姓名")
        parser.add_argument("--mobile", default="", help="管理员手机号 (optional; also a login name)")
        parser.add_argument(
            "--no-input", "--noinput", action="store_false", dest="interactive", help="never prompt"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        if Org.objects.exists():
            raise CommandError(
                "数据库中已有组织，init 只用于新安装的空数据库；请登录后在“组织”中添加下级组织。"
                "Organisations exist already: init is for a new, empty database."
            )
        interactive = options["interactive"] and sys.stdin.isatty()
        ask = self._prompt if interactive else None

        org_name = self._value(options["org_name"], "顶级组织名称（如 青山县总工会）", ask)
        kind = options["org_kind"] or (
            self._value(
                "", f"组织类别 [{_kind_list()}]，直接回车为 county", ask, default=OrgKind.COUNTY.value
            )
            if interactive
            else OrgKind.COUNTY.value
        )
        if kind not in OrgKind.values:
            raise CommandError(f"未知的组织类别“{kind}”。可选：{_kind_list()}")
        username = self._value(options["username"], "管理员用户名（字母或数字，用于登录）", ask)
        name = self._value(options["name"], "管理员姓名", ask)
        mobile = options["mobile"] or (
            self._value("", "管理员手机号（可不填）", ask, default="") if interactive else ""
        )
        password = self._password(interactive, User(username=username, name=name))

        try:
            with transaction.atomic():
                if Org.objects.exists():  # another init ran meanwhile
                    raise DomainError("数据库中已有组织。")
                org = services.org_create(
                    actor=None,
                    parent=None,
                    name=org_name,
                    kind=kind,
                    unit_type=UnitType.ORGAN,
                    code=options["org_code"] or None,
                )
                admin = services.user_create(
                    actor=None, username=username, name=name, password=password, mobile=mobile or None
                )
                # A federation's administrator oversees the unions below it; the chair runs a
                # single (grassroots) union.
                role = Role.SUPERIOR_ADMIN if kind in SUPERIOR_KINDS else Role.CHAIR
                services.role_assign(actor=None, user=admin, org=org, role=role)
        except (ValidationError, DomainError) as error:
            raise CommandError(f"未创建任何数据：{_messages(error)}") from error

        self.stdout.write(
            self.style.SUCCESS(
                f"已创建顶级组织“{org.name}”（{org.get_kind_display()}）和管理员“{admin.username}”"
                f"（{Role(role).label}）。请用该账号登录，在“组织”中建立下级组织并分配角色。"
            )
        )

    # --- input ------------------------------------------------------------------------------------

    def _prompt(self, label: str) -> str:
        return input(f"{label}：").strip()

    def _value(
        self, given: str, label: str, ask: Callable[[str], str] | None, *, default: str | None = None
    ) -> str:
        value = given.strip()
        while not value:
            if ask is None:
                raise CommandError(f"缺少“{label}”：请用选项给出（见 --help），或在终端中运行以逐项输入。")
            value = ask(label)
            if not value and default is not None:
                return default
        return value

    def _password(self, interactive: bool, user: User) -> str:
        """From GONGHUI_INIT_PASSWORD, else asked twice; checked against the password rules
        (the service checks it again)."""
        from_env = os.environ.get(PASSWORD_ENV, "")
        if from_env:
            return from_env
        if not interactive:
            raise CommandError(f"缺少管理员密码：请设置环境变量 {PASSWORD_ENV}，或在终端中运行以输入密码。")
        while True:
            first = getpass.getpass("管理员密码：")
            if not first or first != getpass.getpass("再次输入密码："):
                self.stderr.write("两次输入的密码不一致或为空，请重新输入。")
                continue
            try:
                validate_password(first, user)
            except ValidationError as error:
                self.stderr.write(_messages(error))
                continue
            return first
