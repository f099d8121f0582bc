#!/usr/bin/env bash
# privacysite backup: one PostgreSQL dump and the media folder, in one directory per run.
#
#   scripts/backup.sh            (run by deploy/systemd/privacysite-backup.service at 01:30)
#
# Environment (the same as the application's, /etc/privacysite/env, plus):
#   DATABASE_URL        postgres://... of the database to dump (or the libpq PG* variables)
#   MEDIA_ROOT          uploaded files (attachments, incident records); BACKUP_MEDIA=0 skips
#                       them (object storage: use the bucket's versioning, see docs/operations.md)
#   BACKUP_DIR          where backups go (default /var/backups/privacysite)
#   BACKUP_KEEP_DAYS    age after which a backup is deleted (default 35, the privacy policy's
#                       promise: an erasure reaches every copy within 35 days)
#   BACKUP_METRICS_FILE Prometheus textfile (node_exporter's textfile collector) with the
#                       time and result of the last run (default $BACKUP_DIR/privacysite_backup.prom)
#
# Every file written is readable by its owner only (umask 077). A run writes into a hidden
# ".partial" directory and renames it when complete, so a backup directory is whole or absent.
# Old backups are deleted only after a successful run: a failing backup never eats the last
# good ones. A failure exits non-zero with a message on stderr and in syslog, and sets
# privacysite_backup_last_success 0 in the metrics file (deploy/prometheus-alerts.yml).
# The erasure journal (ERASURE_JOURNAL_URL or ERASURE_JOURNAL) is deliberately NOT included: it
# must outlive and be independent of these backups (see docs/operations.md, "Backups and
# restore"). Just before the dump, `manage.py journal_mark` records the journal's head in the
# database, so that the dump carries it and a restore can prove it read that journal whole; a
# journal that cannot be read fails the backup. PYTHON (default .venv/bin/python) and the
# project's directory (PRIVACYSITE_DIR, default this script's parent) run it.
set -Eeuo pipefail
umask 077

BACKUP_DIR=${BACKUP_DIR:-/var/backups/privacysite}
BACKUP_KEEP_DAYS=${BACKUP_KEEP_DAYS:-35}
BACKUP_MEDIA=${BACKUP_MEDIA:-1}
METRICS=${BACKUP_METRICS_FILE:-$BACKUP_DIR/privacysite_backup.prom}
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
PARTIAL="$BACKUP_DIR/.privacysite-$STAMP.partial"
FINAL="$BACKUP_DIR/privacysite-$STAMP"
STARTED=$(date +%s)

metrics() {  # success(0/1)
    local tmp="$METRICS.tmp"
    {
        echo "# HELP privacysite_backup_last_success 1 if the last backup run succeeded."
        echo "# TYPE privacysite_backup_last_success gauge"
        echo "privacysite_backup_last_success $1"
        echo "# HELP privacysite_backup_last_run_timestamp_seconds When the last backup run ended."
        echo "# TYPE privacysite_backup_last_run_timestamp_seconds gauge"
        echo "privacysite_backup_last_run_timestamp_seconds $(date +%s)"
        if [ "$1" = 1 ]; then
            echo "# HELP privacysite_backup_last_success_timestamp_seconds When the last good backup ended."
            echo "# TYPE privacysite_backup_last_success_timestamp_seconds gauge"
            echo "privacysite_backup_last_success_timestamp_seconds $(date +%s)"
        elif [ -f "$METRICS" ]; then
            grep '^privacysite_backup_last_success_timestamp_seconds\|^# .*last_success_timestamp' "$METRICS" || true
        fi
    } >"$tmp" 2>/dev/null && chmod 644 "$tmp" && mv "$tmp" "$METRICS" || true
}

fail() {
    local message="privacysite backup FAILED: $*"
    echo "$message" >&2
    command -v logger >/dev/null && logger -p daemon.err -t privacysite-backup "$message" || true
    rm -rf "$PARTIAL"
    metrics 0
    exit 1
}
trap 'fail "command failed at line $LINENO (exit $?)"' ERR

mkdir -p "$BACKUP_DIR" || fail "cannot create $BACKUP_DIR"
chmod 700 "$BACKUP_DIR"
mkdir "$PARTIAL"

# 1. The journal's mark, then the database in pg_dump's custom format (scripts/restore.sh).
PYTHON=${PYTHON:-.venv/bin/python}
( cd "${PRIVACYSITE_DIR:-$(dirname "$0")/..}" && "$PYTHON" manage.py journal_mark ) \
    || fail "the erasure journal could not be marked (is it reachable?)"
if [ -n "${DATABASE_URL:-}" ]; then
    case "$DATABASE_URL" in
        postgres://* | postgresql://*) ;;
        *) fail "DATABASE_URL is not PostgreSQL; back up a SQLite demo by copying var/" ;;
    esac
    pg_dump --format=custom --no-owner --file="$PARTIAL/database.dump" --dbname="$DATABASE_URL" \
        || fail "pg_dump failed"
else
    pg_dump --format=custom --no-owner --file="$PARTIAL/database.dump" || fail "pg_dump failed"
fi

# 2. The media folder (complaint attachments, written requests, incident records; encrypted).
if [ "$BACKUP_MEDIA" = 1 ]; then
    [ -n "${MEDIA_ROOT:-}" ] || fail "MEDIA_ROOT is not set (BACKUP_MEDIA=0 to skip media)"
    [ -d "$MEDIA_ROOT" ] || fail "MEDIA_ROOT $MEDIA_ROOT is not a directory"
    tar --create --file="$PARTIAL/media.tar" --directory="$MEDIA_ROOT" . || fail "tar of MEDIA_ROOT failed"
fi

( cd "$PARTIAL" && sha256sum ./* >SHA256SUMS ) || fail "checksums failed"
mv "$PARTIAL" "$FINAL"

# 3. Only now, old backups go (and the single-file dumps of earlier versions of this script).
find "$BACKUP_DIR" -mindepth 1 -maxdepth 1 -name 'privacysite-*' -mtime "+$BACKUP_KEEP_DAYS" \
    -exec rm -rf {} + || fail "pruning old backups failed"

metrics 1
echo "privacysite backup written: $FINAL ($(du -sh "$FINAL" | cut -f1), $(($(date +%s) - STARTED)) s)"
