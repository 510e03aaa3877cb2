#!/usr/bin/env bash
# Web server, Celery worker and Celery beat together; Ctrl-C stops all three.
set -euo pipefail
PY=.venv/bin/python
trap 'kill $(jobs -p) 2>/dev/null || true' EXIT INT TERM
.venv/bin/celery -A okazaki_vax worker --loglevel=INFO --concurrency=2 &
.venv/bin/celery -A okazaki_vax beat --loglevel=INFO &
echo
echo "岡崎市 予防接種記録システム: http://127.0.0.1:8000"
$PY manage.py demo_logins
echo
$PY manage.py runserver 127.0.0.1:8000
