#!/usr/bin/env bash
# Sink benchmark: rows/s into `coupon` four ways in one run (see BENCHMARKS.md).
#   sink/bench.sh [rows]        default 20000 rows per approach
# Uses MYSQL_URL / KAFKA_BOOTSTRAP_SERVERS when set, else starts its own MariaDB and in-JVM broker.
# Expects `mvn -pl sink -am install -DskipTests` (or any build that installed contract and testkit) first.
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}
$MVN -q -pl sink test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/bench.classpath -Dmdep.includeScope=test
exec java -Xmx1g -cp "sink/target/test-classes:sink/target/classes:$(cat sink/target/bench.classpath)" \
    firstcome.sink.SinkBenchmark "$@"
