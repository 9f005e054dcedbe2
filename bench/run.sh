#!/usr/bin/env bash
# Runs every side-by-side benchmark group of the bench module and prints one
# table of ratios, ours / peer, then benchstat's comparison of each pair.
#
#   bench/run.sh                 # -count 5, 500ms a benchmark: about 5 minutes on 2 cores
#   COUNT=10 BENCHTIME=1s bench/run.sh
#   BENCH_GROUPS="ErrorPath Success" bench/run.sh
#   E2E=0 bench/run.sh           # without the end-to-end load run
#
# Raw results, the paired file and the tables go to bench/results/ (ignored
# by git). Each group is one invocation of the test binary with -benchmem, so
# every implementation of a group is measured in the same process, in turn,
# COUNT times over.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-5}
BENCHTIME=${BENCHTIME:-500ms}
BENCH_GROUPS=${BENCH_GROUPS:-Success ErrorPath RateLimitMemory RateLimitRedis Validation}
OUT=${OUT:-results}
mkdir -p "$OUT"
raw=$OUT/raw.txt
: >"$raw"

go test -c -o "$OUT/bench.test" .

{
  echo "# $(date -u +%Y-%m-%dT%H:%M:%SZ) $(go version)"
  echo "# nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | sed 's/.*: //')"
  echo "# load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/machine.txt"

for g in $BENCH_GROUPS; do
  bt=$BENCHTIME
  # A Redis decision is a network round trip; fewer iterations say as much.
  [ "$g" = RateLimitRedis ] && bt=${REDIS_BENCHTIME:-200ms}
  echo "== $g (-count $COUNT -benchtime $bt)" >&2
  "./$OUT/bench.test" -test.run '^$' -test.bench "^Benchmark$g\$" -test.benchmem \
    -test.count "$COUNT" -test.benchtime "$bt" -test.timeout 30m | tee -a "$raw" >&2
done
echo "# load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$OUT/machine.txt"

go run ./cmd/benchpair -summary "$raw" | tee "$OUT/summary.txt"
go run ./cmd/benchpair -summary -md "$raw" >"$OUT/summary.md"
go run ./cmd/benchpair "$raw" >"$OUT/pairs.txt"
go tool benchstat -col '/side@(peer ours)' "$OUT/pairs.txt" >"$OUT/benchstat.txt"
echo
echo "benchstat, each of ours against each peer: $OUT/benchstat.txt"

if [ "${E2E:-1}" != 0 ]; then
  echo
  echo "== end-to-end load, full stack against bare chi (loopback)" >&2
  go run ./cmd/e2e -rounds "${E2E_ROUNDS:-3}" -d "${E2E_DURATION:-5s}" | tee "$OUT/e2e.txt"
fi
