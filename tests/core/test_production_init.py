"""`manage.py init`: the first run of a new installation creates the top organisation and its
administrator (instead of the demo), audited, and refuses a database that has organisations."""

from __future__ import annotations

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from gonghui.core.enums import OrgKind, Role
from gonghui.core.models import AuditEvent, Org, RoleAssignment, User

from ..factories import OrgFactory

PASSWORD = "Qingshan#2026"


@pytest.fixture
def init_password(monkeypatch):
    monkeypatch.setenv("GONGHUI_INIT_PASSWORD", PASSWORD)


def init(*args: str) -> None:
    call_command("init", "--no-input", *args)


@pytest.mark.django_db
def test_init_creates_the_top_federation_and_its_administrator_who_can_sign_in(init_password, capsys):
    init("--org-name", "青山县总工会", "--username", "admin", "--name", "张建华", "--mobile", "13900000001")

    org = Org.objects.get()
    assert (org.name, org.kind, org.parent_id, org.depth) == ("青山县总工会", OrgKind.COUNTY, None, 0)
    admin = User.objects.get(username="admin")
    assert (admin.name, admin.mobile) == ("张建华", "13900000001")
    assert list(RoleAssignment.objects.values_list("user__username", "org__name", "role")) == [
        ("admin", "青山县总工会", Role.SUPERIOR_ADMIN)
    ]
    assert "已创建顶级组织“青山县总工会”" in capsys.readouterr().out
    client = Client()
    response = client.post("/accounts/login/", {"identifier": "13900000001", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/").status_code == 200


@pytest.mark.django_db
def test_init_of_a_single_grassroots_union_makes_its_administrator_the_chair(init_password):
    init(
        "--org-name",
        "青山县第一中学工会",
        "--org-kind",
        OrgKind.GRASSROOTS,
        "--username",
        "chair",
        "--name",
        "李梅",
    )

    assert list(RoleAssignment.objects.values_list("org__kind", "role")) == [(OrgKind.GRASSROOTS, Role.CHAIR)]


@pytest.mark.django_db
def test_init_is_audited(init_password):
    init(
        "--org-name",
        "青山县教育工会",
        "--org-kind",
        OrgKind.INDUSTRY,
        "--username",
        "admin",
        "--name",
        "张建华",
    )

    assert sorted(AuditEvent.objects.values_list("action", flat=True)) == [
        "org.create",
        "role.assign",
        "user.create",
    ]


@pytest.mark.django_db
def test_init_refuses_when_organisations_exist(init_password):
    OrgFactory(name="已有的总工会", kind=OrgKind.COUNTY)

    with pytest.raises(CommandError, match="数据库中已有组织"):
        init("--org-name", "青山县总工会", "--username", "admin", "--name", "张建华")

    assert Org.objects.count() == 1
    assert not User.objects.filter(username="admin").exists()


@pytest.mark.django_db
def test_init_refuses_a_weak_password_and_creates_nothing(monkeypatch):
    monkeypatch.setenv("GONGHUI_INIT_PASSWORD", "123456")

    with pytest.raises(CommandError, match="未创建任何数据：密码太短"):
        init("--org-name", "青山县总工会", "--username", "admin", "--name", "张建华")

    assert not Org.objects.exists()
    assert not User.objects.exists()
    assert not AuditEvent.objects.exists()


@pytest.mark.django_db
def test_init_without_a_terminal_names_what_is_missing(monkeypatch):
    monkeypatch.delenv("GONGHUI_INIT_PASSWORD", raising=False)

    with pytest.raises(CommandError, match="缺少“管理员用户名"):
        init("--org-name", "青山县总工会")
    with pytest.raises(CommandError, match="GONGHUI_INIT_PASSWORD"):
        init("--org-name", "青山县总工会", "--username", "admin", "--name", "张建华")

    assert not Org.objects.exists()
