#!/usr/bin/env bash
# `make serve`: run Gonghui the way a union deploys it (README, "Production").
#
#   1. read the optional env file (GONGHUI_ENV_FILE, default var/gonghui.env; variables already
#      in the environment win over the file),
#   2. check that the database answers (a wrong DATABASE_URL stops here, with a clear message),
#   3. `check --deploy --fail-level WARNING`: a missing key, the development SECRET_KEY or an
#      undecided GONGHUI_HTTPS stops here,
#   4. collectstatic (hashed, gzip + brotli), migrate,
#   5. start `manage.py worker` (restarted if it dies) and gunicorn (gunicorn.conf.py).
#
# DEBUG is always off; no demo data is loaded (`manage.py init` creates the first organisation).
# SIGTERM or SIGINT stops both: gunicorn finishes its requests, the worker its current job.
# The process ids are in var/run/web.pid and var/run/worker.pid.
set -euo pipefail
cd "$(dirname "$0")/.."

log() { printf 'serve: %s\n' "$*" >&2; }
die() {
    log "$*"
    log "服务未启动 / not started."
    exit 1
}

# --- configuration: the environment, and the env file under it ---------------------------------
env_file="${GONGHUI_ENV_FILE:-${GONGHUI_VAR_DIR:-var}/gonghui.env}"
if [ -f "$env_file" ]; then
    saved="$(export -p)"
    set -a
    # shellcheck disable=SC1090
    . "$env_file"
    set +a
    eval "$saved" # what the environment already said wins over the file
    log "read $env_file"
elif [ -n "${GONGHUI_ENV_FILE:-}" ]; then
    die "GONGHUI_ENV_FILE=$GONGHUI_ENV_FILE does not exist"
fi

case "${DEBUG:-0}" in
    0 | false | no | off | "") ;;
    *) log "DEBUG=$DEBUG ignored: the production server always runs with DEBUG off" ;;
esac
export DEBUG=0
export GONGHUI_STATIC_MANIFEST=1
export GONGHUI_VAR_DIR="${GONGHUI_VAR_DIR:-$PWD/var}"
export PYTHONUNBUFFERED=1
[ -n "${GONGHUI_HTTPS:-}" ] || log "GONGHUI_HTTPS 未设置：经 HTTPS 访问设为 1，局域网 HTTP 访问设为 0 / set GONGHUI_HTTPS=1 (HTTPS) or 0 (plain-HTTP LAN)"
[ -n "${ALLOWED_HOSTS:-}" ] || log "ALLOWED_HOSTS is not set: only requests to 127.0.0.1 and localhost are answered"

[ -x .venv/bin/python ] || bash scripts/setup.sh
PY=.venv/bin/python
RUN_DIR="$GONGHUI_VAR_DIR/run"
mkdir -p "$GONGHUI_VAR_DIR" "$RUN_DIR"

# --- checks, static files, migrations -----------------------------------------------------------
"$PY" manage.py check-database --wait "${GONGHUI_DB_WAIT_SECONDS:-15}" || die "数据库不可用 / the database is not reachable (see above)"
"$PY" manage.py check --deploy --fail-level WARNING ||
    die "部署检查未通过 / 'check --deploy' reported problems (see above; README, Production)"
log "collectstatic into $GONGHUI_VAR_DIR/staticfiles"
"$PY" manage.py collectstatic --noinput --clear -v0 || die "collectstatic failed"
"$PY" manage.py migrate --noinput || die "migrate failed"

# --- the worker (restarted when it dies) and gunicorn ---------------------------------------------
run_worker() {
    local wpid="" stop=0 rc
    trap 'stop=1; [ -z "$wpid" ] || kill -TERM "$wpid" 2>/dev/null || true' TERM INT
    while [ "$stop" = 0 ]; do
        "$PY" manage.py worker &
        wpid=$!
        echo "$wpid" >"$RUN_DIR/worker.pid"
        rc=0
        wait "$wpid" || rc=$?
        # A signal ends `wait` early: wait until the worker has finished its job and exited.
        while kill -0 "$wpid" 2>/dev/null; do wait "$wpid" || rc=$?; done
        wpid=""
        [ "$stop" = 0 ] || break
        log "worker exited (status $rc); starting a new one in 3 s (its jobs are recovered)"
        sleep 3 &
        wait $! || true
    done
    rm -f "$RUN_DIR/worker.pid"
}

run_worker &
worker_loop=$!
.venv/bin/gunicorn -c gunicorn.conf.py &
web=$!
echo "$web" >"$RUN_DIR/web.pid"
log "gunicorn (pid $web) on ${GONGHUI_BIND:-0.0.0.0:8000}, worker loop (pid $worker_loop)"

stop() {
    trap - TERM INT
    log "stopping gunicorn and the worker"
    kill -TERM "$web" "$worker_loop" 2>/dev/null || true
    wait "$web" 2>/dev/null || true
    wait "$worker_loop" 2>/dev/null || true
    rm -f "$RUN_DIR/web.pid"
    exit "$1"
}
trap 'stop 143' TERM
trap 'stop 130' INT

rc=0
wait "$web" || rc=$?
log "gunicorn exited (status $rc)"
stop "$rc"
