# The portal's image: one image for every process (web, worker, beat, migrate), chosen by the
# command. Build and run the whole stack with `docker compose up --build`; see
# docs/operations.md.

# The two base images are build arguments. Everyone else gets the official images; a machine
# that cannot pull from a registry builds its own from Debian (docker/base/build.sh: debootstrap
# bookworm, Debian's Python 3.11 and Node.js) and passes them in:
#   --build-arg PYTHON_IMAGE=localhost/portal-base-python:bookworm
#   --build-arg NODE_IMAGE=localhost/portal-base-node:bookworm
# Either kind of base must give `python3` (3.11, with the venv module) or `node` and `npm`, and
# apt-get for Debian's packages.
ARG PYTHON_IMAGE=python:3.11-slim
ARG NODE_IMAGE=node:20-slim

# --- Stage 1: front-end assets ------------------------------------------------------------------
# Only npm runs here; nothing from this stage but the copied USWDS build reaches the final image.
FROM ${NODE_IMAGE} AS assets

WORKDIR /build
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY static/build-assets.mjs static/build-assets.mjs
# Writes static/vendor/uswds (CSS, JS, fonts, images and their source maps).
RUN npm run build


# --- Stage 2: the application -------------------------------------------------------------------
FROM ${PYTHON_IMAGE} AS app

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    DJANGO_SETTINGS_MODULE=portal.settings

# An unprivileged account to run every process. Fixed ids, so volume ownership stays stable
# across rebuilds and hosts.
RUN groupadd --system --gid 10001 portal \
 && useradd --system --uid 10001 --gid portal --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin portal

# ffmpeg strips metadata from tip-line videos (tips/scrub.py): without it every video is "could
# not be cleaned". postgresql-client gives pg_dump and pg_restore to `manage.py portal_backup` and
# `portal_restore` (15 on bookworm, newer on the official image: at least the PostgreSQL 15 that
# docker-compose.yml runs). From Debian's packages, whichever base.
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ffmpeg postgresql-client \
 && rm -rf /var/lib/apt/lists/* \
 && ffmpeg -hide_banner -version | head -n 1

# The application's packages go into a virtual environment, so the same steps work on the official
# image and on Debian's own Python (which refuses pip installs into the system, PEP 668). Its bin
# directory is first on PATH: `python`, `gunicorn` and `celery` are the venv's.
RUN python3 -m venv /opt/venv

WORKDIR /app

# Dependencies first: this layer is reused until requirements/base.txt changes. Every pinned
# package ships a manylinux wheel (psycopg2-binary, Pillow, rpds-py), so no compiler is needed.
COPY requirements/base.txt requirements/base.txt
RUN pip install -r requirements/base.txt

# The application (see .dockerignore for what stays out), then the assets built in stage 1.
# Owned by root and read-only for the portal user: the running process cannot change its code.
COPY . .
COPY --from=assets /build/static/vendor static/vendor

# The only places the portal user may write:
#   var/          the settings create it at import; beat keeps its schedule here (a volume in
#                 compose)
#   var/records/  record requests' encrypted files (RECORDS_FILE_ROOT; a volume in compose, which
#                 takes this directory's owner when Docker first creates it)
#   var/careers/  internship applicants' encrypted CVs (CAREERS_FILE_ROOT; a volume in compose)
#   media/        uploads: department logo, officer photos (a volume in compose)
RUN mkdir -p var/records var/careers media \
 && chown portal:portal var var/records var/careers media

# Static files are collected into the image (STATIC_ROOT=/app/staticfiles) and served by
# WhiteNoise with hashed, compressed names. DEBUG=0 is needed so the manifest storage is used;
# the settings refuse DEBUG=0 without a strong SECRET_KEY and ALLOWED_HOSTS, so this step gets
# a random throwaway key that exists only in this RUN's environment (never in a layer or ENV).
# The asset build script lives in static/ but is not a static file: it is left out.
RUN SECRET_KEY="$(python -c 'import secrets; print(secrets.token_urlsafe(64))')" \
    DEBUG=0 ALLOWED_HOSTS=x \
    python manage.py collectstatic --noinput --ignore build-assets.mjs

# Numeric, so Kubernetes-style runAsNonRoot checks can verify it (10001 is "portal").
USER 10001:10001

EXPOSE 8000

# No HEALTHCHECK here: the same image runs the Celery worker and beat, which serve no HTTP.
# docker-compose.yml gives the web service its check against /healthz/ready.

# Gunicorn's settings (workers, timeouts, and an access log that records no client IP
# addresses, because of the anonymous tip line) are in docker/gunicorn.conf.py.
CMD ["gunicorn", "--config", "docker/gunicorn.conf.py", "portal.wsgi:application"]
