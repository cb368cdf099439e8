#!/usr/bin/env bash
# A drop right after the services start: how the JIT settings of the three services change the first
# accept phases (not part of `make bench`; needs wrk and the stack of `make up`).
# For each round and each setting: scripts/stack.sh services-restart with SERVICE_JAVA_OPTS set to it,
# then PHASES phases back to back, each to a fresh event with limit LIMIT (default N) and N
# applications of distinct users (wrk with bench/accept-n.lua, one thread, 64 keep-alive connections,
# closed loop), no wait in between: with LIMIT = N every one is accepted, with LIMIT < N it is a drop
# (LIMIT accepted, then sold out). Per phase: answers per second of wrk's run, and the CPU time (utime +
# stime, /proc/<pid>/stat) of ingress, streams-processor, sink, Kafka, Redis and MySQL from the first
# request until the event's last row is in MySQL, per application; the share of it spent in JIT
# compiler threads (/proc/<pid>/task/<tid>/stat of those alive at the phase's end: a lower bound).
#   bench/jit-bench.sh                      (ROUNDS=2 PHASES=4 N=20000; ~6 min)
#   LIMIT=1000 N=60000 bench/jit-bench.sh   (a drop: 1,000 coupons, 60,000 applications)
#   SETTINGS='-Xmx512m|-Xmx512m -XX:TieredStopAtLevel=1' bench/jit-bench.sh
#   RESTART=no PHASES=1 bench/jit-bench.sh  (the services as they run, not restarted, ROUNDS=1 unless
#                                           given, SETTINGS not taken: load for bench/profile.sh)
# The stack is left on the last setting of the list; the default's last is the shipped one.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
RESTART=${RESTART:-yes}
if [ "$RESTART" = no ]; then ROUNDS=${ROUNDS:-1}; else ROUNDS=${ROUNDS:-2}; fi
PHASES=${PHASES:-4}
N=${N:-20000}
LIMIT=${LIMIT:-$N}
[ "$RESTART" = no ] && [ -n "${SETTINGS:-}" ] && { echo "jit-bench: SETTINGS are for restarts, not with RESTART=no" >&2; exit 1; }
SETTINGS=${SETTINGS:--Xmx512m|-Xmx512m -XX:TieredStopAtLevel=1}
INGRESS_URL=${INGRESS_URL:-http://localhost:${INGRESS_PORT:-8080}}
ADMIN_TOKEN=${ADMIN_TOKEN:-local-admin-token}
# MySQL as make up configures it: MYSQL_URL, or MYSQL_PORT on this machine.
MYSQL_URL=${MYSQL_URL:-jdbc:mysql://localhost:${MYSQL_PORT:-3306}/coupon}
MYSQL_HOST=$(loopback_ip "$(url_host "$MYSQL_URL")")
MYSQL_PORT=$(url_port "$MYSQL_URL" 3306)
MYSQL_DB=$(url_path "$MYSQL_URL"); MYSQL_DB=${MYSQL_DB:-coupon}
MYSQL_USER=${MYSQL_USER:-coupon}
export MYSQL_PWD=${MYSQL_PASSWORD:-coupon} # read by the mysql client, never on its command line
PROCESSES="ingress streams-processor sink kafka redis mysql"
OUT=bench/target/jit-bench
mkdir -p "$OUT"

die() { echo "jit-bench: $*" >&2; exit 1; }
case "$RESTART" in yes) ;; no) SETTINGS="as they run" ;; *) die "RESTART is yes or no, not '$RESTART'" ;; esac
[ "$LIMIT" -ge 1 ] && [ "$LIMIT" -le "$N" ] || die "LIMIT ($LIMIT) must be between 1 and N ($N)"
command -v wrk >/dev/null || die "wrk is missing (scripts/deps.sh wrk)"
curl -sf -m 5 "$INGRESS_URL/health" >/dev/null || die "no ingress at $INGRESS_URL (make up first)"

PID_DIR=$ROOT/.local/pids
pid_of() { # process -> its pid, from make up's pid file (one Kafka node, and the Redis and MySQL it started)
  running_pid "$1" || die "$1 is not running as make up started it (.local/pids/$1.pid): jit-bench needs the stack of make up (one broker)"
}

# "<process> <ticks>" for each of the stack's processes: /proc/<pid>/stat counts every thread, the
# ended ones too; and "jit-<tid> <ticks>" for each JIT compiler thread alive now (a lower bound: the
# JVM ends compiler threads it no longer needs, and their time goes with them).
cpu() {
  local c p t stat comm rest
  for c in $PROCESSES; do
    p=$(pid_of "$c")
    read -r stat <"/proc/$p/stat"
    rest=${stat##*) }
    # shellcheck disable=SC2086  # the fields of the stat line after the name: $12 utime, $13 stime
    set -- $rest
    echo "$c $((${12} + ${13}))"
    for t in /proc/"$p"/task/*; do
      read -r stat 2>/dev/null <"$t/stat" || continue
      comm=${stat#*(}; comm=${comm%%)*}; rest=${stat##*) }
      case "$comm" in C1\ CompilerThre*|C2\ CompilerThre*) ;; *) continue ;; esac
      # shellcheck disable=SC2086
      set -- $rest
      echo "jit-${t##*/} $((${12} + ${13}))"
    done
  done
}

rows() { # event -> its rows in MySQL
  mysql --no-defaults --protocol=TCP --connect-timeout=5 -h"$MYSQL_HOST" -P"$MYSQL_PORT" -u"$MYSQL_USER" "$MYSQL_DB" -N \
    -e "SELECT COUNT(*) FROM coupon WHERE event_id = '$1'"
}
rows none >/dev/null || die "cannot read the coupon table at $MYSQL_HOST:$MYSQL_PORT/$MYSQL_DB as $MYSQL_USER (MYSQL_URL, MYSQL_USER, MYSQL_PASSWORD)"

phase() { # label -> one line of figures
  local event start end answered expected deadline
  event=jit-$(date +%s%N)
  curl -sf -m 5 -X PUT "$INGRESS_URL/admin/events/$event" -H "Authorization: Bearer $ADMIN_TOKEN" \
    -H 'Content-Type: application/json' -d "{\"limit\": $LIMIT}" >/dev/null || die "could not define $event"
  deadline=$((SECONDS + 10))
  until curl -sf -m 5 "$INGRESS_URL/events/$event" >/dev/null || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 0.1 # the ingress's catalog has it, at most 10 s
  done
  curl -sf -m 5 "$INGRESS_URL/events/$event" >/dev/null || die "$1: the ingress does not know $event 10 s after its definition"
  cpu >"$OUT/before"
  start=$(date +%s.%N)
  answered=$(wrk -t1 -c64 -d300s -s bench/accept-n.lua "$INGRESS_URL" -- "$event" "u-$event" "$N" | tail -1) || true
  end=$(date +%s.%N)
  expected="answered $N 202=$LIMIT"
  [ "$LIMIT" -lt "$N" ] && expected="$expected 410=$((N - LIMIT))"
  [ "$answered" = "$expected" ] || die "$1: expected '$expected' (202: accepted, 410: sold out), wrk said: $answered"
  deadline=$((SECONDS + 120))
  until [ "$(rows "$event" || echo 0)" -ge "$LIMIT" ] || [ "$SECONDS" -ge "$deadline" ]; do
    sleep 0.1 # every row in MySQL, at most 2 minutes
  done
  [ "$(rows "$event" || echo 0)" -ge "$LIMIT" ] || die "$1: the rows of $event did not all reach MySQL within 2 minutes"
  cpu >"$OUT/after"
  python3 - "$1" "$N" "$start" "$end" "$OUT/before" "$OUT/after" <<'PY'
import os, sys
label, n, start, end, before, after = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), sys.argv[5], sys.argv[6]
tick_us = 1e6 / os.sysconf("SC_CLK_TCK")
def load(path):
    return {name: int(ticks) for name, ticks in (line.split() for line in open(path))}
b, a = load(before), load(after)
jit = sum(ticks - b.get(name, 0) for name, ticks in a.items() if name.startswith("jit-"))
per = {c: a[c] - b[c] for c in a if not c.startswith("jit-")}
total = sum(per.values())
parts = ", ".join(f"{c} {per[c] * tick_us / n:.0f}" for c in sorted(per, key=per.get, reverse=True))
print(f"{label}: {n / (end - start):,.0f} answers/s · {total * tick_us / n:.0f} µs per application ({parts}) · "
      f"JIT compiler threads at least {100 * jit / max(total, 1):.0f} %")
PY
}

IFS='|' read -r -a options <<<"$SETTINGS"
echo "jit-bench: $ROUNDS round(s) × ${#options[@]} setting(s) × $PHASES phases of $N applications (limit $LIMIT); $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for round in $(seq 1 "$ROUNDS"); do
  for opts in "${options[@]}"; do
    if [ "$RESTART" = no ]; then
      echo "round $round, the services as they run (not restarted)"
    else
      echo "round $round, SERVICE_JAVA_OPTS=\"$opts\": services restarted"
      SERVICE_JAVA_OPTS="$opts" scripts/stack.sh services-restart >"$OUT/restart.log" 2>&1 \
        || { tail -20 "$OUT/restart.log"; die "services-restart failed"; }
    fi
    for p in $(seq 1 "$PHASES"); do
      phase "  phase $p"
    done
  done
done
echo "load at the end $(cut -d' ' -f1-3 /proc/loadavg)"
