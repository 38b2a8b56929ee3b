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
from gonghui.core.imports.models import ImportJob
from gonghui.core.models import AuditEvent, Notification, Org, RoleAssignment, User
from gonghui.members import idcard
from gonghui.members import services as members
from gonghui.members.enums import Sex
from gonghui.members.models import Member, Transfer
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
        kind="members",
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


# --- POST bodies: another union's ids in the forms of one's own pages -------------------------
#
# Every id a form sends (a <select>, a checkbox, a radio button or a hidden field whose value is a
# number) is replaced, one field at a time, by the ids of school 2's objects that the registries
# above create (FOREIGN_OBJECTS: members, unions, polls, notices, …), and the form is posted as the
# school-1 chair. The answer must not be a server error, must name nothing of school 2, and
# nothing may be written. The forms come from every page without parameters and from the chair's
# own object pages listed in OWN_PAGES (URL name -> a function returning the id of a school-1
# object), which apps extend in tests/<app>/crawl.py.


def _school1_member(tree: Tree, p: Personas) -> int:
    existing = Member.objects.filter(org=tree.school1, name="第一中学会员").first()
    if existing is not None:
        return existing.pk
    birth = dt.date(1986, 5, 13)
    data = {"name": "第一中学会员", "sex": Sex.MALE, "birth_date": birth,
            "id_number": idcard.make("110101", birth, 135), "mobile": "13700001111"}  # fmt: skip
    return members.member_create(actor=None, union=tree.school1, data=data).pk


OWN_PAGES: dict[str, Fill] = {
    "core:org_detail": lambda tree, p: tree.school1.pk,
    "core:org_create": lambda tree, p: tree.school1.pk,
    "core:org_edit": lambda tree, p: tree.school1_group_a.pk,
    "core:org_move": lambda tree, p: tree.school1_group_a.pk,
    "core:org_roles": lambda tree, p: tree.school1.pk,
    "members:detail": _school1_member,
    "members:edit": _school1_member,
    "members:status": _school1_member,
    "members:transfer_create": _school1_member,
}


def _app_own_pages() -> None:
    import importlib
    import pathlib

    for crawl_file in sorted(pathlib.Path(__file__).parent.glob("*/crawl.py")):
        module = importlib.import_module(f"tests.{crawl_file.parent.name}.crawl")
        OWN_PAGES.update(getattr(module, "OWN_PAGES", {}))


_app_own_pages()
ID_VALUE = re.compile(r"^\d+$")


@dataclass
class PostForm:
    page: str
    action: str
    fields: list[tuple[str, str]]  # (name, value) as the browser would send them untouched
    id_fields: list[str]  # names whose values are object ids


def post_forms(page_url: str, html: str) -> list[PostForm]:
    """The POST forms of a page, with the values a browser would submit and the id fields."""
    from urllib.parse import urljoin

    import lxml.html

    found: list[PostForm] = []
    if not html.strip():
        return found
    document = lxml.html.fromstring(html)
    for form in document.iter("form"):
        if (form.get("method") or "get").lower() != "post":
            continue
        fields: list[tuple[str, str]] = []
        ids: list[str] = []
        for element in form.iter("input", "select", "textarea"):
            name = element.get("name")
            if not name or name == "csrfmiddlewaretoken":
                continue
            if element.tag == "select":
                options = [o.get("value", o.text_content()) for o in element.iter("option")]
                chosen = [
                    o.get("value", o.text_content())
                    for o in element.iter("option")
                    if o.get("selected") is not None
                ]
                fields += [(name, v) for v in (chosen or options[:1])]
                if any(ID_VALUE.match(v or "") for v in options):
                    ids.append(name)
                continue
            kind = (element.get("type") or "text").lower()
            value = element.get("value") or (element.text or "" if element.tag == "textarea" else "")
            if kind in ("checkbox", "radio"):
                if ID_VALUE.match(value):
                    ids.append(name)
                if element.get("checked") is not None:
                    fields.append((name, value))
            elif kind in ("submit", "button", "file", "image", "reset"):
                continue
            else:
                if kind == "hidden" and ID_VALUE.match(value):
                    ids.append(name)
                fields.append((name, value))
        action = urljoin(page_url, form.get("action") or page_url)
        if ids:
            found.append(PostForm(page_url, action, fields, list(dict.fromkeys(ids))))
    return found


def foreign_ids(tree: Tree, personas: Personas) -> list[int]:
    """One id of each kind of school-2 object the crawl's registries make (and the union's own)."""
    values: list[Any] = [tree.school2.pk, tree.school2_group.pk, _school2_member(tree, personas)]
    for route in REGISTERED_ROUTES:
        value = fill(route, tree, personas)
        values += list(value.values()) if isinstance(value, dict) else [value]
    return sorted({v for v in values if isinstance(v, int)})


def foreign_marks(tree: Tree) -> list[str]:
    """Text that only school 2's data holds: its units' names and its members' names."""
    orgs = Org.objects.filter(path__startswith=tree.school2.path).values_list("name", flat=True)
    people = Member.objects.filter(org__path__startswith=tree.school2.path).values_list("name", flat=True)
    return sorted({*orgs, *people, "第二小学"})


def own_pages(tree: Tree, personas: Personas) -> list[str]:
    urls = [plain_url(r) for r in PLAIN_ROUTES if r.name and not r.name.endswith(("logout", "login"))]
    for route in OBJECT_ROUTES:
        if route.name in OWN_PAGES:
            urls.append(url_for(route, OWN_PAGES[route.name](tree, personas)))
    return urls


@dataclass
class Crawled:
    forms: list[PostForm]  # each form once (the page header's forms repeat on every page)
    offered: dict[tuple[str, str], set[str]]  # (action, field) -> every value a page offered
    page_text: dict[str, str]  # page url -> its text (a form's page may name what it offers)


def chair_forms(client: Client, urls: list[str]) -> Crawled:
    """The POST forms with id fields on these pages."""
    import lxml.html

    forms: dict[tuple, PostForm] = {}
    offered: dict[tuple[str, str], set[str]] = {}
    texts = {}
    for url in urls:
        response = client.get(url)
        html = "text/html" in response.get("Content-Type", "")
        if response.status_code == 200 and html and response.content.strip():
            texts[url] = response.content.decode()
            document = lxml.html.fromstring(texts[url])
            for form in post_forms(url, texts[url]):
                forms.setdefault((form.action, tuple(sorted(form.id_fields))), form)
            for element in document.iter("input", "option"):
                owner = element.getparent() if element.tag == "option" else element
                name = owner.get("name") if owner is not None else None
                form_element = next((a for a in element.iterancestors("form")), None)
                if name and form_element is not None:
                    from urllib.parse import urljoin

                    action = urljoin(url, form_element.get("action") or url)
                    offered.setdefault((action, name), set()).add(element.get("value") or "")
    return Crawled(list(forms.values()), offered, texts)


def separate_id_ranges() -> None:
    """Give each table its own range of new ids (table n: n × 1,000,000 on), so an id of an object
    made after this names nothing in any other table: a foreign id sent in a field can then only
    be refused, never mistaken for one of the user's own objects of another kind."""
    from django.apps import apps
    from django.db import connection

    with connection.cursor() as cursor:
        for number, model in enumerate(apps.get_models(), 1):
            if model._meta.pk.get_internal_type() not in ("AutoField", "BigAutoField"):
                continue
            table, base = model._meta.db_table, number * 1_000_000
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT setval(pg_get_serial_sequence(%s, %s), %s)", [table, model._meta.pk.column, base]
                )
            else:
                cursor.execute("DELETE FROM sqlite_sequence WHERE name = %s", [table])
                cursor.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (%s, %s)", [table, base])


def is_code_list(values: set[str]) -> bool:
    """A code table (民族 01–56, 政治面貌 01–13: zero-padded numbers) or a yes/no flag (0/1):
    numbers that are not object ids."""
    return any(len(v) > 1 and v.startswith("0") for v in values) or (
        bool(values) and values <= {"0", "1", ""}
    )


def test_the_body_crawl_finds_id_fields_in_the_chairs_forms(tree, personas):
    crawled = chair_forms(client_as(personas.chair), own_pages(tree, personas))

    actions = {f.action.split("?")[0] for f in crawled.forms}
    assert reverse("voting:paper_entry", args=[OWN_PAGES["voting:paper_entry"](tree, personas)]) in actions
    assert reverse("voting:electorate", args=[OWN_PAGES["voting:electorate"](tree, personas)]) in actions
    assert reverse("notices:create") in actions


def test_no_form_takes_another_unions_ids_in_its_body(tree, personas):
    """An id of school 2's is refused like a missing one: no server error, nothing of school 2's
    in the answer (beyond what the form's own page already offered, e.g. a transfer's target
    unions), and nothing written."""
    client = client_as(personas.chair)
    separate_id_ranges()
    school2_units = [OrgFactory(name=f"第二小学{n}组工会小组", parent=tree.school2).pk for n in (1, 2)]
    candidates = sorted(
        {*foreign_ids(tree, personas), *school2_units} - {tree.school2.pk, tree.school2_group.pk}
    )
    crawled = chair_forms(client, own_pages(tree, personas))
    marks = foreign_marks(tree)
    written = AuditEvent.objects.filter(actor=personas.chair, outcome=Outcome.SUCCESS)
    failures = []
    tried = 0
    for form in crawled.forms:
        shown = {m for m in marks if m in crawled.page_text[form.page]}
        for field in form.id_fields:
            offered = crawled.offered.get((form.action, field), set())
            if is_code_list(offered):
                continue
            for foreign in candidates:
                if str(foreign) in offered:
                    continue  # offered by the page itself (a transfer's target union)
                data: dict[str, list[str]] = {}
                for name, value in form.fields:
                    if name != field:
                        data.setdefault(name, []).append(value)
                data[field] = [str(foreign)]
                before = written.count()
                response = client.post(form.action, data, follow=True)
                tried += 1
                text = response.content.decode(errors="replace")
                leaked = [m for m in marks if m in text and m not in shown]
                where = f"{form.page} -> POST {form.action} {field}={foreign}"
                if response.status_code >= 500:
                    failures.append(f"{where}: {response.status_code}")
                if leaked:
                    failures.append(f"{where}: shows {leaked}")
                if written.count() != before:
                    new = written.order_by("-pk").values_list("action", flat=True)[: written.count() - before]
                    failures.append(f"{where}: wrote {list(new)}")

    assert tried > 20
    assert failures == [], "\n".join(failures)
