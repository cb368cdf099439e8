#!/usr/bin/env bash
# Builds the three service jars of a git revision into .local/baseline/<rev>/ (ingress.jar,
# streams-processor.jar, sink.jar) and prints that folder; a folder that has them already is used
# as it is. The revision: the first argument, else the one named in bench/baseline-rev (the last
# released build that make bench ARGS=--baseline measures the current jars against).
# The stack runs them with: JARS_DIR=<folder> scripts/stack.sh services-restart
set -euo pipefail
cd "$(dirname "$0")/.."
MVN=${MVN:-mvn -B -ntp}

rev=${1:-$(tr -d '[:space:]' <bench/baseline-rev)}
full=$(git rev-parse --verify --quiet "$rev^{commit}") || { echo "baseline: no commit '$rev' in this repository" >&2; exit 2; }
short=$(git rev-parse --short "$full")
dir=.local/baseline/$short
modules="ingress streams-processor sink"

built=yes
for m in $modules; do [ -s "$dir/$m.jar" ] || built=no; done
if [ "$built" = no ]; then
  src=$dir/src
  rm -rf "$src"
  mkdir -p "$src"
  # The revision's tree as committed (no work tree of this checkout is touched).
  git archive "$full" | tar -x -C "$src"
  echo "baseline: building $modules of $short in $src (mvn package, no tests)" >&2
  # shellcheck disable=SC2086  # MVN is a command with its options
  (cd "$src" && $MVN -q -Dstyle.color=never -pl ingress,streams-processor,sink -am package -DskipTests) >&2
  for m in $modules; do cp "$src/$m/target/$m.jar" "$dir/$m.jar"; done
  rm -rf "$src"
fi
echo "$dir"
