"""System checks for settings that must never be weakened."""

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Error, Warning, register

from . import keys
from .audit import MIN_RETENTION_DAYS


@register()
def audit_retention_check(app_configs: Any, **kwargs: Any) -> list[Warning]:
    configured = int(getattr(settings, "GONGHUI_AUDIT_RETENTION_DAYS", MIN_RETENTION_DAYS))
    if configured < MIN_RETENTION_DAYS:
        return [
            Warning(
                f"GONGHUI_AUDIT_RETENTION_DAYS={configured} is below the minimum; "
                f"{MIN_RETENTION_DAYS} days are kept.",
                id="gonghui.W001",
            )
        ]
    return []


@register()
def field_key_check(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    """GONGHUI_FIELD_KEY is required with DEBUG off: without it `runserver`, `migrate` and
    `check` (which the production command runs before gunicorn) refuse to start."""
    key = keys.configured_key()
    hint = '生成密钥 / generate one: python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
    if not key:
        if settings.DEBUG:
            return [
                Warning(
                    "未设置 GONGHUI_FIELD_KEY，正在使用不安全的开发密钥（仅限 DEBUG）。"
                    "GONGHUI_FIELD_KEY is not set: the insecure development key is used (DEBUG only).",
                    hint=hint,
                    id="gonghui.W010",
                )
            ]
        return [Error(keys.MISSING_MESSAGE, hint=hint, id="gonghui.E010")]
    messages: list[CheckMessage] = []
    if key == keys.DEV_KEY and not settings.DEBUG:
        messages.append(
            Error(
                "GONGHUI_FIELD_KEY 不能使用公开的开发密钥。"
                "GONGHUI_FIELD_KEY must not be the published development key.",
                hint=hint,
                id="gonghui.E011",
            )
        )
    elif len(key) < keys.MIN_LENGTH:
        messages.append(
            Warning(
                f"GONGHUI_FIELD_KEY 太短（少于{keys.MIN_LENGTH}个字符）。"
                f"GONGHUI_FIELD_KEY is shorter than {keys.MIN_LENGTH} characters.",
                hint=hint,
                id="gonghui.W011",
            )
        )
    if key == settings.SECRET_KEY:
        messages.append(
            Warning(
                "GONGHUI_FIELD_KEY 不应与 SECRET_KEY 相同。GONGHUI_FIELD_KEY should differ from SECRET_KEY.",
                hint=hint,
                id="gonghui.W012",
            )
        )
    return messages


def holiday_calendar_check(app_configs: Any = None, **kwargs: Any) -> list[Warning]:
    """Working-day periods (公示, deadlines) need the State Council holiday schedule of the year
    at hand, and from December on of the next one (core/workdays.py): it comes with the
    chinesecalendar package, updated by a new release after each yearly notice.

    Not a registered system check on purpose: `check --deploy` gates `make serve`, and a package
    release that comes late must not keep a union's server from starting. The administrator is
    told on the home page (core.todos) and the worker logs it daily (core.schedule)."""
    from django.utils import timezone

    from . import workdays

    year = workdays.missing_year(timezone.localdate())
    if year is None:
        return []
    known = workdays.covered_years()
    return [
        Warning(
            f"节假日数据不含{year}年（已有{known.start}–{known.stop - 1}年）：该年的公示期、期限只按周末计算，"
            "法定节假日和调休上班日未计入。"
            f"The holiday data does not cover {year} (it covers {known.start}–{known.stop - 1}): "
            "working-day periods in that year count weekends only, without statutory holidays "
            "and make-up working days.",
            hint="国务院发布该年放假安排、chinesecalendar 发布新版本后，提高 pyproject.toml 中的版本下限，"
            "运行 make lock 和 make setup。/ After the State Council's notice for that year and a "
            "new chinesecalendar release: raise its pin in pyproject.toml, run `make lock` and `make setup`.",
            id="gonghui.W030",
        )
    ]
