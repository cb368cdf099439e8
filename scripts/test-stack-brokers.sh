#!/usr/bin/env bash
# What `make up BROKERS=3` does for Kafka, on free ports with its .local under a temporary folder:
# three nodes formatted with one cluster id and started, the topics created with the production
# settings (replication factor 3, min.insync.replicas 2, no unclean leader election), the services'
# bootstrap servers naming all three, `make status` listing them, a single node refused while they
# run, a killed node started again alone, `make down` stopping them together, a second start
# reusing their data; then BROKERS=1 as before (one node, topics with one copy). Redis, MySQL and
# the services are not started. Run by `make test-scale` (make stack-brokers-check), 1-2 minutes.
#
#   scripts/test-stack-brokers.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

T=$(mktemp -d "${TMPDIR:-/tmp}/firstcome-stack-brokers.XXXXXX")
cleanup() {
  local f
  for f in "$T"/local/pids/kafka*.pid; do
    [ -f "$f" ] && kill -KILL "$(sed -n 1p "$f")" 2>/dev/null || true
  done
  rm -rf "$T"
}
trap cleanup EXIT

# Six consecutive free ports: the cluster's client ports (base..base+2) and, by the default that
# derives them from KAFKA_PORT, its controller ports (base+3..base+5).
free_base() {
  local base p ok
  while :; do
    base=$((20000 + RANDOM % 20000)); ok=yes
    for p in 0 1 2 3 4 5; do if port_open 127.0.0.1 $((base + p)); then ok=no; break; fi; done
    [ "$ok" = no ] || { echo "$base"; return; }
  done
}
BASE=$(free_base)

# The Kafka jars: the checkout's when `make up` fetched them already (only read), else fetched here.
LIB=$ROOT/.local/kafka/lib
v=$(sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' pom.xml | head -n 1)
[ -f "$LIB/kafka_2.13-$v.jar" ] && [ -f "$LIB/kafka-tools-$v.jar" ] || LIB=$T/local/kafka/lib

# stack BROKERS COMMANDS: scripts/stack.sh sourced in a subshell, Kafka on the test's ports, its
# .local under $T, then COMMANDS.
stack() {
  local brokers=$1; shift
  BROKERS=$brokers KAFKA_PORT=$BASE KAFKA_BOOTSTRAP_SERVERS="" bash -c '
    set -euo pipefail
    . scripts/stack.sh
    LOCAL=$0/local LOG_DIR=$0/local/logs PID_DIR=$0/local/pids
    KAFKA_DIR=$LOCAL/kafka KAFKA_LIB=$1 KAFKA_DATA=$LOCAL/kafka/data KAFKA_LOG=$LOG_DIR/kafka.log
    KAFKA_TOOL_OPTS="-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=$KAFKA_DIR/log4j2-tools.properties"
    mkdir -p "$LOG_DIR" "$PID_DIR"
    eval "$2"' "$T" "$LIB" "$*"
}

passed=0
check() { # description, then the condition as a command
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else
    printf 'test-stack-brokers: FAIL: %s\n' "$what" >&2
    printf '  output was:\n' >&2; sed 's/^/    | /' "$T/out" >&2
    exit 1
  fi
}
said() { grep -qF -- "$1" "$T/out"; }
kafka_tool_here() { stack 3 "kafka_tool $*"; }

# 1. BROKERS takes 1 or 3 only.
if BROKERS=2 bash -c '. scripts/stack.sh' >"$T/out" 2>&1; then check "BROKERS=2 is refused" false; fi
check "BROKERS=2 refused in one line" said "error: BROKERS must be 1 (one Kafka node) or 3 (a cluster of three), got '2'"

# 2. The services get every node's address; the controllers sit above the client ports.
stack 3 'echo "$KAFKA_BOOTSTRAP_SERVERS"; kafka_voters' >"$T/out" 2>&1 || check "the settings resolve" false
check "the services' bootstrap servers name the three nodes" \
  said "localhost:$BASE,localhost:$((BASE + 1)),localhost:$((BASE + 2))"
check "three voters on the controller ports" \
  said "1@127.0.0.1:$((BASE + 3)),2@127.0.0.1:$((BASE + 4)),3@127.0.0.1:$((BASE + 5))"

# 3. Up: three nodes, one cluster id, the topics with the production settings.
start=$SECONDS
stack 3 'kafka_cluster_start && kafka_cluster_ready && create_topics' >"$T/out" 2>&1 \
  || check "the cluster starts and its topics are created" false
say "test-stack-brokers: cluster up with its topics in $((SECONDS - start))s"
for n in 1 2 3; do
  check "kafka-$n ready on its port" said "kafka-$n: ready at 127.0.0.1:$((BASE + n - 1))"
  check "kafka-$n has its data under .local/kafka-$n" test -f "$T/local/kafka-$n/data/meta.properties"
done
check "one cluster id on the three nodes" \
  test "$(sed -n 's/^cluster\.id=//p' "$T"/local/kafka-*/data/meta.properties | sort -u | wc -l)" -eq 1
check "the topics created with the production settings" \
  said "(6 partitions, replication factor 3, min.insync.replicas 2)"
kafka_tool_here org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:$((BASE + 1)) --describe >"$T/out" 2>&1 \
  || check "the topics can be described" false
for topic in coupon-events coupon-requests coupon-actions coupon-issued coupon-changes coupon-decisions \
             coupon-requests-dlq coupon-issued-dlq; do
  check "$topic: 6 partitions, 3 copies" \
    grep -qE "^Topic: $topic	.*PartitionCount: 6	ReplicationFactor: 3	" "$T/out"
  check "$topic: min.insync.replicas 2, no unclean leader election" \
    bash -c "grep -E '^Topic: $topic	' '$T/out' | grep -q 'min.insync.replicas=2' && grep -E '^Topic: $topic	' '$T/out' | grep -q 'unclean.leader.election.enable=false'"
done
check "coupon-events compacted" bash -c "grep -E '^Topic: coupon-events	' '$T/out' | grep -q 'cleanup.policy=compact'"
check "every partition on three nodes in sync" \
  test "$(grep -cE '	Isr: [0-9],[0-9],[0-9]' "$T/out")" -eq 48

# 4. Status lists the nodes, with or without BROKERS=3; a single node is refused while they run.
stack 3 'status' >"$T/out" 2>&1 || check "status runs" false
for n in 1 2 3; do
  check "status: kafka-$n running" bash -c "grep -qE '^  kafka-$n +running  pid [0-9]+ +127.0.0.1:$((BASE + n - 1))\$' '$T/out'"
done
stack 1 'status' >"$T/out" 2>&1 || check "status without BROKERS runs" false
check "status without BROKERS=3 shows the running cluster" bash -c "grep -qE '^  kafka-3 +running' '$T/out'"
check "status without BROKERS=3 shows no single node" bash -c "! grep -qE '^  kafka +' '$T/out'"
if stack 1 'kafka_start' >"$T/out" 2>&1; then check "a single node is refused while the cluster runs" false; fi
check "refused naming make down" said "error: kafka: the three-node cluster of make up BROKERS=3 runs (kafka-1, pid"

# 4b. A node killed (kill -9): make up BROKERS=3 starts that one again, on its data, and leaves the others.
killed=$(sed -n 1p "$T/local/pids/kafka-2.pid")
kill -KILL "$killed"
# As a person would: the node is gone (a zombie or reaped) before make up runs. Its threads and
# port may still be going; make up waits for those.
deadline=$((SECONDS + 30))
while alive "$killed" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
check "the killed node is gone within 30 s" bash -c ". scripts/lib.sh; ! alive $killed"
stack 3 'kafka_cluster_start && kafka_cluster_ready && create_topics' >"$T/out" 2>&1 \
  || check "the killed node starts again" false
check "kafka-1 left running" said "kafka-1: already running"
check "kafka-3 left running" said "kafka-3: already running"
check "kafka-2 started again" said "kafka-2: started (pid"
check "kafka-2 not formatted again" bash -c "! grep -q formatting '$T/out'"
check "kafka-2 ready" said "kafka-2: ready at 127.0.0.1:$((BASE + 1))"
check "the topics still there" said "topics: all 8 present"

# 5. Down (without BROKERS=3, as people type it): the three nodes stop together.
pids=$(for n in 1 2 3; do sed -n 1p "$T/local/pids/kafka-$n.pid"; done)
start=$SECONDS
stack 1 'stop_all $(reverse $ALL_KAFKA_NODES redis mysql)' >"$T/out" 2>&1 || check "down runs" false
say "test-stack-brokers: cluster down in $((SECONDS - start))s"
for n in 1 2 3; do check "kafka-$n: stopped" said "kafka-$n: stopped (pid"; done
check "no SIGKILL was needed" bash -c "! grep -q SIGKILL '$T/out'"
for pid in $pids; do check "pid $pid is gone" bash -c ". scripts/lib.sh; ! alive $pid"; done
stack 3 'status' >"$T/out" 2>&1 || check "status runs" false
check "status: the nodes stopped" test "$(grep -cE '^  kafka-[123] +stopped$' "$T/out")" -eq 3

# 6. Up again: the same data (no new format), the topics already there.
stack 3 'kafka_cluster_start && kafka_cluster_ready && create_topics' >"$T/out" 2>&1 \
  || check "the cluster starts again" false
check "no format the second time" bash -c "! grep -q formatting '$T/out'"
check "the topics are there" said "topics: all 8 present"
stack 3 'stop_all $(reverse $ALL_KAFKA_NODES)' >"$T/out" 2>&1 || check "down runs" false

# 7. BROKERS=1 as before, on the same ports (its controller moved off the default 9093): one node,
#    its own data, the topics with one copy (min.insync.replicas 1, no unclean leader election).
export KAFKA_CONTROLLER_PORT=$((BASE + 3))
stack 1 'echo "$KAFKA_BOOTSTRAP_SERVERS"; kafka_start && kafka_ready && create_topics' >"$T/out" 2>&1 \
  || check "the single node starts and its topics are created" false
check "one node, one address" said "localhost:$BASE"
check "the single node keeps its data under .local/kafka" test -f "$T/local/kafka/data/meta.properties"
check "the topics created with one copy" said "(6 partitions, replication factor 1, min.insync.replicas 1)"
stack 1 "kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server 127.0.0.1:$BASE --describe --topic coupon-requests" \
  >"$T/out" 2>&1 || check "the single node's topics can be described" false
check "coupon-requests: one copy, min.insync.replicas 1, no unclean leader election" \
  bash -c "grep -E '^Topic: coupon-requests	.*ReplicationFactor: 1	' '$T/out' | grep -q 'min.insync.replicas=1' && grep -qE '^Topic: coupon-requests	.*unclean.leader.election.enable=false' '$T/out'"
if stack 3 'kafka_cluster_start' >"$T/out" 2>&1; then check "the cluster is refused while the single node runs" false; fi
check "refused naming make down" said "error: kafka: the single-node Kafka of make up runs (pid"
stack 1 'stop_all $(reverse $ALL_KAFKA_NODES redis mysql)' >"$T/out" 2>&1 || check "down runs" false
check "kafka: stopped" said "kafka: stopped (pid"

say "test-stack-brokers: ok ($passed checks)"
