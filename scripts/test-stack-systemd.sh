#!/usr/bin/env bash
# What `make up` does when a Redis or MySQL port on this machine is taken by a server it did not
# start, on a systemd host: with a fake systemctl first on PATH, whose "distribution services" are
# real redis-server processes holding free ports. Nothing outside a temporary folder is touched:
# no real unit, no .local of the checkout. Run by `make test` (make stack-check), a few seconds.
#
#   scripts/test-stack-systemd.sh
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

REDIS_SERVER=$(find_bin redis-server) || die "redis-server is needed (make deps)"
REDIS_CLI=$(find_bin redis-cli) || die "redis-cli is needed (make deps)"
REAL_SS=$(command -v ss) || die "ss (iproute2) is needed: make up asks it which process listens on a port"

T=$(mktemp -d "${TMPDIR:-/tmp}/firstcome-stack-systemd.XXXXXX")
HOLDERS=()
cleanup() {
  local pid
  for pid in ${HOLDERS[@]+"${HOLDERS[@]}"}; do kill "$pid" 2>/dev/null || true; done
  if [ -f "$T/local/pids/redis.pid" ]; then kill "$(sed -n 1p "$T/local/pids/redis.pid")" 2>/dev/null || true; fi
  rm -rf "$T"
}
trap cleanup EXIT

# --- a fake systemd ------------------------------------------------------------------------
# $T/units/<unit> holds the pid of the process the unit runs while it is active (its MainPID);
# every call is appended to $T/systemctl.log. `disable --now` stops that process and waits until
# it is gone.
mkdir -p "$T/bin" "$T/units"
cat >"$T/bin/systemctl" <<'EOF'
#!/usr/bin/env bash
echo "systemctl $*" >>"$FAKE_SYSTEMD/systemctl.log"
unit=${*: -1}
case "$1" in
  is-active) [ -f "$FAKE_SYSTEMD/units/$unit" ] ;;
  show)
    [ "$2 $3 $4" = "-p MainPID --value" ] || { echo "fake systemctl: show $2 $3 $4 not supported" >&2; exit 1; }
    if [ -f "$FAKE_SYSTEMD/units/$unit" ]; then cat "$FAKE_SYSTEMD/units/$unit"; else echo 0; fi ;;
  disable)
    [ "${2:-}" = --now ] || exit 0
    if [ -f "$FAKE_SYSTEMD/units/$unit" ]; then
      pid=$(cat "$FAKE_SYSTEMD/units/$unit"); rm -f "$FAKE_SYSTEMD/units/$unit"
      kill "$pid" 2>/dev/null || true
      # gone, or a zombie its parent (the test) has not reaped yet
      while kill -0 "$pid" 2>/dev/null && ! ps -o stat= -p "$pid" | grep -q '^Z'; do sleep 0.1; done
    fi ;;
  *) echo "fake systemctl: $1 not supported" >&2; exit 1 ;;
esac
EOF
# as_root goes through sudo when the test does not run as root (and the listener's pid is asked
# for with sudo -n when ss shows none)
printf '#!/usr/bin/env bash\n[ "$1" != -n ] || shift\nexec "$@"\n' >"$T/bin/sudo"
chmod +x "$T/bin/systemctl" "$T/bin/sudo"
# An ss that shows no process, as for another user's when not root: $T/hidden-bin first on PATH.
mkdir -p "$T/hidden-bin"
printf '#!/usr/bin/env bash\n"%s" "$@" | sed "s/users:(.*)//"\n' "$REAL_SS" >"$T/hidden-bin/ss"
chmod +x "$T/hidden-bin/ss"
export FAKE_SYSTEMD=$T
export PATH="$T/bin:$PATH"

free_port() { # a port nothing listens on, from the ephemeral range
  local p
  while :; do
    p=$((20000 + RANDOM % 20000))
    port_open 127.0.0.1 "$p" || { echo "$p"; return; }
  done
}

# hold PORT [UNIT]: a redis-server on PORT (no append-only file, as the distribution's), run by
# UNIT of the fake systemd when given; its pid in HELD.
HELD=""
hold() {
  local port=$1 unit=${2:-} pid deadline=$((SECONDS + 10))
  "$REDIS_SERVER" --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no >"$T/holder-$port.log" 2>&1 &
  pid=$!
  HOLDERS+=("$pid")
  until port_open 127.0.0.1 "$port"; do
    [ "$SECONDS" -lt "$deadline" ] || die "the test's redis-server on $port did not start"
    sleep 0.1
  done
  [ -z "$unit" ] || echo "$pid" >"$T/units/$unit"
  HELD=$pid
}

# stack PORT COMMANDS: scripts/stack.sh sourced in a subshell, with its Redis and MySQL on the
# given ports (MYSQL one above) and its .local under $T, then COMMANDS.
stack() {
  local port=$1; shift
  REDIS_URL="redis://localhost:$port" MYSQL_URL="jdbc:mysql://localhost:$port/coupon" bash -c '
    set -euo pipefail
    . scripts/stack.sh
    LOCAL=$0/local LOG_DIR=$0/local/logs PID_DIR=$0/local/pids
    REDIS_DIR=$LOCAL/redis REDIS_LOG=$LOG_DIR/redis.log
    mkdir -p "$LOG_DIR" "$PID_DIR"
    eval "$1"' "$T" "$*"
}

passed=0
check() { # description, then the condition as a command
  local what=$1; shift
  if "$@"; then passed=$((passed + 1)); else
    printf 'test-stack-systemd: FAIL: %s\n' "$what" >&2
    printf '  output was:\n' >&2; sed 's/^/    | /' "$T/out" >&2
    exit 1
  fi
}
lines() { grep -c '' "$1"; }
said() { grep -qF -- "$1" "$T/out"; }

# 1. The distribution's Redis holds the port: stopped and disabled in one line, the stack's own
#    Redis (append-only file) starts in its place.
port=$(free_port)
hold "$port" redis-server.service; holder=$HELD
: >"$T/systemctl.log"
stack "$port" 'redis_start && redis_ready' >"$T/out" 2>&1 || check "make up's Redis starts after the service is stopped" false
check "one line names the unit, why, and how to get it back" \
  said "redis: stopped and disabled the system service redis-server.service (it held 127.0.0.1:$port, without an append-only file); make up runs its own under .local/redis; to get it back: sudo systemctl enable --now redis-server.service"
check "the unit was disabled and stopped" grep -qx "systemctl disable --now --quiet redis-server.service" "$T/systemctl.log"
check "the distribution's process is gone" bash -c "! ps -o stat= -p $holder | grep -qv '^Z'"
check "the stack's own Redis answers, with its append-only file" \
  bash -c "'$REDIS_CLI' -p $port config get appendonly | grep -qx yes"
check "it says it started its own" said "redis: started (pid"
stack "$port" 'stop_component redis 10' >/dev/null

# 2. Something that is no distribution service holds the port: refused in one line naming the
#    port and the variable, and left running.
port=$(free_port)
hold "$port"; holder=$HELD
: >"$T/systemctl.log"
if stack "$port" 'redis_start' >"$T/out" 2>&1; then check "make up refuses a Redis it did not start" false; fi
check "one line, naming the port and REDIS_URL" \
  said "error: redis: 127.0.0.1:$port is taken by a process make up did not start: stop it, or run the stack's redis on another port with REDIS_URL=redis://localhost:$((port + 1)) (or REDIS_PORT=$((port + 1)))"
check "nothing else is printed" test "$(lines "$T/out")" -eq 1
check "the process is left alone" kill -0 "$holder"
check "no unit was touched" bash -c "! grep -q disable '$T/systemctl.log'"

# 3. MariaDB's unit (and its aliases, inactive once it is stopped) holding the MySQL port.
port=$(free_port)
hold "$port" mariadb.service
: >"$T/systemctl.log"
stack "$port" 'claim_port mysql 127.0.0.1 '"$port"' "its root logging in by socket only" MYSQL_URL jdbc:mysql://localhost:1/coupon MYSQL_PORT' \
  >"$T/out" 2>&1 || check "the MySQL port is freed" false
check "one line names mariadb.service" \
  said "mysql: stopped and disabled the system service mariadb.service (it held 127.0.0.1:$port, its root logging in by socket only); make up runs its own under .local/mysql; to get it back: sudo systemctl enable --now mariadb.service"
check "only that line" test "$(lines "$T/out")" -eq 1
check "only mariadb.service was disabled" test "$(grep -c disable "$T/systemctl.log")" -eq 1
check "the port is free" bash -c "! (: >/dev/tcp/127.0.0.1/$port) 2>/dev/null"

# 4. An active unit that does not hold the port (something else does): left alone, refused.
port=$(free_port)
hold "$port"
hold "$(free_port)" mysql.service; unit_pid=$HELD
: >"$T/systemctl.log"
if PORT_FREE_WAIT=1 stack "$port" 'claim_port mysql 127.0.0.1 '"$port"' "its root logging in by socket only" MYSQL_URL jdbc:mysql://localhost:'"$((port + 1))"'/coupon MYSQL_PORT' \
    >"$T/out" 2>&1; then check "a port held by something else than the service is refused" false; fi
check "refused naming MYSQL_URL" said "error: mysql: 127.0.0.1:$port is taken by a process make up did not start: stop it, or run the stack's mysql on another port with MYSQL_URL=jdbc:mysql://localhost:$((port + 1))/coupon"
check "only the refusal is printed" test "$(lines "$T/out")" -eq 1
check "the unit was asked for its main process" grep -qx "systemctl show -p MainPID --value mysql.service" "$T/systemctl.log"
check "the unit on another port was not disabled" bash -c "! grep -q disable '$T/systemctl.log'"
check "the unit's process is left running" kill -0 "$unit_pid"
check "the unit is still active" test -f "$T/units/mysql.service"
rm -f "$T/units/mysql.service"

# 5. The system Redis on its port, REDIS_URL moves the stack's Redis to another port as the refusal
#    advises, and something else holds that one too: refused, the system Redis keeps running.
system_port=$(free_port)
hold "$system_port" redis-server.service; system_pid=$HELD
port=$(free_port)
hold "$port"; holder=$HELD
: >"$T/systemctl.log"
if PORT_FREE_WAIT=1 stack "$port" 'redis_start' >"$T/out" 2>&1; then check "make up refuses the other port's holder" false; fi
check "refused in one line naming REDIS_URL" \
  said "error: redis: 127.0.0.1:$port is taken by a process make up did not start: stop it, or run the stack's redis on another port with REDIS_URL=redis://localhost:$((port + 1)) (or REDIS_PORT=$((port + 1)))"
check "only the refusal is printed" test "$(lines "$T/out")" -eq 1
check "the system Redis was not disabled" bash -c "! grep -q disable '$T/systemctl.log'"
check "the system Redis still runs" kill -0 "$system_pid"
check "the system Redis still answers on its port" bash -c "'$REDIS_CLI' -p $system_port ping | grep -qx PONG"
check "the other holder is left alone" kill -0 "$holder"
rm -f "$T/units/redis-server.service"

# 6. A unit whose main process is a wrapper and whose child listens (mysqld_safe and mysqld): it
#    is the port's listener, so released.
port=$(free_port)
bash -c 'trap "kill \$child 2>/dev/null; wait \$child; exit 0" TERM
  "$0" --port "$1" --bind 127.0.0.1 --save "" --appendonly no --daemonize no & child=$!
  wait $child' "$REDIS_SERVER" "$port" >"$T/wrapper.log" 2>&1 &
wrapper=$!; HOLDERS+=("$wrapper")
deadline=$((SECONDS + 10))
until port_open 127.0.0.1 "$port"; do
  [ "$SECONDS" -lt "$deadline" ] || die "the test's wrapped redis-server on $port did not start"
  sleep 0.1
done
echo "$wrapper" >"$T/units/mariadb.service"
: >"$T/systemctl.log"
stack "$port" 'claim_port mysql 127.0.0.1 '"$port"' "its root logging in by socket only" MYSQL_URL jdbc:mysql://localhost:1/coupon MYSQL_PORT' \
  >"$T/out" 2>&1 || check "a port held by the unit's child is freed" false
check "the wrapper's unit was released" said "mysql: stopped and disabled the system service mariadb.service (it held 127.0.0.1:$port"
check "the port is free" bash -c "! (: >/dev/tcp/127.0.0.1/$port) 2>/dev/null"

# 7. The listener's pid cannot be seen (another user's process, not root): a unit is released only
#    on the distribution's default port (here pretended to be the test's port), and left alone on
#    any other.
port=$(free_port)
hold "$port" redis-server.service; unit_pid=$HELD
: >"$T/systemctl.log"
if PATH="$T/hidden-bin:$PATH" PORT_FREE_WAIT=1 stack "$port" 'redis_start' >"$T/out" 2>&1; then
  check "a listener that cannot be seen on another port is refused" false
fi
check "unseen listener, not the default port: refused" said "error: redis: 127.0.0.1:$port is taken by a process make up did not start"
check "unseen listener, not the default port: the unit is not disabled" bash -c "! grep -q disable '$T/systemctl.log'"
check "unseen listener, not the default port: its process runs" kill -0 "$unit_pid"
PATH="$T/hidden-bin:$PATH" stack "$port" 'distro_default_port() { echo '"$port"'; }
  claim_port redis 127.0.0.1 '"$port"' "without an append-only file" REDIS_URL redis://localhost:1 REDIS_PORT' \
  >"$T/out" 2>&1 || check "unseen listener on the default port: released" false
check "unseen listener on the default port: one line names the unit" \
  said "redis: stopped and disabled the system service redis-server.service (it held 127.0.0.1:$port, without an append-only file)"
check "unseen listener on the default port: its process is gone" bash -c "! ps -o stat= -p $unit_pid | grep -qv '^Z'"

# 8. Right after an install (scripts/deps.sh): the service the package started is released; with
#    no active unit (or no systemd at all) nothing is said.
hold "$(free_port)" redis-server.service
bash -c '. scripts/lib.sh; release_distro_units redis "apt-get install started it"' >"$T/out" 2>&1 \
  || check "an active unit after the install is released" false
check "one line after the install" said "redis: stopped and disabled the system service redis-server.service (apt-get install started it)"
if bash -c '. scripts/lib.sh; release_distro_units redis "x"' >"$T/out" 2>&1; then check "no active unit: nothing released" false; fi
check "no active unit: silent" test ! -s "$T/out"
if PATH=/nonexistent "$BASH" -c '. scripts/lib.sh; release_distro_units redis "x"' >"$T/out" 2>&1; then
  check "no systemctl: nothing released" false
fi
check "no systemctl: silent" test ! -s "$T/out"

say "test-stack-systemd: ok ($passed checks)"
