# Production image: the same steps as `make install` + collectstatic, runtime dependencies only.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DJANGO_SETTINGS_MODULE=xiangcheng.settings.production \
    GUNICORN_BIND=0.0.0.0:8000 \
    MEDIA_ROOT=/srv/media

RUN groupadd --system app && useradd --system --gid app --home-dir /app app \
    && mkdir -p /app /srv/media && chown app:app /srv/media

WORKDIR /app
COPY requirements/base.txt requirements/base.txt
RUN python -m venv /venv \
    && /venv/bin/pip install --no-cache-dir --require-hashes -r requirements/base.txt
ENV PATH="/venv/bin:$PATH"

COPY --chown=app:app . .
# collectstatic needs settings but no secret that is ever used at run time.
RUN SECRET_KEY=collectstatic-only ALLOWED_HOSTS=localhost \
    python manage.py collectstatic --noinput --verbosity 0

USER app
EXPOSE 8000
VOLUME ["/srv/media"]
CMD ["gunicorn", "-c", "gunicorn.conf.py"]
