"""The Celery application: workers run batch extraction, notice generation and linkage feeds."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "okazaki_vax.settings")

app = Celery("okazaki_vax")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
