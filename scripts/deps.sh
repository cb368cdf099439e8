#!/usr/bin/env bash
# Installs what the local stack needs and a fresh machine lacks.
#   scripts/deps.sh [all|tools|redis|mysql|docker-compose|wrk|browser|promtool]
# tools = Java 17+ and Maven: checked, never installed (they are prerequisites of the build).
# redis / mysql = the servers (+ clients), installed only when missing.
# browser = headless Chromium + chromedriver for the browser test (e2e EventPageIT), only when missing.
# promtool = Prometheus's rule checker for make alerts-check, only when missing.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
# shellcheck source=scripts/lib.sh
. scripts/lib.sh

check_tools() {
  command -v java >/dev/null 2>&1 \
    || die "Java 17+ is required and 'java' is not on PATH (Debian/Ubuntu: apt-get install openjdk-17-jdk-headless; macOS: brew install openjdk@17)"
  local line major
  line=$(java -version 2>&1 | head -n 1)
  # "1.8.0_392" -> 8, "17.0.15" -> 17, "21" -> 21
  major=$(printf '%s\n' "$line" | sed -E 's/.*version "([0-9]+)(\.([0-9]+))?.*/\1 \3/')
  case "$major" in "1 "*) major=${major#1 } ;; *) major=${major%% *} ;; esac
  case "$major" in ''|*[!0-9]*) die "cannot read the Java version from: $line" ;; esac
  [ "$major" -ge 17 ] || die "Java 17+ is required, found: $line"
  command -v mvn >/dev/null 2>&1 \
    || die "Maven is required and 'mvn' is not on PATH (Debian/Ubuntu: apt-get install maven; macOS: brew install maven)"
}

have_redis() { find_bin redis-server >/dev/null && find_bin redis-cli >/dev/null; }
have_mysql() {
  find_bin mariadbd mysqld >/dev/null && find_bin mariadb mysql >/dev/null
}

APT_UPDATED=no
apt_install() {
  # Another apt run (e.g. unattended upgrades) may hold the lock: wait for it instead of failing.
  local apt=(apt-get -o DPkg::Lock::Timeout=300)
  if [ "$APT_UPDATED" = no ]; then
    say "deps: apt-get update"
    as_root "${apt[@]}" update -qq
    APT_UPDATED=yes
  fi
  say "deps: apt-get install $*"
  as_root env DEBIAN_FRONTEND=noninteractive "${apt[@]}" install -y -qq "$@"
}

# install_pkgs APT_PACKAGES... -- BREW_PACKAGES...
install_pkgs() {
  local apt_pkgs=() brew_pkgs=() seen_sep=no p
  for p in "$@"; do
    if [ "$p" = -- ]; then seen_sep=yes
    elif [ "$seen_sep" = no ]; then apt_pkgs+=("$p")
    else brew_pkgs+=("$p"); fi
  done
  if command -v apt-get >/dev/null 2>&1; then
    apt_install "${apt_pkgs[@]}"
  elif [ "$(uname -s)" = Darwin ]; then
    command -v brew >/dev/null 2>&1 || die "install Homebrew (https://brew.sh) or install by hand: ${brew_pkgs[*]}"
    say "deps: brew install ${brew_pkgs[*]}"
    brew install "${brew_pkgs[@]}"
  else
    die "no apt-get or brew here: install by hand: ${apt_pkgs[*]} (then re-run)"
  fi
}

# The packages are installed for their programs: the stack runs its own servers (scripts/stack.sh),
# so the services the install starts on a systemd host are stopped and disabled at once.
ensure_redis() {
  have_redis && return 0
  install_pkgs redis-server redis-tools -- redis
  have_redis || die "redis-server still missing after the install"
  release_distro_units redis "apt-get install started it on port 6379, without an append-only file" || true
}

ensure_mysql() {
  have_mysql && return 0
  install_pkgs mariadb-server mariadb-client -- mariadb
  have_mysql || die "mariadbd/mysqld or the mariadb/mysql client still missing after the install"
  release_distro_units mysql "apt-get install started it on port 3306, its root logging in by socket only" || true
}

# Debian's chromium + chromium-driver (/usr/bin/chromium, /usr/bin/chromedriver): the test drives
# them directly and never downloads a browser. (Ubuntu's apt packages are snap wrappers: install
# Chromium by hand there and set CHROMIUM_BIN / CHROMEDRIVER_BIN.)
have_browser() { find_bin chromium chromium-browser >/dev/null && find_bin chromedriver >/dev/null; }
ensure_browser() {
  have_browser && return 0
  install_pkgs chromium chromium-driver -- --cask chromium chromedriver
  have_browser || [ "$(uname -s)" = Darwin ] || die "chromium/chromedriver still missing after the install"
}

# Only for `make compose-check`: Debian's docker-compose parses a compose file without an engine.
ensure_compose() {
  command -v docker-compose >/dev/null 2>&1 && return 0
  install_pkgs docker-compose -- docker-compose
}

# Only for `make alerts-check`: promtool comes with the prometheus package (Debian's and Homebrew's).
# Its Prometheus server is not wanted: on a systemd host the service the install starts is stopped and
# disabled at once (Homebrew starts none).
ensure_promtool() {
  command -v promtool >/dev/null 2>&1 && return 0
  install_pkgs --no-install-recommends prometheus -- prometheus
  command -v promtool >/dev/null 2>&1 || die "promtool still missing after the install"
  release_distro_units prometheus "apt-get install started it on port 9090; only its promtool is wanted" || true
}

main() {
  case "${1:-all}" in
    all)   check_tools; ensure_redis; ensure_mysql; say "deps: ok (java, maven, redis, mariadb/mysql)" ;;
    tools) check_tools ;;
    redis) ensure_redis ;;
    mysql) ensure_mysql ;;
    docker-compose) ensure_compose ;;
    wrk) command -v wrk >/dev/null 2>&1 || install_pkgs wrk -- wrk ;;
    browser) ensure_browser ;;
    promtool) ensure_promtool ;;
    *) die "usage: $0 [all|tools|redis|mysql|docker-compose|wrk|browser|promtool]" ;;
  esac
}

main "$@"
