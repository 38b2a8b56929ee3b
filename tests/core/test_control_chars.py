"""Issue 13 hole 4: invisible control characters (NUL, vertical tab, …) are refused by one
validator in every text field of every form, and text stored before the rule cannot break a
document: the proposal report DOCX is still written, without them."""

from __future__ import annotations

import importlib
import inspect
import io
import pkgutil
from collections.abc import Iterator
from typing import Any
from unittest import mock

import pytest
from django import forms
from django.core.exceptions import ValidationError
from django.db import connection
from django.urls import reverse
from docx import Document

import gonghui
from gonghui.congress.enums import ProposalState
from gonghui.congress.models import Proposal
from gonghui.core.docx import body, new_document, save
from gonghui.core.validators import reject_control_characters, strip_control_characters
from tests.congress.conftest import cosigners, delegates, proposer, session, term  # noqa: F401
from tests.congress.factories import ProposalFactory
from tests.exporting import fetch_export

pytestmark = pytest.mark.django_db

MESSAGE = "包含不可见的控制字符，请删除后再提交。"
REFUSED = ["a\x00b", "a\x0bb", "a\x0cb", "a\x1bb", "a\x7fb", "a\x85b", "a\ufffeb", "a\udc80b"]


def every_form_class() -> list[type[forms.BaseForm]]:
    """Every form class defined in gonghui (every module imported, subclasses walked)."""
    for module in pkgutil.walk_packages(gonghui.__path__, "gonghui."):
        # Admin modules are only importable with GONGHUI_ADMIN=1 (off here and in production).
        skip = ".migrations" in module.name or module.name.endswith(".admin")
        if not skip and not module.name.startswith("gonghui.config"):
            importlib.import_module(module.name)

    def walk(cls: type) -> Iterator[type]:
        for sub in cls.__subclasses__():
            yield sub
            yield from walk(sub)

    return sorted(
        {c for c in walk(forms.BaseForm) if c.__module__.startswith("gonghui.")},
        key=lambda c: f"{c.__module__}.{c.__qualname__}",
    )


def instance_of(cls: type[forms.BaseForm]) -> forms.BaseForm:
    """An instance with stand-ins for the keyword arguments a form needs (the querysets and
    lists of its pick fields): only its text fields are looked at."""
    needed: dict[str, Any] = {}
    for name, parameter in inspect.signature(cls.__init__).parameters.items():
        if parameter.kind is parameter.KEYWORD_ONLY and parameter.default is parameter.empty:
            needed[name] = mock.MagicMock(name=name)
    from django.contrib.auth.forms import SetPasswordForm

    # Django's password forms take the user first (a subclass may hide it behind *args).
    if issubclass(cls, SetPasswordForm) or "user" in inspect.signature(cls.__init__).parameters:
        return cls(None, **needed)  # type: ignore[call-arg]
    if "kind" in needed:  # voting's PollForm is built for one kind of poll
        from gonghui.voting.enums import PollKind

        needed["kind"] = PollKind.values[0]
    return cls(**needed)


def messages(field: forms.Field, value: str) -> list[str]:
    try:
        field.clean(value)
    except ValidationError as error:
        return [str(m) for m in error.messages]
    return []


def test_the_walk_finds_the_forms_of_every_app():
    modules = {cls.__module__.split(".")[1] for cls in every_form_class()}

    assert {"core", "members", "care", "congress", "voting", "notices", "reports"} <= modules
    assert len(every_form_class()) > 80


def test_every_text_field_of_every_form_refuses_control_characters():
    checked = 0
    for cls in every_form_class():
        form = instance_of(cls)
        form.full_clean()  # as validating does: fields a form adds after __init__ are guarded then
        for name, field in form.fields.items():
            if not isinstance(field, forms.CharField):
                continue
            for value in REFUSED:
                assert MESSAGE in messages(field, value), (
                    f"{cls.__module__}.{cls.__name__}.{name} took {value!r}"
                )
            checked += 1
    assert checked > 100  # 111 text fields in Dec 2026: the walk did reach them


def test_a_nul_character_gets_the_one_chinese_message_once():
    from gonghui.core.forms import LoginForm

    assert messages(LoginForm().fields["identifier"], "张\x00三") == [MESSAGE]


def test_tabs_line_breaks_and_chinese_text_are_accepted():
    from gonghui.congress.proposal_forms import RateForm

    for cls in every_form_class():
        if cls.__name__ == "ParagraphForm":
            field = instance_of(cls).fields["text"]
            break
    else:
        field = instance_of(RateForm).fields[next(iter(instance_of(RateForm).fields))]
    assert messages(field, "第一段\t内容\r\n第二段：职工之家 😀 €") == []
    reject_control_characters("第一段\t内容\r\n第二段")


def test_a_proposal_title_with_a_vertical_tab_is_refused_and_nothing_is_stored(
    session,  # noqa: F811
    proposer,  # noqa: F811
    cosigners,  # noqa: F811
    client_for,
):
    response = client_for(proposer.user).post(
        reverse("congress:proposal_create"),
        {
            "session": session.pk, "title": "关于食堂\x0b的提案", "category": "welfare",
            "reason": "理由", "measures": "措施", "cosigners": [c.pk for c in cosigners],
        },
    )  # fmt: skip

    assert response.status_code == 200
    assert MESSAGE in response.content.decode()
    assert not Proposal.objects.filter(session=session).exists()


def test_a_proposal_stored_with_control_characters_still_gives_the_proposal_report(
    session,  # noqa: F811
    proposer,  # noqa: F811
    chair,
    client_for,
):
    # As stored before the forms refused them (PostgreSQL cannot hold NUL at all; SQLite can).
    nul = "\x00" if connection.vendor == "sqlite" else ""
    ProposalFactory(session=session, state=ProposalState.REGISTERED, title=f"关于\x0b食堂{nul}改造\x1f的提案")

    response = fetch_export(client_for(chair), reverse("congress:session_proposal_report", args=[session.pk]))

    assert response.status_code == 200
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    text += "\n".join(cell.text for table in document.tables for row in table.rows for cell in row.cells)
    assert "共收到代表提案1件" in text
    assert "关于食堂改造的提案" in text


def test_any_document_leaves_control_characters_out_of_its_text():
    document = new_document()
    body(document, "职工\x0b之家\x00建设\ufffe情况\t良好")

    reopened = Document(io.BytesIO(save(document)))

    assert reopened.paragraphs[-1].text == "职工之家建设情况\t良好"
    assert strip_control_characters("a\x00b\x7fc\udc80") == "abc"


# --- imports: every text cell of every import kind, through the one check where rows are read ----

IMPORT_MESSAGE = "包含不可见的控制字符，请删除后重新上传。"


def xlsx_with(headers: list[str], rows: list[list[Any]]) -> bytes:
    """An .xlsx holding control characters as Excel stores them (_x000B_ escapes); openpyxl
    refuses to write them at all."""
    import xlsxwriter

    buffer = io.BytesIO()
    with xlsxwriter.Workbook(buffer, {"in_memory": True}) as book:
        sheet = book.add_worksheet()
        for number, cells in enumerate([headers, *rows]):
            sheet.write_row(number, 0, cells)
    return buffer.getvalue()


def test_every_text_cell_of_every_import_kind_refuses_control_characters():
    from gonghui.core.imports import kinds
    from gonghui.core.imports.kinds import Row

    checked = 0
    for kind in kinds.all_kinds():
        columns = kind.all_columns()
        for value in REFUSED:
            row = Row(
                number=7,
                cells={c.key: value for c in columns},
                positions={c.key: i for i, c in enumerate(columns)},
                headers={c.key: c.header for c in columns},
            )
            named = {
                (e["row"], e["letter"], e["column"]) for e in row.errors if e["message"] == IMPORT_MESSAGE
            }
            assert named == {(7, "ABCDEFGHIJKLMNOPQRSTUVWXYZ"[i], c.header) for i, c in enumerate(columns)}, (
                f"{kind.key} took {value!r}"
            )
            checked += len(columns)
    assert {"members", "care-payouts", "care-visits", "care-donations", "congress-suggestions"} <= {
        k.key for k in kinds.all_kinds()
    }
    assert checked > 100


def test_an_import_with_a_control_character_names_the_cell_and_writes_nothing(
    tree, client_for, settings, tmp_path, django_capture_on_commit_callbacks
):
    import datetime as dt

    from django.utils import timezone

    from gonghui.care.imports import period_start
    from gonghui.care.models import AssistanceApplication
    from gonghui.core.enums import Portfolio, Role
    from gonghui.core.errors import DomainError
    from gonghui.core.imports.models import ImportJob
    from tests.core.imports_support import run_apply, run_upload
    from tests.factories import RoleAssignmentFactory, UserFactory
    from tests.members.factories import MemberFactory

    settings.GONGHUI_TASK_RUNNER, settings.MEDIA_ROOT = "inline", tmp_path
    officer = UserFactory(username="county_care")
    RoleAssignmentFactory(
        user=officer, org=tree.county, role=Role.SUPERIOR_ADMIN, portfolio=Portfolio.WELFARE
    )
    MemberFactory(union=tree.school1, name="王困难")
    paid = (period_start(timezone.localdate()) - dt.timedelta(days=3)).strftime("%Y/%m/%d")
    headers = ["工会", "姓名*", "类别*", "金额(元)*", "发放日期*", "事由*"]
    good = ["第一中学工会", "王困难", "困难帮扶", 100, paid, "住院"]

    job = run_upload(django_capture_on_commit_callbacks, officer, "care-payouts", tree.county,
                     xlsx_with(headers, [good, [*good[:5], "住院\x0b治疗"], good]))  # fmt: skip

    assert job.state == ImportJob.State.PREVIEW and job.error_rows == 1
    assert [(e["row"], e["letter"], e["column"], e["message"]) for e in job.errors] == [
        (3, "F", "事由", IMPORT_MESSAGE)
    ]
    page = client_for(officer).get(reverse("core:import_status", args=[job.key])).content.decode()
    assert "F 事由" in page and IMPORT_MESSAGE in page and 'id="confirm-import"' not in page
    with pytest.raises(DomainError, match="一行有错则全部不导入"):
        run_apply(django_capture_on_commit_callbacks, officer, job)
    assert not AssistanceApplication.objects.exists()
