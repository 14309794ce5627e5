#!/usr/bin/env bash
# The same smoke check (docker/smoke.py) against the stack run without containers: gunicorn, a
# Celery worker for both queues, beat and the SMTP sink as processes of this machine, on the
# PostgreSQL and Redis that DATABASE_URL and REDIS_URL name (a database of their own: it is
# migrated and loaded with the demo department). For machines that cannot run containers, and to
# test docker/smoke.py itself. Production mode (DEBUG=0) with throw-away secrets; ports from
# SMOKE_PORT (8000) and SMOKE_MAIL_PORT (8025), SMTP on SMOKE_SMTP_PORT (1025).
set -euo pipefail
cd "$(dirname "$0")/.."
: "${DATABASE_URL:?set DATABASE_URL to a PostgreSQL database for the smoke check}"
: "${REDIS_URL:?set REDIS_URL}"
BIN="${VENV:-.venv}/bin"
port="${SMOKE_PORT:-8000}" mail_port="${SMOKE_MAIL_PORT:-8025}" smtp_port="${SMOKE_SMTP_PORT:-1025}"
work="$(mktemp -d /tmp/portal-smoke.XXXXXX)"

# Throw-away values for every secret production requires (SECRET_KEY, each feature's keys, the
# pepper), as the keyring registry lists them; made in development mode, before DEBUG=0 is set.
secrets="$(DEBUG=1 "$BIN/python" manage.py portal_secrets)"
while read -r line; do
  export "$line"  # NAME=value as printed (`read` with IFS='=' would drop a key's final "=")
done <<<"$secrets"
export DEBUG=0
export ALLOWED_HOSTS=127.0.0.1,localhost PORTAL_BASE_URL="http://127.0.0.1:$port"
export SECURE_SSL_REDIRECT=0 SECURE_COOKIES=0 BEHIND_TLS_PROXY=0
export EMAIL_URL="smtp://127.0.0.1:$smtp_port" MEDIA_ROOT="$work/media"
export RECORDS_FILE_ROOT="$work/records" CAREERS_FILE_ROOT="$work/careers" STATIC_ROOT="$work/static"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-$REDIS_URL}"

pids=()
finish() {
  status=$?
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$status" != 0 ]; then tail -n 30 "$work"/*.log 2>/dev/null || true; fi
  rm -rf "$work"
  exit "$status"
}
trap finish EXIT

"$BIN/python" manage.py collectstatic --noinput --ignore build-assets.mjs -v 0
"$BIN/python" manage.py migrate --noinput -v 0
"$BIN/python" manage.py demo_setup >/dev/null
python3 docker/smtp_sink.py --smtp-port "$smtp_port" --http-port "$mail_port" >"$work/mail.log" 2>&1 &
pids+=($!)
"$BIN/gunicorn" --config docker/gunicorn.conf.py --bind "127.0.0.1:$port" --workers 2 \
  portal.wsgi:application >"$work/web.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A portal worker -Q celery,scrub --concurrency 2 -l info >"$work/worker.log" 2>&1 &
pids+=($!)
"$BIN/celery" -A portal beat -l info --schedule "$work/celerybeat-schedule" >"$work/beat.log" 2>&1 &
pids+=($!)

python3 docker/smoke.py --base-url "http://127.0.0.1:$port" --mail-url "http://127.0.0.1:$mail_port" \
  --manage "$BIN/python manage.py" --timeout "${SMOKE_TIMEOUT:-120}"
