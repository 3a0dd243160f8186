#!/usr/bin/env bash
# The whole test suite, from a fresh clone: installs what the tests need (npm packages, Debian's
# PostgreSQL and Chromium when missing), starts a throwaway PostgreSQL cluster, then runs lint,
# type-check and every test. CI (.ci/run) runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."
export TZ=UTC

stamp=node_modules/.paperboy-lock-hash
want=$(sha256sum package-lock.json | cut -d' ' -f1)
if [[ ! -x node_modules/.bin/node || ! -f $stamp || "$(cat "$stamp")" != "$want" ]]; then
  echo "== npm ci"
  npm ci --no-audit --no-fund
  echo "$want" > "$stamp"
fi
NODE=node_modules/.bin/node
export PATH="$PWD/node_modules/.bin:$PATH"

apt_updated=0
need_pkg() { # need_pkg <binary-or-path> <debian package>
  if ! command -v "$1" >/dev/null 2>&1 && [[ ! -e "$1" ]]; then
    if [[ $apt_updated == 0 ]]; then apt-get update -qq; apt_updated=1; fi
    echo "== apt-get install $2"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
  fi
}
need_pkg chromium chromium
export PAPERBOY_CHROMIUM=${PAPERBOY_CHROMIUM:-$(command -v chromium)}

echo "== PostgreSQL"
export PAPERBOY_TEST_PG_URL=${PAPERBOY_TEST_PG_URL:-$(bash scripts/pg-test-cluster.sh | tail -n1)}
echo "using $PAPERBOY_TEST_PG_URL"

echo "== lint (biome)"
biome check .
echo "== type-check (tsc)"
tsc --noEmit -p .
echo "== import rules (depcruise)"; depcruise src --output-type err
echo "== dead files and exports (knip, knip.jsonc)"
knip
echo "== tests"
mkdir -p test-results
"$NODE" --test --test-concurrency=2 --test-timeout=300000 "src/**/*.test.ts" "test/**/*.test.ts" "bench/**/*.test.ts"
