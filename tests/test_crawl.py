"""Cross-organisation crawl over EVERY URL pattern of the project (DESIGN.md §3 and §7).

The patterns are read from the resolver, so an app that adds URLs is crawled automatically:

* A pattern with parameters must have an entry in FOREIGN_OBJECTS below: a function
  `(tree, personas) -> value` returning the id of an object that belongs to ANOTHER organisation
  (第二小学工会, `tree.school2`) or to another user. The crawl fails for any parametrised pattern
  it cannot fill, so a new app cannot ship object URLs that were never tried across
  organisations. Return a scalar for a one-parameter pattern, a dict of kwargs otherwise.
* Logged in as a school-1 persona, GET and POST on every object URL must answer 404 (GET may
  answer 405 on a POST-only view, as it does for any id), must write nothing, and must look
  exactly like the answer for an id that does not exist, so existence is never revealed.
* Patterns without parameters must not answer 500 to any persona, logged in or not.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, include, path, re_path, reverse
from django.urls.converters import IntConverter, UUIDConverter
from django.urls.resolvers import RegexPattern, RoutePattern

from gonghui.core import services
from gonghui.core.enums import Outcome
from gonghui.core.models import AuditEvent, Notification, Org, RoleAssignment, User
from gonghui.members import idcard
from gonghui.members import services as members
from gonghui.members.enums import Sex
from gonghui.members.models import ImportJob, Member, Transfer
from tests.conftest import Tree
from tests.factories import OrgFactory, UserFactory

pytestmark = pytest.mark.django_db


@dataclass(frozen=True)
class Personas:
    county_officer: User
    chair: User
    committee_member: User
    member: User
    other_union_chair: User
    department_handler: User


Fill = Callable[[Tree, Personas], Any]


def _school2_notification(tree: Tree, p: Personas) -> int:
    sent = services.notification_send(users=[p.other_union_chair], title="第二小学的消息", org=tree.school2)
    return sent[0].pk


def _school2_role(tree: Tree, p: Personas) -> int:
    return RoleAssignment.objects.get(user=p.other_union_chair, org=tree.school2).pk


def _school2_member(tree: Tree, p: Personas) -> int:
    existing = Member.objects.filter(org=tree.school2, name="第二小学会员").first()
    if existing is not None:  # loops below fill the same pattern more than once
        return existing.pk
    birth = dt.date(1985, 4, 12)
    data = {
        "name": "第二小学会员",
        "sex": Sex.FEMALE,
        "birth_date": birth,
        "id_number": idcard.make("110101", birth, 124),
        "mobile": "13700002222",
    }
    return members.member_create(actor=None, union=tree.school2, data=data).pk


def _school2_transfer(tree: Tree, p: Personas) -> int:
    """A transfer from school 2 to a third school: school 1 takes no part in it."""
    member = Member.objects.get(pk=_school2_member(tree, p))
    existing = Transfer.objects.filter(member=member).first()
    if existing is not None:
        return existing.pk
    school3 = OrgFactory(name="第三小学工会", parent=tree.county)
    return members.transfer_request(actor=None, member=member, to_org=school3).pk


def _school2_import(tree: Tree, p: Personas) -> Any:
    job = ImportJob.objects.create(
        org=tree.school2,
        actor=p.other_union_chair,
        file_name="第二小学会员.xlsx",
        file_path="crawl/none.xlsx",
        state=ImportJob.State.PREVIEW,
    )
    return job.key


# URL name -> the id of an object outside school 1 (register every new parametrised URL here).
FOREIGN_OBJECTS: dict[str, Fill] = {
    "core:org_detail": lambda tree, p: tree.school2.pk,
    "core:org_children": lambda tree, p: tree.school2.pk,
    "core:org_create": lambda tree, p: tree.school2.pk,
    "core:org_edit": lambda tree, p: tree.school2.pk,
    "core:org_move": lambda tree, p: tree.school2_group.pk,
    "core:org_dissolve": lambda tree, p: tree.school2_group.pk,
    "core:org_roles": lambda tree, p: tree.school2.pk,
    "core:role_revoke": _school2_role,
    "core:notification_read": _school2_notification,
    "members:detail": _school2_member,
    "members:edit": _school2_member,
    "members:reveal": _school2_member,
    "members:status": _school2_member,
    "members:transfer_create": _school2_member,
    "members:transfer_accept": _school2_transfer,
    "members:transfer_reject": _school2_transfer,
    "members:transfer_cancel": _school2_transfer,
    "members:import_status": _school2_import,
    "members:import_apply": _school2_import,
    "members:import_errors": _school2_import,
}


# --- walking the resolver --------------------------------------------------------------------


@dataclass(frozen=True)
class Route:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    route: str  # the full route text, for messages
    params: dict[str, Any]  # parameter name -> converter (None for a regex group)

    def __str__(self) -> str:
        return self.name or f"<unnamed {self.route}>"


def _params(pattern: Any) -> dict[str, Any]:
    if isinstance(pattern, RoutePattern):
        return dict(pattern.converters)
    if isinstance(pattern, RegexPattern):
        named = dict.fromkeys(pattern.regex.groupindex)
        unnamed = {f"<group {i}>": None for i in range(pattern.regex.groups - len(named))}
        return {**named, **unnamed}
    return {}


def _route_text(pattern: Any) -> str:
    text = str(pattern)
    return text.removeprefix("^").removesuffix("$") if isinstance(pattern, RegexPattern) else text


def walk(
    patterns: list[Any], prefix: str = "", namespace: str = "", params: dict[str, Any] | None = None
) -> Iterator[Route]:
    params = params or {}
    for entry in patterns:
        here = {**params, **_params(entry.pattern)}
        text = prefix + _route_text(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = ":".join(part for part in (namespace, entry.namespace) if part)
            yield from walk(entry.url_patterns, text, inner, here)
        elif isinstance(entry, URLPattern):
            name = None
            if entry.name:
                name = f"{namespace}:{entry.name}" if namespace else entry.name
            yield Route(name=name, route=text, params=here)


ROUTES = list(walk(get_resolver().url_patterns))
OBJECT_ROUTES = [r for r in ROUTES if r.params]
PLAIN_ROUTES = [r for r in ROUTES if not r.params]
# Loops below crawl what can be filled; unregistered patterns already fail their own tests.


def _app_registries() -> None:
    """Apps keep their own fillers in tests/<app>/crawl.py (FOREIGN_OBJECTS there), merged here."""
    import importlib
    import pathlib

    for crawl_file in sorted(pathlib.Path(__file__).parent.glob("*/crawl.py")):
        module = importlib.import_module(f"tests.{crawl_file.parent.name}.crawl")
        FOREIGN_OBJECTS.update(module.FOREIGN_OBJECTS)


_app_registries()
REGISTERED_ROUTES = [r for r in OBJECT_ROUTES if r.name in FOREIGN_OBJECTS]


def url_for(route: Route, value: Any) -> str:
    if route.name is None:
        pytest.fail(f"{route.route}: a URL pattern with parameters needs a name to be crawled")
    if isinstance(value, dict):
        return reverse(route.name, kwargs=value)
    if isinstance(value, list | tuple):
        return reverse(route.name, args=value)
    (param,) = route.params  # a scalar fills a one-parameter pattern
    if param.startswith("<group"):  # an unnamed regex group
        return reverse(route.name, args=[value])
    return reverse(route.name, kwargs={param: value})


def missing_value(converter: Any) -> Any:
    """A value of the right shape that names no object at all."""
    if isinstance(converter, IntConverter):
        return 999_999_999
    if isinstance(converter, UUIDConverter):
        return uuid.UUID("00000000-0000-4000-8000-000000000000")
    if converter is None:
        return "999999999"
    return "does-not-exist"


def nonexistent_url(route: Route, foreign: Any) -> str:
    if isinstance(foreign, dict):
        return url_for(route, {k: missing_value(route.params[k]) for k in foreign})
    if isinstance(foreign, list | tuple):
        return url_for(route, [missing_value(c) for c in route.params.values()])
    (converter,) = route.params.values()
    return url_for(route, missing_value(converter))


def fill(route: Route, tree: Tree, personas: Personas) -> Any:
    filler = FOREIGN_OBJECTS.get(route.name or "")
    if filler is None:
        pytest.fail(
            f"URL pattern {route} ({route.route}) has parameters {sorted(route.params)} but "
            "tests/test_crawl.py does not know how to fill them: add it to FOREIGN_OBJECTS with a "
            "function returning the id of an object that belongs to school 2 (tree.school2)."
        )
    return filler(tree, personas)


CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+"')


def normalised(content: bytes) -> str:
    return CSRF.sub(r'\1TOKEN"', content.decode())


def template_names(response) -> list[str]:
    return [t.name for t in response.templates]


def client_as(user: User | None) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


# --- fixtures --------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Fillers upload files (congress attachments): keep them out of the real MEDIA_ROOT."""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def personas(county_officer, chair, committee_member, member, other_union_chair, department_handler):
    return Personas(county_officer, chair, committee_member, member, other_union_chair, department_handler)


# --- the registry covers every parametrised pattern ------------------------------------------


def test_the_crawl_finds_the_core_url_patterns():
    names = {r.name for r in ROUTES}

    assert {"core:home", "core:login", "core:org_detail", "core:notification_read"} <= names


def test_the_walker_sees_nested_includes_and_their_parameters():
    def view(request, **kwargs):
        return None

    inner = (
        [path("<int:pk>/x/", view, name="x"), re_path(r"^y/(?P<slug>[-\w]+)/$", view, name="y")],
        "inner",
    )
    patterns = [path("a/<int:org>/", include(inner)), path("plain/", view)]

    routes = [(r.name, r.route, sorted(r.params)) for r in walk(patterns)]

    assert routes == [
        ("inner:x", "a/<int:org>/<int:pk>/x/", ["org", "pk"]),
        ("inner:y", r"a/<int:org>/y/(?P<slug>[-\w]+)/", ["org", "slug"]),
        (None, "plain/", []),
    ]


def test_every_url_pattern_with_parameters_is_registered_in_the_crawl():
    unknown = [f"{r} ({r.route})" for r in OBJECT_ROUTES if r.name not in FOREIGN_OBJECTS]

    assert unknown == [], (
        "These URL patterns take an object id but tests/test_crawl.py FOREIGN_OBJECTS has no way to "
        "fill them with an object from another organisation; register them."
    )


def test_the_registry_names_no_url_that_no_longer_exists():
    stale = set(FOREIGN_OBJECTS) - {r.name for r in OBJECT_ROUTES}

    assert stale == set()


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_each_foreign_id_points_at_a_real_object(route, tree, personas):
    """Guards the crawl itself: a superuser reaches the object, so the 404s below mean something."""
    url = url_for(route, fill(route, tree, personas))
    client = client_as(UserFactory(is_superuser=True))

    statuses = {client.get(url).status_code, client.post(url).status_code}

    assert 404 not in statuses
    assert all(status < 500 for status in statuses), statuses


# --- object URLs: 404 across organisations, indistinguishable from a missing id --------------


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_the_school1_chair_gets_404_for_an_object_of_school2(route, tree, personas):
    url = url_for(route, fill(route, tree, personas))
    client = client_as(personas.chair)

    got = client.get(url)
    posted = client.post(url)

    assert got.status_code in (404, 405), f"GET {url} -> {got.status_code}"
    assert posted.status_code == 404, f"POST {url} -> {posted.status_code}"
    written = AuditEvent.objects.filter(actor=personas.chair, outcome=Outcome.SUCCESS)
    assert list(written.values_list("action", flat=True)) == []


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_a_foreign_object_looks_exactly_like_a_missing_one(route, tree, personas):
    foreign = fill(route, tree, personas)
    foreign_url, missing_url = url_for(route, foreign), nonexistent_url(route, foreign)
    client = client_as(personas.chair)
    # The page header is rendered once per user and then reused (core/shell.py): open one page
    # first so both answers below come from the same (warm) header, as they would in real use.
    client.get(reverse("core:home"))

    for method in (client.get, client.post):
        theirs, nobodys = method(foreign_url), method(missing_url)

        assert theirs.status_code == nobodys.status_code
        assert template_names(theirs) == template_names(nobodys)
        assert normalised(theirs.content) == normalised(nobodys.content)


def test_the_404_page_is_the_friendly_chinese_one(tree, personas):
    response = client_as(personas.chair).get(reverse("core:org_detail", args=[tree.school2.pk]))

    assert template_names(response)[0] == "core/errors/404.html"
    assert "它可能不存在，或不在您的权限范围内。" in response.content.decode()
    assert "第二小学工会" not in response.content.decode()


@pytest.mark.parametrize("persona", ["committee_member", "member", "department_handler"])
def test_other_school1_personas_get_404_for_every_object_of_school2(persona, tree, personas):
    client = client_as(getattr(personas, persona))
    failures = []
    for route in REGISTERED_ROUTES:
        url = url_for(route, fill(route, tree, personas))
        got, posted = client.get(url).status_code, client.post(url).status_code
        if got not in (404, 405) or posted != 404:
            failures.append(f"{route}: GET {got}, POST {posted}")

    assert failures == []


def test_the_crawl_changed_nothing_at_school2(tree, personas):
    urls = [url_for(route, fill(route, tree, personas)) for route in REGISTERED_ROUTES]
    before = {
        "orgs": list(Org.objects.order_by("pk").values_list("pk", "name", "parent_id", "path", "status")),
        "roles": list(RoleAssignment.objects.order_by("pk").values_list("pk", "user_id", "org_id", "role")),
    }
    client = client_as(personas.chair)
    for url in urls:
        client.post(url, {"name": "被篡改", "on": "2026-01-01", "note": "被篡改"})

    assert (
        list(Org.objects.order_by("pk").values_list("pk", "name", "parent_id", "path", "status"))
        == (before["orgs"])
    )
    assert (
        list(RoleAssignment.objects.order_by("pk").values_list("pk", "user_id", "org_id", "role"))
        == (before["roles"])
    )
    assert not Notification.objects.filter(read_at__isnull=False).exists()
    assert not AuditEvent.objects.filter(actor=personas.chair, outcome=Outcome.SUCCESS).exists()


@pytest.mark.parametrize("route", OBJECT_ROUTES, ids=str)
def test_an_anonymous_visitor_is_sent_to_login_for_every_object_url(route, tree, personas):
    url = url_for(route, fill(route, tree, personas))
    client = client_as(None)

    for response in (client.get(url), client.post(url)):
        assert response.status_code in (302, 405), f"{url} -> {response.status_code}"
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("core:login"))


# --- plain URLs: never a 500, whoever asks ---------------------------------------------------


def plain_url(route: Route) -> str:
    return reverse(route.name) if route.name else "/" + route.route


@pytest.mark.parametrize(
    "persona",
    [
        "anonymous",
        "county_officer",
        "chair",
        "committee_member",
        "member",
        "other_union_chair",
        "department_handler",
        "nobody",
        "superuser",
    ],
)
def test_no_plain_url_answers_500_to_any_persona(persona, tree, personas):
    if persona == "anonymous":
        user = None
    elif persona == "nobody":
        user = UserFactory(username="nobody")
    elif persona == "superuser":
        user = UserFactory(username="root", is_superuser=True)
    else:
        user = getattr(personas, persona)
    failures = []
    for route in PLAIN_ROUTES:
        url = plain_url(route)
        for method in ("get", "post"):
            # A fresh client each time: POSTing to logout must not end the next request's session.
            status = getattr(client_as(user), method)(url).status_code
            if status >= 500:
                failures.append(f"{method.upper()} {url} ({route}) -> {status}")

    assert failures == []
