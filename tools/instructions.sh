#!/usr/bin/env bash
# Instructions per iteration of each workload of tests/benches/instructions.rs,
# counted by callgrind: the workload runs SMALL and LARGE times, and the
# difference in instructions over the difference in iterations is the cost of
# one iteration without start-up. Instruction counts do not depend on the
# machine's load. Usage: tools/instructions.sh [WORKLOAD...]
set -euo pipefail
cd "$(dirname "$0")/.."
command -v valgrind >/dev/null || { echo "valgrind is needed (apt-get install valgrind)" >&2; exit 2; }
binary=$(cargo bench -p cloudjobs-tests --bench instructions --no-run --message-format=json 2>/dev/null \
  | python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "instructions" and m.get("executable"):
        print(m["executable"])')
workloads=("$@")
[ ${#workloads[@]} -gt 0 ] || workloads=(sign-acs3 sign-tc3 sign-sdk-hmac sign-basic sign-acs3-minimal hook-acs3 call-plain call-plain-same-headers call-plain-signed-minimally call-ours)
small=200
large=1200
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
count() {
  if ! valgrind --tool=callgrind --error-exitcode=3 --callgrind-out-file="$out/cg" "$binary" "$1" "$2" >/dev/null 2>"$out/log"; then
    echo "workload $1 failed:" >&2
    grep -v '^==' "$out/log" >&2
    exit 1
  fi
  sed -n 's/^summary: //p' "$out/cg"
}
printf '%-26s %14s\n' workload instructions
for workload in "${workloads[@]}"; do
  a=$(count "$workload" $small)
  b=$(count "$workload" $large)
  printf '%-26s %14d\n' "$workload" $(( (b - a) / (large - small) ))
done
