#!/usr/bin/env bash
# Django's deployment checklist against production-like settings: DEBUG off, a long random
# secret key, a real host name. Any warning fails (--fail-level WARNING).
set -euo pipefail
cd "$(dirname "$0")/.."

secret=$(.venv/bin/python -c 'import secrets; print(secrets.token_urlsafe(64))')
exec env -u DJANGO_SECURE_SSL_REDIRECT -u DJANGO_SESSION_COOKIE_SECURE -u DJANGO_CSRF_COOKIE_SECURE \
    -u DJANGO_SECURE_HSTS_SECONDS \
    DJANGO_DEBUG=0 \
    DJANGO_SECRET_KEY="$secret" \
    DJANGO_ALLOWED_HOSTS=factcheck.example.org \
    .venv/bin/python manage.py check --deploy --fail-level WARNING
