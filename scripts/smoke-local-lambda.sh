#!/usr/bin/env bash
# Starts `fenceq local --consumer lambda --workers 2` on free ports: the local SQS event source
# invoking ConsumerFunction in-process. Jobs enqueued from another process must all be done, and
# Ctrl-C must stop it cleanly.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/find-jdk.sh"
JAVA_HOME="$(fenceq_find_jdk)" || exit 1
export JAVA_HOME
out=$(mktemp -d)
. "$root/scripts/local-process.sh"
cleanup() {
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
start_local --consumer lambda --workers 2
(
  eval "$(grep '^export ' "$out/local.log")"
  "$root/fenceq" enqueue --key sku-4 --type reserve --count 20 >/dev/null
  "$root/fenceq" enqueue --key sku-5 --type reserve --count 20 >/dev/null
  await_line "$out/local.log" '^fenceq local: lambda concurrency=2 done=40 '
  # Both lanes' leases were granted to the function, then released or passed on: every one still
  # held recorded its lane-batch, so the lane's next batch takes it without waiting.
  "$root/fenceq" leases >"$out/leases.log"
  grep -q "leases, \([0-9]*\) held, \1 of them passing to their lane's next batch (table " "$out/leases.log" \
    || { cat "$out/leases.log"; echo "smoke: a lease is held that its lane's next batch cannot take" >&2; exit 1; }
)
echo "smoke: fenceq local --consumer lambda ran 40 jobs through ConsumerFunction"
stop_local
echo "smoke: fenceq local --consumer lambda stopped on Ctrl-C"
