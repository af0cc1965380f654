# The web server and the Celery worker share this image (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PIP_NO_CACHE_DIR=1
WORKDIR /app

COPY requirements.txt .
RUN pip install -r requirements.txt

COPY . .
# collectstatic needs settings to load; the key here only builds the image and is never served.
RUN SECRET_KEY=build-only DEBUG=false python manage.py collectstatic --noinput

RUN useradd --create-home factcheck && mkdir -p /models && chown factcheck /models
USER factcheck
EXPOSE 8000
# Workers from the cores, timeouts and request limits: gunicorn.conf.py (GUNICORN_* to change).
CMD ["gunicorn", "-c", "gunicorn.conf.py", "factcheck.wsgi:application"]
