#!/usr/bin/env bash
# Prepare the development environment: .venv (Python 3.11, deps from requirements.lock,
# gonghui installed editable) and node_modules (browser assets from package-lock.json).
# Idempotent; a second run only checks and takes about a second.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV=.venv
PY="$VENV/bin/python"
UV="$VENV/bin/uv"
UV_VERSION="${UV_VERSION:-0.13.9}"
# The uv cache usually lives on another filesystem than the checkout: copy, don't try to hardlink.
export UV_LINK_MODE="${UV_LINK_MODE:-copy}"

log() { printf 'setup: %s\n' "$*" >&2; }
is_root() { [ "$(id -u)" -eq 0 ]; }
apt_install() {
    log "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq </dev/null
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" </dev/null
}

# --- Python -----------------------------------------------------------------------------------
pick_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    return 1
}

if [ -x "$PY" ] && ! "$PY" -c '' 2>/dev/null; then
    log "$VENV is broken (its interpreter no longer runs); recreating it"
    rm -rf "$VENV"
fi

if [ ! -x "$PY" ]; then
    if ! BASE_PY="$(pick_python)"; then
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install python3 python3-venv
            BASE_PY="$(pick_python)" || { log "Python >= 3.11 is required"; exit 1; }
        else
            log "Python >= 3.11 is required (python3.11 or python3 on PATH)"
            exit 1
        fi
    fi
    log "creating $VENV with $BASE_PY ($("$BASE_PY" --version 2>&1))"
    if ! "$BASE_PY" -m venv "$VENV"; then
        rm -rf "$VENV"
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install python3-venv
            "$BASE_PY" -m venv "$VENV"
        else
            log "'$BASE_PY -m venv' failed; on Debian install python3-venv"
            exit 1
        fi
    fi
fi

if [ ! -x "$UV" ]; then
    log "installing uv $UV_VERSION into $VENV"
    "$PY" -m pip install --quiet "uv==$UV_VERSION"
fi

# Make the venv hold exactly the lock plus gonghui itself (editable, no deps). Both go through
# one `uv pip sync`: syncing the lock alone would uninstall gonghui and force a rebuild of the
# editable package on every run. When nothing changed this takes a fraction of a second.
"$UV" pip sync --quiet requirements.lock <(printf -- '-e %s\n' "$PWD") --python "$PY"

# --- System libraries the app needs at run time -------------------------------------------------
# The PDF result sheets (WeasyPrint, gonghui/core/pdf.py) need pango, and the Noto CJK fonts that
# they embed. Installed when root; otherwise a warning (only PDF downloads are affected).
missing_debs=()
if command -v dpkg-query >/dev/null 2>&1; then
    for package in libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-cjk; do
        dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing_debs+=("$package")
    done
fi
if [ ${#missing_debs[@]} -gt 0 ]; then
    if is_root && command -v apt-get >/dev/null 2>&1; then
        apt_install "${missing_debs[@]}"
    else
        log "WARNING: missing ${missing_debs[*]}: PDF downloads will fail (Debian: apt-get install ${missing_debs[*]})"
    fi
fi

# --- Browser assets (npm) ---------------------------------------------------------------------
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules ]; then
    if ! command -v npm >/dev/null 2>&1; then
        if is_root && command -v apt-get >/dev/null 2>&1; then
            apt_install nodejs npm
        else
            log "npm is missing: install Node.js and npm (Debian: apt-get install nodejs npm)"
            exit 1
        fi
    fi
    log "npm ci"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
fi
