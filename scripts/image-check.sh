#!/usr/bin/env bash
# Checks that the Dockerfile builds the images docker-compose.yml asks for, without a Docker engine.
#
#   scripts/image-check.sh            (make image-check; make test runs it)
#
# It reads the Dockerfile's build stage (the stage the last stage copies from), assembles exactly
# what its COPY instructions take from the build context (honouring .dockerignore) in a temporary
# folder, runs its RUN commands there in order, and then checks that the last stage's
# `COPY --from=<build stage>` finds its file for every MODULE docker-compose.yml builds. Beside
# that it checks what needs no build: exact image versions, no globs in COPY, a non-root USER,
# the compose services' build args and their health checks on /health/ready.
#
# Maven runs against a fresh local repository that is filled from the usual one
# (~/.m2/repository, then the configured remote repositories): the RUN that resolves
# dependencies fills it, and the offline (-o) build that follows proves that this was enough,
# exactly as in the image. IMAGE_CHECK_REPO=local uses the usual repository directly (faster,
# but does not prove the dependency layer complete). IMAGE_CHECK_KEEP=1 keeps the folder.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

DOCKERFILE=${DOCKERFILE:-Dockerfile}
COMPOSE_FILE=${COMPOSE_FILE:-docker-compose.yml}
IMAGE_CHECK_REPO=${IMAGE_CHECK_REPO:-fresh}
SOURCE_REPO=${MAVEN_LOCAL_REPO:-$HOME/.m2/repository}

fail() { printf 'image-check: FAIL: %s\n' "$*" >&2; exit 1; }
note() { printf 'image-check: %s\n' "$*"; }

[ -f "$DOCKERFILE" ] || fail "no $DOCKERFILE in $ROOT"
[ -f "$COMPOSE_FILE" ] || fail "no $COMPOSE_FILE in $ROOT"

# --- the Dockerfile as logical instructions ----------------------------------------------
# One line per instruction (continuations joined, comments and blank lines dropped):
# "<stage number> <INSTRUCTION> <arguments>".
instructions() {
  awk '
    /^[[:space:]]*#/ { next }
    /^[[:space:]]*$/ { next }
    {
      line = $0
      if (cont) { sub(/^[[:space:]]+/, "", line); buf = buf " " line } else { buf = line }
      if (buf ~ /\\[[:space:]]*$/) { sub(/\\[[:space:]]*$/, "", buf); cont = 1; next }
      cont = 0
      split(buf, w, /[[:space:]]+/)
      op = toupper(w[1])
      if (op == "FROM") stage++
      rest = buf; sub(/^[[:space:]]*[^[:space:]]+[[:space:]]*/, "", rest)
      print stage - 1, op, rest
    }
  ' "$DOCKERFILE"
}
INSTRUCTIONS=$(instructions)

STAGES=$(printf '%s\n' "$INSTRUCTIONS" | awk '$2 == "FROM" { print $1 }' | tail -n 1)
[ -n "$STAGES" ] || fail "$DOCKERFILE has no FROM"
LAST=$STAGES
stage_lines() { printf '%s\n' "$INSTRUCTIONS" | awk -v s="$1" '$1 == s { sub(/^-?[0-9]+ /, ""); print }'; }

# The build stage: what the last stage copies from (COPY --from=<name or number>).
FROM_REF=$(stage_lines "$LAST" | sed -n 's/^COPY .*--from=\([^ ]*\).*/\1/p' | head -n 1)
[ -n "$FROM_REF" ] || fail "the last stage of $DOCKERFILE copies nothing from a build stage (COPY --from=...)"
BUILD=$(printf '%s\n' "$INSTRUCTIONS" | awk -v ref="$FROM_REF" '
  $2 == "FROM" { n = split($0, w, /[[:space:]]+/); if (toupper(w[n-1]) == "AS" && w[n] == ref) print $1 }')
case "$FROM_REF" in *[!0-9]*) ;; *) BUILD=$FROM_REF ;; esac
[ -n "$BUILD" ] || fail "COPY --from=$FROM_REF: no stage of that name in $DOCKERFILE"

# --- checks that need no build --------------------------------------------------------------
problems=()
while read -r stage op rest; do
  [ "$op" = FROM ] || continue
  image=${rest%% *}
  case "$image" in
    *@sha256:*) ;;
    *:*) tag=${image##*:}
         printf '%s' "$tag" | grep -Eq '^[0-9]+\.[0-9]+\.[0-9]+' \
           || problems+=("FROM $image: the tag is not an exact version (x.y.z...), so the image can change under the same Dockerfile") ;;
    *) problems+=("FROM $image: no tag (that is 'latest'): pin an exact version") ;;
  esac
done <<<"$INSTRUCTIONS"
while read -r stage op rest; do
  [ "$op" = COPY ] || [ "$op" = ADD ] || continue
  case "$rest" in *[*?]*) problems+=("$op $rest: a glob picks whatever matches; name the files") ;; esac
done <<<"$INSTRUCTIONS"
user=$(stage_lines "$LAST" | awk '$1 == "USER" { print $2 }' | tail -n 1)
case "${user%%:*}" in
  '') problems+=("the last stage has no USER: the service would run as root") ;;
  root|0) problems+=("the last stage runs as USER $user") ;;
esac

# The images docker-compose.yml builds from this Dockerfile: one MODULE build arg per service.
MODULES=$(sed -n 's/.*build:.*args:.*MODULE: *\([A-Za-z0-9_-]*\).*/\1/p; s/^ *MODULE: *\([A-Za-z0-9_-]*\) *$/\1/p' "$COMPOSE_FILE" | sort -u)
[ -n "$MODULES" ] || fail "$COMPOSE_FILE builds no service with a MODULE build arg"
stage_lines "$LAST" | grep -Eq '^ARG MODULE( |=|$)' || problems+=("the last stage declares no ARG MODULE, which $COMPOSE_FILE passes")
# Each built service: a health check on /health/ready at its own port, and no user override to root.
for module in $MODULES; do
  block=$(awk -v m="$module" '
    /^  [A-Za-z0-9_-]+:/ { inside = ($0 ~ "^  " m ":") ; next }
    /^[^ ]/ { inside = 0 }
    inside { print }' "$COMPOSE_FILE")
  case "$module" in ingress) port=8080 ;; streams-processor) port=8081 ;; sink) port=8082 ;; *) port="" ;; esac
  printf '%s\n' "$block" | grep -q "localhost:$port/health/ready" \
    || problems+=("$COMPOSE_FILE: service $module has no health check on http://localhost:$port/health/ready")
  if printf '%s\n' "$block" | grep -Eq '^ +user: *"?(root|0)'; then problems+=("$COMPOSE_FILE: service $module runs as root"); fi
done
if [ ${#problems[@]} -gt 0 ]; then
  for p in "${problems[@]}"; do printf 'image-check: FAIL: %s\n' "$p" >&2; done
  exit 1
fi

# --- the build stage, in a temporary folder -------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/firstcome-image-check.XXXXXX")
cleanup() {
  if [ "${IMAGE_CHECK_KEEP:-}" = 1 ]; then note "kept $WORK"; else rm -rf "$WORK"; fi
}
trap cleanup EXIT
FS=$WORK/fs           # the build stage's file system
mkdir -p "$FS" "$WORK/bin"

# .dockerignore as extended regular expressions over context paths (Docker's rules: a pattern
# matches a path or any of its parent directories, * and ? stop at /, ** crosses directories,
# ! re-includes, the last matching line wins).
IGNORE_RULES=()
if [ -f .dockerignore ]; then
  while IFS= read -r line || [ -n "$line" ]; do
    line=${line%$'\r'}
    case "$line" in ''|'#'*) continue ;; esac
    sign=+
    case "$line" in '!'*) sign=-; line=${line#!} ;; esac
    line=${line#/}; line=${line#./}; line=${line%/}
    re=$(printf '%s' "$line" | sed -e 's/[.+(){}|^$]/\\&/g' -e 's/\*\*\//%DIRS%/g' -e 's/\*\*/%ANY%/g' \
      -e 's/\*/[^\/]*/g' -e 's/?/[^\/]/g' -e 's/%DIRS%/(.*\/)?/g' -e 's/%ANY%/.*/g')
    IGNORE_RULES+=("$sign^$re$")
  done <.dockerignore
fi
ignored() { # context-relative path
  local path=$1 verdict=no rule prefix rest
  [ ${#IGNORE_RULES[@]} -gt 0 ] || return 1
  for rule in "${IGNORE_RULES[@]}"; do
    prefix="" rest=$path
    while :; do
      prefix=${prefix:+$prefix/}${rest%%/*}
      if [[ $prefix =~ ${rule:1} ]]; then
        if [ "${rule:0:1}" = + ]; then verdict=yes; else verdict=no; fi
        break
      fi
      [ "$rest" = "${rest#*/}" ] && break
      rest=${rest#*/}
    done
  done
  [ "$verdict" = yes ]
}

workdir=/
copied=0
copy_from_context() { # source destination (as in the Dockerfile)
  local src=${1#./} dest=$2 target file rel
  src=${src%/}
  [ -e "$src" ] || fail "COPY $1: not in the build context"
  case "$dest" in /*) ;; *) dest=${workdir%/}/$dest ;; esac
  if [ -d "$src" ]; then
    target=$FS$dest
    mkdir -p "$target"
    local n=0
    while IFS= read -r -d '' file; do
      rel=${file#./}
      ignored "$rel" && continue
      mkdir -p "$target/$(dirname "${rel#"$src"/}")"
      cp -p "$rel" "$target/${rel#"$src"/}"
      n=$((n + 1))
    done < <(find "./$src" -type f -print0)
    [ "$n" -gt 0 ] || fail "COPY $1: every file of it is excluded by .dockerignore"
    copied=$((copied + n))
  else
    ignored "$src" && fail "COPY $1: excluded by .dockerignore"
    case "$dest" in */|*/.) target=$FS${dest%.}$(basename "$src") ;; *)
      if [ -d "$FS$dest" ]; then target=$FS$dest/$(basename "$src"); else target=$FS$dest; fi ;;
    esac
    mkdir -p "$(dirname "$target")"
    cp -p "$src" "$target"
    copied=$((copied + 1))
  fi
}

# mvn as the RUN commands call it, with this check's local repository.
REAL_MVN=$(command -v mvn) || fail "mvn is not on PATH"
MAVEN_FLAGS=()
if [ "$IMAGE_CHECK_REPO" = local ]; then
  note "Maven repository: $SOURCE_REPO (IMAGE_CHECK_REPO=local: the dependency layer is not proven complete)"
else
  [ ! -f "$HOME/.m2/settings.xml" ] \
    || fail "~/.m2/settings.xml exists and a fresh repository would bypass it: run with IMAGE_CHECK_REPO=local"
  mkdir -p "$WORK/repo"
  # The usual repository first, as a remote one (it has the same layout), then Maven Central.
  cat >"$WORK/settings.xml" <<EOF
<settings>
  <profiles>
    <profile>
      <id>image-check</id>
      <repositories><repository><id>local-copy</id><url>file://$SOURCE_REPO</url></repository></repositories>
      <pluginRepositories><pluginRepository><id>local-copy</id><url>file://$SOURCE_REPO</url></pluginRepository></pluginRepositories>
    </profile>
  </profiles>
  <activeProfiles><activeProfile>image-check</activeProfile></activeProfiles>
</settings>
EOF
  MAVEN_FLAGS=(-s "$WORK/settings.xml" -Dmaven.repo.local="$WORK/repo")
  note "Maven repository: a fresh one, filled from $SOURCE_REPO"
fi
{
  printf '#!/usr/bin/env bash\nexec %q' "$REAL_MVN"
  [ ${#MAVEN_FLAGS[@]} -eq 0 ] || printf ' %q' "${MAVEN_FLAGS[@]}"
  printf ' "$@"\n'
} >"$WORK/bin/mvn"
chmod +x "$WORK/bin/mvn"

note "building stage $BUILD of $DOCKERFILE in ${WORK}"
start=$SECONDS
while read -r op rest; do
  case "$op" in
    FROM|LABEL) ;;
    ARG|ENV)
      # NAME=value (or ENV NAME value); an ARG without a default is empty, as without --build-arg.
      case "$rest" in
        *=*) name=${rest%%=*} value=${rest#*=} ;;
        *' '*) name=${rest%% *} value=${rest#* } ;;
        *) name=$rest value="" ;;
      esac
      value=${value#\"}; value=${value%\"}
      export "$name=$value" ;;
    WORKDIR) case "$rest" in /*) workdir=$rest ;; *) workdir=${workdir%/}/$rest ;; esac
             mkdir -p "$FS$workdir" ;;
    COPY)
      set -f
      # shellcheck disable=SC2086  # the arguments as the Dockerfile splits them
      set -- $rest
      set +f
      while [ $# -gt 0 ]; do
        case "$1" in --from=*) fail "COPY $rest: copies from another stage, which this check does not build" ;;
                     --*) shift ;; *) break ;; esac
      done
      [ $# -ge 2 ] || fail "COPY $rest: needs a source and a destination"
      dest=${!#}
      while [ $# -gt 1 ]; do copy_from_context "$1" "$dest"; shift; done ;;
    RUN)
      case "$rest" in '['*) fail "RUN $rest: the exec form is not supported here; use the shell form" ;; esac
      note "RUN $rest"
      run_start=$SECONDS
      if ! (cd "$FS$workdir" && PATH="$WORK/bin:$PATH" sh -c "$rest") >"$WORK/run.log" 2>&1; then
        tail -n 40 "$WORK/run.log" | sed 's/^/    | /' >&2
        fail "RUN $rest: exit status non-zero (above: the end of its output)"
      fi
      note "  ok in $((SECONDS - run_start))s" ;;
    *) fail "$op in the build stage: this check does not know it; use COPY, RUN, WORKDIR, ARG or ENV" ;;
  esac
done < <(stage_lines "$BUILD")
note "copied $copied file(s) from the context"

# --- what the last stage copies, for every module compose builds ------------------------------
missing=0
for module in $MODULES; do
  while read -r op rest; do
    [ "$op" = COPY ] || continue
    case "$rest" in *--from=*) ;; *) continue ;; esac
    set -f
    # shellcheck disable=SC2086
    set -- $rest
    set +f
    while [ $# -gt 0 ]; do case "$1" in --*) shift ;; *) break ;; esac; done
    src=$1
    src=${src//\$\{MODULE\}/$module}; src=${src//\$MODULE/$module}
    if [ -f "$FS$src" ]; then
      note "MODULE=$module: $src ($(( $(wc -c <"$FS$src") / 1024 / 1024 )) MB)"
    else
      printf 'image-check: FAIL: MODULE=%s: COPY --from=%s %s: the build stage made no such file\n' "$module" "$FROM_REF" "$src" >&2
      missing=$((missing + 1))
    fi
  done < <(stage_lines "$LAST")
done
[ "$missing" -eq 0 ] || exit 1
note "ok: $DOCKERFILE builds $(echo $MODULES | tr ' ' ','), in $((SECONDS - start))s"
