#!/usr/bin/env bash
# Run the test suite (same as `make test`, without lint) on PostgreSQL.
#
# If DATABASE_URL points at PostgreSQL it is used as is (pytest-django creates and drops its own
# test_<name> database there). Otherwise a throwaway cluster is started from the newest server
# binaries under /usr/lib/postgresql: temporary data directory, free port on 127.0.0.1, unix
# socket inside the temporary directory, trust auth. It is stopped and removed on exit.
# Exits with pytest's exit code.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'test-pg: %s\n' "$*" >&2; }

[ -x .venv/bin/pytest ] || bash scripts/setup.sh

case "${DATABASE_URL:-}" in
    postgres://* | postgresql://* | pgsql://*)
        log "using DATABASE_URL from the environment"
        exec bash scripts/pytest.sh "$@"
        ;;
    "") ;;
    *) log "DATABASE_URL is not PostgreSQL; ignoring it and starting a throwaway cluster" ;;
esac

# Newest installed major version (Debian layout: /usr/lib/postgresql/<major>/bin).
PGBIN=""
if [ -d /usr/lib/postgresql ]; then
    major="$(find /usr/lib/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null |
        grep -E '^[0-9]+$' | sort -n | tail -n 1 || true)"
    [ -n "$major" ] && PGBIN="/usr/lib/postgresql/$major/bin"
fi
if [ -z "$PGBIN" ] || [ ! -x "$PGBIN/initdb" ] || [ ! -x "$PGBIN/pg_ctl" ]; then
    log "no PostgreSQL server binaries found under /usr/lib/postgresql."
    log "Either set DATABASE_URL=postgres://user@host:port/dbname to use a running server,"
    log "or install the server (Debian: apt-get install postgresql; .ci/run installs it)."
    exit 1
fi

# initdb and postgres refuse to run as root: run them as the postgres user then.
AS_PG=()
if [ "$(id -u)" -eq 0 ]; then
    if ! id postgres >/dev/null 2>&1; then
        log "running as root but there is no 'postgres' user to run the server as"
        exit 1
    fi
    AS_PG=(runuser -u postgres --)
fi

PGTMP="$(mktemp -d "${TMPDIR:-/tmp}/gonghui-pg.XXXXXX")"
PGDATA="$PGTMP/data"
PGLOG="$PGTMP/server.log"
started=0

cleanup() {
    local rc=$?
    trap - EXIT INT TERM
    if [ "$started" = 1 ]; then
        (cd "$PGTMP" && "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -m immediate -w stop >/dev/null 2>&1) ||
            log "could not stop the cluster in $PGDATA"
    fi
    rm -rf "$PGTMP"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

chmod 700 "$PGTMP"
[ ${#AS_PG[@]} -eq 0 ] || chown postgres: "$PGTMP"

PORT="$(.venv/bin/python -c 'import socket
s = socket.socket()
s.bind(("127.0.0.1", 0))
print(s.getsockname()[1])')"

log "starting PostgreSQL $major ($PGBIN) on 127.0.0.1:$PORT in $PGTMP"
# The server's cwd must be readable by the postgres user: run from the temporary directory.
(
    cd "$PGTMP"
    "${AS_PG[@]}" "$PGBIN/initdb" -D "$PGDATA" -U postgres -A trust -E UTF8 --locale=C.UTF-8 \
        --no-instructions >"$PGTMP/initdb.log" 2>&1 || { cat "$PGTMP/initdb.log" >&2; exit 1; }
    # A disposable cluster: durability off for speed.
    "${AS_PG[@]}" "$PGBIN/pg_ctl" -D "$PGDATA" -l "$PGLOG" -w -t 60 -o "-p $PORT -k $PGTMP \
        -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off \
        -c full_page_writes=off -c max_connections=200" start >/dev/null
) || { [ -f "$PGLOG" ] && cat "$PGLOG" >&2; log "could not start PostgreSQL"; exit 1; }
started=1

for _ in $(seq 1 60); do
    "$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" && break
    sleep 0.5
done
"$PGBIN/pg_isready" -q -h 127.0.0.1 -p "$PORT" || { cat "$PGLOG" >&2; log "server not ready"; exit 1; }

"$PGBIN/createdb" -h 127.0.0.1 -p "$PORT" -U postgres gonghui
export DATABASE_URL="postgres://postgres@127.0.0.1:$PORT/gonghui"
log "DATABASE_URL=$DATABASE_URL"

set +e
bash scripts/pytest.sh "$@"
rc=$?
set -e
exit "$rc"
