"""Settings, read from the environment. Every variable is listed in .env.example.

*Local mode* is asked for with FACTCHECK_LOCAL=true, which `make run` sets: an embedded SQLite
file, Celery tasks in-process, DEBUG on, demo accounts allowed. It reads no .env file, so a .env
written for a configured stack cannot turn `make run` into something else.

Otherwise the environment (and .env, if present) decides. DATABASE_URL (PostgreSQL) and REDIS_URL
(or CELERY_BROKER_URL) select the real stack, as docker-compose.yml and the tests do; without
DATABASE_URL the database is the SQLite file. DEBUG is off unless DEBUG=true, and without DEBUG
SECRET_KEY is required: a container started with nothing set stops with a message instead of
serving with DEBUG on.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from kombu import Queue

from annotations.domain.bounds import MAX_BODY_BYTES
from annotations.domain.publishing import TemplateInvalid, check_review_url_template

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off"}


def env_bool(name: str, *, default: bool) -> bool:
    """A boolean that refuses anything but true/false/1/0/yes/no/on/off, instead of guessing."""
    raw = env.str(name, default="").strip().lower()
    if raw == "":
        return default
    if raw in _TRUE | _FALSE:
        return raw in _TRUE
    raise ImproperlyConfigured(f"{name}={raw!r} is not a boolean; use true or false.")


def _env_whole(name: str, default: int, *, least: int, most: int | None, what: str) -> int:
    """A whole number from `least` to `most` (None: no bound); anything else stops start-up."""
    raw = env.str(name, default=str(default)).strip()
    if not raw.isdigit() or int(raw) < least or (most is not None and int(raw) > most):
        raise ImproperlyConfigured(f"{name}={raw!r} is not {what}.")
    return int(raw)


def env_positive_int(name: str, *, default: int) -> int:
    return _env_whole(name, default, least=1, most=None, what="a whole number above zero")


def env_niceness(name: str, *, default: int) -> int:
    """A CPU niceness, 0 (as the web server) to 19 (only what others leave)."""
    return _env_whole(name, default, least=0, most=19, what="a niceness from 0 to 19")


def env_count(name: str, *, default: int) -> int:
    return _env_whole(name, default, least=0, most=None, what="a whole number (0 or more)")


def cores() -> int:
    """The cores this process may run on (a container's or taskset's share, where set)."""
    if hasattr(os, "sched_getaffinity"):
        return len(os.sched_getaffinity(0))
    return os.cpu_count() or 1


def env_url(name: str) -> str:
    """An http(s) address, or "" when unset; anything else stops start-up."""
    raw = env.str(name, default="").strip()
    parts = urlsplit(raw)
    if raw and (parts.scheme not in ("http", "https") or not parts.netloc):
        raise ImproperlyConfigured(f"{name}={raw!r} is not an http or https address.")
    return raw


def env_proxy_ssl_header(name: str) -> tuple[str, str] | None:
    """The header a TLS-terminating proxy sets, as Django wants it: "X-Forwarded-Proto" (or
    "X-Forwarded-Proto: https") becomes ("HTTP_X_FORWARDED_PROTO", "https"); unset, None."""
    raw = env.str(name, default="").strip()
    if not raw:
        return None
    header, _, value = raw.partition(":")
    header, value = header.strip(), value.strip() or "https"
    if not header.replace("-", "").isalnum():
        raise ImproperlyConfigured(f"{name}={raw!r} is not a header name (X-Forwarded-Proto).")
    return "HTTP_" + header.upper().replace("-", "_"), value


def env_review_url_template(name: str) -> str:
    """A fact-check article address template (annotations.domain.publishing), or ""."""
    try:
        return check_review_url_template(env.str(name, default=""))
    except TemplateInvalid as exc:
        raise ImproperlyConfigured(f"{name}: {exc}") from None


# Read from the real environment only: whether to read .env depends on it.
LOCAL_MODE = env_bool("FACTCHECK_LOCAL", default=False)
# A developer's .env is read if present, outside local mode; real environment variables win.
if not LOCAL_MODE and (BASE_DIR / ".env").exists():
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DATABASE_URL = env.str("DATABASE_URL", default="")
if LOCAL_MODE and DATABASE_URL:
    raise ImproperlyConfigured(
        "FACTCHECK_LOCAL=true is the embedded site on SQLite (make run), but DATABASE_URL is set. "
        "Unset DATABASE_URL for local mode, or FACTCHECK_LOCAL for the configured stack."
    )

DEBUG = env_bool("DEBUG", default=LOCAL_MODE)

SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. Set the SECRET_KEY environment variable to a long random "
            "string (python -c 'import secrets; print(secrets.token_urlsafe(50))'). "
            "Only DEBUG may run without one: `make run` serves the local demo site, "
            "and DEBUG=true is for development by hand."
        )
    SECRET_KEY = "local-mode-only-insecure-key-do-not-deploy"

ALLOWED_HOSTS = env.list(
    "ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"] if DEBUG else []
)
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "annotations",
    "accounts",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before the session and CSRF read anything: refuses what the database cannot store and a
    # form body over the limit, and answers the database's loss (annotations.boundary).
    "annotations.boundary.middleware.BoundaryMiddleware",
    # Django's and django-csp's own; those from factcheck.middleware are passed by for a
    # request to the JSON API with an API token, which needs none of them. Not the session's
    # and CSRF's: Django's deploy checks look for them by name, and they cost little here.
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "factcheck.middleware.AuthenticationMiddleware",
    "factcheck.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "factcheck.middleware.CSPMiddleware",
]

ROOT_URLCONF = "factcheck.urls"
WSGI_APPLICATION = "factcheck.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

if DATABASE_URL:
    DATABASES = {"default": env.db_url_config(DATABASE_URL)}
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured(
            f"DATABASE_URL must point at PostgreSQL (postgres://...), got "
            f"{DATABASES['default']['ENGINE']!r}. Leave it unset for the embedded SQLite file."
        )
    # Ten minutes: a web thread's connection outlives a reviewer's pause to read. At 60 s the
    # first clicks after a quiet minute each paid a new connection and a cold backend (16.4 ms
    # at p50 against 7.9, benchmarks/quiet_minute.py).
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
else:
    SQLITE_PATH = Path(env.str("SQLITE_PATH", default=str(BASE_DIR / "var" / "factcheck.sqlite3")))
    SQLITE_PATH.parent.mkdir(parents=True, exist_ok=True)
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": SQLITE_PATH}}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Every password check counts failed logins (accounts/throttle.py); nothing else logs people in.
AUTHENTICATION_BACKENDS = ["accounts.backends.ThrottledModelBackend"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "project-list"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(BASE_DIR / "staticfiles")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from STATICFILES_DIRS while developing, so `make run` needs no collectstatic.
WHITENOISE_USE_FINDERS = DEBUG

SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", default=not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# HTTPS: a site whose cookies are HTTPS-only redirects plain HTTP there too, unless told not to.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=SESSION_COOKIE_SECURE)
# HSTS is sticky in browsers (for its whole max-age): off until the deployment asks for it.
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", default=False)
# Behind a proxy that terminates TLS: the header that says the original request was HTTPS.
# Only set it when the proxy always sets (or strips) that header: a client could send it too.
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# One bound for a body read whole (an API JSON body, a page's form): a document of the API's
# 2,000,000 characters fits however it is written (annotations.domain.bounds). Larger bodies
# get a 413 saying the limit. Uploaded files and the API's streamed imports are not held in
# memory and have their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = MAX_BODY_BYTES

# Pages carry no inline script: everything runs from static ES modules.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

REST_FRAMEWORK = {
    # Token first: an anonymous API client is told 401 with a WWW-Authenticate challenge.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "accounts.authentication.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": [
        "annotations.api.renderers.ORJSONRenderer",
        *(["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
    ],
    # DRF's JSON parser with the nesting and storability bounds (annotations/api/parsers.py).
    "DEFAULT_PARSER_CLASSES": ["annotations.api.parsers.BoundedJSONParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "annotations.api.errors.exception_handler",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Fact-check annotations API",
    "DESCRIPTION": (
        "Documents, spans (CLAIM, QUOTE, OPINION) and verdicts. Offsets are Unicode code points "
        "of the stored (NFC) text, end exclusive; every span carries its exact text and the "
        "server refuses one whose text differs from document.text[start:end]."
    ),
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # A PATCH body is validated as declared (its required fields, like `version`, stay required).
    "COMPONENT_SPLIT_PATCH": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Every operation's error answers (400, 401, 403, 404, 409, 429), stated once.
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "annotations.api.schema.document_error_responses",
    ],
    # An id in a path is a number (annotations.converters): say so, with its bounds.
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 0, "maximum": 10**18 - 1},
    },
}

# The cache holds the failed-login counts, so every web process must share it: Redis when
# REDIS_URL (or CACHE_URL) is set, this process's memory otherwise (local mode: one process).
# "local" is where the counts go while Redis is unreachable (per process, but never none).
CACHE_URL = env.str("CACHE_URL", default=env.str("REDIS_URL", default=""))
if CACHE_URL and urlsplit(CACHE_URL).scheme not in ("redis", "rediss", "unix"):
    raise ImproperlyConfigured(f"CACHE_URL={CACHE_URL!r} is not a redis:// address.")
_LOCAL_CACHE = {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "factcheck",
        # A stopped or hung Redis costs a login a second at most, never the request.
        "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
    }
    if CACHE_URL
    else _LOCAL_CACHE | {"LOCATION": "default"},
    "local": _LOCAL_CACHE | {"LOCATION": "local"},
}

# Failed logins (wrong password or unknown account) allowed per account and per client address
# within the window (seconds), on the API token endpoint, the site login and the admin login; the
# next one is refused (429, Retry-After) before the password is checked. Behind a proxy, say how
# many proxies append to X-Forwarded-For, or every client counts as the proxy's address.
LOGIN_FAILURE_LIMIT_PER_ACCOUNT = env_positive_int("LOGIN_FAILURE_LIMIT_PER_ACCOUNT", default=10)
LOGIN_FAILURE_LIMIT_PER_ADDRESS = env_positive_int("LOGIN_FAILURE_LIMIT_PER_ADDRESS", default=10)
LOGIN_FAILURE_WINDOW = env_positive_int("LOGIN_FAILURE_WINDOW", default=60)
LOGIN_TRUSTED_PROXIES = env.int("LOGIN_TRUSTED_PROXIES", default=0)
# API tokens expire this many days after they are issued (POST /api/v1/auth/token/).
API_TOKEN_LIFETIME_DAYS = env_positive_int("API_TOKEN_LIFETIME_DAYS", default=30)

# Celery. With no broker configured (local mode) tasks run in-process, so one command works.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default=REDIS_URL)
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
# Job status lives on our own SuggestionRun rows, not in a result backend.
CELERY_TASK_IGNORE_RESULT = True
# Fail fast when the broker is down: the import has committed and the run stays visibly queued.
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("CELERY_BROKER_CONNECTION_TIMEOUT", default=2.0)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
    # A message a worker took and never acknowledged (the worker was killed) goes back to the
    # queue after this many seconds. A job still running that long is not run twice: the second
    # delivery finds it held (annotations.services.import_jobs) and waits.
    "visibility_timeout": env.int("CELERY_VISIBILITY_TIMEOUT", default=3600),
}
CELERY_TIMEZONE = TIME_ZONE
# Two queues: "celery" for what a person just did (one article's suggestions, its story, a
# retrain, the sweeps) and BULK_TASK_QUEUE for the per-document jobs a bulk import fans out (a
# thousand suggestion runs). A worker started without -Q consumes both; in production run one
# worker per queue (make worker, docker-compose.yml).
CELERY_TASK_DEFAULT_QUEUE = "celery"
BULK_TASK_QUEUE = env.str("BULK_TASK_QUEUE", default="bulk")
# The CPU priority a worker gives itself at start, whatever command line starts it
# (factcheck.worker_priority): a worker that takes the bulk queue (a plain `celery worker` takes
# both) runs at BULK_WORKER_NICENESS, so an import's jobs use only the CPU the web processes
# leave; a worker of the default queue alone at WORKER_NICENESS, just below the web server.
# Levels, not steps: a worker started under `nice` at that level or above keeps its own.
WORKER_NICENESS = env_niceness("WORKER_NICENESS", default=5)
BULK_WORKER_NICENESS = env_niceness("BULK_WORKER_NICENESS", default=19)
# A worker that takes the bulk queue also runs under Linux's SCHED_IDLE policy: it gives the CPU
# to a web process the moment one wakes, where niceness alone lets it finish its slice first.
BULK_WORKER_SCHED_IDLE = env_bool("BULK_WORKER_SCHED_IDLE", default=True)
# ... and runs at most this many jobs at once, whatever its --concurrency asks: by default one
# core fewer than its machine has (at least one), so a core is always left to the web processes
# and their database work (SCHED_IDLE alone still let two jobs' processes slow every click by
# about half on two cores). 0: no cap, for a worker on a machine of its own.
BULK_WORKER_MAX_PROCESSES = env_count("BULK_WORKER_MAX_PROCESSES", default=max(1, cores() - 1))
CELERY_TASK_QUEUES = (
    Queue(CELERY_TASK_DEFAULT_QUEUE, routing_key=CELERY_TASK_DEFAULT_QUEUE),
    Queue(BULK_TASK_QUEUE, routing_key=BULK_TASK_QUEUE),
)
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BEAT_SCHEDULE = {
    # Re-queue suggestion runs the broker never got, or whose worker died (`celery beat`).
    "sweep-suggestion-runs": {
        "task": "annotations.sweep_suggestion_runs",
        "schedule": env.float("SUGGESTION_SWEEP_SECONDS", default=60.0),
    },
    # Re-queue the story job of documents it never signed (broker down, worker killed).
    "sweep-story-proposals": {
        "task": "annotations.sweep_story_proposals",
        "schedule": env.float("SUGGESTION_SWEEP_SECONDS", default=60.0),
    },
    # Ask again for story comparisons never done (broker down, worker killed).
    "sweep-story-comparisons": {
        "task": "annotations.sweep_story_comparisons",
        "schedule": env.float("SUGGESTION_SWEEP_SECONDS", default=60.0),
    },
    # Match the CLAIMs tagged since their document's last claim check.
    "sweep-claim-checks": {
        "task": "annotations.sweep_claim_checks",
        "schedule": env.float("SUGGESTION_SWEEP_SECONDS", default=60.0),
    },
    # Hand over again import jobs the broker never got, or whose worker died.
    "sweep-import-jobs": {
        "task": "annotations.sweep_import_jobs",
        "schedule": env.float("SUGGESTION_SWEEP_SECONDS", default=60.0),
    },
}
# Compare claims across articles with the sentence encoder too (when the ml extra is installed):
# on by default in a worker; off when tasks run in the web process (local mode), which must not
# load the model.
COMPARE_WITH_ENCODER = env_bool("COMPARE_WITH_ENCODER", default=not CELERY_TASK_ALWAYS_EAGER)
# A queued run handed to the broker this long ago and still not started is handed over again.
SUGGESTION_RUN_LOST_AFTER = env.int("SUGGESTION_RUN_LOST_AFTER", default=600)

# Import jobs: where uploads wait for the worker (web and worker must both see this directory:
# docker-compose.yml shares a volume), and how long one import may run (a 512 MB file takes
# many minutes; the other tasks keep CELERY_TASK_TIME_LIMIT).
IMPORT_UPLOAD_DIR = Path(
    env.str("IMPORT_UPLOAD_DIR", default=str(BASE_DIR / "var" / "media" / "uploads"))
)
IMPORT_JOB_TIME_LIMIT = env.int("IMPORT_JOB_TIME_LIMIT", default=6 * 3600)
# How long the upload's request waits for its job to end before it answers 202 with the job
# to poll: a file the worker imports within this answers 201 (done) or 400 (refused) with the
# import's report, as a synchronous import would. A client's `Prefer: wait=N` asks for less,
# `Prefer: respond-async` for none. 0: always 202 at once.
IMPORT_ANSWER_WAIT_SECONDS = env.float("IMPORT_ANSWER_WAIT_SECONDS", default=30.0)

# Learned suggesters: where model files live (never in the repository), and how many new
# decisions (spans, accepted or rejected suggestions) of a label trigger a retrain.
SUGGESTER_MODEL_DIR = Path(env.str("SUGGESTER_MODEL_DIR", default=str(BASE_DIR / "var" / "models")))
RETRAIN_AFTER_DECISIONS = env.int("RETRAIN_AFTER_DECISIONS", default=50)
# What CLAIM and OPINION models learn from: "tfidf", or "tfidf+embeddings" (needs the ml extra;
# better on held-out debates and articles, but encoding a 5,000-character article costs about
# half a second of worker CPU, the whole budget of a run: benchmarks/suggest_quality.py).
SUGGESTER_FEATURES = env.str("SUGGESTER_FEATURES", default="tfidf")
if SUGGESTER_FEATURES not in ("tfidf", "tfidf+embeddings"):
    raise ImproperlyConfigured("SUGGESTER_FEATURES is 'tfidf' or 'tfidf+embeddings'.")

# ClaimReview: who publishes the desk's fact checks, and where each one's article is. A
# project's own fields win over these; with neither, the export names the project and points
# at our own (login-only) pages, which a publisher cannot post.
CLAIMREVIEW_PUBLISHER_NAME = env.str("CLAIMREVIEW_PUBLISHER_NAME", default="").strip()
CLAIMREVIEW_PUBLISHER_URL = env_url("CLAIMREVIEW_PUBLISHER_URL")
CLAIMREVIEW_PUBLISHER_LOGO = env_url("CLAIMREVIEW_PUBLISHER_LOGO")
CLAIMREVIEW_REVIEW_URL_TEMPLATE = env_review_url_template("CLAIMREVIEW_REVIEW_URL_TEMPLATE")

# The OpenAPI schema's names for choice sets that several serializers share, so drf-spectacular
# need not invent ones ("StatusD4fEnum") and `manage.py check --deploy` stays clean.
SPECTACULAR_SETTINGS["ENUM_NAME_OVERRIDES"] = {
    "ReviewStatusEnum": "annotations.models.ReviewStatus",
    "JobStatusEnum": "annotations.models.SuggestionRun.Status",
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}
