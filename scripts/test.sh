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

# Tests are good neighbours (issue 13): each run gets a fresh TMPDIR that must be empty again at
# the end, tracked files must be as they were, and no test process (nor a `node` child it spawns)
# may reach beyond loopback (test/support/no-network.ts). Slow files (*.slow.test.ts, over ~20 s
# each) run as a second step; `--fast` stops after the first.
fast_only=0
[[ ${1:-} == --fast ]] && fast_only=1
shopt -s globstar nullglob
fast=() slow=()
for f in src/**/*.test.ts test/**/*.test.ts bench/**/*.test.ts; do
  if [[ $f == *.slow.test.ts ]]; then slow+=("$f"); else fast+=("$f"); fi
done
# Longest first: the 100k-record kill/resume import fills one worker while the other slow files
# share the second, so the slow step takes about as long as that one file.
longest=test/import/kill-resume.slow.test.ts
if [[ -f $longest ]]; then
  rest=()
  for f in "${slow[@]}"; do [[ $f == "$longest" ]] || rest+=("$f"); done
  slow=("$longest" "${rest[@]}")
fi
tracked_before=$(git status --porcelain --untracked-files=no 2>/dev/null || true)
test_tmp=$(mktemp -d "${TMPDIR:-/tmp}/paperboy-tests.XXXXXX")
trap 'rm -rf "$test_tmp"' EXIT
export TMPDIR=$test_tmp PAPERBOY_TEST_SUITE=1
export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--import=$PWD/test/support/no-network.ts"
mkdir -p test-results
run_tests() { "$NODE" --test --test-concurrency=2 --test-timeout=300000 "$@"; }
echo "== tests (fast: ${#fast[@]} files)"
SECONDS=0
run_tests "${fast[@]}"
echo "fast tests: ${SECONDS} s"
if [[ $fast_only == 0 ]]; then
  echo "== tests (slow: ${slow[*]})"
  SECONDS=0
  run_tests "${slow[@]}"
  echo "slow tests: ${SECONDS} s"
fi
unset NODE_OPTIONS

echo "== good neighbours"
leftovers=$(ls -A "$test_tmp")
if [[ -n $leftovers ]]; then
  echo "tests left these in TMPDIR (each test removes what it creates):"
  (cd "$test_tmp" && du -sh -- * .[!.]* 2>/dev/null)
  exit 1
fi
if [[ "$(git status --porcelain --untracked-files=no 2>/dev/null || true)" != "$tracked_before" ]]; then
  echo "tests changed tracked files (screenshots go to test-results/; npm run screenshots refreshes docs/screenshots):"
  git status --short --untracked-files=no
  exit 1
fi
echo "TMPDIR empty, tracked files unchanged"
