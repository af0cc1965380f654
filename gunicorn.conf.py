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

import gc
import multiprocessing
import os
import resource
import sys


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
# The app is imported once, in the master, and each worker is a fork of it: a worker starts
# in milliseconds instead of the ~1.8 s of CPU an import of Django and the app costs, and the
# workers share the pages the import made. (A HUP reloads this file but not the app's code:
# restart the master, as a new container does, to serve new code.)
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").strip().lower() not in {"0", "false", "no"}


def pre_fork(server, worker) -> None:  # gunicorn calls it in the master before each fork
    # What the master holds by now (Django, the app, its URL, serializer and model tables:
    # ~100,000 objects after the preload) lives as long as any worker. Frozen, a worker's full
    # garbage collection no longer walks it (60 ms a collection here, taken inside whichever
    # request triggers it: benchmarks/gc_pauses.py), and it stops writing to those objects'
    # shared pages, which the workers then keep sharing.
    gc.freeze()


# A worker is recycled once its memory grew past GUNICORN_MAX_WORKER_MB (a large import or
# export can leave a worker's heap high; Python seldom gives it back), checked after each
# request; not after a count of requests, which made a busy site pay a worker's start every
# few seconds. GUNICORN_MAX_REQUESTS (0: never) recycles after that many requests as well.
MAX_WORKER_MB = _int("GUNICORN_MAX_WORKER_MB", 512)
max_requests = _int("GUNICORN_MAX_REQUESTS", 0)
max_requests_jitter = max_requests // 10


def _peak_resident_mb() -> float:
    """This process's largest resident size so far (Linux reports KB, macOS bytes)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1 << 20) if sys.platform == "darwin" else peak / 1024


def post_request(worker, req, environ, resp) -> None:  # gunicorn calls it after each request
    if worker.alive and _peak_resident_mb() > MAX_WORKER_MB:
        worker.log.info(
            "Recycling worker %s: it reached %.0f MB (GUNICORN_MAX_WORKER_MB=%s)",
            worker.pid,
            _peak_resident_mb(),
            MAX_WORKER_MB,
        )
        # gunicorn's own way to end a worker gracefully: it finishes the requests in flight,
        # exits, and the master starts another.
        worker.alive = False


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
