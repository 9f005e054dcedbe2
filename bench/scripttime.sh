#!/usr/bin/env bash
# Measures the Redis server's time a call of the library's single-limit
# script (ratelimit/redisstore/gcra1.lua) and of redis_rate's, each run
# alone by redis-benchmark (one connection, N calls of EVALSHA on one key),
# round by round, from INFO commandstats (usec_per_call, reset before each
# run). redis_rate is run at the Redis benchmark's rate (a million a second,
# where it writes its bucket every call) and at 10^9 a second (where its
# float time does not move, so it writes nothing: the cheaper job).
#
#   bench/scripttime.sh              # ROUNDS=10 N=30000 PORT=16399
#
# Prints one line per run, "<name> <microseconds a call>", then benchstat's
# comparison against redis_rate writing.
set -euo pipefail
cd "$(dirname "$0")"
ROUNDS=${ROUNDS:-10}
N=${N:-30000}
PORT=${PORT:-16399}
OUT=${OUT:-results}
mkdir -p "$OUT"

rr=$(go list -m -f '{{.Dir}}' github.com/go-redis/redis_rate/v10)/lua.go
sed -n '/allowN = redis.NewScript(`/,/`)/p' "$rr" | sed '1d;$d' >"$OUT/redis_rate.lua"

redis-server --port "$PORT" --bind 127.0.0.1 --save '' --appendonly no >/dev/null &
srv=$!
trap 'kill "$srv"' EXIT
until redis-cli -p "$PORT" ping >/dev/null 2>&1; do sleep 0.1; done
cli() { redis-cli -p "$PORT" "$@"; }

ours=$(cli script load "$(cat ../ratelimit/redisstore/gcra1.lua)")
peer=$(cli script load "$(cat "$OUT/redis_rate.lua")")
# name, SHA, then the arguments: ours interval ns, capacity, cost;
# redis_rate burst, rate, period s, cost.
runs=(
  "ours $ours 1000 1000000000 1"
  "redis_rate $peer 1000000000 1000000 1 1"
  "redis_rate-1e9 $peer 1000000000 1000000000 1 1"
)
: >"$OUT/scripttime.txt"
for _ in $(seq "$ROUNDS"); do
  for r in "${runs[@]}"; do
    set -- $r
    name=$1 sha=$2
    shift 2
    cli config resetstat >/dev/null
    redis-benchmark -p "$PORT" -n "$N" -c 1 -q EVALSHA "$sha" 1 "scripttime:$name" "$@" >/dev/null
    us=$(cli info commandstats | sed -n 's/^cmdstat_evalsha:.*usec_per_call=\([0-9.]*\).*/\1/p')
    echo "$name $us" | tee -a "$OUT/scripttime.txt"
  done
done
awk '{printf "BenchmarkScriptServerTime/impl=%s %d %d ns/op\n", $1, '"$N"', $2 * 1000}' "$OUT/scripttime.txt" >"$OUT/scripttime.bench"
go tool benchstat -col '/impl@(redis_rate ours redis_rate-1e9)' "$OUT/scripttime.bench"
