# shellcheck shell=bash
# Helpers shared by scripts/stack.sh and scripts/deps.sh. Sourced, never run.
# Kept to bash 3.2 features so the stock macOS bash can run it.

say()  { printf '%s\n' "$*"; }
warn() { printf 'warning: %s\n' "$*" >&2; }
die()  { printf 'error: %s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when we are root, through sudo otherwise.
as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    die "need root to run '$*' and sudo is not available"
  fi
}

# Server binaries (mariadbd, mysqld) often live in sbin directories that are not on a
# normal user's PATH, and Homebrew's live outside the default PATH on Apple silicon.
find_bin() {
  local name dir
  for name in "$@"; do
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return 0; fi
    for dir in /usr/sbin /usr/local/sbin /sbin /opt/homebrew/bin /opt/homebrew/sbin /usr/local/bin; do
      if [ -x "$dir/$name" ]; then echo "$dir/$name"; return 0; fi
    done
  done
  return 1
}

# True when something accepts TCP connections at host:port. bash's /dev/tcp needs no nc;
# `timeout` guards against a remote host that silently drops packets.
port_open() {
  if command -v timeout >/dev/null 2>&1; then
    timeout 2 bash -c ': >"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
  else
    bash -c ': >"/dev/tcp/$0/$1"' "$1" "$2" 2>/dev/null
  fi
}

# True when GET url answers 200. curl when present; a bare /dev/tcp request otherwise.
http_ok() {
  local url=$1
  if command -v curl >/dev/null 2>&1; then
    curl -fsS -o /dev/null --max-time 2 "$url" 2>/dev/null
    return
  fi
  local hostport=${url#http://}; hostport=${hostport%%/*}
  local path=/${url#http://*/}
  bash -c 'exec 3<>"/dev/tcp/$0/$1" && printf "GET %s HTTP/1.0\r\nHost: %s\r\n\r\n" "$2" "$0" >&3 && head -n1 <&3 | grep -q " 200"' \
    "${hostport%:*}" "${hostport##*:}" "$path" 2>/dev/null
}

is_loopback() {
  case "$1" in localhost|127.*|::1|"[::1]") return 0 ;; *) return 1 ;; esac
}

# Clients resolve "localhost" in different ways (the mysql client even switches to the unix
# socket); the local servers listen on 127.0.0.1, so talk to that.
loopback_ip() { if is_loopback "$1"; then echo 127.0.0.1; else echo "$1"; fi; }

# --- url parsing: scheme://[user[:pass]@]host[:port][/path][?query] ---------------------
url_host() {
  local rest=${1#*://}; rest=${rest%%/*}; rest=${rest%%\?*}; rest=${rest##*@}
  echo "${rest%:*}"
}
url_port() { # url default
  local rest=${1#*://}; rest=${rest%%/*}; rest=${rest%%\?*}; rest=${rest##*@}
  case "$rest" in *:*) echo "${rest##*:}" ;; *) echo "$2" ;; esac
}
url_path() { # first path segment, without query
  local rest=${1#*://}
  case "$rest" in */*) rest=${rest#*/}; rest=${rest%%\?*}; echo "${rest%%/*}" ;; *) echo "" ;; esac
}

# --- progress while waiting --------------------------------------------------------------
# On a terminal the line is rewritten in place; in logs (CI, make | tee) one line per second.
progress() {
  if [ -t 1 ]; then printf '\r%s\033[K' "$*"; else printf '%s\n' "$*"; fi
}
progress_end() {
  if [ -t 1 ]; then printf '\r\033[K'; fi
}

# --- background processes with pid files -------------------------------------------------
# A pid file holds the pid and a marker that must appear in that process's command line, so
# a pid the kernel has since handed to another program is never mistaken for ours (and never
# killed by `make down`).
pid_file() { echo "$PID_DIR/$1.pid"; }

# kill -0 alone also succeeds for a zombie: a process that has exited but not been reaped.
alive() {
  kill -0 "$1" 2>/dev/null || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in Z*|'') return 1 ;; esac
}

# Prints the pid of component $1 if it runs and is still the process we started.
running_pid() {
  local f pid marker
  f=$(pid_file "$1")
  [ -f "$f" ] || return 1
  pid=$(sed -n 1p "$f"); marker=$(sed -n 2p "$f")
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  alive "$pid" || return 1
  [ -z "$marker" ] || ps -ww -p "$pid" -o args= 2>/dev/null | grep -qF -- "$marker" || return 1
  echo "$pid"
}

# True while process $1 is being torn down after it was killed or exited: its memory already
# released (an empty command line; a leader that is a zombie while its other threads still exit),
# its files and listening sockets perhaps not yet. A process that runs, or a zombie whose threads
# are all gone, is not.
tearing_down() {
  [ -d "/proc/$1" ] || return 1
  [ -z "$(tr -d '\0' <"/proc/$1/cmdline" 2>/dev/null)" ] || return 1
  case "$(ps -o stat= -p "$1" 2>/dev/null)" in
    '') return 1 ;;
    Z*) [ "$(ls "/proc/$1/task" 2>/dev/null | wc -l)" -gt 1 ] ;;
  esac
}

# Like running_pid, but forgets a pid file whose process is gone, so a start step that
# falls through to "start it" or "use what answers" is never confused by an old file. A
# process still being torn down (killed a moment ago: kill -9, then make up) is waited for, up
# to 10 s, so that its port is free when the start step looks at it.
live_pid() {
  running_pid "$1" && return 0
  local pid deadline=$((SECONDS + 10))
  pid=$(recorded_pid "$1")
  case "$pid" in ''|*[!0-9]*) ;; *)
    while tearing_down "$pid" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done ;;
  esac
  rm -f "$(pid_file "$1")"
  return 1
}

# await_gone PID — waits, up to 10 s, until process PID has exited and let go of its files and
# ports: gone, or a zombie whose threads have all exited.
await_gone() {
  local deadline=$((SECONDS + 10))
  while { alive "$1" || tearing_down "$1"; } && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
}

# The pid recorded at start, alive or not: a ready step hands it to wait_for, which then
# notices a process that died before anyone waited for it.
recorded_pid() {
  local f; f=$(pid_file "$1")
  [ -f "$f" ] && sed -n 1p "$f"
  return 0
}

# start_bg NAME MARKER LOG CMD... — runs CMD detached from this shell and the terminal
# (stdin closed, output appended to LOG, immune to the hang-up of the starting terminal),
# and records its pid. Prints the pid.
start_bg() {
  local name=$1 marker=$2 log=$3; shift 3
  mkdir -p "$PID_DIR" "$(dirname "$log")"
  printf '\n===== %s: starting %s =====\n' "$(date '+%Y-%m-%d %H:%M:%S')" "$name" >>"$log"
  nohup "$@" </dev/null >>"$log" 2>&1 &
  local pid=$!
  printf '%s\n%s\n' "$pid" "$marker" >"$(pid_file "$name")"
  echo "$pid"
}

# What went wrong, without opening files: the error lines of the latest run (a JVM often
# prints its cause early and then pages of shutdown chatter) and the last lines of the log.
show_log_tail() {
  local log=$1 shown=${1#"${ROOT:-}"/} run
  [ -f "$log" ] || { printf '  (no log file %s)\n' "$shown" >&2; return 0; }
  run=$(awk '/^===== .*: starting /{buf=""} {buf=buf $0 "\n"} END{printf "%s", buf}' "$log")
  if printf '%s' "$run" | grep -qE 'ERROR|FATAL|Caused by|\[ERROR\]'; then
    printf '  errors in %s:\n' "$shown" >&2
    printf '%s' "$run" | grep -E 'ERROR|FATAL|Caused by|\[ERROR\]' | head -n 8 | cut -c1-300 | sed 's/^/    | /' >&2
  fi
  printf '  last lines of %s:\n' "$shown" >&2
  printf '%s\n' "$run" | tail -n "${LOG_TAIL_LINES:-15}" | cut -c1-300 | sed 's/^/    | /' >&2
}

# wait_for NAME DEADLINE PID LOG WHAT CHECK... — polls CHECK until it succeeds, printing
# progress; fails early when PID (may be empty: not ours) dies, and at DEADLINE seconds.
wait_for() {
  local name=$1 deadline=$2 pid=$3 log=$4 what=$5; shift 5
  local start=$SECONDS last=-1 t
  while ! "$@" >/dev/null 2>&1; do
    t=$((SECONDS - start))
    if [ -n "$pid" ] && ! alive "$pid"; then
      progress_end
      printf 'error: %s: exited while starting (waited %ss for %s)\n' "$name" "$t" "$what" >&2
      show_log_tail "$log"
      exit 1
    fi
    if [ "$t" -ge "$deadline" ]; then
      progress_end
      printf 'error: %s: no answer at %s after %ss\n' "$name" "$what" "$deadline" >&2
      show_log_tail "$log"
      [ -z "$pid" ] || printf '  it is still running (pid %s); `make down` stops it, `make up` waits for it again\n' "$pid" >&2
      exit 1
    fi
    if [ "$t" -ne "$last" ]; then progress "$name: waiting for $what (${t}s)"; last=$t; fi
    sleep 0.25
  done
  progress_end
}

# stop_component NAME DEADLINE — SIGTERM, wait up to DEADLINE seconds, then SIGKILL.
# Only touches a process recorded by start_bg.
stop_component() {
  local name=$1 deadline=${2:-30} f pid start
  f=$(pid_file "$name")
  if ! pid=$(running_pid "$name"); then
    if [ -f "$f" ]; then rm -f "$f"; say "$name: was not running (removed stale pid file)"; fi
    return 0
  fi
  start=$SECONDS
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid"; do
    if [ $((SECONDS - start)) -ge "$deadline" ]; then
      warn "$name: still running ${deadline}s after SIGTERM, sending SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      break
    fi
    sleep 0.25
  done
  await_gone "$pid"
  rm -f "$f"
  say "$name: stopped (pid $pid, $((SECONDS - start))s)"
}

# --- the distribution's own services (systemd) --------------------------------------------
# On a systemd host `apt-get install redis-server mariadb-server` starts the distribution's
# services on the default ports: a Redis without an append-only file, a MariaDB whose root logs
# in by socket only. The local stack runs its own servers with its own settings and data under
# .local, so such a service is stopped and disabled, saying which, why and how to get it back.
# Tests put a fake systemctl first on PATH.

# The units that serve component $1, the package's own name first (the others are its aliases
# on Debian, or the name another distribution gives it).
distro_units() {
  case "$1" in
    redis) echo "redis-server.service redis.service" ;;
    mysql) echo "mariadb.service mysql.service mysqld.service" ;;
    prometheus) echo "prometheus.service" ;;
  esac
}

# The port the distribution's service of component $1 listens on unless configured otherwise.
distro_default_port() {
  case "$1" in
    redis) echo 6379 ;;
    mysql) echo 3306 ;;
  esac
}

# The pids listening on TCP port $1, one a line, as ss reports them. Another user's process (the
# distribution runs its servers as redis or mysql) is only shown to root: when we are not root and
# see none, sudo is asked without a prompt (-n), which works when sudo needs no password (yet).
port_listener_pids() {
  local port=$1 out=""
  command -v ss >/dev/null 2>&1 || return 0
  out=$(ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' || true)
  if [ -z "$out" ] && [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null 2>&1; then
    out=$(sudo -n ss -Hltnp "sport = :$port" 2>/dev/null | grep -o 'pid=[0-9]*' || true)
  fi
  printf '%s\n' "$out" | sed -n 's/^pid=//p' | sort -u
}

# The process tree of pid $1 (it and its descendants), separated by spaces: a unit whose main
# process is a wrapper (mysqld_safe) listens through a child.
process_tree() {
  local tree=" $1 " size=0 table pid ppid
  table=$(ps -e -o pid= -o ppid= 2>/dev/null) || { echo "$1"; return 0; }
  while [ "$size" -ne "${#tree}" ]; do
    size=${#tree}
    while read -r pid ppid; do
      case "$tree" in *" $pid "*) continue ;; *" $ppid "*) tree="$tree$pid " ;; esac
    done <<EOF
$table
EOF
  done
  echo $tree
}

# unit_holds_port COMPONENT UNIT PORT — true when UNIT's main process (or one of its children) is
# what listens on PORT. When the listener's pid cannot be seen (no ss, no root), only the
# distribution's default port counts, and only while the unit has a main process.
unit_holds_port() {
  local name=$1 unit=$2 port=$3 main listeners pid
  main=$(systemctl show -p MainPID --value "$unit" 2>/dev/null) || return 1
  case "$main" in ''|0|*[!0-9]*) return 1 ;; esac
  listeners=$(port_listener_pids "$port")
  if [ -z "$listeners" ]; then
    # kill -0 would fail with EPERM on another user's process, the very case here: ask ps instead.
    [ "$port" = "$(distro_default_port "$name")" ] && ps -o stat= -p "$main" 2>/dev/null | grep -qv '^Z'
    return
  fi
  for pid in $(process_tree "$main"); do
    printf '%s\n' "$listeners" | grep -qxF "$pid" && return 0
  done
  return 1
}

# release_distro_units COMPONENT WHY [PORT] — stops and disables each active distribution unit of
# COMPONENT, with one line each; fails when none was released (or there is no systemd here). With
# PORT, only a unit that is the listener of PORT is released: a system service on another port
# (REDIS_URL moved the stack's Redis away from it) is none of make up's business. Without PORT
# (right after scripts/deps.sh installed the package) every active unit is the one just started.
release_distro_units() {
  local name=$1 why=$2 port=${3:-} unit released=no
  command -v systemctl >/dev/null 2>&1 || return 1
  for unit in $(distro_units "$name"); do
    # Not booted with systemd (a container), the unit unknown or stopped: not active.
    systemctl is-active --quiet "$unit" 2>/dev/null || continue
    [ -z "$port" ] || unit_holds_port "$name" "$unit" "$port" || continue
    as_root systemctl disable --now --quiet "$unit" >/dev/null 2>&1 \
      || die "$name: could not stop the system service $unit ($why): stop it yourself (sudo systemctl disable --now $unit) and run make up again"
    say "$name: stopped and disabled the system service $unit ($why); make up runs its own under .local/$name; to get it back: sudo systemctl enable --now $unit"
    released=yes
  done
  [ "$released" = yes ]
}
