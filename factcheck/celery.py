"""The Celery app. Workers start with `celery -A factcheck worker` (see `make worker`)."""

import gc
import os

from celery import Celery
from celery.signals import worker_init, worker_process_init

from factcheck.worker_priority import on_worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

app = Celery("factcheck")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()
# Lower the worker's CPU priority from the settings, whatever command line started it.
worker_init.connect(on_worker_init, dispatch_uid="factcheck.worker_priority")


@worker_process_init.connect(dispatch_uid="factcheck.freeze_inherited_objects")
def freeze_inherited_objects(**_) -> None:
    """A pool process's garbage collections skip what it inherited from the worker (Django,
    the app, the task modules: ~100,000 objects, 50 ms a full collection here), and so leave
    those pages shared with its parent; as gunicorn.conf.py's pre_fork does for the web."""
    gc.freeze()
