"""Settings for factcheck, read from the environment.

Every value has a safe production default or must be given; a bad value stops start-up
with an ImproperlyConfigured error that names the variable. `make run` sets the
development variables; see docs/configuration.md for the full list.
"""

from __future__ import annotations

import email.utils
import importlib.util
import re
from datetime import timedelta
from pathlib import Path
from typing import Any

import dj_database_url
from celery.schedules import crontab
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from factcheck.env import env_bool, env_choice, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("FACTCHECK_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DJANGO_DEBUG", False)
SECRET_KEY = env_str("DJANGO_SECRET_KEY")
if not SECRET_KEY:
    if DEBUG:
        SECRET_KEY = "insecure-development-key-do-not-use-in-production"  # noqa: S105
    else:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set (or DJANGO_DEBUG=1 for local development).")

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django.contrib.postgres",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "knox",
    "simple_history",
    "axes",
    "claims",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "claims.middleware.RefuseNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # After auth: the signed-in member's chosen workplace language wins over the browser's.
    "claims.admin.language.WorkplaceLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a lockout into its response.
    "axes.middleware.AxesMiddleware",
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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------
# SQLite is the embedded default; DATABASE_URL=postgres://… switches to PostgreSQL.
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}")
try:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0))}
except Exception as exc:  # dj-database-url raises several types for a malformed URL
    raise ImproperlyConfigured(f"DATABASE_URL is not a valid database URL: {exc}") from None
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    # WAL lets the web process read while the worker writes; the timeout rides out short locks.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
    # Django's own pool (psycopg_pool), one per process: DB_POOL_MAX_SIZE connections at most
    # for each Gunicorn worker or Celery process. Off (0) by default; behind PgBouncer leave it
    # off. See docs/deployment.md for the sizing.
    DB_POOL_MAX_SIZE = env_int("DB_POOL_MAX_SIZE", 0, minimum=0)
    if DB_POOL_MAX_SIZE:
        DATABASES["default"]["CONN_MAX_AGE"] = 0  # the pool keeps the connections; Django refuses both
        DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
            "min_size": min(env_int("DB_POOL_MIN_SIZE", 1, minimum=0), DB_POOL_MAX_SIZE),
            "max_size": DB_POOL_MAX_SIZE,
            # Seconds a request waits for a free connection before it fails.
            "timeout": env_int("DB_POOL_TIMEOUT", 10, minimum=1),
        }
    # PgBouncer in transaction mode cannot keep a server-side cursor across transactions.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env_bool("DB_BEHIND_PGBOUNCER", False)
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and broker -----------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------------------
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "admin:login"

# Login lockout (django-axes): after LOGIN_FAILURE_LIMIT failed sign-ins for one username
# from one client IP (claims.client_ip), that pair is refused for LOGIN_COOLOFF_MINUTES;
# every attempt meanwhile restarts the wait. Admins see and lift lockouts in the admin
# ("Login lockouts") or with `manage.py axes_reset_ip_username IP USERNAME`. Then Django's
# model permissions, read in one query instead of two (claims/backends.py).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "claims.backends.DeskModelBackend",
]
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "claims.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "claims.admin.security.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_ENABLE_ADMIN = False  # claims.admin.security lists them under the desk's own names
# Successful sign-ins are not logged: the desk keeps no record of who signed in from where.
AXES_DISABLE_ACCESS_LOG = True

# --- I18n -----------------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("nb", _("Norwegian Bokmål"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Europe/Oslo")
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

# --- Security (production defaults; check --deploy passes with these) -------------------
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not (DEBUG))
# Probes come over plain HTTP from inside the network; a redirect would read as "down".
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
SESSION_COOKIE_SECURE = env_bool("DJANGO_SESSION_COOKIE_SECURE", not (DEBUG))
CSRF_COOKIE_SECURE = env_bool("DJANGO_CSRF_COOKIE_SECURE", not (DEBUG))
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("DJANGO_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Who the client is (claims.client_ip): REMOTE_ADDR unless proxies you run sit in front;
# then either how many there are, or their networks. X-Forwarded-For is otherwise ignored,
# so no client can choose its own identity for lockouts and rate limits.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0, minimum=0)
TRUSTED_PROXY_NETWORKS = env_networks("TRUSTED_PROXY_NETWORKS")
if TRUSTED_PROXY_COUNT and TRUSTED_PROXY_NETWORKS:
    raise ImproperlyConfigured("Set TRUSTED_PROXY_COUNT or TRUSTED_PROXY_NETWORKS, not both")
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DJANGO_MAX_BODY_BYTES", 1_048_576, minimum=1024)

# --- Celery ---------------------------------------------------------------------------
# Without REDIS_URL the broker is a directory on disk, so `make run` needs no server.
# The test settings (factcheck/settings_test.py) use kombu's in-process memory transport instead.
CELERY_BROKER_URL = REDIS_URL or "filesystem://"
CELERY_TASK_HARD_TIME_LIMIT = env_int("CELERY_TASK_HARD_TIME_LIMIT", 600, minimum=10)
CELERY_TASK_SOFT_TIME_LIMIT = env_int("CELERY_TASK_SOFT_TIME_LIMIT", 540, minimum=5)
if CELERY_TASK_SOFT_TIME_LIMIT >= CELERY_TASK_HARD_TIME_LIMIT:
    raise ImproperlyConfigured("CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_HARD_TIME_LIMIT")
CELERY_TASK_TIME_LIMIT = CELERY_TASK_HARD_TIME_LIMIT  # Celery's own name for the hard limit
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One beat per desk: with Redis, a beat sends periodic jobs only while it holds a lease that
# it renews every BEAT_LOCK_TTL/3 seconds; a second beat waits as a standby (factcheck/beat.py).
CELERY_BEAT_SCHEDULER = "factcheck.beat:SingleBeatScheduler"
BEAT_LOCK_TTL = env_int("BEAT_LOCK_TTL", 60, minimum=3)
BROKER_DIR = VAR_DIR / "broker"
# Worker loss (claims.discovery.jobs): a running job's heartbeat is written every
# JOB_HEARTBEAT_SECONDS; one older than JOB_LEASE_SECONDS means its worker died (not that it
# is busy). Every JOB_SWEEP_SECONDS the beat's sweep re-queues such jobs and re-sends queued
# jobs whose message went out JOB_REQUEUE_SECONDS ago and was never taken (a broker crash).
JOB_LEASE_SECONDS = env_int("JOB_LEASE_SECONDS", 60, minimum=4)
JOB_HEARTBEAT_SECONDS = max(1, JOB_LEASE_SECONDS // 4)
JOB_SWEEP_SECONDS = env_int("JOB_SWEEP_SECONDS", 30, minimum=1)
# The longest a retry waits (exponential backoff of transient fetch errors, claims.tasks).
JOB_RETRY_BACKOFF_MAX = env_int("JOB_RETRY_BACKOFF_MAX", 240, minimum=1)
JOB_REQUEUE_SECONDS = env_int("JOB_REQUEUE_SECONDS", 300, minimum=JOB_RETRY_BACKOFF_MAX + JOB_LEASE_SECONDS)
if REDIS_URL:
    # A message not acknowledged within this time is redelivered. It is matched to the
    # longest a message may legitimately wait unacknowledged — a retry held until its
    # countdown (JOB_RETRY_BACKOFF_MAX) — not to the longest task: a run that outlasts it
    # is redelivered, and the copy finds the job's lease alive ("busy") and is dropped.
    # Longer would delay recovery after a killed worker; shorter would let retries waiting
    # out their countdown multiply.
    # (The value is set below, once WEBHOOK_RETRY_DELAYS is known: a webhook retry waits out
    # its countdown unacknowledged too.)
    CELERY_BROKER_TRANSPORT_OPTIONS: dict[str, Any] = {
        "visibility_timeout": 0,
        # Look for messages a dead worker left unacknowledged every 10 s (kombu's default
        # scans only every 100 s), so they run again soon after the visibility timeout.
        "unacked_restore_throttle": 1,
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "out"),
        "data_folder_out": str(BROKER_DIR / "out"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # Without it kombu keeps its exchange tables in ./control of whatever directory
        # the process was started from.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_DEFAULT_QUEUE = env_str("CELERY_DEFAULT_QUEUE", "default")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_TASK_EAGER_PROPAGATES = True

# --- REST framework -------------------------------------------------------------------
# The HTTP API's defaults, for every view (the REST API, discovery, the Google face); views
# name their per-action permission rules (claims/api/permissions.py) and little else.
# JSON only: there is no browsable API; /api/docs/ (Swagger UI) is the place to explore.
REST_FRAMEWORK = {
    # Token first, so an anonymous write gets 401 with a `WWW-Authenticate: Token` challenge;
    # then the browser session (CSRF enforced).
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "claims.api.auth.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["claims.api.permissions.ActionPermissions"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["claims.api.parsers.LimitedJSONParser"],
    "DEFAULT_PAGINATION_CLASS": "claims.api.pagination.PagePagination",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_METADATA_CLASS": "claims.api.metadata.ApiMetadata",
    "DEFAULT_SCHEMA_CLASS": "claims.api.base.DeskAutoSchema",
    "EXCEPTION_HANDLER": "claims.api.exceptions.api_exception_handler",
    "DEFAULT_THROTTLE_CLASSES": [
        "claims.api.throttling.AnonRateThrottle",
        "claims.api.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env_str("API_THROTTLE_ANON", "120/minute"),
        "user": env_str("API_THROTTLE_USER", "1200/minute"),
    },
}
# Wrong API tokens one client IP may send (per second/minute/hour/day) before it gets 429.
API_BAD_TOKEN_RATE = env_str("API_BAD_TOKEN_RATE", "10/minute")
if not re.fullmatch(r"\d+/[smhd][a-z]*", API_BAD_TOKEN_RATE):
    raise ImproperlyConfigured(f"API_BAD_TOKEN_RATE={API_BAD_TOKEN_RATE!r} must be a rate like 10/minute")
# Lists and exports through claims/api/fast.py's compiled serializers (same bytes as DRF's).
API_COMPILED_SERIALIZERS = env_bool("API_COMPILED_SERIALIZERS", True)
# The test settings turn this on: a list whose first row queries the database is an error (fast.py).
API_CHECK_SERIALIZER_QUERIES = False
SPECTACULAR_SETTINGS = {
    "TITLE": "factcheck API",
    "DESCRIPTION": "Claims, reviews and ClaimReview data from a self-hosted fact-checking desk.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    # OpenAPI links (create → read → update → transition) for clients and the stateful fuzzing.
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "claims.api.links.add_links"],
    # Swagger UI and Redoc are served from the drf-spectacular-sidecar package, not a CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Several discovery models have a "status" or "kind"; give each choice set its own name.
    "ENUM_NAME_OVERRIDES": {
        "ClaimStatusEnum": "claims.workflow.ClaimStatus",
        "ClaimantKindEnum": "claims.models.core.Claimant.Kind",
        "FetchJobStatusEnum": "claims.models.discovery.FetchJob.Status",
        "FetchJobKindEnum": "claims.models.discovery.FetchJob.Kind",
        "RelatedArticleStatusEnum": "claims.models.discovery.RelatedArticle.Status",
        "RelatedArticleMarkEnum": "claims.api.discovery_serializers.MARK_CHOICES",
        "DuplicateSuggestionStatusEnum": "claims.models.discovery.DuplicateSuggestion.Status",
    },
}

# --- E-mail ---------------------------------------------------------------------------
# Tipsters who asked to hear back get one mail when their claim is published. Production
# sends over SMTP; DEBUG (and `make run`) prints mails to the console; the file backend
# writes each mail under EMAIL_FILE_PATH. Under pytest Django swaps in its locmem backend.
EMAIL_BACKEND_ALIASES = {
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "console" if DEBUG else "smtp").strip()
EMAIL_BACKEND = EMAIL_BACKEND_ALIASES.get(EMAIL_BACKEND, EMAIL_BACKEND)
if EMAIL_BACKEND not in EMAIL_BACKEND_ALIASES.values():
    _module, _dot, _cls = EMAIL_BACKEND.rpartition(".")
    try:
        _found = bool(_module) and importlib.util.find_spec(_module) is not None
    except (ImportError, ValueError):
        _found = False
    if not _found:
        raise ImproperlyConfigured(
            f"EMAIL_BACKEND={EMAIL_BACKEND!r} is neither one of {sorted(EMAIL_BACKEND_ALIASES)} "
            "nor an importable dotted path to a backend class"
        )
EMAIL_HOST = env_str("EMAIL_HOST", "localhost").strip()
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1)
if EMAIL_PORT > 65535:
    raise ImproperlyConfigured(f"EMAIL_PORT={EMAIL_PORT} is not a TCP port (1-65535)")
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 20, minimum=1)
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "factcheck@localhost").strip()
if "@" not in email.utils.parseaddr(DEFAULT_FROM_EMAIL)[1]:
    raise ImproperlyConfigured(
        f"DEFAULT_FROM_EMAIL={DEFAULT_FROM_EMAIL!r} is not an e-mail address (user@host or 'Name <user@host>')"
    )
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- The desk -------------------------------------------------------------------------
FACTCHECK_ORGANIZATION_NAME = env_str("FACTCHECK_ORGANIZATION_NAME", "Faktisk Demo Desk")
FACTCHECK_ORGANIZATION_URL = env_str("FACTCHECK_ORGANIZATION_URL", "https://factcheck.example.org")
FACTCHECK_SITE_URL = env_str("FACTCHECK_SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# Four-eyes: the editor who publishes may not be the reviewer who drafted the verdict.
# One-person desks can relax it.
FACTCHECK_FOUR_EYES = env_bool("FACTCHECK_FOUR_EYES", True)

# --- Outbound fetching (claims.discovery.http is the only client) ----------------------
FETCH_ALLOWED_NETWORKS = env_networks("FETCH_ALLOWED_NETWORKS")
FETCH_USER_AGENT = env_str("FETCH_USER_AGENT", "factcheck/1.0 (+https://github.com/factcheck; claim research bot)")
FETCH_CONNECT_TIMEOUT = env_int("FETCH_CONNECT_TIMEOUT", 5, minimum=1)
FETCH_TOTAL_TIMEOUT = env_int("FETCH_TOTAL_TIMEOUT", 20, minimum=1)
FETCH_MAX_BYTES = env_int("FETCH_MAX_BYTES", 5_000_000, minimum=1024)
FETCH_MAX_REDIRECTS = env_int("FETCH_MAX_REDIRECTS", 5, minimum=0)

# --- Related-article discovery (claims.discovery) --------------------------------------
# Providers run in this order; a listed provider that lacks its configuration (e.g. the
# Fact Check Tools key) is skipped and the job says so. GDELT is off unless listed.
DISCOVERY_PROVIDER_NAMES = ("article_page", "feeds", "factcheck_tools", "wikipedia", "gdelt", "local")
DISCOVERY_PROVIDERS = env_list(
    "DISCOVERY_PROVIDERS", ["article_page", "feeds", "factcheck_tools", "wikipedia", "local"]
)
if unknown_providers := set(DISCOVERY_PROVIDERS) - set(DISCOVERY_PROVIDER_NAMES):
    raise ImproperlyConfigured(
        f"DISCOVERY_PROVIDERS: unknown {sorted(unknown_providers)}; choose from {list(DISCOVERY_PROVIDER_NAMES)}"
    )


def _env_url(name: str, default: str) -> str:
    value = env_str(name, default).strip()
    if value and not value.startswith(("http://", "https://")):
        raise ImproperlyConfigured(f"{name}={value!r} must be an http(s) URL")
    return value


# "{lang}" is replaced by the claim's Wikipedia language code (nb → no).
DISCOVERY_WIKIPEDIA_API_URL = _env_url("DISCOVERY_WIKIPEDIA_API_URL", "https://{lang}.wikipedia.org/w/api.php")
DISCOVERY_FACTCHECK_API_URL = _env_url(
    "DISCOVERY_FACTCHECK_API_URL", "https://factchecktools.googleapis.com/v1alpha1/claims:search"
)
DISCOVERY_FACTCHECK_API_KEY = env_str("GOOGLE_FACTCHECK_API_KEY")
DISCOVERY_GDELT_API_URL = _env_url("DISCOVERY_GDELT_API_URL", "https://api.gdeltproject.org/api/v2/doc/doc")
# Article pages fetched and extracted per discovery job (candidates whose text we lack).
DISCOVERY_MAX_PAGE_FETCHES = env_int("DISCOVERY_MAX_PAGE_FETCHES", 30, minimum=0)
DISCOVERY_MAX_SUGGESTIONS = env_int("DISCOVERY_MAX_SUGGESTIONS", 20, minimum=1)
# What a worker keeps of articles' ranking features between a job's rankings and between jobs
# (claims/discovery/ranking.py; bench/ranking_memory.py measures what more or less buys).
DISCOVERY_FEATURE_CACHE_MB = env_int("DISCOVERY_FEATURE_CACHE_MB", 24, minimum=1)
# The claim page lists related articles scoring at least this (percent); "show more" lists the rest.
DISCOVERY_SHOW_MIN_PERCENT = env_int("DISCOVERY_SHOW_MIN_PERCENT", 20, minimum=0)
# A discovery job harvests feeds not harvested within this many minutes.
DISCOVERY_FEED_MAX_AGE_MINUTES = env_int("DISCOVERY_FEED_MAX_AGE_MINUTES", 15, minimum=0)
# Open claims get a new discovery job when their last one is older than this.
DISCOVERY_RECHECK_HOURS = env_int("DISCOVERY_RECHECK_HOURS", 24, minimum=1)

# --- Candidate claims (claims.intake: sentences scored for check-worthiness) ------------
# Score every fetched article's sentences and keep those at or above the threshold.
CHECKWORTHINESS_CANDIDATES = env_bool("CHECKWORTHINESS_CANDIDATES", True)


def _env_threshold(name: str) -> float | None:
    raw = env_str(name).strip()
    if not raw:
        return None  # the model's own threshold (chosen for the best F1 when it was trained)
    try:
        value = float(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name}={raw!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise ImproperlyConfigured(f"{name}={value} must be between 0 and 1")
    return value


CHECKWORTHINESS_THRESHOLD = _env_threshold("CHECKWORTHINESS_THRESHOLD")
# Retrained models (checkworthiness-vN.json) are written here; the newest one is used.
CHECKWORTHINESS_MODEL_DIR = env_str("CHECKWORTHINESS_MODEL_DIR", str(BASE_DIR / "var" / "models"))
# A fixed model file instead (overrides the directory).
CHECKWORTHINESS_MODEL = env_str("CHECKWORTHINESS_MODEL")
# Sentences scored per article at most (a very long page is cut, not skipped).
CHECKWORTHINESS_MAX_SENTENCES = env_int("CHECKWORTHINESS_MAX_SENTENCES", 400, minimum=1)


# Webhooks: seconds to wait before each retry of a failed delivery (so 1 + len attempts in
# all; the default makes 5 attempts over about an hour), and how many messages in a row may
# fail every attempt before the subscription is disabled.
def _delays(name: str, default: str) -> list[float]:
    try:
        delays = [float(item) for item in env_list(name, default.split(","))]
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a comma-separated list of seconds") from None
    if any(d < 0 for d in delays):
        raise ImproperlyConfigured(f"{name} must not contain negative delays")
    return delays


WEBHOOK_RETRY_DELAYS = _delays("WEBHOOK_RETRY_DELAYS", "30,300,1200,2400")
WEBHOOK_DISABLE_AFTER = env_int("WEBHOOK_DISABLE_AFTER", 10, minimum=1)
# Desk events and webhook messages whose task should have run this many seconds ago are
# re-sent by the watch sweep (every WATCH_SWEEP_SECONDS): a broker crash or a killed worker
# delays a notification or a webhook, it does not lose it.
EVENT_REQUEUE_SECONDS = env_int("EVENT_REQUEUE_SECONDS", 120, minimum=1)
WATCH_SWEEP_SECONDS = env_int("WATCH_SWEEP_SECONDS", 60, minimum=1)
if REDIS_URL:
    # The longest a message may wait unacknowledged on purpose: a fetch retry's backoff or a
    # webhook retry's delay. A shorter visibility timeout would have Redis hand the waiting
    # message to a second worker (a webhook sent twice); recovery after a killed worker does
    # not wait for it, the jobs' sweep does that.
    _LONGEST_WAIT = int(max([JOB_RETRY_BACKOFF_MAX, *WEBHOOK_RETRY_DELAYS]))
    CELERY_BROKER_TRANSPORT_OPTIONS["visibility_timeout"] = env_int(
        "CELERY_VISIBILITY_TIMEOUT", _LONGEST_WAIT + JOB_LEASE_SECONDS, minimum=_LONGEST_WAIT + 1
    )

# Recurrences: the probability (0-1) from which an article's passage counts as repeating a
# published claim (unset: the re-scorer's own threshold, chosen with its weights on the
# development claims, claims/watch/rescorer.json), and how far back a newly published claim
# is matched against the index.
RECURRENCE_THRESHOLD: float | None = None
if env_str("RECURRENCE_THRESHOLD", ""):
    try:
        RECURRENCE_THRESHOLD = float(env_str("RECURRENCE_THRESHOLD", ""))
    except ValueError:
        raise ImproperlyConfigured("RECURRENCE_THRESHOLD must be a number between 0 and 1") from None
    if not 0.0 < RECURRENCE_THRESHOLD <= 1.0:
        raise ImproperlyConfigured("RECURRENCE_THRESHOLD must be a number between 0 and 1")
RECURRENCE_LOOKBACK_DAYS = env_int("RECURRENCE_LOOKBACK_DAYS", 30, minimum=0)
# A worker that consumes the default queue (where articles are analysed) builds the live
# fact-checks' index as it starts rather than on its first batch (factcheck/celery.py).
WORKER_WARM_UP = env_bool("WORKER_WARM_UP", True)

# The hour (local time, TIME_ZONE) at which the daily notification digest goes out.
NOTIFICATION_DIGEST_HOUR = env_int("NOTIFICATION_DIGEST_HOUR", 7, minimum=0)
if NOTIFICATION_DIGEST_HOUR > 23:
    raise ImproperlyConfigured("NOTIFICATION_DIGEST_HOUR must be an hour from 0 to 23")

# --- Reader tips ----------------------------------------------------------------------
# Per client IP, counted on every POST to the tip form and API before anything is checked.
TIPS_RATE_PER_MINUTE = env_int("TIPS_RATE_PER_MINUTE", 5, minimum=1)
TIPS_RATE_PER_DAY = env_int("TIPS_RATE_PER_DAY", 50, minimum=1)
TIPS_MAX_BODY_BYTES = env_int("TIPS_MAX_BODY_BYTES", 65_536, minimum=1024)
TIPS_CONTACT_RETENTION_DAYS = env_int("TIPS_CONTACT_RETENTION_DAYS", 90, minimum=1)

CELERY_BEAT_SCHEDULE = {
    "harvest-all-feeds": {"task": "claims.tasks.harvest_all_feeds", "schedule": 15 * 60},
    "purge-tip-contacts": {"task": "claims.tasks.tip_contacts_purge", "schedule": 24 * 60 * 60},
    "recheck-open-claims": {"task": "claims.tasks.recheck_open_claims", "schedule": 60 * 60},
    "purge-expired-tokens": {"task": "claims.tasks.purge_expired_tokens", "schedule": 24 * 60 * 60},
    "notification-digests": {
        "task": "claims.tasks_watch.send_notification_digests",
        "schedule": crontab(hour=NOTIFICATION_DIGEST_HOUR, minute=0),
    },
    "recover-lost-jobs": {"task": "claims.tasks.recover_lost_jobs", "schedule": JOB_SWEEP_SECONDS},
    "sweep-watch": {"task": "claims.tasks_watch.sweep_watch", "schedule": WATCH_SWEEP_SECONDS},
    "train-ranker": {"task": "claims.tasks.train_ranker", "schedule": 24 * 60 * 60},
}

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", {"DEBUG", "INFO", "WARNING", "ERROR"})
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # bm25s logs every index build at DEBUG; the worker would drown in it.
        "bm25s": {"level": "WARNING"},
    },
}
