"""A served process loads at start what its first clicks would otherwise pay for (the URLconf,
the validators' regular expressions, the site's templates, the precompiled queries), and
leaves no database connection open for gunicorn's forked workers to share. Checked in a fresh
interpreter that only imports the WSGI module, as gunicorn's master does."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SERVED = """
import json, sys
import factcheck.wsgi
from django.core.validators import URLValidator
from django.db import connections
from django.template import engines
from django.utils.functional import empty
from factcheck import precompiled

cache = engines["django"].engine.template_loaders[0].get_template_cache
print(json.dumps({
    "urlconf": "annotations.api.urls" in sys.modules,
    "url_regex": URLValidator.regex._wrapped is not empty,
    "workspace_template": "annotations/document_detail.html" in cache,
    "queries": len(precompiled._made),
    "queries_compiled": sum(bool(q._compiled) for q in precompiled._made),
    "open_connections": sum(c.connection is not None for c in connections.all()),
}))
"""


def test_the_wsgi_module_loads_what_the_first_requests_would():
    answer = subprocess.run(
        [sys.executable, "-c", SERVED],
        cwd=ROOT,
        env=os.environ | {"DJANGO_SETTINGS_MODULE": "factcheck.settings"},
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    loaded = json.loads(answer.stdout.strip().splitlines()[-1])
    assert loaded["urlconf"] and loaded["url_regex"] and loaded["workspace_template"]
    # The span create's, the document create's and the token's lookups, at least.
    assert loaded["queries"] >= 3
    assert loaded["queries_compiled"] == loaded["queries"]
    assert loaded["open_connections"] == 0
