#!/usr/bin/env bash
# CI: a short `fenceq demo --faults all` must hold every invariant with every fault struck (exit 0),
# and the unfenced control under pauses must be caught by the checker (exit 1, violations > 0);
# with worker JVMs, SIGKILL mid-write and SIGSTOP with the fence in hand must break nothing; and
# the Lambda consumer, invoked by the local event source, must hold them under every fault too.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
log=$(mktemp -d)
trap 'rm -rf "$log"' EXIT

small=(--jobs 600 --skus 60 --stock 20 --workers 3 --timeout-seconds 240)
# Worker JVMs take seconds each to start: fewer jobs.
process=(--jobs 300 --skus 60 --stock 20 --workers 3 --timeout-seconds 240)

echo "check-demo: ./fenceq demo --faults all ${small[*]}"
if ! ./fenceq demo --faults all --seed 3 "${small[@]}" >"$log/all.out" 2>"$log/all.err"; then
  cat "$log/all.out" >&2
  tail -n 20 "$log/all.err" >&2
  echo "check-demo: the demo under all faults reported a violation or a fault that never struck" >&2
  exit 1
fi
tail -n 1 "$log/all.out"

echo "check-demo: control without fencing under pauses must be caught"
set +e
./fenceq demo --faults pause --seed 5 --unsafe-no-fencing "${small[@]}" >"$log/control.out" 2>"$log/control.err"
rc=$?
set -e
result=$(tail -n 1 "$log/control.out")
echo "$result"
if [ "$rc" -ne 1 ] || ! grep -Eq 'duplicates=[1-9]' <<<"$result"; then
  cat "$log/control.out" >&2
  echo "check-demo: the checker did not catch the unfenced run (exit $rc)" >&2
  exit 1
fi
echo "check-demo: ./fenceq demo --consumer lambda --faults all (Lambda consumer via the local event source)"
if ! ./fenceq demo --consumer lambda --faults all --seed 3 --jobs 300 --skus 60 --stock 20 --workers 3 \
  --timeout-seconds 90 >"$log/lambda.out" 2>"$log/lambda.err"; then
  cat "$log/lambda.out" >&2
  tail -n 20 "$log/lambda.err" >&2
  echo "check-demo: the Lambda consumer demo reported a violation or a fault that never struck" >&2
  exit 1
fi
tail -n 1 "$log/lambda.out"
echo "check-demo: ./fenceq demo --process-workers --faults crash,pause (worker JVMs, SIGKILL and SIGSTOP)"
if ! ./fenceq demo --process-workers --faults crash,pause --seed 11 "${process[@]}" \
  >"$log/process.out" 2>"$log/process.err"; then
  cat "$log/process.out" >&2
  tail -n 20 "$log/process.err" >&2
  echo "check-demo: the demo with worker processes reported a violation or a fault that never struck" >&2
  exit 1
fi
tail -n 1 "$log/process.out"
echo "check-demo: ok"
