# The web image: Django under gunicorn, as docker-compose.yml runs it.
#
#   docker build -t applyingml-web .
#
# The code belongs to root and is read-only to the app user; only the static
# files (collected on start) and uploads are writable.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_ENV=production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/app/media

RUN groupadd --system --gid 10001 app \
    && useradd --system --uid 10001 --gid app --home-dir /app --shell /usr/sbin/nologin app

WORKDIR /app

# Dependencies first, so a code change does not reinstall them. Every runtime
# dependency is pinned exactly, with the hashes of its files, in
# requirements.txt (`make lock`); pip refuses anything else. All ship wheels,
# so no compiler is needed.
COPY requirements.txt .
RUN pip install --require-hashes -r requirements.txt

COPY . .
RUN mkdir -p staticfiles media && chown app:app staticfiles media

USER app
EXPOSE 8000

HEALTHCHECK --interval=10s --timeout=3s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=2).status != 200)"]

CMD ["deploy/start-web"]
