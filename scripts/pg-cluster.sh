#!/usr/bin/env bash
# A private PostgreSQL cluster for the tests and benchmarks: a temp directory, a loopback port,
# password authentication. Run as root (it runs the server as the `postgres` user) or as the
# user that should own the cluster.
#
#   scripts/pg-cluster.sh start [DIR]   # prints `export TOBA_TEST_POSTGRES_URL=…` and `export TOBA_PG_CLUSTER=DIR`
#   scripts/pg-cluster.sh stop DIR
#
# `eval "$(scripts/pg-cluster.sh start)"` in a shell; the URL names database `toba` owned by
# user `toba` (password `toba`), which may create further databases (the tests make one each).
set -euo pipefail

find_bin() {
  local name=$1
  for dir in /usr/lib/postgresql/*/bin; do
    [ -x "$dir/$name" ] && { echo "$dir/$name"; return; }
  done
  command -v "$name" || { echo "pg-cluster: $name not found (install Debian's postgresql)" >&2; exit 1; }
}

as_owner() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

case "${1:-}" in
start)
  initdb=$(find_bin initdb); pg_ctl=$(find_bin pg_ctl)
  dir=${2:-$(mktemp -d /tmp/toba-pg.XXXXXX)}
  mkdir -p "$dir"
  [ "$(id -u)" = 0 ] && chown postgres: "$dir"
  port=${TOBA_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
  pwfile="$dir/.pw"; echo toba > "$pwfile"; [ "$(id -u)" = 0 ] && chown postgres: "$pwfile"
  as_owner "$initdb" -D "$dir/data" -U toba --pwfile="$pwfile" --auth=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  as_owner "$pg_ctl" -D "$dir/data" -l "$dir/server.log" -w \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $dir -c max_connections=200 -c fsync=on" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  PGPASSWORD=toba psql -h 127.0.0.1 -p "$port" -U toba -d postgres -qc "CREATE DATABASE toba" >/dev/null
  echo "export TOBA_TEST_POSTGRES_URL=postgres://toba:toba@127.0.0.1:$port/toba"
  echo "export TOBA_PG_CLUSTER=$dir"
  ;;
stop)
  dir=${2:?usage: pg-cluster.sh stop DIR}
  pg_ctl=$(find_bin pg_ctl)
  as_owner "$pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1 || true
  rm -rf "$dir"
  ;;
*)
  echo "usage: $0 start [DIR] | stop DIR" >&2; exit 2 ;;
esac
