"""The Celery app. Workers start with `celery -A factcheck worker` (see `make worker`)."""

import os

from celery import Celery
from celery.signals import worker_init

from factcheck.worker_priority import on_worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Lower the worker's CPU priority from the settings, whatever command line started it.
worker_init.connect(on_worker_init, dispatch_uid="factcheck.worker_priority")
