#!/usr/bin/env bash
# Where the running stack's JVMs spend their CPU while a command runs (not part of `make bench`).
# Attaches async-profiler (CPU samples every millisecond, with the kernel's frames where perf events
# are allowed) to each named process of `make up` (ingress, streams-processor, sink, kafka), runs the
# command, stops the profiler, and prints for each process its threads' shares of the samples and the
# heaviest frames (inclusive, of the frames matching FRAMES). The collapsed stacks stay in
# bench/target/profile/<process>.collapsed (flame-graph input, one "frame;frame;... count" per line).
#   bench/profile.sh ingress kafka -- RESTART=no PHASES=1 bench/jit-bench.sh
#   FRAMES='firstcome|jedis' TOP=30 bench/profile.sh ingress -- RESTART=no PHASES=1 bench/jit-bench.sh
# The profiler's jar comes from Maven Central once (ASYNC_PROFILER_VERSION), into .local/tools.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh
PID_DIR=$ROOT/.local/pids
VERSION=${ASYNC_PROFILER_VERSION:-3.0}
FRAMES=${FRAMES:-'firstcome|jedis|jackson|javalin|kafka/|rocksdb|mysql|_\[k\]'}
TOP=${TOP:-25}
OUT=bench/target/profile
TOOLS=.local/tools/async-profiler-$VERSION

die() { echo "profile: $*" >&2; exit 1; }
usage() { die "usage: bench/profile.sh <process>... -- <command>... (processes: ingress streams-processor sink kafka)"; }

processes=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do
  case "$1" in
    ingress|streams-processor|sink|kafka) processes+=("$1") ;;
    *) usage ;;
  esac
  shift
done
[ $# -gt 1 ] && [ ${#processes[@]} -gt 0 ] || usage
shift
[ "$(uname -sm)" = "Linux x86_64" ] || die "needs Linux on x86_64 (the profiler's library is linux-x64)"
for tool in jcmd unzip python3; do
  command -v "$tool" >/dev/null || die "$tool is missing"
done

lib=$TOOLS/linux-x64/libasyncProfiler.so
if [ ! -f "$lib" ]; then
  echo "profile: fetching tools.profiler:async-profiler:$VERSION from Maven Central"
  mkdir -p "$TOOLS"
  ${MVN:-mvn} -B -ntp -q -N dependency:copy -Dartifact="tools.profiler:async-profiler:$VERSION" -DoutputDirectory="$TOOLS" \
    || die "could not fetch tools.profiler:async-profiler:$VERSION"
  (cd "$TOOLS" && unzip -q -o "async-profiler-$VERSION.jar" 'linux-x64/*') || die "no linux-x64 library in the jar"
  [ -f "$lib" ] || die "no $lib after unpacking the jar"
fi
lib=$(cd "$(dirname "$lib")" && pwd)/$(basename "$lib")

pid_of() { # process -> its pid, from make up's pid file
  running_pid "$1" || die "$1 is not running as make up started it (.local/pids/$1.pid): profile needs the stack of make up (one broker)"
}

# jcmd reads "name=value" words as its own options: the library and the agent's options go in quotes.
agent() { # pid, the profiler's command; prints jcmd's answer when the agent refused
  local out
  out=$(jcmd "$1" JVMTI.agent_load "\"$lib\"" "\"$2\"" 2>&1) || true
  [[ $out == *"return code: 0"* ]] || { echo "$out" >&2; return 1; }
}

mkdir -p "$OUT"
started=()
stop_all() {
  local p pid
  for p in "${started[@]}"; do
    pid=$(pid_of "$p") || continue
    agent "$pid" "stop,file=$ROOT/$OUT/$p.collapsed,collapsed" \
      || echo "profile: could not stop the profiler in $p (see .local/logs/$p.log)" >&2
  done
  started=()
}
trap stop_all EXIT
for p in "${processes[@]}"; do
  rm -f "$OUT/$p.collapsed"
  pid=$(pid_of "$p") || exit 1
  agent "$pid" "start,event=cpu,interval=1ms,threads" \
    || die "the profiler did not start in $p (its message is in .local/logs/$p.log)"
  started+=("$p")
done
echo "profile: sampling ${processes[*]} while: $*"
rc=0
env "$@" || rc=$? # env: the command may begin with VAR=value words
stop_all
trap - EXIT
[ "$rc" -eq 0 ] || echo "profile: the command exited $rc; its profile is printed anyway" >&2

for p in "${processes[@]}"; do
  [ -s "$OUT/$p.collapsed" ] || { echo "profile: $p wrote no samples"; continue; }
  python3 - "$p" "$OUT/$p.collapsed" "$FRAMES" "$TOP" <<'PY'
import collections, re, sys
name, path, frames, top = sys.argv[1], sys.argv[2], re.compile(sys.argv[3]), int(sys.argv[4])
total, threads, inclusive = 0, collections.Counter(), collections.Counter()
for line in open(path):
    stack, count = line.rstrip("\n").rsplit(" ", 1)
    count = int(count)
    parts = stack.split(";")
    total += count
    # "[name tid=123]": the threads of one pool under one name (numbers after - and # folded)
    threads[re.sub(r"([-#])\d+", r"\1N", re.sub(r" tid=\d+", "", parts[0]))] += count
    for frame in set(parts[1:]):
        inclusive[frame] += count
print(f"\n{name}: {total:,} samples ({total / 1000:.1f} s of CPU at one sample per ms)")
for thread, count in threads.most_common(8):
    print(f"  {100 * count / total:5.1f} %  {thread[:90]}")
print(f"  heaviest frames matching {frames.pattern} (inclusive):")
shown = 0
for frame, count in inclusive.most_common():
    if frames.search(frame):
        print(f"  {100 * count / total:5.1f} %  {frame[:120]}")
        shown += 1
        if shown == top:
            break
PY
done
echo "profile: collapsed stacks in $OUT/"
exit "$rc"
