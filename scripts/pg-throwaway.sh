#!/bin/sh
# A throwaway PostgreSQL 15 cluster for tests (toolchain.md §11).
#   scripts/pg-throwaway.sh start DIR PORT   -> initdb in DIR/data (trust auth, no fsync), listen on 127.0.0.1:PORT
#   scripts/pg-throwaway.sh stop DIR         -> fast shutdown (DIR is left for the caller to delete)
# Runs initdb/pg_ctl in a user namespace (`unshare -U`) when we are root: initdb refuses root.
set -eu
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
cmd=${1:-}; dir=${2:-}
[ -n "$cmd" ] && [ -n "$dir" ] || { echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2; }
if [ "$(id -u)" = 0 ]; then NS="unshare -U"; else NS=""; fi
case "$cmd" in
  start)
    port=${3:?port required}
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
      $NS "$PGBIN/initdb" -D "$dir/data" -U postgres --auth=trust --no-sync -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    fi
    $NS "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
      -o "-k $dir -h 127.0.0.1 -p $port -c fsync=off -c synchronous_commit=off -c full_page_writes=off" start >/dev/null \
      || { cat "$dir/server.log" >&2; exit 1; }
    echo "postgresql://postgres@127.0.0.1:$port/postgres"
    ;;
  stop)
    dir=$(cd "$dir" && pwd)
    $NS "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 30 stop >/dev/null
    ;;
  *) echo "usage: $0 start DIR PORT | stop DIR" >&2; exit 2 ;;
esac
