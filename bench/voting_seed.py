"""Data of the voting benchmark: a committee election in the bench union with the most members,
its electorate of N members who each have a login account, and a signed-in session per voter.

- The union: the bench union (grassroots or joint) with the most active members, groups
  included (at the default 200,000 members: a company union with ~2,900). Its first N active
  members by id without another account become the electorate.
- Accounts: users `bench-voter-00000`… (unusable passwords, created in bulk once and kept),
  linked to those members with one UPDATE each; links to other members are undone first.
- Sessions: one database session per voter written in bulk, holding what `login()` stores (user
  id, backend, session-auth hash) and a fresh "last seen" time, so neither the login nor the idle
  middleware's session write is measured. Deleted again after the run.
- The poll: created for each run through the voting services (选举, 7 seats, 9 candidates, the
  electorate added and frozen, opened); earlier bench polls are deleted first and the poll is
  deleted after the run, so runs are repeatable. Audit rows stay (the log is append-only).

`bench.seed.reset_bench_data` removes all of it with the bench data (bench-* users, polls of bench
orgs); `delete_bench_members` removes the voters and participations with the members.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.crypto import get_random_string

from gonghui.core.enums import OrgKind
from gonghui.core.middleware import SESSION_LAST_SEEN
from gonghui.core.models import Org, User
from gonghui.members.models import Member
from gonghui.voting import services
from gonghui.voting.enums import PollKind, PollState
from gonghui.voting.models import Poll

from .seed import bench_members, bench_orgs

VOTER_PREFIX = "bench-voter-"
POLL_TITLE = "基准测试：工会委员会换届选举"
SEATS = 7
CANDIDATES = ["王建国", "李秀英", "张伟", "刘芳", "陈志强", "杨丽", "赵国庆", "黄敏", "周海涛"]
UNION_KINDS = (OrgKind.GRASSROOTS, OrgKind.JOINT)


@dataclass(frozen=True)
class Voting:
    union: Org
    poll: Poll
    members: list[Member]  # the electorate, in id order
    users: list[User]  # users[i] is members[i]'s account
    candidates: list[int]  # option ids, in ballot order


def largest_union(min_members: int) -> tuple[Org, int]:
    """The bench union with the most active members (its groups included), ties by id."""
    by_org = Counter(
        dict(
            bench_members()
            .filter(status="active")
            .values_list("org_id")
            .annotate(n=Count("pk"))
            .values_list("org_id", "n")
        )
    )
    parents = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "parent_id"))
    kinds = dict(Org.objects.filter(pk__in=list(by_org)).values_list("pk", "kind"))
    per_union: Counter[int] = Counter()
    for org_id, n in by_org.items():
        union_id = org_id if kinds[org_id] in UNION_KINDS else parents[org_id]
        if union_id is not None:
            per_union[union_id] += n
    if not per_union:
        raise RuntimeError("no bench members: seed them first (bench.seed.seed_members)")
    union_id, count = min(per_union.items(), key=lambda item: (-item[1], item[0]))
    if count < min_members:
        raise RuntimeError(f"the largest bench union has {count} active members, fewer than {min_members}")
    return Org.objects.get(pk=union_id), count


def electorate(union: Org, size: int) -> list[Member]:
    """The union's first `size` active members by id, not linked to an account of their own."""
    free = Q(user__isnull=True) | Q(user__username__startswith=VOTER_PREFIX)
    members = (
        Member.objects.filter(free, org__path__under=union.path, status="active")
        .select_related("org")
        .order_by("pk")[:size]
    )
    found = list(members)
    if len(found) < size:
        raise RuntimeError(f"{union.name} has only {len(found)} members free to vote, {size} wanted")
    return found


def voter_users(count: int) -> list[User]:
    """`bench-voter-00000`… with unusable passwords; created in bulk where missing."""
    names = [f"{VOTER_PREFIX}{i:05d}" for i in range(count)]
    have = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    missing = [
        User(username=name, name="", password=make_password(None)) for name in names if name not in have
    ]
    User.objects.bulk_create(missing, batch_size=1000)
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    return [users[name] for name in names]


@transaction.atomic
def link(members: Sequence[Member], users: Sequence[User]) -> int:
    """Link members[i] to users[i]; undo other links of these users first. Returns links changed."""
    wanted = {m.pk: u.pk for m, u in zip(members, users, strict=True)}
    stale = Member.objects.filter(user__in=[u.pk for u in users]).exclude(pk__in=list(wanted))
    stale.update(user=None)
    changes = [(user_id, member_id) for member_id, user_id in wanted.items()]
    current = dict(Member.objects.filter(pk__in=list(wanted)).values_list("pk", "user_id"))
    changes = [(u, m) for u, m in changes if current.get(m) != u]
    if changes:
        # Free the users first (UNIQUE(user_id)), then link.
        Member.objects.filter(pk__in=[m for _, m in changes]).update(user=None)
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {Member._meta.db_table} SET user_id = %s WHERE id = %s", changes)
    for member, user in zip(members, users, strict=True):
        member.user = user
    return len(changes)


def delete_polls() -> int:
    """Delete earlier bench polls (and their options, electorate, participations, ballots)."""
    polls = Poll.objects.filter(title=POLL_TITLE, org__in=bench_orgs())
    count = polls.count()
    if count:
        polls.delete()
    return count


def open_poll(union: Org, members: Sequence[Member]) -> tuple[Poll, list[int]]:
    """A committee election as a chair sets it up: 7 seats, 9 candidates, electorate, opened."""
    poll = services.poll_create(
        actor=None, org=union, kind=PollKind.ELECTION, title=POLL_TITLE, choose_max=SEATS, diff_ratio=20
    )
    options = [services.option_add(actor=None, poll=poll, name=name) for name in CANDIDATES]
    services.electorate_add(actor=None, poll=poll, members=members)
    poll = services.poll_set_state(actor=None, poll=poll, to=PollState.OPEN)
    return poll, [o.pk for o in options]


def prepare(voters: int) -> Voting:
    """The union, accounts and a freshly opened poll with an electorate of `voters`."""
    delete_polls()
    union, _count = largest_union(voters)
    members = electorate(union, voters)
    users = voter_users(voters)
    link(members, users)
    poll, candidates = open_poll(union, members)
    return Voting(union=union, poll=poll, members=members, users=users, candidates=candidates)


def sessions(users: Sequence[User]) -> list[str]:
    """One signed-in database session per user, as `login()` leaves it; their keys, in order."""
    store = SessionStore()
    backend = settings.AUTHENTICATION_BACKENDS[0]
    expire = timezone.now() + timedelta(seconds=settings.SESSION_COOKIE_AGE)
    now = time.time()
    keys = [get_random_string(32, "abcdefghijklmnopqrstuvwxyz0123456789") for _ in users]
    rows = [
        Session(
            session_key=key,
            session_data=store.encode(
                {
                    SESSION_KEY: str(user.pk),
                    BACKEND_SESSION_KEY: backend,
                    HASH_SESSION_KEY: user.get_session_auth_hash(),
                    SESSION_LAST_SEEN: now,
                }
            ),
            expire_date=expire,
        )
        for key, user in zip(keys, users, strict=True)
    ]
    Session.objects.bulk_create(rows, batch_size=1000)
    return keys


def delete_sessions(keys: Sequence[str]) -> None:
    Session.objects.filter(session_key__in=list(keys)).delete()
