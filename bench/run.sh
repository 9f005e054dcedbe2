#!/usr/bin/env bash
# Runs every side-by-side benchmark group of the bench module, prints one
# table of ratios, ours / peer, writes benchstat's comparison of each pair,
# then runs the end-to-end load test.
#
#   bench/run.sh                 # COUNT=6 rounds (the fewest for which benchstat gives a confidence
#                                # interval), 400ms a benchmark: about 7 minutes on 2 cores
#   COUNT=10 BENCHTIME=1s bench/run.sh
#   BENCH_GROUPS="ErrorPath Success" E2E=0 bench/run.sh
#
# Raw results, the paired file and the tables go to bench/results/ (ignored
# by git). Each group runs in one invocation of the test binary with
# -benchmem, so every implementation of a group is measured in the same
# process, one after the other; the invocations are repeated COUNT times,
# round by round, so that a slow spell of the machine falls on every
# implementation alike rather than on one.
set -euo pipefail
cd "$(dirname "$0")"

COUNT=${COUNT:-6}
BENCHTIME=${BENCHTIME:-400ms}
BENCH_GROUPS=${BENCH_GROUPS:-Success ErrorPath Intercept RateLimitMemory RateLimitMemoryScattered RateLimitMiddleware RateLimitRedis Validation Client Gin Echo}
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

for round in $(seq "$COUNT"); do
  for g in $BENCH_GROUPS; do
    bt=$BENCHTIME
    # A Redis decision is a network round trip; fewer iterations say as much.
    [ "$g" = RateLimitRedis ] && bt=${REDIS_BENCHTIME:-200ms}
    echo "== round $round/$COUNT: $g (-benchtime $bt)" >&2
    "./$OUT/bench.test" -test.run '^$' -test.bench "^Benchmark$g\$" -test.benchmem \
      -test.count 1 -test.benchtime "$bt" -test.timeout 30m | tee -a "$raw" >&2
  done
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
  echo "== end-to-end load against bare chi (loopback)" >&2
  example=()
  # The example service, once the module has it, is loaded too.
  [ -f ../example/main.go ] && example=(-example ../example)
  go run ./cmd/e2e -rounds "${E2E_ROUNDS:-5}" -d "${E2E_DURATION:-3s}" "${example[@]}" -mdout "$OUT/e2e.md" | tee "$OUT/e2e.txt"
fi
