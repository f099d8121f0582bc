#!/usr/bin/env bash
# privacysite restore: put a backup written by scripts/backup.sh back, then keep the promises
# made since it was written (manage.py after_restore).
#
#   scripts/restore.sh /var/backups/privacysite/privacysite-20261126T183000Z [--force]
#
# Stop web, worker and beat on EVERY machine first (systemctl stop privacysite-web
# privacysite-worker privacysite-beat); this script stops nothing itself. It refuses to run
# while a privacysite unit is active here or while any other client is connected to the
# database (a worker on another machine, a psql left open); --force skips these checks.
#
# DATABASE_URL's user must own the database (and so its public schema), as the application's
# user does in docs/operations.md (First install).
# Environment: the application's (/etc/privacysite/env: DATABASE_URL, MEDIA_ROOT,
# ERASURE_JOURNAL_URL or ERASURE_JOURNAL, the keys), with the working directory the project
# (or PRIVACYSITE_DIR). Keep the erasure journal in place: it is what after_restore reads,
# whole, and it fails (non-zero, nothing re-applied) when the journal does not hold every
# entry up to the mark the dump carries: empty, another journal, or entries lost.
#
# The database is replaced in one transaction (the schema dropped and the dump loaded, or
# nothing changes): no "does not exist" errors, into a fresh empty database or over the old
# one. Media files are put back over MEDIA_ROOT. Then: migrate (a dump of an older release is
# brought up to the code), after_restore (erasures and withdrawals since the dump applied
# again, sessions ended, values re-encrypted with the newest key). Start the units yourself.
set -Eeuo pipefail
umask 077

fail() { echo "privacysite restore FAILED: $*" >&2; exit 1; }
trap 'fail "command failed at line $LINENO (exit $?)"' ERR

BACKUP=${1:-}
FORCE=${2:-}
[ -n "$BACKUP" ] || fail "usage: $0 BACKUP_DIRECTORY [--force]"
[ -f "$BACKUP/database.dump" ] || fail "$BACKUP/database.dump not found"
[ -z "$FORCE" ] || [ "$FORCE" = --force ] || fail "unknown option $FORCE"
[ -n "${DATABASE_URL:-}" ] || fail "DATABASE_URL is not set: run with the units' environment (docs/operations.md, First install)"
cd "${PRIVACYSITE_DIR:-$(dirname "$0")/..}"
PYTHON=${PYTHON:-.venv/bin/python}

if [ -f "$BACKUP/SHA256SUMS" ]; then
    ( cd "$BACKUP" && sha256sum --check --quiet SHA256SUMS ) || fail "checksums do not match"
fi

# 1. Nothing may be writing: the units here, and any other connection to the database.
if [ "$FORCE" != --force ]; then
    if command -v systemctl >/dev/null 2>&1; then
        for unit in privacysite-web privacysite-worker privacysite-beat; do
            if systemctl is-active --quiet "$unit" 2>/dev/null; then
                fail "$unit is running: stop web, worker and beat everywhere first"
            fi
        done
    fi
    others=$(psql --no-psqlrc --quiet --tuples-only --no-align --dbname="$DATABASE_URL" -c \
        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND backend_type = 'client backend'")
    if [ "$others" != 0 ]; then
        fail "$others other connection(s) to the database: stop web, worker and beat on every machine first"
    fi
else
    echo "WARNING: --force: not checking that web, worker and beat are stopped" >&2
fi

# 2. The database, all or nothing.
echo "restoring the database from $BACKUP/database.dump"
{
    echo "DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public;"
    pg_restore --no-owner --no-privileges --file=- "$BACKUP/database.dump"
} | psql --no-psqlrc --quiet --set=ON_ERROR_STOP=1 --single-transaction \
    --output=/dev/null --dbname="$DATABASE_URL" || fail "the database was not restored (unchanged)"

# 3. Media files (those of rows erased since the dump are deleted again by after_restore).
if [ -f "$BACKUP/media.tar" ]; then
    [ -n "${MEDIA_ROOT:-}" ] || fail "MEDIA_ROOT is not set but the backup holds media"
    mkdir -p "$MEDIA_ROOT"
    tar --extract --file="$BACKUP/media.tar" --directory="$MEDIA_ROOT" --no-same-owner
fi

# 4. Up to the code, then up to the promises.
"$PYTHON" manage.py migrate --noinput
"$PYTHON" manage.py after_restore
echo "privacysite restored from $BACKUP. Start web, worker and beat again."
