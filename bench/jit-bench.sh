#!/usr/bin/env bash
# A drop right after the services start: how the JIT settings of the three services change the first
# accept phases (not part of `make bench`; needs wrk and the stack of `make up`).
# For each round and each setting: scripts/stack.sh services-restart with SERVICE_JAVA_OPTS set to it,
# then PHASES phases back to back, each to a fresh event with limit LIMIT (default N) and N
# applications of distinct users (wrk with bench/accept-n.lua, one thread, 64 keep-alive connections,
# closed loop), no wait in between: with LIMIT = N every one is accepted, with LIMIT < N it is a drop
# (LIMIT accepted, then sold out). Per phase: answers per second of wrk's run, and the CPU time (utime +
# stime, /proc/<pid>/task/<tid>/stat) of ingress, streams-processor, sink, Kafka, Redis and MySQL from
# the first request until the event's last row is in MySQL, per application; the share of it spent in
# JIT compiler threads.
#   bench/jit-bench.sh                      (ROUNDS=2 PHASES=4 N=20000; ~6 min)
#   LIMIT=1000 N=60000 bench/jit-bench.sh   (a drop: 1,000 coupons, 60,000 applications)
#   SETTINGS='-Xmx512m|-Xmx512m -XX:TieredStopAtLevel=1' bench/jit-bench.sh
# The stack is left on the last setting of the list; the default's last is the shipped one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
ROUNDS=${ROUNDS:-2}
PHASES=${PHASES:-4}
N=${N:-20000}
LIMIT=${LIMIT:-$N}
SETTINGS=${SETTINGS:--Xmx512m|-Xmx512m -XX:TieredStopAtLevel=1}
INGRESS_URL=${INGRESS_URL:-http://localhost:${INGRESS_PORT:-8080}}
ADMIN_TOKEN=${ADMIN_TOKEN:-local-admin-token}
MYSQL_USER=${MYSQL_USER:-coupon}
MYSQL_PASSWORD=${MYSQL_PASSWORD:-coupon}
MYSQL_PORT=${MYSQL_PORT:-3306}
PROCESSES="ingress streams-processor sink kafka redis mysql"
OUT=bench/target/jit-bench
mkdir -p "$OUT"

die() { echo "jit-bench: $*" >&2; exit 1; }
[ "$LIMIT" -le "$N" ] || die "LIMIT ($LIMIT) must be at most N ($N)"
command -v wrk >/dev/null || die "wrk is missing (scripts/deps.sh wrk)"
curl -sf "$INGRESS_URL/health" >/dev/null || die "no ingress at $INGRESS_URL (make up first)"

pid_of() { head -1 ".local/pids/$1.pid"; }

# "<process> <tid> <ticks> <compiler 0|1>" for every thread of the stack's processes.
threads() {
  local c p t stat comm rest
  for c in $PROCESSES; do
    p=$(pid_of "$c")
    for t in /proc/"$p"/task/*; do
      stat=$(cat "$t/stat" 2>/dev/null) || continue
      comm=${stat#*(}; comm=${comm%%)*}; rest=${stat##*) }
      # shellcheck disable=SC2086  # the fields of /proc/<pid>/task/<tid>/stat after the name
      set -- $rest
      case "$comm" in C1\ CompilerThre*|C2\ CompilerThre*) echo "$c ${t##*/} $((${12} + ${13})) 1" ;;
                      *) echo "$c ${t##*/} $((${12} + ${13})) 0" ;; esac
    done
  done
}

rows() { # event -> its rows in MySQL
  mysql -h127.0.0.1 -P"$MYSQL_PORT" -u"$MYSQL_USER" -p"$MYSQL_PASSWORD" coupon -N \
    -e "SELECT COUNT(*) FROM coupon WHERE event_id = '$1'" 2>/dev/null || echo 0
}

phase() { # label -> one line of figures
  local event=jit-$(date +%s%N | tail -c 10) start end i answered
  curl -sf -X PUT "$INGRESS_URL/admin/events/$event" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"limit\": $LIMIT}" >/dev/null || die "could not define $event"
  for i in $(seq 1 100); do # the ingress's catalog has it, at most 10 s
    curl -sf "$INGRESS_URL/events/$event" >/dev/null && break
    sleep 0.1
  done
  curl -sf "$INGRESS_URL/events/$event" >/dev/null || die "$1: the ingress does not know $event 10 s after its definition"
  threads >"$OUT/before"
  start=$(date +%s.%N)
  answered=$(wrk -t1 -c64 -d300s -s bench/accept-n.lua "$INGRESS_URL" -- "$event" "u-$event" "$N" | tail -1)
  end=$(date +%s.%N)
  expected="answered $N 202=$LIMIT"
  [ "$LIMIT" -lt "$N" ] && expected="$expected 410=$((N - LIMIT))"
  [ "$answered" = "$expected" ] || die "$1: expected '$expected' (202: accepted, 410: sold out), wrk said: $answered"
  for i in $(seq 1 1200); do # every row in MySQL, at most 2 minutes
    [ "$(rows "$event")" -ge "$LIMIT" ] && break
    sleep 0.1
  done
  [ "$(rows "$event")" -ge "$LIMIT" ] || die "$1: the rows of $event did not all reach MySQL within 2 minutes"
  threads >"$OUT/after"
  python3 - "$1" "$N" "$start" "$end" "$OUT/before" "$OUT/after" <<'PY'
import os, sys
label, n, start, end, before, after = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
def load(path):
    return {(c, tid): (int(ticks), jit == "1") for c, tid, ticks, jit in (line.split() for line in open(path))}
b, a = load(before), load(after)
per, jit = {}, 0
for key, (ticks, compiler) in a.items():
    spent = ticks - b.get(key, (0, compiler))[0]
    per[key[0]] = per.get(key[0], 0) + spent
    jit += spent if compiler else 0
total = sum(per.values())
parts = ", ".join(f"{c} {per[c] * tick_us / n:.0f}" for c in sorted(per, key=per.get, reverse=True))
print(f"{label}: {n / (end - start):,.0f} answers/s · {total * tick_us / n:.0f} µs per application ({parts}) · "
      f"JIT compiler threads {100 * jit / max(total, 1):.0f} %")
PY
}

IFS='|' read -r -a options <<<"$SETTINGS"
echo "jit-bench: $ROUNDS round(s) × ${#options[@]} setting(s) × $PHASES phases of $N applications (limit $LIMIT); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for opts in "${options[@]}"; do
    echo "round $round, SERVICE_JAVA_OPTS=\"$opts\": services restarted"
    SERVICE_JAVA_OPTS="$opts" scripts/stack.sh services-restart >"$OUT/restart.log" 2>&1 \
      || { tail -20 "$OUT/restart.log"; die "services-restart failed"; }
    for p in $(seq 1 "$PHASES"); do
      phase "  phase $p"
    done
  done
done
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
