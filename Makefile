# Two commands do everything on a fresh machine:
#   make run   – venv, packages, database, migrations, demo city, then web + worker + beat on :8000
#   make test  – the whole suite against the real PostgreSQL and Redis
SHELL := /bin/bash
PY := .venv/bin/python
PIP := .venv/bin/pip
DEMO_RESIDENTS ?= 20000

.PHONY: run test lint typecheck sysdeps services db migrate seed bench clean-venv

.venv/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv .venv
	$(PIP) install -q --upgrade pip
	$(PIP) install -q -e '.[dev]'
	touch $@

.env:
	python3 scripts/make_env.py .env

sysdeps:
	bash scripts/sysdeps.sh

services:
	bash scripts/services.sh

db: .venv/.installed .env services
	$(PY) manage.py ensure_database

migrate: db
	$(PY) manage.py migrate --noinput

seed: migrate
	$(PY) manage.py seed_demo --if-empty --residents $(DEMO_RESIDENTS)

run: sysdeps seed
	bash scripts/run.sh

lint: .venv/.installed
	.venv/bin/ruff check --output-format concise .

typecheck: .venv/.installed .env
	.venv/bin/mypy

test: sysdeps .venv/.installed .env services lint typecheck
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) -m pytest

bench: sysdeps .venv/.installed .env services
	$(PY) manage.py bench --json
