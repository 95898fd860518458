# Shared by the tests that drive mmgate's pages in headless Chromium. Sourced as
#   source "$(dirname "$0")/../lib/browser.sh" NAME MMGATE NODE_MODULES [ARTIFACT_DIR]
# It sets MMGATE, NODE_PATH (where playwright-core is), ARTIFACTS (created, when given), HERE (the test's
# folder), WORK (a scratch folder named after NAME, removed on exit unless KEEP_WORK is set), PY (Debian's
# python) and PYTHONPATH (so a test's Python can `from media import bar_png`), and defines fail() and
# stop_server(). A test that starts a server in the background keeps its pid in $server: it is killed on exit.
set -euo pipefail
MMGATE=$(realpath "$2")
export NODE_PATH
NODE_PATH=$(realpath "$3")
ARTIFACTS=""
if [ -n "${4:-}" ]; then
  ARTIFACTS=$(realpath -m "$4")
  mkdir -p "$ARTIFACTS"
fi
HERE=$(cd "$(dirname "$0")" && pwd)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/mmgate-$1.XXXXXX")
PY=/usr/bin/python3
export PYTHONPATH
PYTHONPATH="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)${PYTHONPATH:+:$PYTHONPATH}"
server=""

fail() { echo "FAIL: $*" >&2; exit 1; }

# Stops the background server and waits for it, so its last writes are on disk.
stop_server() {
  if [ -n "$server" ]; then
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
  fi
}

browser_cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; fi
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap browser_cleanup EXIT
