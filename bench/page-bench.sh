#!/usr/bin/env bash
# The event page's latency at rest and while the apply route is hammered, in the same run:
#   page        GET /e/{eventId}      the page itself (HTML from memory, ETag, no I/O)
#   page data   GET /events/{eventId} what the page polls: catalog + one Redis GET (coupons left)
# each measured alone ("rest") and while a second wrk hammers POST /events/{eventId}/applications
# with a new user on every request ("spike": gate + Kafka ack, the ingress's most expensive path).
#
#   bench/page-bench.sh                   # builds, starts Kafka + Redis (testkit) and one ingress, prints a table
#   SKIP_BUILD=1 ROUNDS=5 bench/page-bench.sh
#   INGRESS_URL=http://localhost:8080 bench/page-bench.sh   # against a running stack (make up; what make bench does):
#       the whole pipeline works during the spike, and the accepted requests end up as rows in its MySQL
#
# Settings (environment): DURATION (10s per measurement), WARMUP (10s, once), ROUNDS (3),
# PAGE_CONNECTIONS (8: shoppers loading the page), SPIKE_THREADS (2), SPIKE_CONNECTIONS (64),
# HEAP (-Xmx512m), PORT_BASE (18280), KAFKA_BOOTSTRAP_SERVERS / REDIS_URL (use those servers),
# SKIP_BUILD=1, INGRESS_URL + ADMIN_TOKEN (local-admin-token): measure that ingress instead of starting one.
# The report is also written to bench/target/page-bench/page-bench.md.
set -euo pipefail

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-3}
PAGE_CONNECTIONS=${PAGE_CONNECTIONS:-8}
SPIKE_THREADS=${SPIKE_THREADS:-2}
SPIKE_CONNECTIONS=${SPIKE_CONNECTIONS:-64}
HEAP=${HEAP:--Xmx512m}
PORT_BASE=${PORT_BASE:-18280}
MVN=${MVN:-mvn -B -ntp -q}
OUT=$BENCH/target/page-bench
TOKEN=${ADMIN_TOKEN:-$([ -n "${INGRESS_URL:-}" ] && echo local-admin-token || echo bench-admin-token)}

BENCH_NAME=page-bench
# shellcheck source=wrk-lib.sh
. "$BENCH/wrk-lib.sh"

start_standalone() {
  build_jars
  start_infrastructure

  PORT=$((PORT_BASE + 1))
  BASE=http://127.0.0.1:$PORT
  ADMIN_TOKEN=$TOKEN INGRESS_PORT=$PORT java $HEAP -jar "$JAR" >"$WORK/ingress.log" 2>&1 &
  PIDS+=($!)
  wait_for "$BASE/health" 90
  SETUP="its own ingress ($HEAP) over the testkit's Kafka and Redis"
}

if [ -n "${INGRESS_URL:-}" ]; then
  BASE=${INGRESS_URL%/}
  wait_for "$BASE/health" 10
  SETUP="the running stack at $BASE (ingress, streams-processor, sink, Kafka, Redis, MySQL)"
else
  start_standalone
fi

EVENT=page-bench-$(date +%s)
curl -sf -X PUT "$BASE/admin/events/$EVENT" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -d '{"limit": 10000000}' >/dev/null || die "could not define $EVENT"
PAGE=$BASE/e/$EVENT
DATA=$BASE/events/$EVENT
[ "$(curl -s -o /dev/null -w '%{http_code}' "$PAGE")" = 200 ] || die "$PAGE does not answer 200"

measure() { # label url file -> appends "label rps p50 p99 round" to rounds.txt
  local label=$1 url=$2 file=$3 round=$4
  wrk -t1 -c"$PAGE_CONNECTIONS" -d"$DURATION" --latency "$url" >"$file"
  local rps p50 p99 errors
  rps=$(wrk_rate "$file")
  p50=$(to_ms "$(wrk_percentile "$file" 50)")
  p99=$(to_ms "$(wrk_percentile "$file" 99)")
  errors=$(awk '/Non-2xx or 3xx responses:/ {print $NF} /Socket errors/ {print "socket:" $0}' "$file" | tr '\n' ' ')
  printf '%s %s %s %s %s\n' "$label" "$rps" "$p50" "$p99" "$round" >>"$OUT/rounds.txt"
  ROWS+=("| $round | $label | $rps | $p50 | $p99 | ${errors:-0} | $(cut -d' ' -f1 /proc/loadavg) |")
}
# Hammers the apply route for the length of one measurement plus a 2 s head start; prints its statuses.
spike_during() { # label url round
  local label=$1 url=$2 round=$3 seconds
  seconds=$(( ${DURATION%s} + 3 ))
  wrk -t"$SPIKE_THREADS" -c"$SPIKE_CONNECTIONS" -d"${seconds}s" -s "$BENCH/apply.lua" "$BASE" \
    -- "$EVENT" "spike$round-${label// /-}" >"$OUT/spike-$round-${label// /-}.txt" &
  local spike=$!
  sleep 2
  measure "$label" "$url" "$OUT/wrk-$round-${label// /-}.txt" "$round"
  wait "$spike"
  SPIKES+=("| $round | $label | $(wrk_rate "$OUT/spike-$round-${label// /-}.txt") | $(sed -n 's/^statuses //p' "$OUT/spike-$round-${label// /-}.txt") |")
}

say "warm-up $WARMUP (page, page data, apply)"
wrk -t1 -c"$PAGE_CONNECTIONS" -d"$WARMUP" "$PAGE" >/dev/null
wrk -t1 -c"$PAGE_CONNECTIONS" -d"$WARMUP" "$DATA" >/dev/null
wrk -t"$SPIKE_THREADS" -c"$SPIKE_CONNECTIONS" -d"$WARMUP" -s "$BENCH/apply.lua" "$BASE" -- "$EVENT" warm >/dev/null

ROWS=()
SPIKES=()
rm -f "$OUT/rounds.txt"
for ((round = 1; round <= ROUNDS; round++)); do
  say "round $round: at rest"
  measure "page at rest" "$PAGE" "$OUT/wrk-$round-page-rest.txt" "$round"
  measure "data at rest" "$DATA" "$OUT/wrk-$round-data-rest.txt" "$round"
  say "round $round: during the spike"
  spike_during "page in spike" "$PAGE" "$round"
  spike_during "data in spike" "$DATA" "$round"
done

# rounds.txt lines: a three-word label, then requests/s, p50, p99, round (so rps=$4, p50=$5, p99=$6).
median() { # label offset (0=requests/s, 1=p50, 2=p99)
  grep "^$1 " "$OUT/rounds.txt" | awk -v c="$2" '{print $(c + 4)}' | sort -n | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'
}
{
  echo "## event page benchmark ($(date -u +%Y-%m-%dT%H:%MZ))"
  echo
  echo "page: wrk -t1 -c$PAGE_CONNECTIONS -d$DURATION --latency; spike: wrk -t$SPIKE_THREADS -c$SPIKE_CONNECTIONS apply.lua"
  echo "(a new user per request, limit 10,000,000: every request passes the gate and waits for Kafka's ack);"
  echo "$(nproc) cores, $SETUP and wrk on the same machine. Median of $ROUNDS rounds."
  echo
  echo "| route | at rest p50 (ms) | at rest p99 (ms) | in spike p50 (ms) | in spike p99 (ms) | p99 spike / rest | req/s rest → spike |"
  echo "|---|---|---|---|---|---|---|"
  for kind in page data; do
    rp50=$(median "$kind at rest" 1); rp99=$(median "$kind at rest" 2); rrps=$(median "$kind at rest" 0)
    sp50=$(median "$kind in spike" 1); sp99=$(median "$kind in spike" 2); srps=$(median "$kind in spike" 0)
    route=$([ "$kind" = page ] && echo 'GET /e/{eventId} (page)' || echo 'GET /events/{eventId} (page data)')
    ratio=$(awk -v a="$sp99" -v b="$rp99" 'BEGIN { if (b > 0) printf "%.1f", a / b; else print "-" }')
    printf '| %s | %s | %s | %s | %s | %s | %.0f → %.0f |\n' "$route" "$rp50" "$rp99" "$sp50" "$sp99" "$ratio" "$rrps" "$srps"
  done
  echo
  echo "Every measurement:"
  echo
  echo "| round | measurement | requests/s | p50 (ms) | p99 (ms) | non-2xx | load avg |"
  echo "|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "The spike running meanwhile (apply requests/s and statuses):"
  echo
  echo "| round | during | apply requests/s | statuses |"
  echo "|---|---|---|---|"
  printf '%s\n' "${SPIKES[@]}"
  echo
  echo "- load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$OUT/page-bench.md"
