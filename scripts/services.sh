#!/usr/bin/env bash
# Make the services the tests need available: `services.sh [postgres] [redis] [chromium]`
# (all three when no argument is given).
#
# A service that is installed but stopped is started. One that is missing is installed
# with apt-get when CI=true; outside CI the script says what is missing and fails, since
# installing system packages on a developer's machine is not ours to decide (use
# `make test-sqlite`, which needs none of them).
set -euo pipefail

CI=${CI:-false}
PG_PORT=${PG_PORT:-5432}
REDIS_PORT=${REDIS_PORT:-6379}
apt_updated=false

say() { echo "==> $*"; }
die() { echo "error: $*" >&2; exit 1; }

apt_install() {
    if [ "$(id -u)" != 0 ]; then die "installing $* needs root"; fi
    if [ "$apt_updated" = false ]; then
        say "apt-get update"
        DEBIAN_FRONTEND=noninteractive apt-get update -qq
        apt_updated=true
    fi
    say "apt-get install $*"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Install a missing package in CI, or explain and fail elsewhere.
need() {
    local what=$1 package=$2
    if [ "$CI" = true ]; then
        apt_install "$package"
    else
        die "$what is not installed. Install it (apt-get install $package), or run 'make test-sqlite', which needs no services."
    fi
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_for_port() {
    local port=$1 name=$2
    for _ in $(seq 1 60); do
        port_open "$port" && return 0
        sleep 0.5
    done
    die "$name did not come up on 127.0.0.1:$port"
}

ensure_postgres() {
    if port_open "$PG_PORT"; then
        say "PostgreSQL is running on 127.0.0.1:$PG_PORT"
    else
        if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
            need PostgreSQL postgresql
        fi
        local version
        version=$(ls /etc/postgresql | sort -V | tail -n 1)
        say "Starting PostgreSQL $version"
        pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
        wait_for_port "$PG_PORT" PostgreSQL
    fi
    # The tests connect as postgres over TCP without a password, as on the CI machines.
    # A stock Debian install asks for one; in CI only, let local TCP connections in.
    if command -v psql >/dev/null 2>&1 && ! psql -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -Atqc 'select 1' >/dev/null 2>&1; then
        if [ "$CI" = true ]; then
            local hba
            hba=$(su postgres -c "psql -Atqc 'show hba_file'")
            say "Allowing local TCP connections without a password in $hba (CI only)"
            sed -i '1i host all all 127.0.0.1/32 trust\nhost all all ::1/128 trust' "$hba"
            su postgres -c "psql -Atqc 'select pg_reload_conf()'" >/dev/null
        else
            die "cannot connect to PostgreSQL as postgres@127.0.0.1:$PG_PORT without a password; set PG_DATABASE_URL to a URL that works."
        fi
    fi
}

ensure_redis() {
    if port_open "$REDIS_PORT"; then
        say "Redis is running on 127.0.0.1:$REDIS_PORT"
        return
    fi
    command -v redis-server >/dev/null 2>&1 || need Redis redis-server
    # A Debian install may have started its own service already.
    if ! port_open "$REDIS_PORT"; then
        say "Starting Redis"
        redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no >/dev/null
    fi
    wait_for_port "$REDIS_PORT" Redis
}

ensure_chromium() {
    if [ -x /usr/bin/chromium ]; then
        return
    fi
    if [ "$CI" = true ]; then
        apt_install chromium
    else
        say "Chromium is not installed at /usr/bin/chromium: browser tests will be skipped (apt-get install chromium)"
    fi
}

[ $# -gt 0 ] || set -- postgres redis chromium
for service in "$@"; do
    case $service in
        postgres) ensure_postgres ;;
        redis) ensure_redis ;;
        chromium) ensure_chromium ;;
        *) die "unknown service: $service" ;;
    esac
done
