#!/usr/bin/env bash
# Gives the store tests a PostgreSQL on 127.0.0.1:$GITOPS_TEST_POSTGRES_PORT
# (default 5432) that lets user `postgres` in without a password, and prints
# its connection string on stdout (everything else goes to stderr).
#
# - A server already answering there is used unchanged.
# - Otherwise a cluster of the project's own (initdb, trust auth, loopback
#   only) is created in $GITOPS_TEST_POSTGRES_DIR (default
#   /tmp/gitops-test-postgres-<port>) and started with pg_ctl, after
#   installing Debian's postgresql when its binaries are missing (as root).
#   It is left running, so the next run finds it answering; a stopped one is
#   started again from the same directory. `scripts/test-postgres.sh stop`
#   stops it. Other clusters on the machine and their pg_hba.conf are never
#   touched.
set -euo pipefail

port="${GITOPS_TEST_POSTGRES_PORT:-5432}"
base="${GITOPS_TEST_POSTGRES_DIR:-/tmp/gitops-test-postgres-$port}"
data="$base/data"
connection="postgresql://postgres@127.0.0.1:$port"

say() { echo "test-postgres: $*" >&2; }

# Postgres refuses to run as root; root runs it as Debian's `postgres` user
# (which the postgresql package creates).
run_as_owner=()
choose_owner() {
  if [ "$(id -u)" -ne 0 ]; then return 0; fi
  if ! getent passwd postgres >/dev/null; then
    say "running as root needs a 'postgres' user to own the test cluster (Debian's postgresql creates it)"
    return 1
  fi
  run_as_owner=(runuser -u postgres --)
}

answers() {
  if command -v pg_isready >/dev/null 2>&1; then
    pg_isready -q -h 127.0.0.1 -p "$port"
  else
    (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null
  fi
}

# The newest PostgreSQL server binaries Debian installed, else those on PATH.
find_bindir() {
  local initdb
  initdb="$(find /usr/lib/postgresql -path '*/bin/initdb' 2>/dev/null | sort -V | tail -n 1)"
  if [ -z "$initdb" ]; then
    initdb="$(command -v initdb || true)"
  fi
  [ -n "$initdb" ] && dirname "$(readlink -f "$initdb")"
}

if [ "${1:-}" = "stop" ]; then
  bindir="$(find_bindir || true)"
  choose_owner
  if [ -n "$bindir" ] && "${run_as_owner[@]}" "$bindir/pg_ctl" status -D "$data" >/dev/null 2>&1; then
    "${run_as_owner[@]}" "$bindir/pg_ctl" stop -D "$data" -m fast -w >/dev/null
    say "stopped the test cluster in $data"
  else
    say "no test cluster runs from $data"
  fi
  exit 0
fi

if answers; then
  # A server that asks user postgres for a password fails every store test;
  # say so now rather than in a hundred test failures.
  if command -v psql >/dev/null 2>&1 &&
    ! psql -w -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc 'select 1' >/dev/null 2>&1; then
    say "a PostgreSQL answers on 127.0.0.1:$port but does not let user postgres in without a password; set BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING to one that works, or GITOPS_TEST_POSTGRES_PORT to a free port for a test cluster of our own"
    exit 1
  fi
  if [ -f "$data/postmaster.pid" ]; then
    say "the test cluster in $data answers on 127.0.0.1:$port; using it"
  else
    say "a PostgreSQL already answers on 127.0.0.1:$port; using it unchanged"
  fi
  echo "$connection"
  exit 0
fi

bindir="$(find_bindir || true)"
if [ -z "$bindir" ]; then
  if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    say "nothing answers on 127.0.0.1:$port and PostgreSQL is not installed; install Debian's postgresql (or start a server there that trusts user postgres)"
    exit 1
  fi
  say "nothing answers on 127.0.0.1:$port; installing Debian's postgresql for a test cluster"
  # Debian's package would create and start its own cluster on 5432, which
  # asks for passwords over TCP and would take the test cluster's port. This
  # drop-in tells it not to, for this install only.
  dropin=/etc/postgresql-common/createcluster.d/gitops-test-no-main-cluster.conf
  mkdir -p "$(dirname "$dropin")"
  echo "create_main_cluster = false" >"$dropin"
  install_status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    --no-install-recommends postgresql >/dev/null; } || install_status=$?
  rm -f "$dropin"
  if [ "$install_status" -ne 0 ]; then
    say "could not install postgresql"
    exit 1
  fi
  bindir="$(find_bindir || true)"
  if [ -z "$bindir" ]; then
    say "postgresql installed but no initdb found under /usr/lib/postgresql"
    exit 1
  fi
fi
choose_owner
owner="$("${run_as_owner[@]}" id -un)"

# The directory is created by, and must belong to, the user the server runs as.
if [ -L "$base" ] || { [ -e "$base" ] && [ "$(stat -c %U "$base")" != "$owner" ]; }; then
  say "$base exists and does not belong to $owner; remove it or set GITOPS_TEST_POSTGRES_DIR"
  exit 1
fi
"${run_as_owner[@]}" mkdir -p -m 700 "$base"

if [ ! -f "$data/PG_VERSION" ]; then
  say "creating a test cluster in $data ($("$bindir/postgres" --version), trust auth for user postgres, as $owner)"
  "${run_as_owner[@]}" "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C 2>&1 |
    "${run_as_owner[@]}" tee "$base/initdb.log" >/dev/null || {
    say "initdb failed; its log:"
    cat "$base/initdb.log" >&2
    exit 1
  }
  # Loopback only, its own socket directory (Debian's /var/run/postgresql may
  # not be writable by $owner), and no durability: a throwaway test database
  # only pays for fsync in time.
  "${run_as_owner[@]}" tee -a "$data/postgresql.conf" >/dev/null <<CONF

# Written by scripts/test-postgres.sh for the store tests.
listen_addresses = '127.0.0.1'
port = $port
unix_socket_directories = '$base'
fsync = off
synchronous_commit = off
full_page_writes = off
CONF
fi

say "starting the test cluster on 127.0.0.1:$port (log: $base/server.log); it stays running, 'scripts/test-postgres.sh stop' stops it"
"${run_as_owner[@]}" "$bindir/pg_ctl" start -D "$data" -l "$base/server.log" -w -t 60 >/dev/null || {
  say "the test cluster did not start; its log:"
  tail -n 30 "$base/server.log" >&2
  exit 1
}
echo "$connection"
