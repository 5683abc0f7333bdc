#!/usr/bin/env bash
# Make sure Debian's Chromium is installed for the browser tests, then print the
# environment they read:   eval "$(scripts/test-browser.sh)"
#
# Playwright drives this Chromium through `executable_path`; it never downloads a browser
# of its own (PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD is set for anything that might try). A
# browser already named by MOTIVEKIT_TEST_CHROMIUM is kept. When Chromium cannot be
# installed, this fails with the reason: the browser tests never skip.
set -euo pipefail

say() { echo "test-browser: $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        say "need root to run: $*"; return 1
    fi
}

chromium=${MOTIVEKIT_TEST_CHROMIUM:-/usr/bin/chromium}
if [ ! -x "$chromium" ]; then
    say "installing chromium from Debian's packages"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
if ! "$chromium" --version >/dev/null 2>&1; then
    say "$chromium does not run: $("$chromium" --version 2>&1 | head -1)"
    exit 1
fi
echo "export MOTIVEKIT_TEST_CHROMIUM=$chromium"
echo "export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1"
