#!/bin/sh
# The forum's nightly PostgreSQL backup (README, "Operations"; run by forum-backup.service).
# pg_dump -Fc of the database in $FLASK_SQLALCHEMY_DATABASE_URI (or the first argument) into
# $BACKUP_DIR/forum-<UTC time>.dump, then deletes all but the newest $BACKUP_KEEP dumps.
# Passwords belong in ~/.pgpass, not in the URL: pg_dump's arguments are visible to `ps`.
set -eu

url=${1:-${FLASK_SQLALCHEMY_DATABASE_URI:?set FLASK_SQLALCHEMY_DATABASE_URI or pass a URL}}
# SQLAlchemy's driver suffix (postgresql+psycopg://) means nothing to libpq.
url=$(printf '%s' "$url" | sed 's|^postgresql+[a-z0-9_]*://|postgresql://|')
case $url in
    postgresql://* | postgres://*) ;;
    *) echo "backup-postgres: not a PostgreSQL URL (SQLite: flask backup FILE)" >&2; exit 2 ;;
esac
dir=${BACKUP_DIR:-/var/backups/forum}
keep=${BACKUP_KEEP:-14}
case $keep in
    '' | *[!0-9]* | 0) echo "backup-postgres: BACKUP_KEEP must be 1 or more" >&2; exit 2 ;;
esac

umask 077
mkdir -p "$dir"
target="$dir/forum-$(date -u +%Y%m%dT%H%M%SZ).dump"
# Only a finished dump gets its name: a failed one never replaces, or counts as, a backup.
trap 'rm -f "$target.partial"' EXIT
trap 'exit 1' HUP INT TERM
pg_dump --format=custom --file="$target.partial" "$url"
mv "$target.partial" "$target"

# The names sort by time: keep the newest $keep, delete the rest.
ls -1 "$dir" | grep -E '^forum-[0-9]{8}T[0-9]{6}Z\.dump$' | sort -r | tail -n +"$((keep + 1))" |
    while read -r old; do rm -f -- "$dir/$old"; done
echo "backup-postgres: wrote $target"
