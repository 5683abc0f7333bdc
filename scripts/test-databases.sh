#!/usr/bin/env bash
# Make sure PostgreSQL and MariaDB run on 127.0.0.1 for the tests, then print the
# environment the tests read:   eval "$(scripts/test-databases.sh)"
#
# The tests create a throwaway database on each server for every test that needs one
# (tests/conftest.py), through the admin URLs printed here. A URL already set in the
# environment is kept and its server is not touched, so a developer can point the tests at
# any server. Servers that are missing are installed from Debian's packages (needs root);
# when a server cannot be brought up, this fails with the reason: the tests never skip
# them.
#
#   scripts/test-databases.sh stop postgresql|mariadb    (the outage tests stop a server
#   scripts/test-databases.sh start postgresql|mariadb   and start it again)
set -euo pipefail

say() { echo "test-databases: $*" >&2; }

as_root() {
    if [ "$(id -u)" = 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
        say "need root to run: $*"; return 1
    fi
}

wait_for() {  # wait_for <what> <command...>: up to 60 s
    local what=$1; shift
    for _ in $(seq 1 120); do "$@" >/dev/null 2>&1 && return 0; sleep 0.5; done
    say "$what did not come up within 60 s"; return 1
}

pg_up() { psql -h 127.0.0.1 -p 5432 -U postgres -w -d postgres -tAc 'select 1' >/dev/null 2>&1; }

ensure_postgres() {
    pg_up && return 0
    if ! command -v pg_ctlcluster >/dev/null || [ -z "$(ls /etc/postgresql 2>/dev/null)" ]; then
        say "installing PostgreSQL from Debian's packages"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
    fi
    local version hba
    version=$(ls /etc/postgresql | sort -V | tail -1)
    hba=/etc/postgresql/$version/main/pg_hba.conf
    # The tests connect as postgres over TCP without a password: a local test server only.
    if ! as_root grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
        as_root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
    fi
    say "starting PostgreSQL $version"
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>/dev/null ||
        as_root pg_ctlcluster --skip-systemctl-redirect "$version" main reload
    wait_for PostgreSQL pg_up
}

maria_up() { mariadb-admin -h 127.0.0.1 -P 3306 -u root --password= ping >/dev/null 2>&1; }

ensure_mariadb() {
    maria_up && return 0
    if [ ! -x /usr/sbin/mariadbd ]; then
        say "installing MariaDB from Debian's packages"
        as_root apt-get update -qq
        as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq mariadb-server >/dev/null
    fi
    say "starting MariaDB"
    as_root mkdir -p /run/mysqld
    as_root chown mysql:mysql /run/mysqld 2>/dev/null || true
    as_root start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd
    # A fresh install lets root in through the socket only; let it in over TCP too.
    wait_for "MariaDB's socket" as_root mariadb -u root -e 'select 1'
    maria_up || as_root mariadb -u root -e \
        "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1' IDENTIFIED BY '';
         GRANT ALL ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;
         ALTER USER 'root'@'localhost' IDENTIFIED VIA mysql_native_password USING PASSWORD('')
             OR unix_socket;
         FLUSH PRIVILEGES;"
    wait_for MariaDB maria_up
}

stop_postgres() {
    local version
    version=$(ls /etc/postgresql | sort -V | tail -1)
    as_root pg_ctlcluster --skip-systemctl-redirect "$version" main stop -m fast
}

stop_mariadb() {
    # Until the process has exited: a start while it still flushes would find it running.
    mariadb-admin -h 127.0.0.1 -P 3306 -u root --password= shutdown
    for _ in $(seq 1 120); do pgrep -x mariadbd >/dev/null || return 0; sleep 0.5; done
    say "MariaDB did not stop within 60 s"; return 1
}

server=${2:-}
[ "$server" = postgresql ] && server=postgres
case "${1:-}" in
    stop) "stop_$server"; exit ;;
    start) "ensure_$server"; exit ;;
    "") ;;
    *) say "usage: $0 [stop|start postgresql|mariadb]"; exit 2 ;;
esac

if [ -z "${MOTIVEKIT_TEST_POSTGRES:-}" ]; then
    ensure_postgres
    MOTIVEKIT_TEST_POSTGRES=postgresql+psycopg://postgres@127.0.0.1:5432/postgres
fi
if [ -z "${MOTIVEKIT_TEST_MARIADB:-}" ]; then
    ensure_mariadb
    MOTIVEKIT_TEST_MARIADB=mysql+pymysql://root@127.0.0.1:3306/mysql
fi
echo "export MOTIVEKIT_TEST_POSTGRES=$MOTIVEKIT_TEST_POSTGRES"
echo "export MOTIVEKIT_TEST_MARIADB=$MOTIVEKIT_TEST_MARIADB"
