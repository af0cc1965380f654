#!/usr/bin/env bash
# What `make run` does once the app is installed: set up and serve the embedded demo site (local
# mode: SQLite, tasks in-process, DEBUG on, demo accounts). tests/test_local_mode.py runs this
# same script, so the path a newcomer takes is the one CI checks.
#   PY    the Python with the app installed (default .venv/bin/python)
#   PORT  where to serve on 127.0.0.1 (default 8000)
# SQLITE_PATH and SUGGESTER_MODEL_DIR move the database and model files out of var/.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
PORT=${PORT:-8000}

# A configured stack's variables, in the shell or in .env, are not for local mode.
unset DATABASE_URL REDIS_URL CELERY_BROKER_URL
export FACTCHECK_LOCAL=true
if [ -f .env ]; then
  echo "Local mode does not read .env (make serve does)."
fi

"$PY" manage.py migrate --noinput
"$PY" manage.py load_seeds
"$PY" manage.py create_demo_accounts
echo "Serving at http://127.0.0.1:$PORT/ (Ctrl-C stops it)"
exec "$PY" manage.py runserver "127.0.0.1:$PORT"
