# Shared helpers for scripts/run and scripts/test. Sourced, not executed.
# shellcheck shell=bash

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export UV_PROJECT_ENVIRONMENT="$ROOT/.venv"

log() { printf '\033[1;34m==>\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31mERROR:\033[0m %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else die "need root to run: $*"; fi
}

# Debian packages the system needs at run time (letters: pango, harfbuzz subset, CJK fonts;
# poppler for pdfsig/pdffonts; gettext for compilemessages).
RUNTIME_PACKAGES=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-noto-cjk poppler-utils gettext)
TEST_PACKAGES=(postgresql redis-server chromium libnss3-tools nginx curl)  # nginx, curl: the loopback stack test

ensure_packages() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ "${#missing[@]}" -gt 0 ]; then
    log "installing Debian packages: ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

ensure_uv() {
  if command -v uv >/dev/null 2>&1; then return; fi
  if [ -x "$HOME/.local/bin/uv" ]; then export PATH="$HOME/.local/bin:$PATH"; return; fi
  log "installing uv (the lock-file installer) from PyPI"
  python3 -m pip install --quiet --user uv 2>/dev/null \
    || python3 -m pip install --quiet --user --break-system-packages uv 2>/dev/null \
    || python3 -m pip install --quiet uv
  export PATH="$HOME/.local/bin:$PATH"
}

ensure_venv() {
  ensure_uv
  log "installing Python dependencies from uv.lock"
  (cd "$ROOT" && uv sync --frozen --quiet --python 3.11)
}

compile_messages() {
  # Only when a catalogue changed: the test suite's parallel workers start servers that read the
  # compiled catalogues, which must not be rewritten under them.
  local po stale=0
  for po in "$ROOT"/locale/*/LC_MESSAGES/*.po; do
    [ "${po%.po}.mo" -nt "$po" ] || stale=1
  done
  [ "$stale" = 0 ] || (cd "$ROOT" && "$ROOT/.venv/bin/python" manage.py compilemessages --ignore=.venv >/dev/null)
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

pg_bin_dir() {
  local d
  d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
  [ -n "$d" ] || die "PostgreSQL binaries not found under /usr/lib/postgresql"
  echo "$d"
}

# Run a command as the postgres user when we are root (PostgreSQL refuses to run as root).
as_pg_user() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT: a throwaway cluster on loopback, tuned for tests (no fsync).
start_postgres() {
  local dir=$1 port=$2 bin
  bin=$(pg_bin_dir)
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  as_pg_user "$bin/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 --no-sync >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log"; die "initdb failed"; }
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 ${BENCH_PG_OPTS:--c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200}" \
    >/dev/null || { cat "$dir/postgres.log"; die "PostgreSQL did not start"; }
  # Both roles (docs/adr/0006): credit owns (a superuser here: the test suite creates its test
  # database, a restore drill restores as it); credit_app is what the application connects as.
  as_pg_user "$bin/psql" -h 127.0.0.1 -p "$port" -U postgres -q -v ON_ERROR_STOP=1 \
    -c "CREATE ROLE credit LOGIN SUPERUSER PASSWORD 'credit'" -c "CREATE DATABASE credit OWNER credit" \
    -c "CREATE ROLE credit_app LOGIN PASSWORD 'credit_app'" >/dev/null
}

# ensure_db_roles SOCKET_DIR PORT OWNER_PASSWORD APP_PASSWORD: on a running cluster, as the postgres
# superuser, the two roles of docs/adr/0006 and the database, created when missing (a cluster from
# before the two roles is upgraded in place) and given these passwords. credit owns the database and
# runs migrations; credit_app is what the application connects as (its rights are granted by
# `manage.py migrate` / `db_grant_app_role`). Neither is a superuser. Passwords are hex (no quoting).
ensure_db_roles() {
  local sock=$1 port=$2 owner_pw=$3 app_pw=$4
  [[ $owner_pw =~ ^[A-Za-z0-9]+$ && $app_pw =~ ^[A-Za-z0-9]+$ ]] || die "database passwords must be letters and digits"
  as_pg_user "$(pg_bin_dir)/psql" -h "$sock" -p "$port" -U postgres -d postgres -q -v ON_ERROR_STOP=1 >/dev/null <<SQL
SELECT 'CREATE ROLE credit' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'credit') \gexec
ALTER ROLE credit LOGIN NOSUPERUSER PASSWORD '$owner_pw';
SELECT 'CREATE DATABASE credit OWNER credit' WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'credit') \gexec
SELECT 'CREATE ROLE credit_app' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'credit_app') \gexec
ALTER ROLE credit_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS PASSWORD '$app_pw';
SQL
}

stop_postgres() {
  local dir=$1
  [ -d "$dir/data" ] && as_pg_user "$(pg_bin_dir)/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1 || true
}

start_redis() {
  local dir=$1 port=$2
  redis-server --port "$port" --bind 127.0.0.1 --save '' --appendonly no --daemonize yes \
    --pidfile "$dir/redis.pid" --dir "$dir" --logfile "$dir/redis.log" >/dev/null
  for _ in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return; sleep 0.1; done
  die "Redis did not start"
}

stop_redis() {
  local dir=$1
  [ -f "$dir/redis.pid" ] && kill "$(cat "$dir/redis.pid")" 2>/dev/null || true
}
