#!/usr/bin/env bash
# System packages the test suite needs: Debian's Chromium for the Playwright journeys
# (tests/e2e), Noto CJK fonts so Chinese text renders in screenshots and documents, and pango
# for WeasyPrint (the PDF result sheets, gonghui/core/pdf.py).
# Installs them with apt-get when running as root; otherwise only warns.
set -euo pipefail

missing=()
[ -x /usr/bin/chromium ] || missing+=(chromium)
for package in fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0; do
    dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'ok installed' || missing+=("$package")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "test-deps: apt-get install ${missing[*]}" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq </dev/null
    apt-get install -y -qq --no-install-recommends "${missing[@]}" </dev/null
else
    echo "test-deps: WARNING: missing ${missing[*]} (not root, not installing);" \
        "the e2e tests need /usr/bin/chromium, the PDF tests pango and the Noto CJK fonts." \
        "Debian: sudo apt-get install chromium fonts-noto-cjk libpango-1.0-0 libpangoft2-1.0-0" >&2
fi
