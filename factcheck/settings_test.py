"""Settings for the test suite. pytest chooses this module (`DJANGO_SETTINGS_MODULE` in
pyproject.toml); nothing else imports it.

The production settings (factcheck/settings.py) with what the tests need instead: an
insecure key, local hosts over plain HTTP, a fast password hasher, kombu's in-process
broker when there is no Redis (so no message lands in var/broker for a later worker),
throttles no test hits by accident, and the API's check that a list serializer's queryset
was given the serializer's `load()` (claims/api/fast.py). Every value can still be set
from the environment, as in production.
"""

from __future__ import annotations

import os
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ImproperlyConfigured

# settings.py refuses to start without a key unless DEBUG is on; the tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-key-do-not-use-in-production")

from factcheck.env import env_bool, env_int, env_list, env_str
from factcheck.settings import *  # noqa: F403
from factcheck.settings import CACHES, REDIS_URL, REST_FRAMEWORK, STORAGES

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0, minimum=0)

# `make test` runs the suite in several processes (pytest-xdist): each takes a Redis database
# of its own for cache, broker and locks, so one's cache.clear() or queued task never reaches
# another. gw0 keeps REDIS_URL's own database; gwN takes the next ones. The tests that name a
# database of their own (4, 6, 8, 10) run in one process, in order (tests/conftest.py).
_XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
_PROCESS = int(_XDIST_WORKER[2:]) if _XDIST_WORKER.startswith("gw") and _XDIST_WORKER[2:].isdigit() else 0
if REDIS_URL and _PROCESS:
    _url = urlsplit(REDIS_URL)
    _database = int(_url.path.strip("/") or 0) + _PROCESS
    if _database in (4, 6, 8, 10):
        raise ImproperlyConfigured(f"test process {_XDIST_WORKER} would share Redis database {_database}: use fewer")
    REDIS_URL = urlunsplit(_url._replace(path=f"/{_database}"))
    CACHES = {"default": {**CACHES["default"], "LOCATION": REDIS_URL}}
    # Processes the tests start (web servers, workers) inherit it, and count in the same place.
    os.environ["REDIS_URL"] = REDIS_URL

CELERY_BROKER_URL = REDIS_URL or "memory://"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "10000/hour"),
        "user": env_str("API_THROTTLE_USER", "100000/hour"),
    },
}
API_CHECK_SERIALIZER_QUERIES = True
