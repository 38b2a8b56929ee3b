"""Chinese pages for the errors gunicorn answers itself, before Django sees the request.

A malformed request (a bad request line or header name, a header block too large) is refused by
gunicorn's parser, and an exception escaping the WSGI application is answered by gunicorn too:
both with an English page ("Bad Request", "Internal Server Error"). gunicorn has no setting for
that page, so gunicorn.conf.py installs `write_error` below in place of gunicorn.util.write_error
(called by every worker class's handle_error). Same status codes, the reason stays in the log.
"""

from __future__ import annotations

import socket
from typing import Any

from gunicorn import util

from gonghui.core.plain_errors import fallback_page


def write_error(sock: socket.socket, status_int: int, reason: str, mesg: str) -> None:
    """What gunicorn.util.write_error does, with the Chinese page (UTF-8; gunicorn's is latin-1)."""
    body = fallback_page(status_int).encode()
    head = (
        f"HTTP/1.1 {status_int} {reason}\r\n"
        "Connection: close\r\n"
        "Content-Type: text/html; charset=utf-8\r\n"
        "X-Content-Type-Options: nosniff\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    ).encode("latin-1")
    util.write_nonblock(sock, head + body)


def install(*_args: Any) -> None:
    util.write_error = write_error
