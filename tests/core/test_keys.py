"""GONGHUI_FIELD_KEY: required with DEBUG off, the only key of ID numbers, ballots and paper codes
(issue 13, hole 3: a change of SECRET_KEY made 查看完整信息 answer 500 and let an ID number
register twice)."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.checks import run_checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from gonghui.core import keys
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent
from gonghui.members import privacy
from gonghui.members.models import Member
from gonghui.voting import sealing
from gonghui.voting import services as voting
from gonghui.voting.enums import PollState
from gonghui.voting.models import Ballot, PaperCode
from tests.members.factories import MemberFactory, synthetic_id
from tests.voting.factories import drive, electorate, make_poll, option_ids

ROOT = Path(__file__).resolve().parents[2]
ID = "110101199003071234"


def check_ids() -> set[str]:
    return {message.id for message in run_checks() if message.id and message.id.startswith("gonghui.")}


def test_manage_py_refuses_to_start_without_the_key_when_debug_is_off(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "GONGHUI_FIELD_KEY"}
    env.update(DEBUG="0", DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}")

    result = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )

    assert result.returncode != 0
    assert "gonghui.E010" in result.stderr
    assert "未设置加密密钥 GONGHUI_FIELD_KEY" in result.stderr
    assert "Applying" not in result.stdout


def test_the_check_is_an_error_without_a_key_and_debug_off(settings):
    settings.DEBUG = False
    settings.GONGHUI_FIELD_KEY = ""

    assert "gonghui.E010" in check_ids()


def test_with_a_key_the_check_is_silent(settings):
    settings.DEBUG = False
    settings.GONGHUI_FIELD_KEY = "a-long-random-production-key-0123456789abcdef"

    assert (
        check_ids() & {"gonghui.E010", "gonghui.E011", "gonghui.W010", "gonghui.W011", "gonghui.W012"}
        == set()
    )


def test_the_published_development_key_is_refused_with_debug_off(settings):
    settings.DEBUG = False
    settings.GONGHUI_FIELD_KEY = keys.DEV_KEY

    assert "gonghui.E011" in check_ids()


def test_a_short_key_or_one_equal_to_secret_key_is_warned_about(settings):
    settings.DEBUG = False
    settings.GONGHUI_FIELD_KEY = "short"
    short = check_ids()
    settings.GONGHUI_FIELD_KEY = settings.SECRET_KEY = "the-same-long-secret-0123456789abcdefghij"

    assert "gonghui.W011" in short
    assert "gonghui.W012" in check_ids()


def test_without_a_key_and_debug_off_no_id_number_is_encrypted(settings):
    settings.DEBUG = False
    settings.GONGHUI_FIELD_KEY = ""

    with pytest.raises(ImproperlyConfigured, match="GONGHUI_FIELD_KEY"):
        privacy.encrypt(ID)


def test_with_debug_on_and_no_key_the_development_key_is_used_with_a_warning(settings):
    settings.DEBUG = True
    settings.GONGHUI_FIELD_KEY = ""
    token = privacy.encrypt(ID)

    assert "gonghui.W010" in check_ids()
    assert privacy.decrypt(token, secret=keys.DEV_KEY) == ID


def test_no_key_depends_on_secret_key(settings):
    settings.SECRET_KEY = "first-secret-key-0123456789abcdefghijklmnop"
    before = (keys.material("gonghui-field-key"), voting.code_hash("ABCDE12345"), sealing.poll_key(7))
    settings.SECRET_KEY = "second-secret-key-0123456789abcdefghijklmno"

    assert (keys.material("gonghui-field-key"), voting.code_hash("ABCDE12345"), sealing.poll_key(7)) == before


@pytest.mark.django_db
def test_after_a_change_of_secret_key_reveal_works_and_a_registered_id_is_still_a_duplicate(
    settings, tree, chair, client_for
):
    number = synthetic_id(901, birth=dt.date(1980, 4, 2), female=False)
    member = MemberFactory(union=tree.school1, name="张伟", id_number=number)

    settings.SECRET_KEY = "a-new-secret-key-after-the-documented-change-0123456789"
    response = client_for(chair).post(reverse("members:reveal", args=[member.pk]), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert number in response.content.decode()
    with pytest.raises(DomainError, match="该身份证号已"):
        MemberFactory(union=tree.school2, actor=chair, name="张伟", id_number=number)


@pytest.mark.django_db
def test_after_a_change_of_secret_key_a_paper_code_still_verifies_and_open_ballots_still_open(settings, tree):
    poll = make_poll(tree.school1, voters=3)
    codes = voting.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all())[:1])
    poll = drive(poll, PollState.OPEN)
    online = next(m for m in electorate(poll) if not poll.voters.get(member=m).paper)
    receipt = voting.ballot_cast(poll=poll, member=online, choices={"selected": [option_ids(poll)["张三"]]})

    settings.SECRET_KEY = "a-new-secret-key-after-the-documented-change-0123456789"

    assert PaperCode.objects.filter(poll=poll, code_hash=voting.code_hash(codes[0])).exists()
    voting.ballot_cast(poll=poll, code=codes[0], choices={"selected": []})
    ballot = Ballot.objects.get(poll=poll, receipt=sealing.receipt_tag(poll.pk, receipt))
    assert sealing.unseal(poll.pk, ballot.choices)[1] == receipt


# --- rotate-keys ------------------------------------------------------------------------------

KEY_A = "key-a-the-old-one-0123456789abcdefghijklmnopqrstuvwxyz"
KEY_B = "key-b-the-new-one-0123456789abcdefghijklmnopqrstuvwxyz"


def rotate(**options: str) -> str:
    out = StringIO()
    call_command("rotate-keys", stdout=out, **options)
    return out.getvalue()


@pytest.mark.django_db
def test_after_rotating_from_key_a_to_b_everything_reveals_verifies_and_counts_under_b(
    settings, tree, chair, client_for
):
    settings.GONGHUI_FIELD_KEY = KEY_A
    number = synthetic_id(902, birth=dt.date(1979, 6, 1), female=True)
    member = MemberFactory(union=tree.school1, name="李娜", id_number=number)
    poll = make_poll(tree.school1, voters=3, state=PollState.OPEN)
    one, two, three = electorate(poll)
    zhang, li = option_ids(poll)["张三"], option_ids(poll)["李四"]
    receipts = {
        voting.ballot_cast(poll=poll, member=one, choices={"selected": [zhang]}),
        voting.ballot_cast(poll=poll, member=two, choices={"selected": [zhang]}),
    }
    finished = make_poll(tree.school2, title="已结束的评议", voters=2)
    voting.paper_codes_issue(actor=None, poll=finished, voters=list(finished.voters.all()))
    drive(finished, PollState.CLOSED)  # its unused codes are never checked again: no obstacle

    settings.GONGHUI_FIELD_KEY = KEY_B
    printed = rotate(old_key=KEY_A)

    members = Member.objects.count()
    assert f"重新加密身份证号 {members} 个" in printed and "重新密封未结束投票的选票 2 张" in printed
    response = client_for(chair).post(reverse("members:reveal", args=[member.pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and number in response.content.decode()
    with pytest.raises(DomainError, match="该身份证号已"):
        MemberFactory(union=tree.school2, actor=chair, name="李娜", id_number=number)
    receipts.add(voting.ballot_cast(poll=poll, member=three, choices={"selected": [li]}))
    poll = drive(poll, PollState.RELEASED)
    rows = {row.name: row.votes for row in voting.poll_tally(poll).counted.rows}
    assert rows == {"张三": 2, "李四": 1, "王五": 0}
    assert set(Ballot.objects.filter(poll=poll).values_list("receipt", flat=True)) == receipts
    event = AuditEvent.objects.get(action="keys.rotate")
    assert event.after == {"members": members, "ballots": 2, "old_key": keys.fingerprint(KEY_A),
                           "new_key": keys.fingerprint(KEY_B)}  # fmt: skip


@pytest.mark.django_db
def test_the_old_key_can_also_stay_in_the_environment_with_the_new_key_given(settings, tree):
    settings.GONGHUI_FIELD_KEY = KEY_A
    member = MemberFactory(union=tree.school1)

    rotate(new_key=KEY_B)

    stored = Member.objects.get(pk=member.pk).id_encrypted
    assert privacy.decrypt(stored, secret=KEY_B) == member_number(member, KEY_B)


def member_number(member: Member, secret: str) -> str:
    return privacy.decrypt(Member.objects.get(pk=member.pk).id_encrypted, secret=secret)


@pytest.mark.django_db
def test_a_wrong_old_key_is_refused_and_nothing_changes(settings, tree):
    settings.GONGHUI_FIELD_KEY = KEY_A
    MemberFactory(union=tree.school1)
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    voting.ballot_cast(poll=poll, member=electorate(poll)[0], choices={"selected": []})
    before = (
        list(Member.objects.values_list("id_encrypted", "id_hash")),
        list(Ballot.objects.values_list("choices")),
    )
    settings.GONGHUI_FIELD_KEY = KEY_B

    with pytest.raises(CommandError, match=r"(?s)旧密钥打不开2/2条会员身份证号.*Nothing was changed"):
        rotate(old_key="not-the-old-key-0123456789abcdefghijklmnopqrstuvwxyz")

    assert (
        list(Member.objects.values_list("id_encrypted", "id_hash")),
        list(Ballot.objects.values_list("choices")),
    ) == before
    assert not AuditEvent.objects.filter(action="keys.rotate").exists()


@pytest.mark.django_db
def test_when_a_ballot_does_not_open_the_id_numbers_already_rewritten_are_rolled_back(settings, tree):
    settings.GONGHUI_FIELD_KEY = "key-c-sealed-the-ballots-0123456789abcdefghijklmnop"
    poll = make_poll(tree.school1, voters=1, state=PollState.OPEN)
    voting.ballot_cast(poll=poll, member=electorate(poll)[0], choices={"selected": []})
    Member.objects.update(id_encrypted=privacy.encrypt(ID, secret=KEY_A))
    settings.GONGHUI_FIELD_KEY = KEY_B

    with pytest.raises(CommandError, match="旧密钥打不开1/1条未结束投票的密封选票"):
        rotate(old_key=KEY_A)

    assert privacy.decrypt(Member.objects.get().id_encrypted, secret=KEY_A) == ID


@pytest.mark.django_db
def test_rotating_twice_says_the_data_is_already_under_the_new_key(settings, tree):
    settings.GONGHUI_FIELD_KEY = KEY_A
    MemberFactory(union=tree.school1)
    settings.GONGHUI_FIELD_KEY = KEY_B
    rotate(old_key=KEY_A)

    with pytest.raises(CommandError, match="已经是新密钥加密的"):
        rotate(old_key=KEY_A)


@pytest.mark.django_db
def test_unused_paper_codes_of_an_open_poll_stop_the_rotation_with_nothing_changed(settings, tree):
    settings.GONGHUI_FIELD_KEY = KEY_A
    member = MemberFactory(union=tree.school1)
    poll = make_poll(tree.school1, title="工会委员会补选", voters=3)
    codes = voting.paper_codes_issue(actor=None, poll=poll, voters=list(poll.voters.all())[:2])
    drive(poll, PollState.OPEN)
    settings.GONGHUI_FIELD_KEY = KEY_B

    with pytest.raises(CommandError, match=r"「工会委员会补选」（2张）.*请在这些投票结束"):
        rotate(old_key=KEY_A)

    assert member_number(member, KEY_A)
    settings.GONGHUI_FIELD_KEY = KEY_A
    voting.ballot_cast(poll=poll, code=codes[0], choices={"selected": []})  # the printed slips still work


def test_a_short_new_key_or_the_same_key_is_refused(settings):
    settings.GONGHUI_FIELD_KEY = "short"
    with pytest.raises(CommandError, match="新密钥太短"):
        rotate(old_key=KEY_A)
    settings.GONGHUI_FIELD_KEY = KEY_A
    with pytest.raises(CommandError, match="新旧密钥相同"):
        rotate(old_key=KEY_A)
