#!/usr/bin/env bash
# Runs `fenceq ring` at the documented size and checks its RESULT line against the targets:
# max/mean <= 1.10 and moved within 10% of the ideal fraction.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
line=$("$root/fenceq" ring --lanes 256 --keys 1000000 --add 1 | tee /dev/stderr | grep '^RESULT ')
field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p" <<<"$line"; }
awk -v m="$(field max_over_mean)" -v mv="$(field moved)" -v ideal="$(field ideal_moved)" 'BEGIN {
  ok = (m <= 1.10) && (mv >= ideal * 0.9) && (mv <= ideal * 1.1)
  printf "ring: max_over_mean=%s (<= 1.10) moved=%s (ideal %s +/- 10%%): %s\n", m, mv, ideal, ok ? "ok" : "FAILED"
  exit ok ? 0 : 1
}'
