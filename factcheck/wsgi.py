import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "factcheck.settings")

application = get_wsgi_application()

# Served: a request's after-answer work (a new document's search words and jobs) goes to a
# thread of the process's own, so a kept-alive connection takes its next request at once.
from factcheck.after_response import run_in_background  # noqa: E402 (after Django's setup)

run_in_background()

# What the first requests would otherwise load (the URLconf, validators' regular expressions,
# templates, the precompiled queries), loaded now: in gunicorn's master, before the fork.
from factcheck.warm_up import warm_up  # noqa: E402

warm_up()
