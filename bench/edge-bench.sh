#!/usr/bin/env bash
# Honest latency while hostile clients attack the ingress (not part of `make bench`; needs wrk):
#  1. 2,000 slow connections (headers, then one body byte every 6 s, from 40 loopback addresses);
#  2. a frozen streams-processor (connections accepted, never answered) while 1,000 shoppers poll.
# Each prints wrk's p50/p99 of an honest apply and /health next to the same without the attack.
#   bench/edge-bench.sh            (SKIP_BUILD=1 to reuse the jars)
set -euo pipefail
BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
ROOT=$(cd "$BENCH/.." && pwd)
MVN=${MVN:-mvn -B -ntp -q}
OUT=$BENCH/target/edge-bench
PORT_BASE=${PORT_BASE:-18480}
DURATION=${DURATION:-15s}
HEAP=${HEAP:--Xmx512m}
TOKEN=bench-admin-token
BENCH_NAME=edge-bench
# shellcheck source=wrk-lib.sh
. "$BENCH/wrk-lib.sh"

build_jars
start_infrastructure

FROZEN_PORT=$((PORT_BASE + 1)); INGRESS_PORT=$((PORT_BASE + 2))
# A processor stopped with SIGSTOP: the kernel completes handshakes into the backlog, nobody answers.
python3 -c "import socket,time; s=socket.socket(); s.bind(('127.0.0.1',$FROZEN_PORT)); s.listen(4096); time.sleep(86400)" &
PIDS+=($!)
# Every client here comes from loopback: the per-address cap is raised so that all 2,000 slow
# connections stay open and wrk's 1,000 pollers share 127.0.0.1 with the honest client.
ADMIN_TOKEN=$TOKEN INGRESS_PORT=$INGRESS_PORT HTTP_HOST=127.0.0.1 INGRESS_MAX_CONNECTIONS_PER_CLIENT=${PER_CLIENT:-2000} PROCESSOR_URL=http://127.0.0.1:$FROZEN_PORT \
  java $HEAP -jar "$JAR" >"$WORK/ingress.log" 2>&1 &
PIDS+=($!)
wait_for "http://127.0.0.1:$INGRESS_PORT/health" 90
URL=http://127.0.0.1:$INGRESS_PORT
EVENT=edge-$(date +%s)
curl -sf -X PUT "$URL/admin/events/$EVENT" -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"limit": 10000000}' >/dev/null || die "could not define $EVENT"
wrk -t1 -c4 -d5s -s "$BENCH/apply.lua" "$URL" -- "$EVENT" warm >/dev/null

honest() { # label
  wrk -t1 -c4 -d"$DURATION" --latency -s "$BENCH/apply.lua" "$URL" -- "$EVENT" "$1" >"$OUT/apply-$1.txt"
  wrk -t1 -c2 -d5s --latency "$URL/health" >"$OUT/health-$1.txt"
  printf '%-16s apply p50 %-9s p99 %-9s %8s req/s | /health p50 %-9s p99 %-9s\n' "$1" \
    "$(wrk_percentile "$OUT/apply-$1.txt" 50)" "$(wrk_percentile "$OUT/apply-$1.txt" 99)" "$(wrk_rate "$OUT/apply-$1.txt")" \
    "$(wrk_percentile "$OUT/health-$1.txt" 50)" "$(wrk_percentile "$OUT/health-$1.txt" 99)" | tee -a "$OUT/summary.txt"
}
rm -f "$OUT/summary.txt"
honest quiet

say "2,000 slow connections"
java -Xmx256m -cp "$BENCH_JAR" firstcome.bench.SlowClients 127.0.0.1 "$INGRESS_PORT" 2000 40 6000 >"$WORK/slow.log" 2>&1 &
SLOW=$!; PIDS+=($SLOW)
sleep 8
say "open connections to the ingress: $(ss -Htn "( sport = :$INGRESS_PORT )" | wc -l)"
honest slow-clients
kill "$SLOW"; wait "$SLOW" 2>/dev/null || true

say "1,000 shoppers polling a frozen processor"
wrk -t2 -c1000 -d60s -s "$BENCH/poll.lua" "$URL" -- "$EVENT" >"$OUT/poll.txt" 2>&1 &
POLL=$!; PIDS+=($POLL)
sleep 5
honest frozen-processor
kill "$POLL"; wait "$POLL" 2>/dev/null || true
say "summary in ${OUT#"$ROOT"/}/summary.txt"
