#!/usr/bin/env bash
# The PostgreSQL read model of the Kafka runtime, from Debian's packages, on 127.0.0.1:5432.
#   deploy/postgres.sh start   install (once, as root), start the cluster, create role and database
#   deploy/postgres.sh stop
# Idempotent. Role and database: accelerator / accelerator (password accelerator), local only.
set -euo pipefail

version() { ls /usr/lib/postgresql 2>/dev/null | sort -n | tail -1; }

install() {
    [ -n "$(version)" ] && return
    echo "postgres: installing Debian's postgresql..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
}

psql_admin() { su postgres -c "psql -v ON_ERROR_STOP=1 -qtAc \"$1\""; }

start() {
    install
    local v; v="$(version)"
    [ -d "/etc/postgresql/$v/main" ] || pg_createcluster "$v" main >/dev/null
    pg_ctlcluster "$v" main status >/dev/null 2>&1 || pg_ctlcluster "$v" main start
    for _ in $(seq 1 60); do pg_isready -q -h 127.0.0.1 && break; sleep 0.5; done
    pg_isready -q -h 127.0.0.1 || { echo "postgres: no answer on 127.0.0.1:5432" >&2; exit 1; }
    [ "$(psql_admin "SELECT 1 FROM pg_roles WHERE rolname='accelerator'")" = 1 ] ||
        psql_admin "CREATE ROLE accelerator LOGIN CREATEDB PASSWORD 'accelerator'"
    [ "$(psql_admin "SELECT 1 FROM pg_database WHERE datname='accelerator'")" = 1 ] ||
        psql_admin "CREATE DATABASE accelerator OWNER accelerator"
    echo "postgres: PostgreSQL $v on 127.0.0.1:5432 (database accelerator)"
}

stop() {
    local v; v="$(version)"
    [ -n "$v" ] && pg_ctlcluster "$v" main stop || true
}

case "${1:-}" in
    start) start ;;
    stop) stop ;;
    *) echo "usage: deploy/postgres.sh start|stop" >&2; exit 2 ;;
esac
