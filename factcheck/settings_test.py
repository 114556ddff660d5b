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

# settings.py refuses to start without a key unless DEBUG is on; the tests run with DEBUG off.
os.environ.setdefault("DJANGO_SECRET_KEY", "insecure-test-key-do-not-use-in-production")

from factcheck.env import env_bool, env_int, env_list, env_str
from factcheck.settings import *  # noqa: F403
from factcheck.settings import REDIS_URL, REST_FRAMEWORK, STORAGES

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}

SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", False)
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0, minimum=0)

CELERY_BROKER_URL = REDIS_URL or "memory://"

REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "10000/hour"),
        "user": env_str("API_THROTTLE_USER", "100000/hour"),
    },
}
API_CHECK_SERIALIZER_QUERIES = True
