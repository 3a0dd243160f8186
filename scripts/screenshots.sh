#!/usr/bin/env bash
# Refreshes the README's screenshots (docs/screenshots/*.png) on demand: runs the offline
# first-run walk (a real `paperboy serve`, `paperboy demo`, headless Chromium) with its
# screenshots pointed at docs/screenshots/ instead of test-results/. The test run never writes
# tracked files; commit the new pictures when they should change.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC PATH="$PWD/node_modules/.bin:$PATH"
export PAPERBOY_CHROMIUM=${PAPERBOY_CHROMIUM:-$(command -v chromium || true)}
export PAPERBOY_SCREENSHOTS_DIR=$PWD/docs/screenshots
node --test --test-name-pattern='offline first run' test/first-run/first-run.browser.slow.test.ts
git status --short docs/screenshots 2>/dev/null || true
