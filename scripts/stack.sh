#!/usr/bin/env bash
# The local stack as plain processes (no Docker): a single-node Kafka KRaft broker (or, with
# BROKERS=3, a cluster of three) run from the Maven Central jars, Redis and MariaDB/MySQL. Everything lives under .local/ in the
# repository root: data, logs (.local/logs) and pid files (.local/pids).
#
#   scripts/stack.sh deps|up|down|status|infra-up|infra-down|topics
#
# Each component has a *_start step (spawn if not running) and a *_ready step (wait until it
# answers, then set it up). `up` runs every start first and every ready after, so the slow
# broker boots while Redis and MariaDB come up. make up never silently uses a Redis or MySQL on
# this machine that it did not start: the distribution's service listening on the port (systemd) is
# stopped and disabled, anything else is refused (claim_port). A server elsewhere (REDIS_URL,
# MYSQL_URL naming another host) is used as is; so is a broker that already answers. `down`
# never stops what it did not start.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

# --- configuration (environment variables; names shared with the services) ----------------
LOCAL=$ROOT/.local
LOG_DIR=$LOCAL/logs
PID_DIR=$LOCAL/pids

PARTITIONS=${PARTITIONS:-6}
# 1: one Kafka node; 3: a cluster of three nodes (client ports KAFKA_PORT and the next two,
# controller ports KAFKA_CONTROLLER_PORT and the next two, by default 9092-9094 and 9095-9097).
BROKERS=${BROKERS:-1}
case "$BROKERS" in 1|3) ;; *) die "BROKERS must be 1 (one Kafka node) or 3 (a cluster of three), got '$BROKERS'" ;; esac
KAFKA_PORT=${KAFKA_PORT:-9092}
case "$KAFKA_PORT" in ''|*[!0-9]*) die "KAFKA_PORT must be a port number, got '$KAFKA_PORT'" ;; esac
if [ "$BROKERS" = 1 ]; then
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-9093}
else
  KAFKA_CONTROLLER_PORT=${KAFKA_CONTROLLER_PORT:-$((KAFKA_PORT + 3))}
fi
case "$KAFKA_PORT$KAFKA_CONTROLLER_PORT" in *[!0-9]*) die "KAFKA_PORT and KAFKA_CONTROLLER_PORT must be port numbers, got '$KAFKA_PORT' and '$KAFKA_CONTROLLER_PORT'" ;; esac
# The Kafka components: kafka (one node) or kafka-1 kafka-2 kafka-3 (the cluster's nodes).
if [ "$BROKERS" = 1 ]; then KAFKA_NODES=kafka; else KAFKA_NODES="kafka-1 kafka-2 kafka-3"; fi
ALL_KAFKA_NODES="kafka kafka-1 kafka-2 kafka-3"
kafka_node_port() { # component -> its client port
  case "$1" in kafka) echo "$KAFKA_PORT" ;; kafka-*) echo $((KAFKA_PORT + ${1#kafka-} - 1)) ;; esac
}
kafka_node_controller_port() { # component -> its controller port
  case "$1" in kafka) echo "$KAFKA_CONTROLLER_PORT" ;; kafka-*) echo $((KAFKA_CONTROLLER_PORT + ${1#kafka-} - 1)) ;; esac
}
kafka_bootstrap() { # host -> every node's client address, comma-separated
  local n out=""
  for n in $KAFKA_NODES; do out="$out${out:+,}$1:$(kafka_node_port "$n")"; done
  echo "$out"
}
REDIS_PORT=${REDIS_PORT:-6379}
MYSQL_PORT=${MYSQL_PORT:-3306}

export KAFKA_BOOTSTRAP_SERVERS=${KAFKA_BOOTSTRAP_SERVERS:-$(kafka_bootstrap localhost)}
export REDIS_URL=${REDIS_URL:-redis://localhost:$REDIS_PORT}
export MYSQL_URL=${MYSQL_URL:-jdbc:mysql://localhost:$MYSQL_PORT/coupon}
export MYSQL_USER=${MYSQL_USER:-coupon}
export MYSQL_PASSWORD=${MYSQL_PASSWORD:-coupon}
export ADMIN_TOKEN=${ADMIN_TOKEN:-local-admin-token}
export SHOP_TOKEN=${SHOP_TOKEN:-local-shop-token}
export INGRESS_PORT=${INGRESS_PORT:-8080}
export PROCESSOR_PORT=${PROCESSOR_PORT:-8081}
export SINK_PORT=${SINK_PORT:-8082}
# The stack's tokens are published, so its services listen on loopback only (a deployment sets 0.0.0.0).
export HTTP_HOST=${HTTP_HOST:-127.0.0.1}
# Every client of a loopback-only stack has the same address (127.0.0.1): make bench and make demo
# open 64+ connections at once, so the per-address cap (64 by default) is raised here.
export INGRESS_MAX_CONNECTIONS_PER_CLIENT=${INGRESS_MAX_CONNECTIONS_PER_CLIENT:-1000}

# Shopper identities (docs/identities.md): SHOPPER_AUTH=on starts the ingress, and only the
# ingress, with SHOPPER_JWT_SECRET (default local-shopper-secret, what `make token` signs with) and
# SHOPPER_JWT_ISSUER / SHOPPER_JWT_AUDIENCE when set. Off (the default), no service gets any
# SHOPPER_JWT_* setting, even one exported in this shell: the public routes trust the userId given.
SHOPPER_AUTH=${SHOPPER_AUTH:-off}
case "$SHOPPER_AUTH" in on|off) ;; *) die "SHOPPER_AUTH must be on or off, got '$SHOPPER_AUTH'" ;; esac
SHOPPER_SECRET=${SHOPPER_JWT_SECRET:-local-shopper-secret}
SHOPPER_ISSUER=${SHOPPER_JWT_ISSUER:-}
SHOPPER_AUDIENCE=${SHOPPER_JWT_AUDIENCE:-}
SHOPPER_SETTINGS_IGNORED=${SHOPPER_JWT_SECRET:+SHOPPER_JWT_SECRET}${SHOPPER_JWT_JWKS:+ SHOPPER_JWT_JWKS}
unset SHOPPER_JWT_SECRET SHOPPER_JWT_JWKS SHOPPER_JWT_ISSUER SHOPPER_JWT_AUDIENCE

# The URLs win over the *_PORT shortcuts: they are what the services will connect to.
REDIS_HOST=$(loopback_ip "$(url_host "$REDIS_URL")")
REDIS_PORT=$(url_port "$REDIS_URL" 6379)
MYSQL_HOST=$(loopback_ip "$(url_host "$MYSQL_URL")")
MYSQL_PORT=$(url_port "$MYSQL_URL" 3306)
MYSQL_DB=$(url_path "$MYSQL_URL"); MYSQL_DB=${MYSQL_DB:-coupon}

case "$PARTITIONS" in ''|*[!0-9]*|0) die "PARTITIONS must be a positive number, got '$PARTITIONS'" ;; esac
case "$MYSQL_DB" in *[!A-Za-z0-9_]*) die "database name '$MYSQL_DB' from MYSQL_URL: use letters, digits and _ only" ;; esac

# ===========================================================================================
# Kafka: single-node KRaft broker (broker + controller in one JVM), loopback only.
# ===========================================================================================
KAFKA_DIR=$LOCAL/kafka
KAFKA_LIB=$KAFKA_DIR/lib
KAFKA_DATA=$KAFKA_DIR/data
KAFKA_LOG=$LOG_DIR/kafka.log
KAFKA_HEAP_OPTS=${KAFKA_HEAP_OPTS:--Xms256m -Xmx512m}
# The CLI tools are short-lived: C1 only and the serial GC start them about twice as fast.
KAFKA_TOOL_OPTS="-Xmx256m -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Dlog4j2.configurationFile=$KAFKA_DIR/log4j2-tools.properties"

# The version is declared once, in the root pom; the jars come from scripts/kafka-lib/pom.xml.
kafka_version() { sed -n 's:.*<kafka\.version>\(.*\)</kafka\.version>.*:\1:p' pom.xml | head -n 1; }

ensure_kafka_lib() {
  local v; v=$(kafka_version)
  [ -n "$v" ] || die "kafka.version not found in pom.xml"
  if [ -f "$KAFKA_LIB/kafka_2.13-$v.jar" ] && [ -f "$KAFKA_LIB/kafka-tools-$v.jar" ]; then return 0; fi
  say "kafka: fetching the Kafka $v jars into ${KAFKA_LIB#"$ROOT"/} (once, ~55 MB)"
  # Copy into a scratch directory and swap it in, so an interrupted download never looks complete.
  local tmp=$KAFKA_DIR/lib.tmp
  rm -rf "$tmp"
  local log=$LOG_DIR/kafka-lib.log
  if ! ${MVN:-mvn -B -ntp} -Dstyle.color=never -f scripts/kafka-lib/pom.xml dependency:copy-dependencies \
         -Dkafka.lib.dir="$tmp" >"$log" 2>&1; then
    show_log_tail "$log"
    die "kafka: could not fetch the Kafka jars (mvn -f scripts/kafka-lib/pom.xml dependency:copy-dependencies)"
  fi
  rm -rf "$KAFKA_LIB"
  mv "$tmp" "$KAFKA_LIB"
}

kafka_tool() {
  # shellcheck disable=SC2086  # KAFKA_TOOL_OPTS is a list of JVM flags
  java $KAFKA_TOOL_OPTS -cp "$KAFKA_LIB/*" "$@"
}

# Regenerated on every start so port changes apply. The three transaction settings are what
# exactly_once_v2 needs on one node: without them initTransactions() times out. The settings after
# log.dirs are declared once in Java (the num.partitions default in the contract's Topics, the rest
# in stackkit's single-node-broker.properties); LocalStackFilesTest keeps them in step.
write_kafka_config() {
  mkdir -p "$KAFKA_DATA"
  cat >"$KAFKA_DIR/server.properties" <<EOF
# generated by scripts/stack.sh on every start: edit the script, not this file
process.roles=broker,controller
node.id=1
controller.quorum.bootstrap.servers=127.0.0.1:$KAFKA_CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$KAFKA_CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$KAFKA_DATA
num.partitions=$PARTITIONS
# topics come from 'make up' (scripts/stack.sh topics): a typo in a topic name fails loudly
auto.create.topics.enable=false
offsets.topic.replication.factor=1
# 50 partitions each by default: on one laptop node that only slows every start and the first
# consumer group / transaction (applies when these internal topics are first created)
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
EOF
  write_kafka_log_config
}

write_kafka_log_config() {
  mkdir -p "$KAFKA_DIR"
  # Broker: INFO to stdout (appended to the log file). Tools: warnings to stderr, so their
  # stdout stays parseable.
  local target
  for target in broker tools; do
    local file=$KAFKA_DIR/log4j2.properties level=INFO out=SYSTEM_OUT
    if [ "$target" = tools ]; then file=$KAFKA_DIR/log4j2-tools.properties level=WARN out=SYSTEM_ERR; fi
    cat >"$file" <<EOF
# generated by scripts/stack.sh
status = warn
appender.out.type = Console
appender.out.name = OUT
appender.out.target = $out
appender.out.layout.type = PatternLayout
appender.out.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = $level
rootLogger.appenderRef.out.ref = OUT
logger.request.name = kafka.request.logger
logger.request.level = WARN
logger.state.name = state.change.logger
logger.state.level = WARN
EOF
  done
}

# KRaft storage must be formatted exactly once; meta.properties marks a formatted directory.
format_kafka_storage() {
  [ -f "$KAFKA_DATA/meta.properties" ] && return 0
  say "kafka: formatting ${KAFKA_DATA#"$ROOT"/} (first start)"
  local id
  id=$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$KAFKA_LOG") || { show_log_tail "$KAFKA_LOG"; die "kafka: random-uuid failed"; }
  kafka_tool kafka.tools.StorageTool format -t "$id" -c "$KAFKA_DIR/server.properties" --standalone >>"$KAFKA_LOG" 2>&1 \
    || { show_log_tail "$KAFKA_LOG"; die "kafka: formatting the storage failed (log: ${KAFKA_LOG#"$ROOT"/})"; }
}

# One node or a cluster, never both: they share the client port and the other's topics would be missing.
refuse_other_kafka() {
  local c pid
  for c in $ALL_KAFKA_NODES; do
    case " $KAFKA_NODES " in *" $c "*) continue ;; esac
    if pid=$(live_pid "$c"); then
      if [ "$BROKERS" = 1 ]; then
        die "kafka: the three-node cluster of make up BROKERS=3 runs ($c, pid $pid): make down first, or make up BROKERS=3"
      fi
      die "kafka: the single-node Kafka of make up runs (pid $pid): make down first, then make up BROKERS=3"
    fi
  done
}

kafka_start() {
  local pid
  refuse_other_kafka
  if pid=$(live_pid kafka); then say "kafka: already running (pid $pid)"; return 0; fi
  if port_open 127.0.0.1 "$KAFKA_PORT"; then
    say "kafka: 127.0.0.1:$KAFKA_PORT already answers (not started by make up), using it"
    ensure_kafka_lib; write_kafka_config   # the topic tool still needs the jars and its log config
    return 0
  fi
  # A taken controller port makes the broker die after seconds of log output: say it up front.
  ! port_open 127.0.0.1 "$KAFKA_CONTROLLER_PORT" \
    || die "kafka: port $KAFKA_CONTROLLER_PORT (KAFKA_CONTROLLER_PORT) is taken by another process"
  ensure_kafka_lib
  write_kafka_config
  format_kafka_storage
  # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
  pid=$(start_bg kafka kafka.Kafka "$KAFKA_LOG" \
    java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
      -cp "$KAFKA_LIB/*" kafka.Kafka "$KAFKA_DIR/server.properties")
  say "kafka: started (pid $pid), log ${KAFKA_LOG#"$ROOT"/}"
}

kafka_ready() {
  # The broker opens its client listener only once it has caught up with the metadata log,
  # so an accepted connection means it serves requests.
  wait_for kafka "${KAFKA_WAIT:-90}" "$(recorded_pid kafka)" "$KAFKA_LOG" \
    "127.0.0.1:$KAFKA_PORT" port_open 127.0.0.1 "$KAFKA_PORT"
  say "kafka: ready at 127.0.0.1:$KAFKA_PORT"
}

# ===========================================================================================
# Kafka, BROKERS=3: a cluster of three KRaft nodes, each a broker and a controller (three voters:
# one node down leaves a working quorum), loopback only. Node N (kafka-N) has its settings and data
# under .local/kafka-N, its log in .local/logs/kafka-N.log; the jars and log settings are the
# single node's (.local/kafka).
# ===========================================================================================
kafka_node_dir() { echo "$LOCAL/$1"; }
kafka_node_log() { echo "$LOG_DIR/$1.log"; }

kafka_voters() {
  local n out=""
  for n in $KAFKA_NODES; do out="$out${out:+,}${n#kafka-}@127.0.0.1:$(kafka_node_controller_port "$n")"; done
  echo "$out"
}

# Regenerated on every start so port changes apply. The settings after num.partitions are declared
# once in Java (stackkit's cluster-broker.properties: Kafka's internal topics and the default for new
# topics with three copies, two needed for a write, no unclean leader election); LocalStackFilesTest
# keeps them in step.
write_kafka_node_config() { # component
  local node=$1 dir port controller_port
  dir=$(kafka_node_dir "$node"); port=$(kafka_node_port "$node"); controller_port=$(kafka_node_controller_port "$node")
  mkdir -p "$dir/data"
  cat >"$dir/server.properties" <<EOF
# generated by scripts/stack.sh on every start: edit the script, not this file
process.roles=broker,controller
node.id=${node#kafka-}
controller.quorum.voters=$(kafka_voters)
listeners=PLAINTEXT://127.0.0.1:$port,CONTROLLER://127.0.0.1:$controller_port
advertised.listeners=PLAINTEXT://127.0.0.1:$port
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT
log.dirs=$dir/data
num.partitions=$PARTITIONS
# Kafka's internal topics as the contract's: three copies, two needed for a write
offsets.topic.replication.factor=3
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
share.coordinator.state.topic.replication.factor=3
share.coordinator.state.topic.min.isr=2
# topics created without settings of their own (Kafka Streams' changelogs) get the production ones
default.replication.factor=3
min.insync.replicas=2
unclean.leader.election.enable=false
offsets.topic.num.partitions=6
transaction.state.log.num.partitions=6
group.initial.rebalance.delay.ms=0
# topics come from 'make up' (scripts/stack.sh topics): a typo in a topic name fails loudly
auto.create.topics.enable=false
EOF
}

# Every node formatted once, all with one cluster id: the one a formatted node has, or a new one.
format_kafka_cluster() {
  local n id="" meta pids="" failed=""
  for n in $KAFKA_NODES; do
    meta=$(kafka_node_dir "$n")/data/meta.properties
    if [ -z "$id" ] && [ -f "$meta" ]; then id=$(sed -n 's/^cluster\.id=//p' "$meta"); fi
  done
  for n in $KAFKA_NODES; do
    [ ! -f "$(kafka_node_dir "$n")/data/meta.properties" ] || continue
    if [ -z "$id" ]; then
      id=$(kafka_tool kafka.tools.StorageTool random-uuid 2>>"$(kafka_node_log kafka-1)") \
        || { show_log_tail "$(kafka_node_log kafka-1)"; die "kafka: random-uuid failed"; }
    fi
    say "$n: formatting .local/$n/data (first start, cluster $id)"
    kafka_tool kafka.tools.StorageTool format -t "$id" -c "$(kafka_node_dir "$n")/server.properties" \
      >>"$(kafka_node_log "$n")" 2>&1 &
    pids="$pids $!:$n"
  done
  local p
  for p in $pids; do wait "${p%%:*}" || failed="$failed ${p#*:}"; done
  for n in $failed; do show_log_tail "$(kafka_node_log "$n")"; done
  [ -z "$failed" ] || die "kafka: formatting the storage of$failed failed (logs: .local/logs/kafka-N.log)"
}

kafka_cluster_start() {
  local n pid port controller_port starting=""
  refuse_other_kafka
  for n in $KAFKA_NODES; do
    if pid=$(live_pid "$n"); then say "$n: already running (pid $pid)"; continue; fi
    port=$(kafka_node_port "$n"); controller_port=$(kafka_node_controller_port "$n")
    ! port_open 127.0.0.1 "$port" \
      || die "$n: port $port is taken by a process make up did not start: stop it, or move the cluster's ports with KAFKA_PORT (and KAFKA_CONTROLLER_PORT)"
    ! port_open 127.0.0.1 "$controller_port" \
      || die "$n: controller port $controller_port is taken by another process: move the cluster's controller ports with KAFKA_CONTROLLER_PORT"
    starting="$starting $n"
  done
  [ -n "$starting" ] || return 0
  ensure_kafka_lib
  write_kafka_log_config
  for n in $KAFKA_NODES; do write_kafka_node_config "$n"; done
  format_kafka_cluster
  for n in $starting; do
    # shellcheck disable=SC2086  # KAFKA_HEAP_OPTS is a list of JVM flags
    pid=$(start_bg "$n" "$(kafka_node_dir "$n")/server.properties" "$(kafka_node_log "$n")" \
      java $KAFKA_HEAP_OPTS -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Djava.awt.headless=true \
        -Dlog4j2.configurationFile="$KAFKA_DIR/log4j2.properties" \
        -cp "$KAFKA_LIB/*" kafka.Kafka "$(kafka_node_dir "$n")/server.properties")
    say "$n: started (pid $pid), log .local/logs/$n.log"
  done
}

kafka_cluster_ready() {
  # A node opens its client listener once it has caught up with the metadata log, which takes a
  # quorum (two of the three controllers): all three were started before this waits.
  local n port
  for n in $KAFKA_NODES; do
    port=$(kafka_node_port "$n")
    wait_for "$n" "${KAFKA_WAIT:-90}" "$(recorded_pid "$n")" "$(kafka_node_log "$n")" \
      "127.0.0.1:$port" port_open 127.0.0.1 "$port"
    say "$n: ready at 127.0.0.1:$port"
  done
}

# name[:cleanup.policy]; all with $PARTITIONS partitions (one event = one partition, so the
# count bounds the parallelism of the streams processor). Declared in the contract (Topics);
# LocalStackFilesTest keeps this list and the PARTITIONS default in step with it.
# Every topic also gets the replication of the contract's Topics.Replication: on three brokers the
# production one (three copies, two needed for a write), on one node one copy; and never an unclean
# leader election. LocalStackFilesTest keeps these in step too.
case "$BROKERS" in
  1) TOPIC_REPLICATION_FACTOR=1; TOPIC_MIN_INSYNC_REPLICAS=1 ;;
  3) TOPIC_REPLICATION_FACTOR=3; TOPIC_MIN_INSYNC_REPLICAS=2 ;;
esac
TOPICS="coupon-events:compact coupon-requests coupon-actions coupon-issued coupon-changes coupon-decisions coupon-requests-dlq coupon-issued-dlq"

create_topics() {
  local boot existing entry name policy missing=""
  boot=$(kafka_bootstrap 127.0.0.1)
  existing=$(kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$boot" --list 2>>"$KAFKA_LOG") \
    || { show_log_tail "$KAFKA_LOG"; die "topics: listing the topics at $boot failed"; }
  for entry in $TOPICS; do
    name=${entry%%:*}
    printf '%s\n' "$existing" | grep -qxF "$name" || missing="$missing $entry"
  done
  if [ -z "$missing" ]; then say "topics: all $(echo $TOPICS | wc -w | tr -d ' ') present"; return 0; fi

  # One JVM per topic (TopicCommand creates one per call); in parallel they take about as
  # long as one.
  local pids="" out=$LOG_DIR/topics
  mkdir -p "$out"
  for entry in $missing; do
    name=${entry%%:*}; policy=""
    case "$entry" in *:*) policy=${entry#*:} ;; esac
    kafka_tool org.apache.kafka.tools.TopicCommand --bootstrap-server "$boot" --create --if-not-exists \
      --topic "$name" --partitions "$PARTITIONS" --replication-factor "$TOPIC_REPLICATION_FACTOR" \
      --config "min.insync.replicas=$TOPIC_MIN_INSYNC_REPLICAS" --config unclean.leader.election.enable=false \
      ${policy:+--config "cleanup.policy=$policy"} >"$out/$name.log" 2>&1 &
    pids="$pids $!:$name"
  done
  local failed="" p
  for p in $pids; do
    wait "${p%%:*}" || failed="$failed ${p#*:}"
  done
  for name in $failed; do show_log_tail "$out/$name.log"; done
  [ -z "$failed" ] || die "topics: could not create:$failed"
  say "topics: created$(for entry in $missing; do printf ' %s' "${entry%%:*}"; done) ($PARTITIONS partitions, replication factor $TOPIC_REPLICATION_FACTOR, min.insync.replicas $TOPIC_MIN_INSYNC_REPLICAS)"
}

# ===========================================================================================
# A local port the stack's Redis or MySQL needs, taken by a process make up did not start
# ===========================================================================================
# claim_port NAME HOST PORT WHAT URL_VARIABLE EXAMPLE_URL PORT_VARIABLE — the distribution's
# service (systemd) that listens on it is stopped and disabled, in one line (one on another port
# is left alone, release_distro_units); anything else (a server
# started by hand, a container, another stack) is refused in one line naming the variable that
# moves the stack's server. Either way make up never silently uses a server it did not start.
claim_port() {
  local name=$1 host=$2 port=$3 what=$4 variable=$5 example=$6 port_variable=$7 deadline
  if release_distro_units "$name" "it held $host:$port, $what" "$port"; then
    deadline=$((SECONDS + ${PORT_FREE_WAIT:-10}))
    while port_open "$host" "$port" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.25; done
    port_open "$host" "$port" || return 0
  fi
  die "$name: $host:$port is taken by a process make up did not start: stop it, or run the stack's $name on another port with $variable=$example (or $port_variable=$((port + 1)))"
}

# ===========================================================================================
# Redis
# ===========================================================================================
REDIS_DIR=$LOCAL/redis
REDIS_LOG=$LOG_DIR/redis.log

redis_start() {
  local pid bin
  if pid=$(live_pid redis); then say "redis: already running (pid $pid)"; return 0; fi
  if port_open "$REDIS_HOST" "$REDIS_PORT"; then
    if ! is_loopback "$REDIS_HOST"; then
      say "redis: using the server at $REDIS_HOST:$REDIS_PORT (REDIS_URL=$REDIS_URL)"; return 0
    fi
    claim_port redis "$REDIS_HOST" "$REDIS_PORT" "without an append-only file" \
      REDIS_URL "redis://localhost:$((REDIS_PORT + 1))" REDIS_PORT
  fi
  is_loopback "$REDIS_HOST" \
    || die "redis: nothing answers at $REDIS_HOST:$REDIS_PORT (REDIS_URL=$REDIS_URL), and it is not local, so it cannot be started here"
  scripts/deps.sh redis
  bin=$(find_bin redis-server)
  mkdir -p "$REDIS_DIR"
  # Append-only file, fsync once a second: the gate's counters survive `make down`/`make up`
  # like the Kafka and MySQL data do. Foreground (no --daemonize) so the pid is ours.
  pid=$(start_bg redis redis-server "$REDIS_LOG" "$bin" --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$REDIS_DIR" --appendonly yes --appendfsync everysec --save '' --daemonize no)
  say "redis: started (pid $pid), log ${REDIS_LOG#"$ROOT"/}"
}

# PONG, not just an open port: while it replays the append-only file Redis answers LOADING.
redis_ping() {
  local cli
  if cli=$(find_bin redis-cli); then
    "$cli" -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null | grep -q PONG
  else
    port_open "$REDIS_HOST" "$REDIS_PORT"
  fi
}

redis_ready() {
  wait_for redis "${REDIS_WAIT:-30}" "$(recorded_pid redis)" "$REDIS_LOG" "$REDIS_HOST:$REDIS_PORT" redis_ping
  say "redis: ready at $REDIS_HOST:$REDIS_PORT"
}

# ===========================================================================================
# MySQL / MariaDB
# ===========================================================================================
MYSQL_DIR=$LOCAL/mysql
MYSQL_DATA=$MYSQL_DIR/data
MYSQL_SOCK=$MYSQL_DIR/mysqld.sock
MYSQL_LOG=$LOG_DIR/mysql.log
# A unix socket path is limited to ~104 bytes; a deep checkout would exceed it.
if [ ${#MYSQL_SOCK} -gt 100 ]; then MYSQL_SOCK=${TMPDIR:-/tmp}/firstcome-mysql-$(id -u)-$MYSQL_PORT.sock; fi

mysql_client() { find_bin mariadb mysql || die "mysql: no mariadb/mysql client found (make deps)"; }

# Through the unix socket as root: mariadb-install-db --auth-root-authentication-method=normal
# and mysqld --initialize-insecure both leave root@localhost without a password.
mysql_root() { MYSQL_PWD="" "$(mysql_client)" --no-defaults -uroot -S "$MYSQL_SOCK" "$@"; }

mysql_app() {
  MYSQL_PWD="$MYSQL_PASSWORD" "$(mysql_client)" --no-defaults --protocol=TCP \
    -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$MYSQL_USER" "$MYSQL_DB" "$@"
}

sql_quote() { printf '%s' "$1" | sed "s/'/''/g"; }

# Idempotent, and valid on MariaDB 10.4+ and MySQL 8. 'coupon'@'localhost' as well as '%':
# otherwise MariaDB's anonymous ''@'localhost' user, when present, shadows '%' for local logins.
# ALTER USER keeps the password in step with MYSQL_PASSWORD if it changed since the first run.
provision_sql() { # auth clause
  local u p h
  u=$(sql_quote "$MYSQL_USER"); p=$(sql_quote "$MYSQL_PASSWORD")
  printf 'CREATE DATABASE IF NOT EXISTS `%s`;\n' "$MYSQL_DB"
  for h in '%' localhost; do
    printf "CREATE USER IF NOT EXISTS '%s'@'%s' $1;\n" "$u" "$h" "$p"
    printf "ALTER USER '%s'@'%s' $1;\n" "$u" "$h" "$p"
    printf 'GRANT ALL PRIVILEGES ON `%s`.* TO '"'%s'@'%s'"';\n' "$MYSQL_DB" "$u" "$h"
  done
}

# mysql_native_password users, as the connector setups expect. MariaDB creates those by
# default (and rejects "WITH mysql_native_password BY"); MySQL 8.0 needs it spelled out;
# MySQL 8.4 ships the plugin disabled, so there the server's default plugin has to do.
provision_mysql() { # client command...
  if ! "$@" -N -e 'SELECT VERSION()' 2>/dev/null | grep -qi mariadb; then
    provision_sql "IDENTIFIED WITH mysql_native_password BY '%s'" | "$@" 2>/dev/null && return 0
  fi
  provision_sql "IDENTIFIED BY '%s'" | "$@"
}

is_mariadb() { "$1" --version 2>/dev/null | grep -qi mariadb; }

init_mysql_datadir() { # server binary
  local server=$1 as_user=()
  [ "$(id -u)" -ne 0 ] || as_user=(--user=root)   # mysqld refuses to run as root unless told
  say "mysql: initialising ${MYSQL_DATA#"$ROOT"/} (first start)"
  mkdir -p "$MYSQL_DATA"
  local ok=yes installer
  if is_mariadb "$server"; then
    installer=$(find_bin mariadb-install-db mysql_install_db) || die "mysql: mariadb-install-db not found"
    "$installer" --no-defaults --datadir="$MYSQL_DATA" --auth-root-authentication-method=normal \
      --skip-test-db ${as_user[@]+"${as_user[@]}"} >>"$MYSQL_LOG" 2>&1 || ok=no
  else
    "$server" --no-defaults --initialize-insecure --datadir="$MYSQL_DATA" \
      ${as_user[@]+"${as_user[@]}"} >>"$MYSQL_LOG" 2>&1 || ok=no
  fi
  if [ "$ok" = no ]; then
    show_log_tail "$MYSQL_LOG"
    rm -rf "$MYSQL_DATA"   # half-initialised: start from scratch next time
    die "mysql: initialising the data directory failed (log: ${MYSQL_LOG#"$ROOT"/})"
  fi
}

MYSQL_OURS=no
mysql_start() {
  local pid server
  if pid=$(live_pid mysql); then say "mysql: already running (pid $pid)"; MYSQL_OURS=yes; return 0; fi
  if port_open "$MYSQL_HOST" "$MYSQL_PORT"; then
    if ! is_loopback "$MYSQL_HOST"; then
      say "mysql: using the server at $MYSQL_HOST:$MYSQL_PORT (MYSQL_URL=$MYSQL_URL)"; return 0
    fi
    claim_port mysql "$MYSQL_HOST" "$MYSQL_PORT" "its root logging in by socket only" \
      MYSQL_URL "jdbc:mysql://localhost:$((MYSQL_PORT + 1))/$MYSQL_DB" MYSQL_PORT
  fi
  is_loopback "$MYSQL_HOST" \
    || die "mysql: nothing answers at $MYSQL_HOST:$MYSQL_PORT (MYSQL_URL=$MYSQL_URL), and it is not local, so it cannot be started here"
  scripts/deps.sh mysql
  server=$(find_bin mariadbd mysqld)
  [ -d "$MYSQL_DATA/mysql" ] || init_mysql_datadir "$server"
  # --no-defaults: the system's my.cnf (datadir, socket, port, log-bin) must not leak in.
  local args=(--no-defaults --datadir="$MYSQL_DATA" --socket="$MYSQL_SOCK" --port="$MYSQL_PORT"
              --bind-address=127.0.0.1 --skip-log-bin --pid-file="$MYSQL_DIR/mysqld.pid")
  [ "$(id -u)" -ne 0 ] || args+=(--user=root)
  is_mariadb "$server" || args+=(--mysqlx=OFF)   # MySQL's X protocol would also claim port 33060
  pid=$(start_bg mysql "$(basename "$server")" "$MYSQL_LOG" "$server" "${args[@]}")
  MYSQL_OURS=yes
  say "mysql: started (pid $pid, $(basename "$server")), log ${MYSQL_LOG#"$ROOT"/}"
}

mysql_ready() {
  local pid; pid=$(recorded_pid mysql)
  if [ "$MYSQL_OURS" = yes ]; then
    wait_for mysql "${MYSQL_WAIT:-60}" "$pid" "$MYSQL_LOG" "$MYSQL_HOST:$MYSQL_PORT" mysql_root -e 'SELECT 1'
    provision_mysql mysql_root || die "mysql: creating database $MYSQL_DB / user $MYSQL_USER failed"
  else
    wait_for mysql "${MYSQL_WAIT:-60}" "" "$MYSQL_LOG" "$MYSQL_HOST:$MYSQL_PORT" port_open "$MYSQL_HOST" "$MYSQL_PORT"
    mysql_app -e 'SELECT 1' >/dev/null 2>&1 || provision_external_mysql
  fi
  mysql_app -e 'SELECT 1' >/dev/null \
    || die "mysql: user $MYSQL_USER cannot use database $MYSQL_DB at $MYSQL_HOST:$MYSQL_PORT"
  say "mysql: ready at $MYSQL_HOST:$MYSQL_PORT, database $MYSQL_DB, user $MYSQL_USER"
}

# A server we did not start: try its root over TCP (MYSQL_ROOT_USER / MYSQL_ROOT_PASSWORD),
# and if that is not possible say exactly what to run.
provision_external_mysql() {
  local root_user=${MYSQL_ROOT_USER:-root}
  say "mysql: $MYSQL_USER cannot log in to $MYSQL_DB yet, trying to create them as $root_user"
  if MYSQL_PWD="${MYSQL_ROOT_PASSWORD:-}" "$(mysql_client)" --no-defaults --protocol=TCP \
       -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$root_user" -e 'SELECT 1' >/dev/null 2>&1; then
    provision_mysql env MYSQL_PWD="${MYSQL_ROOT_PASSWORD:-}" "$(mysql_client)" --no-defaults --protocol=TCP \
      -h "$MYSQL_HOST" -P "$MYSQL_PORT" -u "$root_user" && return 0
  fi
  printf 'error: mysql: the server at %s:%s does not let %s use %s, and %s could not log in to fix it.\n' \
    "$MYSQL_HOST" "$MYSQL_PORT" "$MYSQL_USER" "$MYSQL_DB" "$root_user" >&2
  printf '  run this as an administrator (or set MYSQL_ROOT_USER / MYSQL_ROOT_PASSWORD):\n' >&2
  provision_sql "IDENTIFIED BY '%s'" | sed 's/^/    /' >&2
  exit 1
}

# ===========================================================================================
# firstcome services: runnable jars built by `make build`, started after the infrastructure
# is ready and the topics exist, in list order, each waited for until GET /health answers 200;
# `down` stops them before the infrastructure, in reverse order. They get the exported
# configuration above (KAFKA_BOOTSTRAP_SERVERS, REDIS_URL, MYSQL_URL, MYSQL_USER,
# MYSQL_PASSWORD, ADMIN_TOKEN, SHOP_TOKEN, *_PORT, PROCESSOR_URL).
# ===========================================================================================
export PROCESSOR_URL=${PROCESSOR_URL:-http://localhost:$PROCESSOR_PORT}
export PROCESSOR_STATE_DIR=${PROCESSOR_STATE_DIR:-$LOCAL/streams}

# JARS_DIR: a folder with ingress.jar, streams-processor.jar and sink.jar to run instead of the
# build's (scripts/baseline.sh builds an earlier revision's; make bench ARGS=--baseline swaps them).
service_jar() { if [ -n "${JARS_DIR:-}" ]; then echo "$JARS_DIR/$1.jar"; else echo "$1/target/$1.jar"; fi; }

streams_processor_start() { service_start streams-processor "$(service_jar streams-processor)" "$PROCESSOR_PORT"; }
streams_processor_ready() { service_ready streams-processor "$PROCESSOR_PORT"; }
sink_start() { service_start sink "$(service_jar sink)" "$SINK_PORT"; }
sink_ready() { service_ready sink "$SINK_PORT"; }
ingress_start() {
  local settings=()
  if [ "$SHOPPER_AUTH" = on ]; then
    settings=(SHOPPER_JWT_SECRET="$SHOPPER_SECRET")
    [ -z "$SHOPPER_ISSUER" ] || settings+=(SHOPPER_JWT_ISSUER="$SHOPPER_ISSUER")
    [ -z "$SHOPPER_AUDIENCE" ] || settings+=(SHOPPER_JWT_AUDIENCE="$SHOPPER_AUDIENCE")
  elif [ -n "$SHOPPER_SETTINGS_IGNORED" ]; then
    warn "ingress: ${SHOPPER_SETTINGS_IGNORED# } set but SHOPPER_AUTH is off: shopper identities stay off (make up SHOPPER_AUTH=on)"
  fi
  if live_pid ingress >/dev/null; then
    [ "$(shopper_auth_running)" = "$SHOPPER_AUTH" ] \
      || warn "ingress: already running with shopper identities $(shopper_auth_running); make down first to start it with SHOPPER_AUTH=$SHOPPER_AUTH"
    service_start ingress "$(service_jar ingress)" "$INGRESS_PORT"
  else
    service_start ingress "$(service_jar ingress)" "$INGRESS_PORT" ${settings[@]+"${settings[@]}"}
    echo "$SHOPPER_AUTH" >"$SHOPPER_AUTH_FILE"
  fi
}
ingress_ready() { service_ready ingress "$INGRESS_PORT"; }

SERVICES="streams-processor sink ingress"
# The services' JVM flags. C1 only (TieredStopAtLevel=1), a trade: on two cores shared with Kafka,
# Redis and MySQL, the JIT compiler threads took about a third of the stack's CPU through the first
# tens of thousands of applications after a start, so a drop right after a start, the capacity a shop
# can count on, was answered 1.6-1.7x as fast with C1 only; the two cross over between 40,000 and
# 100,000 applications, and after that both compilers together are 1.2-1.4x as fast
# (bench/jit-bench.sh; BENCHMARKS.md, "A drop right after the services start").
# SERVICE_JAVA_OPTS=-Xmx512m gives the JVM's default (C2 as well).
SERVICE_JAVA_OPTS=${SERVICE_JAVA_OPTS:--Xmx512m -XX:TieredStopAtLevel=1}

# The mode the running ingress was started in (on / off), written when make up starts it.
SHOPPER_AUTH_FILE=$LOCAL/run/ingress.shopper-auth
shopper_auth_running() { if [ -f "$SHOPPER_AUTH_FILE" ]; then cat "$SHOPPER_AUTH_FILE"; else echo off; fi; }

# One line on the running ingress's mode and, when on, how to get a token.
shopper_auth_line() {
  if [ "$(shopper_auth_running)" = on ]; then
    printf "on (HS256 with SHOPPER_JWT_SECRET, default local-shopper-secret): a token: make -s token USER=alice CLAIMS='{\"tier\":\"gold\"}'"
  else
    printf 'off: the public routes trust the userId given (make down; make up SHOPPER_AUTH=on to turn them on)'
  fi
}

service_start() { # name jar port [VAR=value]... (settings for this service only)
  local name=$1 jar=$2 port=$3 pid
  shift 3
  if pid=$(live_pid "$name"); then say "$name: already running (pid $pid)"; return 0; fi
  [ -f "$jar" ] || die "$name: $jar not found (make build)"
  ! port_open 127.0.0.1 "$port" || die "$name: port $port is already taken by a process make up did not start"
  # Runs a copy: `make up` builds first, and a build that rewrites target/*.jar under a running
  # JVM makes its next class load fail (NoClassDefFoundError in a service that looked healthy).
  local copy=$LOCAL/run/$name.jar
  mkdir -p "$LOCAL/run"
  cp "$jar" "$copy"
  # shellcheck disable=SC2086  # SERVICE_JAVA_OPTS is a list of JVM flags
  pid=$(start_bg "$name" "$copy" "$LOG_DIR/$name.log" env "$@" java $SERVICE_JAVA_OPTS -jar "$copy")
  say "$name: started (pid $pid), log .local/logs/$name.log"
}

service_ready() { # name port
  local name=$1 port=$2
  wait_for "$name" "${SERVICE_WAIT:-90}" "$(recorded_pid "$name")" "$LOG_DIR/$name.log" \
    "http://127.0.0.1:$port/health" http_ok "http://127.0.0.1:$port/health"
  say "$name: healthy at http://localhost:$port"
}

# ===========================================================================================
# commands
# ===========================================================================================
# One Kafka node, or the cluster (whose start and ready steps handle its three nodes together).
if [ "$BROKERS" = 1 ]; then INFRA="kafka redis mysql"; else INFRA="kafka_cluster redis mysql"; fi

fn_of() { printf '%s' "$1" | tr '-' '_'; }   # streams-processor -> streams_processor

stop_deadline() {
  case "$1" in kafka|kafka-*) echo "${KAFKA_STOP_WAIT:-60}" ;; mysql) echo "${MYSQL_STOP_WAIT:-60}" ;; *) echo 30 ;; esac
}

reverse() { local out="" w; for w in "$@"; do out="$w $out"; done; echo $out; }

infra_up() {
  local c
  scripts/deps.sh tools
  mkdir -p "$LOG_DIR" "$PID_DIR"
  for c in $INFRA; do "${c}_start"; done
  for c in $INFRA; do "${c}_ready"; done
  create_topics
}

services_up() {
  local c
  [ -n "$SERVICES" ] || return 0
  for c in $SERVICES; do "$(fn_of "$c")_start"; done
  for c in $SERVICES; do "$(fn_of "$c")_ready"; done
}

stop_all() { # names...
  local c n stopped=no nodes_stopped=no
  for c in "$@"; do
    if running_pid "$c" >/dev/null || [ -f "$(pid_file "$c")" ]; then stopped=yes; fi
    case "$c" in
      kafka-[0-9]*)
        # A cluster's nodes stop together: one at a time, the last would wait for a controller
        # quorum (two of three voters) that its peers took away.
        [ "$nodes_stopped" = no ] || continue
        nodes_stopped=yes
        for n in "$@"; do
          case "$n" in kafka-[0-9]*) stop_component "$n" "$(stop_deadline "$n")" & ;; esac
        done
        wait ;;
      *) stop_component "$c" "$(stop_deadline "$c")" ;;
    esac
  done
  [ "$stopped" = yes ] || say "nothing to stop (no process started by make up is running)"
}

summary() {
  say "ready:"
  say "  KAFKA_BOOTSTRAP_SERVERS=$KAFKA_BOOTSTRAP_SERVERS"
  say "  REDIS_URL=$REDIS_URL"
  say "  MYSQL_URL=$MYSQL_URL  (user $MYSQL_USER)"
  if [ -n "$SERVICES" ]; then
    say "  ingress            http://localhost:$INGRESS_PORT   (admin token: $ADMIN_TOKEN, shop token: $SHOP_TOKEN)"
    say "  streams-processor  http://localhost:$PROCESSOR_PORT/health"
    say "  sink               http://localhost:$SINK_PORT/health"
    say "  event page         http://localhost:$INGRESS_PORT/   (or /e/<eventId>)"
    say "  organiser page     http://localhost:$INGRESS_PORT/admin"
    say "  shopper identities $(shopper_auth_line)"
    say "try:"
    say "  curl -s -X PUT localhost:$INGRESS_PORT/admin/events/spring-sale -H 'Authorization: Bearer $ADMIN_TOKEN' -H 'Content-Type: application/json' -d '{\"limit\":100}'"
    if [ "$(shopper_auth_running)" = on ]; then
      say "  curl -s -X POST localhost:$INGRESS_PORT/events/spring-sale/applications -H \"Authorization: Bearer \$(make -s token USER=u-42)\" -H 'Content-Type: application/json' -d '{}'"
      say "  curl -s localhost:$INGRESS_PORT/events/spring-sale/applications/u-42 -H \"Authorization: Bearer \$(make -s token USER=u-42)\""
      say "  the event page: set the token as the cookie firstcome_token on localhost:$INGRESS_PORT (the shop's site does that)"
    else
      say "  curl -s -X POST localhost:$INGRESS_PORT/events/spring-sale/applications -H 'Content-Type: application/json' -d '{\"userId\":\"u-42\"}'"
      say "  curl -s localhost:$INGRESS_PORT/events/spring-sale/applications/u-42"
    fi
    say "  curl -s -X POST localhost:$INGRESS_PORT/shop/events/spring-sale/coupons/u-42/redeem -H 'Authorization: Bearer $SHOP_TOKEN' -H 'Content-Type: application/json' -d '{\"orderId\":\"o-1\"}'"
    say "  make demo"
  fi
  say "  logs in .local/logs/, stop with: make down"
}

# The Kafka components to show: this mode's (BROKERS), or the other mode's when those run.
kafka_shown() {
  local c other=""
  for c in $ALL_KAFKA_NODES; do
    case " $KAFKA_NODES " in *" $c "*) continue ;; esac
    if running_pid "$c" >/dev/null; then other="$other $c"; fi
  done
  if [ -z "$other" ]; then echo $KAFKA_NODES; return 0; fi
  for c in $KAFKA_NODES; do if running_pid "$c" >/dev/null; then other="$other $c"; fi; done
  echo $other
}

status() {
  local c pid addr
  for c in $(kafka_shown) redis mysql $SERVICES; do
    case "$c" in
      kafka|kafka-*) addr=127.0.0.1:$(kafka_node_port "$c") ;;
      redis) addr=$REDIS_HOST:$REDIS_PORT ;;
      mysql) addr=$MYSQL_HOST:$MYSQL_PORT ;;
      ingress)           addr=127.0.0.1:$INGRESS_PORT ;;
      streams-processor) addr=127.0.0.1:$PROCESSOR_PORT ;;
      sink)              addr=127.0.0.1:$SINK_PORT ;;
      *)     addr="" ;;
    esac
    if pid=$(running_pid "$c"); then
      printf '  %-18s running  pid %-7s %s\n' "$c" "$pid" "$addr"
      [ "$c" != ingress ] || printf '  %-18s %s\n' "  identities" "$(shopper_auth_line)"
    elif [ -n "$addr" ] && port_open "${addr%:*}" "${addr##*:}"; then
      printf '  %-18s answers  (not started by make up) %s\n' "$c" "$addr"
    else
      printf '  %-18s stopped\n' "$c"
    fi
  done
}

# A failed start leaves whatever did come up running: say how to see and stop it.
after_failed_up() {
  local rc=$?
  [ "$rc" -eq 0 ] || printf '%s\n' "(make status shows what runs; make down stops what make up started)" >&2
}

main() {
  local cmd=${1:-} start=$SECONDS
  case "$cmd" in *up) trap after_failed_up EXIT ;; esac
  case "$cmd" in
    deps)       scripts/deps.sh all ;;
    infra-up)   infra_up; summary; say "infra-up: done in $((SECONDS - start))s" ;;
    up)         infra_up; services_up; summary; say "up: done in $((SECONDS - start))s" ;;
    infra-down) stop_all $(reverse $ALL_KAFKA_NODES redis mysql) ;;
    down)       stop_all $(reverse $ALL_KAFKA_NODES redis mysql $SERVICES) ;;
    # The three services only, stopped and started again with the same settings (JARS_DIR: other jars).
    services-restart) stop_all $(reverse $SERVICES); services_up; say "services-restart: done in $((SECONDS - start))s" ;;
    status)     status ;;
    topics)     create_topics ;;
    *) die "usage: $0 deps|up|down|status|infra-up|infra-down|services-restart|topics" ;;
  esac
}

# Sourcing the file (tests, a later services script) gets the functions without running.
if [ "${BASH_SOURCE[0]}" = "$0" ]; then main "$@"; fi
