"""The audit log and 变更记录 read as Chinese sentences, never codes or raw dictionaries (issue 12 §4).

The events are found the way a reviewer would: by grepping the code for `audit(action="…")`
(and the state machines' `action="…"`), with the keys each call stores, so a new event without
its Chinese text fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.urls import reverse

from gonghui.core import audit_text, services
from gonghui.core.audit import audit
from gonghui.core.enums import Outcome, Role
from gonghui.core.models import AuditEvent, Org

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parents[2] / "gonghui"
# `audit(action="…")`, the state machines' `action="…"`, and import kinds' `audit_action = "…"`.
CODE = re.compile(r"""(?:audit_)?action\s?=\s?["']([a-z]+\.[a-z_]+|login|logout)["']""")
KEY = re.compile(r"""["']([a-z_]+)["']\s*:""")
# What users must never see: an event code, a dictionary, a field name with its _id.
TECHNICAL = re.compile(
    r"\b(?:org|role|user|access|member|congress|care|voting|notices|reports|imports|core)\.[a-z_]+\b|[{}]|_id\b|\blogin\b|\blogout\b"
)
AREA_MODEL = {
    "org": "core.org",
    "role": "core.roleassignment",
    "user": "core.user",
    "member": "members.member",
    "congress": "congress.proposal",
    "care": "care.assistanceapplication",
    "voting": "voting.poll",
    "notices": "notices.notice",
    "reports": "summary",
}


def emitted_events() -> dict[str, set[str]]:
    """Every event code the code writes, with the dictionary keys written beside it."""
    events: dict[str, set[str]] = {}
    for path in SOURCE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        for match in CODE.finditer(text):
            call = text[match.start() : match.start() + 600].split("\n\n", 1)[0]
            events.setdefault(match.group(1), set()).update(KEY.findall(call))
    return events


def rows_of(content: str) -> str:
    return content.split('id="audit-table"')[1].split("</table>")[0]


def test_the_grep_finds_the_events_of_every_area() -> None:
    found = emitted_events()
    assert {"org.create", "member.update", "care.visit_create", "voting.vote", "login"} <= set(found)
    assert "parent_id" in found["org.create"] | found["org.move"]


def test_every_event_the_code_emits_has_a_chinese_sentence() -> None:
    registered = audit_text.registered_events()
    missing = sorted(code for code in emitted_events() if code not in registered)
    assert missing == [], "register these in the app's audit_text.py"
    for code in emitted_events():
        assert re.search(r"[\u4e00-\u9fff]", audit_text.sentence(code)), code


def test_the_audit_log_shows_every_event_type_without_codes_or_raw_data(tree, chair, client_for) -> None:
    for number, (code, keys) in enumerate(sorted(emitted_events().items())):
        area = code.split(".", 1)[0] if "." in code else "access"
        payload = {key: (tree.school1.pk if key.endswith("_id") else f"值{number}") for key in sorted(keys)}
        AuditEvent.objects.create(
            org=tree.school1, action=code, actor_label="王老师", object_type=AREA_MODEL.get(area, ""),
            object_id="1", object_repr=f"对象{number}", before=payload or None, after=payload or None,
            detail="view /members/3/" if code == "access.denied" else "",
        )  # fmt: skip
    client = client_for(chair)

    pages = [
        rows_of(client.get(reverse("core:audit_list"), {"page": page}).content.decode()) for page in (1, 2, 3)
    ]

    shown = "".join(pages)
    assert TECHNICAL.findall(shown) == []
    assert shown.count("王老师") == len(emitted_events())
    assert "新建组织" in shown and "访问被拒绝" in shown and "页面 /members/3/" in shown


def test_org_history_reads_as_sentences_with_names_not_ids(tree, county_officer, client_for) -> None:
    school = services.org_create(actor=county_officer, parent=tree.school1, name="新设工会小组", kind="group")
    services.org_update(actor=county_officer, org=Org.objects.get(pk=school.pk), name="改名后的工会小组",
                        short_name="", kind="group", unit_type="", code="", workforce=12)  # fmt: skip
    services.org_move(actor=county_officer, org=Org.objects.get(pk=school.pk), new_parent=tree.school2)
    audit(action="access.denied", outcome=Outcome.DENIED, object_type="core.org", object_id=str(school.pk),
          detail="change /orgs/1/edit/")  # fmt: skip

    content = client_for(county_officer).get(reverse("core:org_detail", args=[school.pk])).content.decode()

    history = content.split('id="history"')[1].split("</ul>")[0]
    assert "新建组织" in history and "修改组织信息" in history and "移动组织到新的上级" in history
    assert "上级组织：第一中学工会 → 第二小学工会" in history
    assert "名称：新设工会小组 → 改名后的工会小组" in history
    assert "工会小组" in history  # the kind's label, not its code
    assert TECHNICAL.findall(history) == []
    assert "访问被拒绝" not in history  # a refusal is in the audit log, not among the changes


def test_role_and_login_events_name_the_role_and_the_failure(tree, chair, client_for) -> None:
    member = services.user_create(actor=chair, username="zhanglaoshi", name="张老师", password="Gonghui@2026")
    services.role_assign(actor=chair, user=member, org=tree.school1, role=Role.MEMBER)
    audit(action="login", outcome=Outcome.FAILURE, actor_label="zhanglaoshi", detail="bad credentials; locked",
          org=tree.school1.pk)  # fmt: skip

    rows = rows_of(client_for(chair).get(reverse("core:audit_list")).content.decode())

    assert "分配角色" in rows and "角色：会员" in rows
    assert "登录" in rows and "用户名或密码错误，账号已暂时锁定" in rows
    assert "bad credentials" not in rows
    assert TECHNICAL.findall(rows) == []


def test_an_unknown_event_still_reads_in_chinese(tree) -> None:
    known_area = AuditEvent(action="member.something_new", after={"mystery_field": 3, "member_id": 5})
    unknown = AuditEvent(action="zzz.unheard_of")

    described = audit_text.describe([known_area, unknown])

    assert described[0].what == "会员：其他操作"
    assert described[0].summary == "其他信息：3；其他信息：5"
    assert described[1].what == "其他操作"


def test_the_category_filter_offers_areas_by_name_and_keeps_logins_with_access(
    tree, chair, client_for
) -> None:
    AuditEvent.objects.create(org=tree.school1, action="login", object_repr="甲")
    AuditEvent.objects.create(org=tree.school1, action="access.denied", object_repr="乙")
    AuditEvent.objects.create(org=tree.school1, action="member.export", object_repr="丙")

    response = client_for(chair).get(reverse("core:audit_list"), {"action": "access."})

    content = response.content.decode()
    rows = rows_of(content)
    assert '<option value="member.">会员</option>' in content
    assert "甲" in rows and "乙" in rows and "丙" not in rows
