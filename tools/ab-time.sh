#!/usr/bin/env bash
# Times one workload of tests/benches/instructions.rs in two builds of that
# bench, alternately (A then B, B then A, and so on), and prints the median
# of the per-pair time ratios B/A with the middle half of them. On a shared
# VM whose speed drifts by tens of percent from minute to minute, the ratio
# of two runs made seconds apart is what compares two versions of the code;
# two criterion runs made minutes apart are not.
# Usage: tools/ab-time.sh A_BINARY B_BINARY WORKLOAD [ITERATIONS] [PAIRS]
# (defaults 150000 and 41). A binary is what `cargo bench -p cloudjobs-tests
# --bench instructions --no-run` built, copied aside, or built in a worktree
# of the older commit with its own CARGO_TARGET_DIR. Each time includes the
# process's start-up, which pulls the ratio towards 1: give the signing
# workloads (about 1.5 us each) 150000 iterations, and the call workloads
# (about 100 us each, and a server to start) 2000.
set -euo pipefail
usage() { sed -n '2,14s/^# \{0,1\}//p' "$0" >&2; exit 2; }
[ $# -ge 3 ] && [ $# -le 5 ] || usage
a=$1 b=$2 workload=$3 iterations=${4:-150000} pairs=${5:-41}
for count in "$iterations" "$pairs"; do
  [[ $count =~ ^[1-9][0-9]*$ ]] || { echo "ITERATIONS and PAIRS must be positive whole numbers, not $count" >&2; usage; }
done
for binary in "$a" "$b"; do
  "$binary" "$workload" 1 >/dev/null 2>&1 || { echo "$binary cannot run workload $workload" >&2; exit 2; }
done
times=$(mktemp)
trap 'rm -f "$times"' EXIT
# Nanoseconds one run of binary $1 takes; a failed run stops the comparison.
nanoseconds() {
  local start=$EPOCHREALTIME
  "$1" "$workload" "$iterations" >/dev/null || { echo "$1 failed on $workload" >&2; exit 1; }
  python3 -c 'import sys; print(round((float(sys.argv[2]) - float(sys.argv[1])) * 1e9))' "$start" "$EPOCHREALTIME"
}
for pair in $(seq "$pairs"); do
  if [ $((pair % 2)) -eq 1 ]; then ta=$(nanoseconds "$a"); tb=$(nanoseconds "$b")
  else tb=$(nanoseconds "$b"); ta=$(nanoseconds "$a"); fi
  echo "$ta $tb" >>"$times"
done
python3 - "$iterations" "$workload" "$times" <<'PY'
import statistics, sys
n, workload = int(sys.argv[1]), sys.argv[2]
pairs = [tuple(map(int, line.split())) for line in open(sys.argv[3])]
ratios = sorted(b / a for a, b in pairs)
quarter = len(ratios) // 4
print(f"{workload}, {len(pairs)} pairs of {n} iterations: B/A median {statistics.median(ratios):.3f} "
      f"(middle half {ratios[quarter]:.3f} to {ratios[-1 - quarter]:.3f}); median ns per iteration "
      f"A {statistics.median(a for a, _ in pairs) / n:.0f}, B {statistics.median(b for _, b in pairs) / n:.0f}")
PY
