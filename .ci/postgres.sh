#!/usr/bin/env bash
# Install (if missing) and start a PostgreSQL server on 127.0.0.1:5432 with role and database
# glutecoach/glutecoach, then print its SQLAlchemy URL on stdout. Safe to run again: every step
# checks before it acts. Progress goes to stderr so callers can write
#   export GLUTECOACH_TEST_POSTGRES_URL="$(.ci/postgres.sh)"
# On Debian/Ubuntu the packaged cluster is used (pg_ctlcluster). Elsewhere, or when
# GLUTECOACH_PGDATA names a folder, a private cluster is made there with initdb and pg_ctl.
set -euo pipefail

PGHOST_ADDR=127.0.0.1
PGPORT_NUM=5432
ROLE=glutecoach
PASSWORD=glutecoach
DB=glutecoach
URL="postgresql+psycopg://${ROLE}:${PASSWORD}@${PGHOST_ADDR}:${PGPORT_NUM}/${DB}"

log() { echo "postgres.sh: $*" >&2; }

as_postgres() {
    if [ "$(id -un)" = postgres ]; then "$@"; else runuser -u postgres -- "$@"; fi
}

if [ "$(id -u)" -ne 0 ] && [ "$(id -un)" != postgres ]; then
    log "run me as root (or as the postgres user once PostgreSQL is installed)"
    exit 1
fi

pg_bindir() {
    local dir
    dir="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1 || true)"
    [ -n "$dir" ] && [ -x "$dir/initdb" ] && echo "$dir"
}

if [ -z "$(pg_bindir)" ]; then
    log "installing PostgreSQL with apt"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q >&2
    apt-get install -y -q postgresql >&2
fi
BINDIR="$(pg_bindir)"
VERSION="$(basename "$(dirname "$BINDIR")")"

if ! "$BINDIR/pg_isready" -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM"; then
    if command -v pg_ctlcluster >/dev/null 2>&1 && [ -z "${GLUTECOACH_PGDATA:-}" ]; then
        # Debian packaging: one cluster per version; create it if the package did not.
        if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VERSION main"; then
            log "creating cluster $VERSION/main"
            pg_createcluster "$VERSION" main -p "$PGPORT_NUM" >&2
        fi
        log "starting cluster $VERSION/main"
        pg_ctlcluster "$VERSION" main start >&2 || true
    else
        DATA="${GLUTECOACH_PGDATA:-/tmp/glutecoach-pgdata}"
        if [ ! -s "$DATA/PG_VERSION" ]; then
            log "initdb in $DATA"
            mkdir -p "$DATA" && chown postgres: "$DATA"
            as_postgres "$BINDIR/initdb" -D "$DATA" -A trust -U postgres >&2
        fi
        log "starting server from $DATA"
        as_postgres "$BINDIR/pg_ctl" -D "$DATA" -l "$DATA/server.log" -w \
            -o "-h $PGHOST_ADDR -p $PGPORT_NUM -k /tmp" start >&2
    fi
    for _ in $(seq 1 30); do
        "$BINDIR/pg_isready" -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" && break
        sleep 1
    done
fi
"$BINDIR/pg_isready" -q -h "$PGHOST_ADDR" -p "$PGPORT_NUM" || { log "server did not start"; exit 1; }

# Superuser access over the local socket (Debian: /var/run/postgresql; our own cluster: /tmp).
SOCKET=/var/run/postgresql
[ -S "$SOCKET/.s.PGSQL.$PGPORT_NUM" ] || SOCKET=/tmp
psql_su() { as_postgres psql -h "$SOCKET" -p "$PGPORT_NUM" -U postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

if [ "$(psql_su -c "SELECT 1 FROM pg_roles WHERE rolname = '$ROLE'")" != 1 ]; then
    log "creating role $ROLE"
    psql_su -c "CREATE ROLE $ROLE LOGIN PASSWORD '$PASSWORD'" >&2
fi
if [ "$(psql_su -c "SELECT 1 FROM pg_database WHERE datname = '$DB'")" != 1 ]; then
    log "creating database $DB"
    psql_su -c "CREATE DATABASE $DB OWNER $ROLE" >&2
fi

echo "$URL"
