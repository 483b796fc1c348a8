#!/usr/bin/env bash
# Times one workload of tests/benches/instructions.rs in two builds of that
# bench, alternately (A B, then B A, and so on), and prints the median of the
# per-pair time ratios B/A with their spread. On a shared VM whose speed
# drifts by tens of percent from minute to minute, a ratio of runs made
# seconds apart is what compares two versions of the code; two criterion
# runs made minutes apart are not.
# Usage: tools/ab-time.sh A_BINARY B_BINARY WORKLOAD [ITERATIONS] [PAIRS]
# A binary is what `cargo bench -p cloudjobs-tests --bench instructions
# --no-run` built, copied aside (or built in a worktree of the older commit).
set -euo pipefail
[ $# -ge 3 ] || { sed -n '2,10s/^# \{0,1\}//p' "$0" >&2; exit 2; }
a=$1 b=$2 workload=$3 iterations=${4:-150000} pairs=${5:-41}
for binary in "$a" "$b"; do
  "$binary" "$workload" 1 >/dev/null || { echo "$binary cannot run workload $workload" >&2; exit 2; }
done
nanoseconds() {
  local start end
  start=$(date +%s%N)
  "$1" "$workload" "$iterations" >/dev/null
  end=$(date +%s%N)
  echo $((end - start))
}
for pair in $(seq "$pairs"); do
  if [ $((pair % 2)) -eq 1 ]; then ta=$(nanoseconds "$a"); tb=$(nanoseconds "$b")
  else tb=$(nanoseconds "$b"); ta=$(nanoseconds "$a"); fi
  echo "$ta $tb"
done | python3 -c '
import statistics, sys
n, workload = int(sys.argv[1]), sys.argv[2]
pairs = [tuple(map(int, line.split())) for line in sys.stdin]
ratios = sorted(b / a for a, b in pairs)
quarter = len(ratios) // 4
print(f"{workload}, {len(pairs)} pairs of {n} iterations: B/A median {statistics.median(ratios):.3f} "
      f"(middle half {ratios[quarter]:.3f} to {ratios[-1 - quarter]:.3f}); median ns per iteration "
      f"A {statistics.median(a for a, _ in pairs) / n:.0f}, B {statistics.median(b for _, b in pairs) / n:.0f}")
' "$iterations" "$workload"
