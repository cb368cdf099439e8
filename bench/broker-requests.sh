#!/usr/bin/env bash
# The requests the broker of `make up` answered while a command ran, by request type, and its CPU
# time over the same span (not part of `make bench`): what each client's settings cost the broker.
#   bench/broker-requests.sh -- RESTART=no PHASES=1 bench/jit-bench.sh
# The counts are the broker's own (JMX, kafka.network RequestMetrics), read through its local
# management agent, which the tool starts in the broker (it stays on until the broker stops).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
PID_DIR=$ROOT/.local/pids

die() { echo "broker-requests: $*" >&2; exit 1; }
[ "${1:-}" = "--" ] && [ $# -gt 1 ] || die "usage: bench/broker-requests.sh -- <command>..."
shift
pid=$(running_pid kafka) || die "kafka is not running as make up started it (.local/pids/kafka.pid): needs the stack of make up (one broker)"
# env: the command may begin with VAR=value words.
exec java bench/BrokerRequests.java "$pid" -- env "$@"
