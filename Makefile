# Two commands matter: `make run` and `make test`. Everything else is for developers and CI.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
HOST ?= 127.0.0.1
PORT ?= 8000
DEMO_PROVINCES ?= 67,81,10,50
# Development defaults; production sets real values in the environment (see README).
export DEBUG ?= 1
export SECURE ?= 0

.PHONY: run test install lint format deploy-check messages clean backup restore cluster-test bench surge upgrade-check

$(VENV)/.installed: requirements.txt requirements-dev.txt
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	touch $@

install: $(VENV)/.installed

# The demo is served as production serves the portal: DEBUG off, so a missing page or an error
# shows the portal's own Thai pages, never Django's debug pages; plain HTTP on loopback only.
# Only the seeding step runs with DEBUG on: demo users (public password) need it.
RUN_ENV = DEBUG=0 SECURE=0 ALLOWED_HOSTS=$(HOST),localhost SECRET_KEY="$$(cat var/secret_key)"

# A secret key made once per checkout and kept out of git (var/ is ignored).
var/secret_key:
	mkdir -p var
	umask 077 && $(PY) -c 'import secrets; print(secrets.token_urlsafe(64))' > $@

run: install var/secret_key
	DEBUG=1 $(PY) manage.py migrate --noinput
	DEBUG=1 $(PY) manage.py seed_demo --provinces $(DEMO_PROVINCES)
	$(RUN_ENV) $(PY) manage.py collectstatic --noinput --verbosity 0
	@echo "Serving on http://$(HOST):$(PORT)/  (Ctrl+C to stop)"
	@# A task worker (exports, large imports) runs beside the web server and stops with it.
	$(RUN_ENV) $(PY) manage.py db_worker --no-reload & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(RUN_ENV) $(VENV)/bin/gunicorn lgdata.wsgi --bind $(HOST):$(PORT) --workers 2 --threads 4 --keep-alive 20 --access-logfile -

test: install
	$(PY) -m pytest -q $(PYTEST_ARGS)

# The portal on several machines, on loopback: a PostgreSQL primary and a streaming replica
# (pg_basebackup), PgBouncer, two gunicorn app servers behind nginx, two task workers and Redis;
# clerks, officers, an export and an import through nginx while an app server restarts
# (deploy/cluster/cluster_test.py, docs/DEPLOYMENT.md). KEEP=1 keeps its directory and logs.
cluster-test: install
	$(PY) deploy/cluster/cluster_test.py

# The upgrade across the merged migrations on PostgreSQL (deploy/upgrade_check.py): a database
# of the last release with the original migrations must need nothing more and equal a new one.
upgrade-check: install
	$(PY) deploy/upgrade_check.py

# Backups of the database DATABASE_URL names: pg_dump for PostgreSQL, the online backup API for
# SQLite. `make backup` writes var/backups/lgdata-<UTC time>.dump|sqlite3 (or FILE=…);
# `make restore FILE=…` replaces every table with the backup's.
backup: install
	$(PY) manage.py backup_database $(FILE)

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/lgdata-….dump"; exit 2; }
	$(PY) manage.py restore_database "$(FILE)" --yes
	$(PY) manage.py database_checksums > var/restored-checksums.json
	@echo "Row counts and checksums of every table: var/restored-checksums.json"

# Every bench/ script on SQLite and PostgreSQL, on one national dataset built once per database;
# one table, also written into docs/PERFORMANCE.md. BENCH_ARGS=--quick for a smoke run.
bench: install
	$(PY) -m bench.run_all --doc docs/PERFORMANCE.md $(BENCH_ARGS)

# The deadline surge: locust against gunicorn + PostgreSQL with national data (bench/surge.py).
# SURGE_USERS=30 SURGE_STEADY=60 for a smoke run; SURGE_WORKERS, SURGE_THREADS, ... to tune.
surge: install
	$(PY) -m bench.surge

lint: install
	mkdir -p var
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

format: install
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

deploy-check: install
	DEBUG=0 SECURE=1 ALLOWED_HOSTS=lgdata.example.go.th \
	SECRET_KEY=$$($(PY) -c 'import secrets; print(secrets.token_urlsafe(64))') \
	$(PY) manage.py check --deploy --fail-level WARNING

messages: install
	$(PY) manage.py makemessages --locale th --ignore '.venv/*' --ignore 'var/*' --no-obsolete
	$(PY) manage.py compilemessages --locale th --ignore '.venv/*'

clean:
	rm -rf $(VENV) var
