"""What a served process would otherwise do on its first requests, done once when it starts.

gunicorn imports the app in its master (preload) and forks every worker from it. Whatever
Django leaves for first use is then paid by a reviewer's click, in every new worker: when the
site starts, and each time gunicorn replaces a worker that outgrew GUNICORN_MAX_WORKER_MB after
a large import or export. Measured on a new worker (benchmarks/first_requests.py): its first
document create took about 100 ms, the next ones 12-32. Done here, in the master (0.4 s), the
workers inherit it. factcheck/wsgi.py calls warm_up().
"""

from __future__ import annotations

from pathlib import Path

from django.apps import apps
from django.db import connections
from django.template import engines
from django.urls import get_resolver

from factcheck.precompiled import compile_all


def warm_up() -> None:
    """Load what the first requests would."""
    _load_urlconf()
    _compile_validators()
    _compile_templates()
    compile_all()
    # Nothing above should need the database; if something did, its connection must not be
    # shared by the forked workers.
    connections.close_all()


def _load_urlconf() -> None:
    """Every view, serializer and form the URLconf imports (230 ms here), and the table
    `reverse` reads."""
    resolver = get_resolver()
    resolver.url_patterns  # noqa: B018 (imports the URLconf)
    resolver.reverse_dict  # noqa: B018 (fills the reverse table)


def _compile_validators() -> None:
    """The regular expressions of the models' validators, which Django compiles on their first
    use: URLValidator's alone took 60-90 ms, in the first document create (its source URL)."""
    validators = (
        validator
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        for validator in field.validators
    )
    for validator in validators:
        for name in dir(validator):
            if name.endswith("regex"):
                getattr(getattr(validator, name), "pattern", None)  # compiles it


def _compile_templates() -> None:
    """The site's own templates, which the cached loader compiles on their first render
    (73 ms for all of them here)."""
    for engine in engines.all():
        for folder in getattr(engine, "dirs", ()):
            root = Path(folder)
            for path in sorted(root.rglob("*.html")):
                engine.get_template(path.relative_to(root).as_posix())
