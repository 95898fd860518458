#!/usr/bin/env bash
# Installs the pinned promptfoo for the benchmark into bench/promptfoo/node_modules.
# promptfoo 0.118.0 runs on Node 20 when its install scripts are skipped (they download
# browsers and prebuilt binaries) and better-sqlite3 is compiled against the system Node.
set -euo pipefail
cd "$(dirname "$0")"
if [ ! -f node_modules/better-sqlite3/build/Release/better_sqlite3.node ]; then
  PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 npm ci --ignore-scripts --no-audit --no-fund
  (cd node_modules/better-sqlite3 && npx --yes node-gyp@10 rebuild --release --nodedir=/usr)
fi
npx promptfoo --version
