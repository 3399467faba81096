#!/usr/bin/env bash
# `npm test`: the whole check, each step under a header, then a summary.
#   1 setup      system packages (lavapipe, Chromium) and node_modules, when missing
#   2 typecheck  tsc --noEmit over src, test, harness, bench, examples
#   3 unit       vitest on the CPU reference and on WebGPU (WEBGPU_REQUIRED=1: no adapter fails)
#   4 build      the browser and Node bundles and the type declarations
#   5 package    npm pack, installed into an empty project: a TypeScript consumer typechecks and runs
#   6 browser    the browser harness in headless Chromium against dist/browser
# A failing step does not stop the later ones (nothing runs without the set-up); the exit status
# is 1 if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."

# Bold headers on a terminal, plain text in logs.
if [ -t 1 ]; then bold=$'\033[1m' plain=$'\033[0m'; else bold='' plain=''; fi
names=()
results=()
times=()
failed=0

# run_step NAME TIMEOUT_SECONDS COMMAND...: a header, the command under a time limit, its result.
run_step() {
  local name=$1 limit=$2
  shift 2
  printf '\n%s=== [%d/6] %s ===%s\n%s\n' "$bold" $((${#names[@]} + 1)) "$name" "$plain" "$*"
  local t0=$SECONDS status=0
  timeout --kill-after=10 "$limit" "$@" || status=$?
  local took=$((SECONDS - t0))
  names+=("$name")
  times+=("${took}s")
  if [ "$status" = 0 ]; then
    results+=(PASS)
  else
    [ "$status" = 124 ] && echo "test: $name ran over its ${limit}s limit" >&2
    results+=("FAIL (exit $status)")
    failed=1
  fi
  return "$status"
}

skip_step() {
  printf '\n%s=== [%d/6] %s ===%s\nskipped: %s\n' "$bold" $((${#names[@]} + 1)) "$1" "$plain" "$2"
  names+=("$1")
  results+=("SKIPPED ($2)")
  times+=(-)
  failed=1
}

summary() {
  printf '\n%s=== summary ===%s\n' "$bold" "$plain"
  local i
  for i in "${!names[@]}"; do
    printf '  %-10s %-6s %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"
  done
  if [ "$failed" = 0 ]; then echo "npm test: all steps passed"; else echo "npm test: FAILED"; fi
}

started=$SECONDS
if run_step setup 600 bash scripts/setup.sh; then
  source scripts/vulkan_env.sh
  echo "VK_ICD_FILENAMES=${VK_ICD_FILENAMES:-(unset: the Vulkan loader sees every installed driver)}"
  run_step typecheck 300 npx tsc -p tsconfig.json --noEmit
  run_step unit 1500 env WEBGPU_REQUIRED=1 npx vitest run
  run_step build 300 npm run --silent build
  run_step package 300 node scripts/check_package.mjs
  # The harness needs only the esbuild bundles (it rebuilds them when stale), so it still runs
  # when the type declarations fail.
  run_step browser 300 node harness/run.mjs
else
  for step in typecheck unit build package browser; do skip_step "$step" "set-up failed"; done
fi
summary
echo "total $((SECONDS - started))s"
exit "$failed"
