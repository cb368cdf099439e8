#!/usr/bin/env bash
# Apply requests per second and p50/p99 latency of the ingress, next to a bare Javalin handler
# measured in the same run with the same load tool (wrk):
#   bare             a Javalin handler answering the same POST with a fixed 202 (no Redis, no Kafka)
#   accept           every request a new user of an event with limit 10,000,000: gate + Kafka ack
#   soldout          every request a new user of a sold-out event, sold-out short-cut on (default)
#   soldout-noshort  the same with INGRESS_SOLD_OUT_SHORTCUT=false: one Redis round trip each
#
#   bench/apply-bench.sh            # builds, starts Kafka + Redis (testkit), runs, prints a table
#   SKIP_BUILD=1 ROUNDS=5 bench/apply-bench.sh   # reuse the last build
#
# Settings (environment): DURATION (10s), WARMUP (10s, before each measurement), THREADS (2),
# CONNECTIONS (64), ROUNDS (3: the four scenarios run in turn ROUNDS times, so that noise from a
# shared machine shows up as spread; the summary takes each scenario's median round and its median
# ratio to the bare handler of the same round), HEAP (-Xmx512m, for every JVM under test),
# PORT_BASE (18180), KAFKA_BOOTSTRAP_SERVERS / REDIS_URL (use those servers instead of starting
# them), SKIP_BUILD=1, BASELINE_JAR (an earlier ingress jar: adds the scenario accept-baseline, its
# accept path in the same rounds, so a change is measured against the release before it). Each row
# also shows the server process's CPU time per answered request (/proc/<pid>/stat). The
# report is also written to bench/target/apply-bench/apply-bench.md.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
ROUNDS=${ROUNDS:-3}
HEAP=${HEAP:--Xmx512m}
PORT_BASE=${PORT_BASE:-18180}
MVN=${MVN:-mvn -B -ntp -q}
OUT=$BENCH/target/apply-bench
TOKEN=bench-admin-token

BENCH_NAME=bench
# shellcheck source=wrk-lib.sh
. "$BENCH/wrk-lib.sh"

build_jars
start_infrastructure

BARE_PORT=$((PORT_BASE + 1)); SHORT_PORT=$((PORT_BASE + 2)); PLAIN_PORT=$((PORT_BASE + 3)); BASE_PORT=$((PORT_BASE + 4))
SCENARIOS="bare accept soldout soldout-noshort"
java $HEAP -cp "$BENCH_JAR" firstcome.bench.BareServer "$BARE_PORT" >"$WORK/bare.log" 2>&1 &
PIDS+=($!); BARE_PID=$!
# No streams-processor runs here, so no decision ever settles an accepted request: it stays pending
# at the gate (what the ingress itself does per request is measured; the decisions come back in
# batches, off the request path, which `make bench` measures end to end). The reconciler would
# publish those requests again; it is held off for the length of the run.
export INGRESS_RECONCILE_AFTER_MS=3600000
# wrk's connections all come from 127.0.0.1: the per-address cap (64) is for the world outside.
export INGRESS_MAX_CONNECTIONS_PER_CLIENT=1000
ADMIN_TOKEN=$TOKEN INGRESS_PORT=$SHORT_PORT java $HEAP -jar "$JAR" >"$WORK/ingress-shortcut.log" 2>&1 &
PIDS+=($!); SHORT_PID=$!
ADMIN_TOKEN=$TOKEN INGRESS_PORT=$PLAIN_PORT INGRESS_SOLD_OUT_SHORTCUT=false java $HEAP -jar "$JAR" >"$WORK/ingress-plain.log" 2>&1 &
PIDS+=($!); PLAIN_PID=$!
wait_for "http://127.0.0.1:$BARE_PORT/health" 60
wait_for "http://127.0.0.1:$SHORT_PORT/health" 90
wait_for "http://127.0.0.1:$PLAIN_PORT/health" 90
if [ -n "${BASELINE_JAR:-}" ]; then
  [ -f "$BASELINE_JAR" ] || die "BASELINE_JAR $BASELINE_JAR not found"
  ADMIN_TOKEN=$TOKEN INGRESS_PORT=$BASE_PORT java $HEAP -jar "$BASELINE_JAR" >"$WORK/ingress-baseline.log" 2>&1 &
  PIDS+=($!); BASE_PID=$!
  wait_for "http://127.0.0.1:$BASE_PORT/health" 90
  SCENARIOS="$SCENARIOS accept-baseline"
fi

RUN=$(date +%s)
define() { # port event limit; a few tries: on a busy machine the first definition's send may time out (503)
  local try
  for ((try = 1; try <= 5; try++)); do
    curl -sf -X PUT "http://127.0.0.1:$1/admin/events/$2" -H "Authorization: Bearer $TOKEN" \
      -H 'Content-Type: application/json' -d "{\"limit\": $3}" >/dev/null && return 0
    sleep 1
  done
  die "could not define event $2"
}
ACCEPT_EVENT=bench-accept-$RUN
SOLDOUT_EVENT=bench-soldout-$RUN
define "$SHORT_PORT" "$ACCEPT_EVENT" 10000000
define "$SHORT_PORT" "$SOLDOUT_EVENT" 1
BASELINE_EVENT=bench-baseline-$RUN
[ -z "${BASELINE_JAR:-}" ] || define "$BASE_PORT" "$BASELINE_EVENT" 10000000
curl -sf -X POST "http://127.0.0.1:$SHORT_PORT/events/$SOLDOUT_EVENT/applications" \
  -H 'Content-Type: application/json' -d '{"userId":"the-winner"}' >/dev/null || die "could not fill $SOLDOUT_EVENT"
# The second ingress learns the events from coupon-events.
for ((i = 0; i < 100; i++)); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PLAIN_PORT/events/$SOLDOUT_EVENT")" = 200 ] && break
  sleep 0.1
done

ROWS=()
rm -f "$OUT/rounds.txt"
# CPU time (user + system, in clock ticks) the process has used so far, all its threads.
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))
scenario() { # name port event round pid
  local name=$1 port=$2 event=$3 round=$4 pid=$5 file=$OUT/wrk-$1-$4.txt
  say "$name: warm-up $WARMUP"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" -s "$BENCH/apply.lua" "http://127.0.0.1:$port" -- "$event" "warm$round-$name" >/dev/null
  say "$name: measuring $DURATION (round $round)"
  local ticks_before ticks_after
  ticks_before=$(cpu_ticks "$pid")
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$BENCH/apply.lua" "http://127.0.0.1:$port" -- "$event" "run$round-$name" >"$file"
  ticks_after=$(cpu_ticks "$pid")
  local rps p50 p99 statuses requests cpu
  rps=$(wrk_rate "$file")
  p50=$(wrk_percentile "$file" 50)
  p99=$(wrk_percentile "$file" 99)
  statuses=$(sed -n 's/^statuses //p' "$file")
  # The server's CPU per answered request (all its threads, whatever the status), in µs.
  requests=$(awk '/ requests in / {print $1}' "$file")
  cpu=$(awk -v t=$((ticks_after - ticks_before)) -v us="$TICK_US" -v n="$requests" 'BEGIN { printf "%.0f", (n > 0 ? t * us / n : 0) }')
  ROWS+=("| $round | $name | $rps | $p50 | $p99 | $cpu | $statuses | $(cut -d' ' -f1 /proc/loadavg) |")
  # name rps p50 p99 round cpu, latencies in ms, CPU in µs per request, for the summary
  printf '%s %s %s %s %s %s\n' "$name" "$rps" "$(to_ms "$p50")" "$(to_ms "$p99")" "$round" "$cpu" >>"$OUT/rounds.txt"
}

for ((round = 1; round <= ROUNDS; round++)); do
  scenario bare "$BARE_PORT" bare "$round" "$BARE_PID"
  scenario accept "$SHORT_PORT" "$ACCEPT_EVENT" "$round" "$SHORT_PID"
  scenario soldout "$SHORT_PORT" "$SOLDOUT_EVENT" "$round" "$SHORT_PID"
  scenario soldout-noshort "$PLAIN_PORT" "$SOLDOUT_EVENT" "$round" "$PLAIN_PID"
  [ -z "${BASELINE_JAR:-}" ] || scenario accept-baseline "$BASE_PORT" "$BASELINE_EVENT" "$round" "$BASE_PID"
done
metric() { # port name
  curl -s "http://127.0.0.1:$1/metrics" | awk -v name="$2" '($1 == name || index($1, name "{") == 1) && $1 !~ /node_id/ {printf "%.1f", $2; exit}'
}

{
  echo "## ingress apply benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency (after a $WARMUP warm-up), $(nproc) cores, JVMs $HEAP, all on one machine"
  echo
  echo "Median of $ROUNDS rounds per scenario (the round with the median requests/s); 'vs bare' is the"
  echo "median over rounds of requests/s divided by the bare handler's in the same round; 'CPU µs/req' the"
  echo "median over rounds of the server process's CPU time (user + system, all threads, from /proc/<pid>/stat)"
  echo "during the measured run divided by the requests answered:"
  echo
  echo "| scenario | requests/s | p50 (ms) | p99 (ms) | vs bare | CPU µs/req |"
  echo "|---|---|---|---|---|---|"
  for name in $SCENARIOS; do
    ratio=$(awk -v name="$name" '$1 == "bare" { bare[$5] = $2 } $1 == name { rps[$5] = $2 }
      END { n = 0; for (r in rps) if (bare[r] > 0) v[++n] = rps[r] / bare[r];
            for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (v[j] < v[i]) { t = v[i]; v[i] = v[j]; v[j] = t }
            printf "%.2f", v[int((n + 1) / 2)] }' "$OUT/rounds.txt")
    cpu=$(grep "^$name " "$OUT/rounds.txt" | sort -k6 -n | awk -v n="$ROUNDS" 'NR == int((n + 1) / 2) { print $6 }')
    grep "^$name " "$OUT/rounds.txt" | sort -k2 -n | awk -v n="$ROUNDS" -v ratio="$ratio" -v cpu="$cpu" '
      NR == int((n + 1) / 2) { printf "| %s | %.0f | %s | %s | %s | %s |\n", $1, $2, $3, $4, ratio, cpu }'
  done
  echo
  echo "Every round:"
  echo
  echo "| round | scenario | requests/s | p50 | p99 | CPU µs/req | statuses | load avg |"
  echo "|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "- sold-out answers from memory (ingress with the short-cut): $(metric "$SHORT_PORT" ingress_soldout_shortcut_answers_total)"
  echo "- Kafka produce request latency, average over the run (ms): $(metric "$SHORT_PORT" kafka_producer_request_latency_avg);" \
       "records per produce request: $(metric "$SHORT_PORT" kafka_producer_records_per_request_avg)"
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/apply-bench.md"
