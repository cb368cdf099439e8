# Shared by the wrk benchmarks (bench/apply-bench.sh, bench/page-bench.sh); sourced, not run.
# Expects ROOT (repository root), OUT (report folder), MVN and BENCH_NAME (the prefix of progress
# lines) to be set by the caller.

say() { printf '[%s] %s\n' "$BENCH_NAME" "$*" >&2; }
die() { say "$*"; exit 1; }

command -v wrk >/dev/null || die "wrk is missing (apt-get install -y wrk)"
command -v curl >/dev/null || die "curl is missing"

mkdir -p "$OUT"
WORK=$(mktemp -d)
PIDS=()
cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
  rm -rf "$WORK"
}
trap cleanup EXIT

wait_for() { # url seconds
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$1" || true)" = 200 ] && return 0
    sleep 0.1
  done
  die "$1 did not answer 200 within $2 s (logs in $WORK)"
}

# Builds the ingress and bench jars and bench's test classes (unless SKIP_BUILD=1); sets JAR (the
# ingress), BENCH_JAR (BareServer) and TEST_CP (bench's test class path: BenchInfrastructure, the testkit).
# One reactor build, nothing installed: the class path names the modules' jars under their target/
# folders, so it is written in the same run (each module writes its own target/test-classpath.txt).
build_jars() {
  local classpath=$ROOT/bench/target/test-classpath.txt
  if [ "${SKIP_BUILD:-0}" != 1 ]; then
    say "building the ingress and the bench module (mvn package -pl ingress,bench -am -DskipTests)"
    (cd "$ROOT" && $MVN -pl ingress,bench -am package -DskipTests \
      dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/test-classpath.txt)
  fi
  [ -f "$classpath" ] || die "no bench/target/test-classpath.txt: build first (without SKIP_BUILD=1)"
  TEST_CP="$ROOT/bench/target/test-classes:$ROOT/bench/target/classes:$(cat "$classpath")"
  JAR=$ROOT/ingress/target/ingress.jar
  [ -f "$JAR" ] || die "no runnable jar ingress/target/ingress.jar: build first"
  BENCH_JAR=$ROOT/bench/target/bench.jar
  [ -f "$BENCH_JAR" ] || die "no bench jar bench/target/bench.jar: build first"
}

# Starts the testkit's Kafka and Redis in a JVM of their own and exports KAFKA_BOOTSTRAP_SERVERS and REDIS_URL.
start_infrastructure() {
  local i
  say "starting Kafka and Redis"
  java -Xmx768m -cp "$TEST_CP" firstcome.bench.BenchInfrastructure "$WORK/infra.env" >"$WORK/infra.log" 2>&1 &
  PIDS+=($!)
  for ((i = 0; i < 600; i++)); do [ -f "$WORK/infra.env" ] && break; sleep 0.1; done
  [ -f "$WORK/infra.env" ] || die "infrastructure did not start: $(tail -n 20 "$WORK/infra.log")"
  # shellcheck disable=SC1091
  set -a; . "$WORK/infra.env"; set +a
  say "Kafka at $KAFKA_BOOTSTRAP_SERVERS, Redis at $REDIS_URL"
}

to_ms() { # wrk latency (850.00us, 12.3ms, 1.2s) -> ms
  awk -v v="$1" 'BEGIN { n = v + 0; if (v ~ /us$/) n /= 1000; else if (v ~ /[0-9]s$/ && v !~ /ms$/) n *= 1000; printf "%.2f", n }'
}

# From a wrk --latency report: requests/s, p50 and p99 as wrk prints them, one per line.
wrk_rate() { awk '/^Requests\/sec:/ {print $2}' "$1"; }
wrk_percentile() { awk -v p="$2%" '$1 == p {print $2}' "$1"; }
