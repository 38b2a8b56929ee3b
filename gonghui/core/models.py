"""Core models: the organisation tree, users and roles, the audit log and notifications."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Lookup
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import ORG_TRANSITIONS, OrgKind, OrgStatus, Outcome, Portfolio, Role, UnitType
from .policy import AccessPolicy
from .transitions import StateMachine


class TreePathField(models.CharField):
    """Materialised path of an org: "/1/23/456/" (ids from the root down, slash-terminated).

    A subtree is a prefix, so subtree queries are one indexed range scan and "is X inside
    Y's subtree" is a string test in Python with no query at all.
    """


@TreePathField.register_lookup
class Under(Lookup):
    """`path__under="/1/23/"`: rows whose path starts with the given path (the subtree).

    Written per backend so the prefix is index-friendly: GLOB is case-sensitive and uses the
    SQLite index; LIKE uses PostgreSQL's varchar_pattern_ops index. Paths hold only digits and
    slashes, so neither pattern needs escaping.
    """

    lookup_name = "under"

    def get_db_prep_lookup(self, value: Any, connection: Any) -> Any:
        wildcard = "*" if connection.vendor == "sqlite" else "%"
        return ("%s", [f"{value}{wildcard}"])

    def as_sql(self, compiler: Any, connection: Any) -> Any:
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        operator = "GLOB" if connection.vendor == "sqlite" else "LIKE"
        return f"{lhs} {operator} {rhs}", [*lhs_params, *rhs_params]


class Org(models.Model):
    name = models.CharField(_("名称"), max_length=120)
    short_name = models.CharField(_("简称"), max_length=40, blank=True)
    kind = models.CharField(_("组织类型"), max_length=20, choices=OrgKind.choices)
    unit_type = models.CharField(_("单位类型"), max_length=20, choices=UnitType.choices, blank=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("上级组织"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = TreePathField(max_length=255, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    code = models.CharField(_("组织代码"), max_length=40, null=True, blank=True, unique=True)
    workforce = models.PositiveIntegerField(_("职工人数"), default=0)
    status = models.CharField(_("状态"), max_length=12, choices=OrgStatus.choices, default=OrgStatus.ACTIVE)
    dissolved_at = models.DateField(_("撤销日期"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="",
        view=frozenset(Role) - {Role.MEMBER, Role.DELEGATE, Role.DEPARTMENT},
        change=frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR, Role.VICE_CHAIR}),
        move=frozenset({Role.SUPERIOR_ADMIN}),
    )

    # The one way `status` changes (core.transitions).
    states: ClassVar[StateMachine] = StateMachine(
        field="status",
        choices=OrgStatus,
        table=ORG_TRANSITIONS,
        action="org.dissolve",
        refused=_("该组织已撤销。"),
    )

    class Meta:
        verbose_name = _("组织")
        verbose_name_plural = _("组织")
        indexes = [
            models.Index(fields=["path"], name="core_org_path_idx", opclasses=["varchar_pattern_ops"]),
            models.Index(fields=["parent", "name"], name="core_org_parent_name_idx"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_active(self) -> bool:
        return self.status == OrgStatus.ACTIVE

    def is_within(self, ancestor_path: str) -> bool:
        """True if this org is `ancestor_path` or below it (no query)."""
        return self.path.startswith(ancestor_path)

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


class User(AbstractUser):
    name = models.CharField(_("姓名"), max_length=40, blank=True)
    mobile = models.CharField(_("手机号"), max_length=11, null=True, blank=True, unique=True)

    objects: ClassVar[UserManager[User]] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self) -> str:
        return self.name or self.username


class RoleAssignment(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="roles", verbose_name=_("用户"))
    org = models.ForeignKey(
        Org, on_delete=models.PROTECT, related_name="role_assignments", verbose_name=_("组织")
    )
    role = models.CharField(_("角色"), max_length=20, choices=Role.choices)
    portfolio = models.CharField(_("分工"), max_length=20, choices=Portfolio.choices, blank=True, default="")
    this_org_only = models.BooleanField(_("仅限本组织"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org",
        view=frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR, Role.VICE_CHAIR}),
        change=frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR}),
        owner_field="user",
    )

    class Meta:
        verbose_name = _("角色")
        verbose_name_plural = _("角色")
        constraints = [
            models.UniqueConstraint(fields=["user", "org", "role", "portfolio"], name="core_role_unique"),
        ]

    def __str__(self) -> str:
        label = self.get_role_display()
        if self.portfolio:
            label = f"{label}({self.get_portfolio_display()})"
        return f"{self.org.name} · {label}"


class LoginThrottle(models.Model):
    """Failed-login counter per login identifier (username or mobile), for the lockout rule."""

    identifier = models.CharField(max_length=150, unique=True)
    failures = models.PositiveIntegerField(default=0)
    locked_until = models.DateTimeField(null=True, blank=True)
    last_failure_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return self.identifier


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs: Any) -> int:
        raise PermissionError("audit events are append-only")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only; use core.audit.prune_expired")


class AuditEvent(models.Model):
    """One append-only line of the audit log. Never updated, only pruned after retention."""

    at = models.DateTimeField(_("时间"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("操作人")
    )
    actor_label = models.CharField(_("操作人"), max_length=150, blank=True)
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.SET_NULL, verbose_name=_("组织"))
    action = models.CharField(_("操作"), max_length=60, db_index=True)
    object_type = models.CharField(_("对象类型"), max_length=60, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=40, blank=True)
    object_repr = models.CharField(_("对象"), max_length=200, blank=True)
    outcome = models.CharField(_("结果"), max_length=10, choices=Outcome.choices, default=Outcome.SUCCESS)
    ip = models.GenericIPAddressField(_("来源IP"), null=True, blank=True)
    before = models.JSONField(_("修改前"), null=True, blank=True)
    after = models.JSONField(_("修改后"), null=True, blank=True)
    detail = models.CharField(_("说明"), max_length=300, blank=True)

    objects = AppendOnlyQuerySet.as_manager()

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org",
        view=frozenset({Role.SUPERIOR_ADMIN, Role.CHAIR}),
    )

    class Meta:
        verbose_name = _("审计日志")
        verbose_name_plural = _("审计日志")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["org", "-at"], name="core_audit_org_at_idx")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")


class Notification(models.Model):
    """An in-app message (站内消息) to one user."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    org = models.ForeignKey(Org, null=True, blank=True, on_delete=models.SET_NULL)
    title = models.CharField(_("标题"), max_length=120)
    body = models.TextField(_("内容"), blank=True)
    url = models.CharField(_("链接"), max_length=300, blank=True)
    created_at = models.DateTimeField(_("时间"), default=timezone.now)
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)

    access: ClassVar[AccessPolicy] = AccessPolicy(
        org_field="org", owner_field="user", owner_actions=frozenset({"view", "change"})
    )

    class Meta:
        verbose_name = _("站内消息")
        verbose_name_plural = _("站内消息")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["user", "read_at"], name="core_notif_user_read_idx")]

    def __str__(self) -> str:
        return self.title


from .exports.models import ExportJob  # noqa: E402,F401  (generated documents: PDF, DOCX, XLSX)
from .imports.models import ImportJob  # noqa: E402,F401  (the import framework's job table)
from .workers import WorkerBeat  # noqa: E402,F401  (the task queue workers' heartbeats)
