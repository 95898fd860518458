#!/usr/bin/env bash
# Starts a throwaway PostgreSQL server (Debian's `postgresql`) in a temporary
# folder, listening on 127.0.0.1 at a free port with a random password, runs
# the given command with MMGATE_TEST_PG_URL naming it, then stops the server
# and removes the folder. Exits non-zero when no server can be started: a
# machine without PostgreSQL fails this test rather than skipping it (CI
# installs it through scripts/setup.sh). As root, the server runs as the
# `postgres` user (PostgreSQL refuses to run as root).
#   usage: with_postgres.sh COMMAND [ARG...]
set -euo pipefail

bindir="$(pg_config --bindir 2>/dev/null || true)"
if [[ ! -x "$bindir/initdb" ]]; then
  bindir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
fi
if [[ ! -x "$bindir/initdb" || ! -x "$bindir/pg_ctl" ]]; then
  echo "with_postgres: no PostgreSQL server binaries (initdb, pg_ctl) found;" \
       "install postgresql (scripts/setup.sh)" >&2
  exit 1
fi

dir="$(mktemp -d "${TMPDIR:-/tmp}/mmgate-pg.XXXXXX")"
as=()
if [[ "$(id -u)" == 0 ]]; then
  chown postgres "$dir"
  as=(runuser -u postgres --)
fi
cleanup() {
  "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$dir"
}
trap cleanup EXIT

password="pw-$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')"
printf '%s\n' "$password" > "$dir/pwfile"
[[ "$(id -u)" == 0 ]] && chown postgres "$dir/pwfile"
# Sockets need no password; TCP connections (the URL's) need this one.
if ! "${as[@]}" "$bindir/initdb" -D "$dir/data" -U mmgate --pwfile="$dir/pwfile" \
     --auth-local=trust --auth-host=scram-sha-256 -E UTF8 --locale=C \
     >"$dir/initdb.log" 2>&1; then
  cat "$dir/initdb.log" >&2
  echo "with_postgres: initdb failed" >&2
  exit 1
fi

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}
started=""
for _ in 1 2 3; do
  port="$(free_port)"
  if "${as[@]}" "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
       -o "-k $dir -h 127.0.0.1 -p $port -c fsync=off -c max_connections=60" \
       start >/dev/null 2>&1; then
    started=1
    break
  fi
done
if [[ -z "$started" ]]; then
  cat "$dir/server.log" >&2 || true
  echo "with_postgres: the server did not start" >&2
  exit 1
fi

export MMGATE_TEST_PG_URL="postgresql://mmgate:$password@127.0.0.1:$port/postgres"
export MMGATE_TEST_PG_BINDIR="$bindir"
set +e
"$@"
status=$?
set -e
exit "$status"
