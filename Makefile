# The README's two commands are `make run` and `make test`; the rest serve them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py
PORT ?= 8000

.PHONY: run test test-browser lint format bench bench-all bench-tips bench-parking bench-records \
	bench-programs bench-snow assets messages deploy-check install install-dev clean smoke \
	smoke-local base-images

# Links in the demo's e-mails (printed to the console) point at the port the portal runs on.
run: export PORTAL_BASE_URL ?= http://127.0.0.1:$(PORT)
run: install assets  ## a working portal with demo data on http://127.0.0.1:$(PORT)
	$(MANAGE) migrate --noinput
	$(MANAGE) demo_setup --users
	@echo
	@echo "  The portal:      http://127.0.0.1:$(PORT)/   (Spanish: http://127.0.0.1:$(PORT)/es/)"
	@echo "  Staff back office: http://127.0.0.1:$(PORT)/admin/  with the accounts above"
	@echo
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: install-dev assets  ## the whole suite (set DATABASE_URL and REDIS_URL for the real services)
	env -u DATABASE_URL $(MANAGE) makemigrations --check --dry-run
	$(BIN)/pytest $(PYTEST_ARGS)

test-browser: install-dev assets
	$(BIN)/pytest -m browser $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

bench: install-dev assets  ## load figures for the home page beside a bare view (needs PostgreSQL, wrk)
	$(BIN)/python bench/run.py
	@echo "Each feature has its own benchmark: make $(addprefix bench-,$(BENCH_APPS))"
	@echo "(or make bench-all for this one and all of them; see bench/README.md)"

# The feature apps' benchmarks (bench/<app>.py), one target each; bench-all runs them all in turn,
# after `make bench`, and stops at the first that fails (make -k bench-all goes on).
BENCH_APPS := tips parking records programs retention
$(addprefix bench-,$(BENCH_APPS)): bench-%: install-dev assets
	$(BIN)/python bench/$*.py

bench-all: bench $(addprefix bench-,$(BENCH_APPS))

# The snow emergency evening end to end, on a stack of its own (bench/snow_night.py). A short run:
# make bench-snow SNOW_ARGS="--scale 0.05 --idle 15"
bench-snow: install-dev assets
	$(BIN)/python bench/snow_night.py $(SNOW_ARGS)

# Production mode with ALLOWED_HOSTS and throwaway values for every secret it requires: those
# `manage.py portal_secrets` makes from the keyring registry (portal/services/encryption.py).
deploy-check: install  ## what production mode says about itself
	secrets="$$(DEBUG=1 $(MANAGE) portal_secrets)" && \
	env $$secrets DEBUG=0 ALLOWED_HOSTS=portal.example.org \
	$(MANAGE) check --deploy --fail-level WARNING

# The image and the whole stack (docker-compose.yml plus an SMTP sink), checked end to end: a tip
# with a photo and a records request go in, the worker's mail comes out (docker/smoke.sh; needs
# Docker Compose v2 or podman-compose). SMOKE_LOCAL_BASE=1 builds on the base images that
# `make base-images` makes from Debian; see docs/operations.md, "The smoke check".
smoke:
	docker/smoke.sh

# The same check without containers: gunicorn, a worker and beat on DATABASE_URL and REDIS_URL.
smoke-local: install assets
	docker/smoke-local.sh

# Base images from Debian (debootstrap; as root), for a machine that cannot pull from a registry.
base-images:
	docker/base/build.sh

messages: install-dev  ## refresh the translation catalogs after changing strings
	$(MANAGE) makemessages -l es --no-obsolete --add-location=file $(MESSAGES_IGNORE)
	$(MANAGE) compilemessages -l es $(MESSAGES_IGNORE)

MESSAGES_IGNORE := --ignore=node_modules --ignore=static --ignore=tests --ignore=bench \
	--ignore=var --ignore=media --ignore=staticfiles --ignore=.venv

assets: static/vendor/uswds/.built

static/vendor/uswds/.built: package.json package-lock.json static/build-assets.mjs
	npm ci --no-audit --no-fund --loglevel=error
	npm run --silent build
	touch $@

install: $(VENV)/.installed-base
install-dev: $(VENV)/.installed-dev

$(VENV)/bin/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.installed-base: requirements/base.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements/base.txt
	touch $@

$(VENV)/.installed-dev: requirements/dev.txt | $(VENV)/bin/python
	$(BIN)/pip install --quiet -r requirements/dev.txt
	touch $@ $(VENV)/.installed-base

lock:  ## re-pin requirements/*.txt from pyproject.toml
	$(BIN)/pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml -q -o requirements/base.txt
	$(BIN)/uv pip compile pyproject.toml --extra dev -q -o requirements/dev.txt

clean:
	rm -rf $(VENV) node_modules static/vendor staticfiles var
