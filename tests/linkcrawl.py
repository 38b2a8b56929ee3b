"""Follow every same-site link a signed-in user is shown, as that user (GET only).

Used by tests/test_links.py; kept apart so it can also be pointed at a demo database by hand.
A link a page shows must open: no 403, 404 or 500 for anything a page offers its viewer.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urldefrag, urlencode, urlsplit

from django.test import Client
from django.urls import Resolver404, resolve

# Never followed: they end the session or are not pages.
SKIP_URL_NAMES = frozenset({"core:logout"})
SKIP_PREFIXES = ("/static/", "/media/")
BAD_STATUSES = frozenset({403, 404, 500})


class _Links(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "a":
            return
        for name, value in attrs:
            if name == "href" and value:
                self.hrefs.append(value)


def links_of(html: str) -> list[str]:
    parser = _Links()
    parser.feed(html)
    return parser.hrefs


@dataclass
class Dead:
    url: str
    status: int
    found_on: str

    def __str__(self) -> str:
        return f"{self.status} {self.url} (linked from {self.found_on})"


@dataclass
class CrawlResult:
    visited: list[str] = field(default_factory=list)
    dead: list[Dead] = field(default_factory=list)


def _same_site(href: str) -> str | None:
    href = urldefrag(href)[0]
    if not href or href.startswith(("mailto:", "tel:", "javascript:")):
        return None
    parts = urlsplit(href)
    if parts.scheme or parts.netloc:
        if parts.netloc not in ("testserver", "127.0.0.1", "localhost"):
            return None
        href = parts.path + (f"?{parts.query}" if parts.query else "")
    return href


def _absolute(href: str, base: str) -> str:
    if href.startswith("/"):
        return href
    if href.startswith("?"):
        return urlsplit(base).path + href
    directory = urlsplit(base).path.rsplit("/", 1)[0]
    return f"{directory}/{href}"


def _shape(url: str) -> str | None:
    """The URL's pattern and the names of its query parameters: links of one shape are sampled."""
    parts = urlsplit(url)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return f"unresolved:{parts.path}"
    if match.view_name in SKIP_URL_NAMES:
        return None
    keys = sorted({key for key, _ in parse_qsl(parts.query, keep_blank_values=True) if key != "page"})
    return f"{match.view_name}?{'&'.join(keys)}"


def _canonical(url: str) -> str:
    parts = urlsplit(url)
    query = urlencode(sorted(parse_qsl(parts.query, keep_blank_values=True)))
    return parts.path + (f"?{query}" if query else "")


def crawl(
    client: Client, *, start: Iterable[str] = ("/",), samples: int = 3, limit: int = 2000
) -> CrawlResult:
    """Breadth-first over the links `client`'s user is shown; at most `samples` URLs per shape."""
    result = CrawlResult()
    queue: deque[tuple[str, str]] = deque((url, "(start)") for url in start)
    seen: set[str] = set()
    per_shape: dict[str, int] = defaultdict(int)
    while queue and len(result.visited) < limit:
        url, found_on = queue.popleft()
        url = _canonical(url)
        if url in seen or url.startswith(SKIP_PREFIXES):
            continue
        shape = _shape(url)
        if shape is None or per_shape[shape] >= samples:
            continue
        seen.add(url)
        per_shape[shape] += 1
        response = client.get(url)
        result.visited.append(url)
        if response.status_code in BAD_STATUSES:
            result.dead.append(Dead(url, response.status_code, found_on))
            continue
        if response.status_code in (301, 302):
            target = _same_site(response["Location"])
            if target is not None:
                queue.append((_absolute(target, url), url))
            continue
        if "text/html" not in response.get("Content-Type", "") or getattr(response, "streaming", False):
            continue
        for href in links_of(response.content.decode()):
            target = _same_site(href)
            if target is not None:
                queue.append((_absolute(target, url), url))
    return result
