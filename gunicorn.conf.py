"""gunicorn's settings for the web process: `gunicorn -c gunicorn.conf.py factcheck.wsgi`, as
the Dockerfile, docker-compose.yml and the README run it. Each value below can be changed from
the environment (the README's settings table lists the variables) or on the command line.

Limits: gunicorn bounds the request line and the headers (limit_request_*); it has no limit
on a body. The body limit is Django's DATA_UPLOAD_MAX_MEMORY_SIZE (annotations.domain.bounds:
a document of 2,000,000 characters fits however it is written, a larger body gets a JSON 413),
and the API's imports stream their bodies up to 512 MB. A proxy in front must let both through
(nginx: client_max_body_size 512m on /api/v1/projects/*/documents/import/, 24m elsewhere).
"""

from __future__ import annotations

import multiprocessing
import os


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    if not raw:
        return default
    try:
        return int(raw)
    except ValueError:
        raise SystemExit(f"{name}={raw!r} is not a whole number.") from None


bind = os.environ.get("GUNICORN_BIND", "0.0.0.0:8000")

# Threads, not a sync worker a request: a streamed export of a large project or a large
# import outlives any sensible timeout, and gthread's timeout watches the worker, not the
# request. Workers from the cores (gunicorn's own advice, 2 x cores + 1), two threads each.
worker_class = "gthread"
workers = _int("GUNICORN_WORKERS", multiprocessing.cpu_count() * 2 + 1)
threads = _int("GUNICORN_THREADS", 2)
# A worker silent this long is restarted; a shutdown lets requests in flight finish this long.
timeout = _int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 30)
keepalive = 5
# Recycle workers now and then: a large import or export leaves a worker's memory high.
max_requests = _int("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = max_requests // 10

# The request line holds the longest URL the site makes (a filtered export, an admin list
# with its filters): 8190 is gunicorn's maximum. Headers: a session cookie, a token, a proxy's
# X-Forwarded-*; nothing needs more than gunicorn's defaults.
limit_request_line = 8190
limit_request_fields = 100
limit_request_field_size = 8190

# Who may say, in X-Forwarded-For/-Proto, where a request came from: the proxy in front only.
# Django reads the scheme from SECURE_PROXY_SSL_HEADER (settings), which has the same rule.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")

accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
