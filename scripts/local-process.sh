# Sourced by the smoke scripts: runs `fenceq local` in the background on free ports and waits for
# the environment it prints. Needs $root and $out set; defines $pid and the functions below.

# Starts `fenceq local` with the given options; gives up after 120 s.
start_local() {
  # Job control keeps SIGINT deliverable to a background job, as it is to a foreground one.
  set -m
  "$root/fenceq" local --sqs-port 0 --dynamodb-port 0 "$@" >"$out/local.log" 2>&1 &
  pid=$!
  for _ in $(seq 1 240); do
    grep -q '^export FENCEQ_HANDLER=' "$out/local.log" && return 0
    kill -0 "$pid" 2>/dev/null || { cat "$out/local.log"; echo "smoke: fenceq local exited early" >&2; return 1; }
    sleep 0.5
  done
  cat "$out/local.log"; echo "smoke: fenceq local did not start" >&2; return 1
}

# Waits up to 60 s for a line matching $2 in file $1.
await_line() {
  for _ in $(seq 1 120); do grep -q "$2" "$1" && return 0; sleep 0.5; done
  tail -n 20 "$1"; echo "smoke: gave up waiting for '$2' in $1" >&2; return 1
}

# Stops `fenceq local` with SIGINT, as a user's Ctrl-C would, and checks it stopped cleanly.
stop_local() {
  kill -INT "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  if kill -0 "$pid" 2>/dev/null; then echo "smoke: fenceq local ignored Ctrl-C" >&2; return 1; fi
  wait "$pid" || true
  grep -q 'fenceq local: stopped' "$out/local.log" || { cat "$out/local.log"; echo "smoke: no clean stop" >&2; return 1; }
}
