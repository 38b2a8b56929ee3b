#!/usr/bin/env bash
# `make run`: the embedded demo. Migrates the SQLite database in var/, loads the demo data once,
# starts the background worker (imports, summaries) and Django's development server; the worker
# stops when the server does.
#
# With DEBUG off (the default) GONGHUI_FIELD_KEY is required: the demo makes a random one once,
# keeps it in var/demo.env (readable by the owner only) and reuses it. A key in the environment
# wins. Not for production: see `make serve`.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'run: %s\n' "$*" >&2; }

PY=.venv/bin/python
VAR="${GONGHUI_VAR_DIR:-var}"
ADDR="${ADDR:-127.0.0.1:8000}"
mkdir -p "$VAR"

key_file="$VAR/demo.env"
new_key=0
if [ -z "${GONGHUI_FIELD_KEY:-}" ]; then
    if [ ! -f "$key_file" ]; then
        new_key=1
        (
            umask 077
            printf '# The demo'"'"'s own GONGHUI_FIELD_KEY (made by make run). Not for production.\n' >"$key_file"
            printf 'GONGHUI_FIELD_KEY=%s\n' "$("$PY" -c 'import secrets; print(secrets.token_urlsafe(48))')" >>"$key_file"
        )
        log "made a GONGHUI_FIELD_KEY for the demo in $key_file"
    fi
    set -a
    # shellcheck disable=SC1090
    . "$key_file"
    set +a
fi

"$PY" manage.py migrate --noinput
if [ "$new_key" = 1 ] && [ -z "${DATABASE_URL:-}" ] &&
    "$PY" manage.py shell -v 0 -c 'from gonghui.core.models import Org; raise SystemExit(0 if Org.objects.exists() else 1)' 2>/dev/null; then
    # A demo database from before the key was required: its data is under the development key.
    log "moving the existing demo data from the development key to the new one (rotate-keys)"
    "$PY" -c 'from gonghui.core.keys import DEV_KEY; print(DEV_KEY)' |
        "$PY" manage.py rotate-keys --old-key - ||
        log "could not move it: ID numbers of the old demo stay unreadable; delete $VAR/gonghui.sqlite3 for a fresh demo"
fi
"$PY" manage.py demo --if-empty

"$PY" manage.py worker --verbosity 0 &
worker=$!
stop_worker() {
    if kill -0 "$worker" 2>/dev/null; then
        kill -TERM "$worker" 2>/dev/null || true
        wait "$worker" 2>/dev/null || true
    fi
}
trap stop_worker EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# The demo speaks plain HTTP: cookies must not be Secure-only unless asked for.
SECURE_COOKIES="${SECURE_COOKIES:-0}" "$PY" manage.py runserver "$ADDR"
