#!/usr/bin/env bash
# Starts `fenceq local --workers 2` on free ports; uses it from other processes with the environment
# it prints (`fenceq enqueue`, whose jobs its workers drain, `fenceq worker`, then the end-to-end
# enqueue tests as an external target); stops it with SIGINT as a user's Ctrl-C would. Bounded: it
# gives up on a start that takes over 120 s and on a drain that takes over 60 s.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
. "$root/scripts/find-jdk.sh"
JAVA_HOME="$(fenceq_find_jdk)" || exit 1
export JAVA_HOME
out=$(mktemp -d)
. "$root/scripts/local-process.sh"
cleanup() {
  [ -f "$out/worker.pid" ] && kill -9 "$(cat "$out/worker.pid")" 2>/dev/null
  [ -n "${pid:-}" ] && kill -9 "$pid" 2>/dev/null || true
  rm -rf "$out"
}
trap cleanup EXIT
start_local --workers 2
(
  eval "$(grep '^export ' "$out/local.log")"
  "$root/fenceq" enqueue --key sku-1 --type reserve --payload '{"qty":1}' | tee "$out/enqueue.log"
  grep -q '^enqueued jobId=.* key=sku-1 lane=lane-[0-9]\{4\} seq=[0-9]' "$out/enqueue.log"
  "$root/fenceq" enqueue --key sku-2 --type reserve --count 25 | tee "$out/many.log"
  grep -q '^enqueued=25 failed=0 key=sku-2' "$out/many.log"
  if "$root/fenceq" enqueue --key sku-3 --type reserve --payload '{not json' 2>"$out/bad.log"; then
    echo "smoke: a non-JSON payload was accepted" >&2; exit 1
  fi
  grep -q 'payload: is not valid JSON' "$out/bad.log"
  # The in-process workers drain the 26 jobs (sku-1 once, sku-2 25 times) and say so.
  await_line "$out/local.log" '^fenceq local: workers=2 done=26 '
  echo "smoke: fenceq local --workers 2 drained the enqueued jobs"
  # Their lanes' leases were granted and then released or passed on: listed, and every one still
  # held recorded its lane-batch, so the lane's next batch takes it without waiting.
  "$root/fenceq" leases | tee "$out/leases.log"
  grep -q '^lane#[0-9]\{4\} ' "$out/leases.log"
  grep -q "leases, \([0-9]*\) held, \1 of them passing to their lane's next batch (table " "$out/leases.log" \
    || { echo "smoke: a lease is held that its lane's next batch cannot take" >&2; exit 1; }
  # A worker in another process joins them, then stops on SIGTERM as ECS stops a task.
  FENCEQ_RECEIVE_WAIT_SECONDS=1 "$root/fenceq" worker >"$out/worker.log" 2>&1 &
  worker=$!
  echo "$worker" >"$out/worker.pid"
  await_line "$out/worker.log" 'event=worker_started'
  "$root/fenceq" enqueue --key sku-7 --type reserve --count 10 >/dev/null
  kill -TERM "$worker"
  status=0; wait "$worker" || status=$?
  rm -f "$out/worker.pid"
  [ "$status" -eq 0 ] || { cat "$out/worker.log"; echo "smoke: fenceq worker exited $status on SIGTERM" >&2; exit 1; }
  grep -q '^fenceq worker: stopped' "$out/worker.log" || { cat "$out/worker.log"; echo "smoke: fenceq worker did not stop cleanly" >&2; exit 1; }
  # Every one of the 36 jobs is done exactly once, by the in-process workers or by this one.
  by_worker=$(sed -n 's/^fenceq worker: stopped.* done=\([0-9]*\) .*/\1/p' "$out/worker.log")
  await_line "$out/local.log" "^fenceq local: workers=2 done=$((36 - by_worker)) "
  echo "smoke: fenceq worker did $by_worker of the jobs next to fenceq local's and stopped cleanly on SIGTERM"
  # The end-to-end suite against an endpoint it did not start, as it would run against LocalStack.
  FENCEQ_TEST_TARGET=external "$root/mvnw" -B -q -f "$root/pom.xml" -pl tests -am verify \
    -Dtest='EnqueueEndToEndTest' -Dsurefire.failIfNoSpecifiedTests=false >"$out/external.log" 2>&1 \
    || { tail -n 40 "$out/external.log"; echo "smoke: end-to-end tests failed on an external endpoint" >&2; exit 1; }
  echo "smoke: end-to-end enqueue tests passed against the external endpoint"
)
stop_local
echo "smoke: fenceq local started, accepted jobs from another process, and stopped on Ctrl-C"
