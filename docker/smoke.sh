#!/usr/bin/env bash
# `make smoke`: build the image, start the whole stack (docker-compose.yml plus
# docker/compose.smoke.yml's SMTP sink) under its own project name, run docker/smoke.py against
# it, and take it down again (volumes too) unless SMOKE_KEEP=1. Exit status: the smoke check's.
#
# Works with Docker Compose v2 (`docker compose`) or podman-compose; COMPOSE="..." picks one.
# Secrets: whatever the environment or .env gives, else throw-away ones that `manage.py
# portal_secrets` makes in the image just built (every secret the keyring registry lists).
# Base images: PYTHON_IMAGE, NODE_IMAGE, POSTGRES_IMAGE, REDIS_IMAGE as for docker-compose.yml;
# SMOKE_LOCAL_BASE=1 uses the ones docker/base/build.sh makes from Debian.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${COMPOSE:-}" ]; then
  if docker compose version >/dev/null 2>&1; then
    COMPOSE="docker compose"
  elif command -v podman-compose >/dev/null; then
    COMPOSE="podman-compose"
  else
    echo "smoke: needs Docker Compose v2 or podman-compose (pip install podman-compose)" >&2
    exit 2
  fi
fi
if [ "${SMOKE_LOCAL_BASE:-0}" = 1 ]; then
  export PYTHON_IMAGE=localhost/portal-base-python:bookworm NODE_IMAGE=localhost/portal-base-node:bookworm
  export POSTGRES_IMAGE=localhost/portal-postgres:bookworm REDIS_IMAGE=localhost/portal-redis:bookworm
fi

export PORT="${SMOKE_PORT:-8000}" SMOKE_MAIL_PORT="${SMOKE_MAIL_PORT:-8025}"

project="${SMOKE_PROJECT:-police-portal-smoke}"
# shellcheck disable=SC2206
compose=($COMPOSE -p "$project" -f docker-compose.yml -f docker/compose.smoke.yml)

given() {  # name: set by the environment or by .env (which Compose reads itself)
  [ -n "${!1:-}" ] || grep -q "^$1=" .env 2>/dev/null
}
# Compose reads the whole file even to build, and refuses while a variable it requires
# (${NAME:?…}) is unset: until the secrets are made, a placeholder stands in for each one missing.
placeholders=()
for name in $(grep -oE '\$\{[A-Z][A-Z0-9_]*:\?' docker-compose.yml | sed -E 's/^\$\{//; s/:\?$//' | sort -u); do
  given "$name" || placeholders+=("$name=placeholder-until-the-secrets-are-made")
done

finish() {
  status=$?
  if [ "$status" != 0 ]; then
    env "${placeholders[@]}" "${compose[@]}" ps || true
    env "${placeholders[@]}" "${compose[@]}" logs --tail 40 migrate web worker scrubber mail || true
  fi
  if [ "${SMOKE_KEEP:-0}" != 1 ]; then
    env "${placeholders[@]}" "${compose[@]}" down --volumes >/dev/null 2>&1 || true
  fi
  exit "$status"
}
trap finish EXIT

started=$SECONDS
env "${placeholders[@]}" "${compose[@]}" build web
echo "smoke: image built in $((SECONDS - started))s"
# In development mode (DEBUG=1), where the command needs no secret.
secrets="$(env "${placeholders[@]}" "${compose[@]}" run --rm --no-deps -T -e DEBUG=1 migrate \
  python manage.py portal_secrets)"
while read -r line; do
  # NAME=value as printed (`read` with IFS='=' would drop a key's final "=").
  given "${line%%=*}" || export "$line"
done < <(grep -E '^[A-Z][A-Z0-9_]*=' <<<"$secrets")
placeholders=()
wait_for() {  # what, command...
  local what="$1"
  shift
  for _ in $(seq 1 90); do
    "$@" >/dev/null 2>&1 && return 0
    sleep 2
  done
  echo "smoke: $what did not come up" >&2
  return 1
}

if [[ "$COMPOSE" == *podman-compose* ]]; then
  # podman-compose cannot honour the file's start order on Podman before 4.6: it does not wait
  # for "service_healthy" (Podman's health checks need systemd timers), and Podman refuses to
  # start a container that --requires one that has exited (migrate). So: the services, then the
  # one-shot migration, then the application, each step waiting for the last.
  "${compose[@]}" up -d --no-deps db redis mail
  wait_for PostgreSQL "${compose[@]}" exec -T db pg_isready -h 127.0.0.1 -U portal -d portal
  wait_for Redis "${compose[@]}" exec -T redis redis-cli ping
  "${compose[@]}" run --rm --no-deps migrate
  "${compose[@]}" up -d --no-deps web worker scrubber beat
else
  "${compose[@]}" up -d
fi
python3 docker/smoke.py \
  --base-url "http://127.0.0.1:$PORT" \
  --mail-url "http://127.0.0.1:$SMOKE_MAIL_PORT" \
  --manage "${compose[*]} exec -T web python manage.py" \
  --timeout "${SMOKE_TIMEOUT:-300}"

# Redis keeps nothing on disk: no snapshots, no append-only file (the throttles' keys are hashes
# of tipsters' addresses and must expire with their window).
save="$("${compose[@]}" exec -T redis redis-cli config get save 2>/dev/null | sed -n 2p | tr -d '\r')"
appendonly="$("${compose[@]}" exec -T redis redis-cli config get appendonly 2>/dev/null | sed -n 2p | tr -d '\r')"
if [ -n "$save" ] || [ "$appendonly" != no ]; then
  echo "smoke: FAILED: Redis persists (save '$save', appendonly '$appendonly')" >&2
  exit 1
fi
echo "[smoke] Redis persists nothing (save '', appendonly no)"
