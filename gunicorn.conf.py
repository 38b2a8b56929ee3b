"""Gunicorn settings for `make serve` (scripts/serve.sh), from environment variables.

GONGHUI_BIND          address:port to listen on (default 0.0.0.0:8000)
GONGHUI_WEB_WORKERS   web worker processes (default 2 × CPU cores + 1, at most 9)
GONGHUI_WEB_TIMEOUT   seconds a request may take before its worker is restarted (default 120)

Background jobs (imports, summaries, exports) do not run here but in `manage.py worker`, which
serve.sh starts beside gunicorn.
"""

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


wsgi_app = "gonghui.config.wsgi:application"
bind = [
    address.strip()
    for address in os.environ.get("GONGHUI_BIND", "0.0.0.0:8000").split(",")
    if address.strip()
]
# Sync workers: each request holds one process. 2 × cores + 1 is gunicorn's rule of thumb; capped,
# since each worker holds its own database connection and ~100 MB of memory.
workers = _int("GONGHUI_WEB_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 9))
timeout = _int("GONGHUI_WEB_TIMEOUT", 120)
graceful_timeout = 30
# Load the application once in the master: a broken setting stops the start with one message,
# not one traceback per worker.
preload_app = True
# A worker is replaced after this many requests (bounded memory growth).
max_requests = 2000
max_requests_jitter = 200
# Heartbeat files in memory, not on a possibly slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info").lower()
# Django itself decides whether X-Forwarded-Proto is trusted (GONGHUI_PROXY); this only sets
# gunicorn's own wsgi.url_scheme.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
proc_name = "gonghui"
# The control socket (`gunicornc`) lives with this installation's other run files, so two
# installations on one machine (or the CI smoke beside a real one) do not share it.
control_socket = os.path.join(os.environ.get("GONGHUI_VAR_DIR", "var"), "run", "gunicorn.ctl")


def post_fork(server: object, worker: object) -> None:
    """gunicorn's own error pages (a malformed request, an exception escaping Django) in Chinese."""
    from gonghui.config.gunicorn_errors import install

    install()
