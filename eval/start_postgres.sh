#!/usr/bin/env bash
# Install (if needed) and start a throw-away PostgreSQL server on localhost for the store tests and the
# store benchmark. Run as root on Debian (CI: `eval "$(bash eval/start_postgres.sh)"`):
#   - installs the Debian package postgresql when pg_ctl is missing,
#   - initialises a cluster in a temporary folder owned by the postgres user, on a free port,
#   - creates the databases vpd_test and vpd_bench,
#   - prints `export VPD_TEST_POSTGRES_URL=postgresql://...` (and the same line on stderr for the log).
# Stop it with: su postgres -c "pg_ctl -D $VPD_PG_DIR stop"  (the folder is printed as VPD_PG_DIR).
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n1; }
if [ -z "$(pg_bin)" ]; then
  apt-get update -qq >&2
  apt-get install -y -qq --no-install-recommends postgresql >&2
fi
BIN="$(pg_bin)"
[ -x "$BIN/pg_ctl" ] || { echo "start_postgres.sh: pg_ctl not found after installing postgresql" >&2; exit 1; }
id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres

PORT="${VPD_PG_PORT:-$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')}"
DIR="$(mktemp -d /tmp/vpd-pg.XXXXXX)"
chown postgres:postgres "$DIR"
PASS="vpd$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n')"
as_pg() { su postgres -s /bin/bash -c "$*"; }
echo "$PASS" > "$DIR/.pw" && chown postgres:postgres "$DIR/.pw" && chmod 600 "$DIR/.pw"
as_pg "'$BIN/initdb' -D '$DIR/data' -U postgres --auth=scram-sha-256 --pwfile='$DIR/.pw' -E UTF8 --no-locale" >&2
rm -f "$DIR/.pw"
as_pg "'$BIN/pg_ctl' -D '$DIR/data' -l '$DIR/log' -w -o \"-p $PORT -k '$DIR' -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=256MB -c work_mem=64MB -c maintenance_work_mem=256MB\" start" >&2
for db in vpd_test vpd_bench; do
  PGPASSWORD="$PASS" "$BIN/psql" -h 127.0.0.1 -p "$PORT" -U postgres -qc "CREATE DATABASE $db" >&2
done
URL="postgresql://postgres:$PASS@127.0.0.1:$PORT/vpd_test"
echo "PostgreSQL $("$BIN/postgres" --version | awk '{print $3}') on 127.0.0.1:$PORT, data in $DIR" >&2
echo "export VPD_PG_DIR=$DIR"
echo "export VPD_TEST_POSTGRES_URL=$URL"
echo "export VPD_BENCH_POSTGRES_URL=${URL%/vpd_test}/vpd_bench"
