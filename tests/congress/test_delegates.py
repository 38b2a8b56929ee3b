"""Delegates (代表): elected per term from the union's members; substitutes (补选/替补)."""

from __future__ import annotations

import pytest

from gonghui.congress import services
from gonghui.congress.models import Delegate
from gonghui.core.enums import Role
from gonghui.core.errors import DomainError
from gonghui.core.models import AuditEvent, RoleAssignment
from tests.factories import UserFactory
from tests.members.factories import MemberFactory

from .factories import DelegateFactory, TermFactory


def test_a_member_of_the_union_is_elected_delegate_of_the_term(term, chair):
    member = MemberFactory(union=term.org, name="王秀英", female=True)

    delegate = services.delegate_elect(
        actor=chair, term=term, member=member, flags={"is_party": True, "is_young": True}
    )

    assert (delegate.term, delegate.org, delegate.member, delegate.name) == (term, term.org, member, "王秀英")
    assert delegate.active and delegate.replaces is None
    assert (delegate.is_woman, delegate.is_party, delegate.is_young, delegate.is_frontline) == (
        True,
        True,
        True,
        True,
    )
    event = AuditEvent.objects.get(action="congress.delegate_elect", object_id=str(delegate.pk))
    assert (event.actor, event.org, event.after) == (chair, term.org, {"replaces": None})


def test_a_man_is_not_counted_as_a_woman_delegate(term):
    assert DelegateFactory(term=term, member=MemberFactory(union=term.org)).is_woman is False


def test_electing_a_member_with_an_account_gives_the_account_the_delegate_role(term):
    account = UserFactory(name="李老师")

    delegate = DelegateFactory(term=term, user=account)

    assert delegate.user == account
    role = RoleAssignment.objects.get(user=account, role=Role.DELEGATE)
    assert (role.org, role.this_org_only) == (term.org, True)


def test_electing_a_member_without_an_account_grants_no_role(term):
    delegate = DelegateFactory(term=term, user=None)

    assert delegate.user is None
    assert not RoleAssignment.objects.filter(role=Role.DELEGATE).exists()


def test_a_member_registered_in_a_group_of_the_union_can_be_elected(tree, term):
    member = MemberFactory(union=tree.school1, group=tree.school1_group_a)

    delegate = services.delegate_elect(actor=None, term=term, member=member)

    assert delegate.org == tree.school1


def test_a_member_of_another_union_cannot_be_elected(tree, term):
    outsider = MemberFactory(union=tree.school2)

    with pytest.raises(DomainError, match="本工会在会会员"):
        services.delegate_elect(actor=None, term=term, member=outsider)

    assert not Delegate.objects.exists()


def test_a_substitute_replaces_a_delegate_who_is_then_no_longer_active(term, chair):
    leaving = DelegateFactory(term=term)
    member = MemberFactory(union=term.org)

    substitute = services.delegate_elect(actor=chair, term=term, member=member, replaces=leaving)

    leaving.refresh_from_db()
    assert leaving.active is False
    assert (substitute.active, substitute.replaces) == (True, leaving)
    assert list(leaving.replaced_by.all()) == [substitute]
    event = AuditEvent.objects.get(action="congress.delegate_elect", object_id=str(substitute.pk))
    assert event.after == {"replaces": leaving.pk}


def test_an_inactive_delegate_cannot_be_replaced_again(term):
    leaving = DelegateFactory(term=term)
    DelegateFactory(term=term, replaces=leaving)
    leaving.refresh_from_db()

    with pytest.raises(DomainError, match="只能替补本届在任的代表"):
        DelegateFactory(term=term, replaces=leaving)

    assert Delegate.objects.filter(replaces=leaving).count() == 1


def test_a_delegate_of_another_term_cannot_be_replaced(tree, term):
    old_delegate = DelegateFactory(term=TermFactory(org=tree.school1, number=5))

    with pytest.raises(DomainError, match="只能替补本届在任的代表"):
        DelegateFactory(term=term, replaces=old_delegate)

    old_delegate.refresh_from_db()
    assert old_delegate.active is True


def test_the_same_member_may_be_delegate_in_two_terms(tree, term):
    member = MemberFactory(union=tree.school1)
    DelegateFactory(term=TermFactory(org=tree.school1, number=5), member=member, user=None)

    assert DelegateFactory(term=term, member=member, user=None).member == member


# --- bugs: these describe the right behaviour and fail until the service is fixed -------------


def test_electing_the_same_member_twice_in_a_term_is_refused_with_a_chinese_message(term):
    member = MemberFactory(union=term.org)
    services.delegate_elect(actor=None, term=term, member=member)

    # Today the unique constraint raises IntegrityError (a 500), not a DomainError.
    with pytest.raises(DomainError, match="已是本届代表"):
        services.delegate_elect(actor=None, term=term, member=member)


def test_a_member_who_has_withdrawn_from_the_union_cannot_be_elected(term):
    withdrawn = MemberFactory(union=term.org, status="withdrawn")

    with pytest.raises(DomainError, match="会员"):
        services.delegate_elect(actor=None, term=term, member=withdrawn)
