"""Settings come from the environment and refuse bad values at start-up.

Each case starts a fresh interpreter (settings are read once per process) with a clean,
production-like environment and `factcheck.settings` — the test conveniences live in
`factcheck.settings_test`, which only pytest's config names — and changes one variable.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PRINT_SETTINGS = """
import json, django
django.setup()
from django.conf import settings
from factcheck.celery import app
import claims.tasks  # registers the tasks, as a worker's autodiscovery would
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "ENGINE": settings.DATABASES["default"]["ENGINE"],
    "DB_NAME": str(settings.DATABASES["default"]["NAME"]),
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "EMAIL": {k: getattr(settings, k) for k in (
        "EMAIL_BACKEND", "EMAIL_HOST", "EMAIL_PORT", "EMAIL_HOST_USER", "EMAIL_USE_TLS",
        "EMAIL_FILE_PATH", "DEFAULT_FROM_EMAIL",
    )},
    "broker_url": app.conf.broker_url,
    "transport_options": app.conf.broker_transport_options,
    "task_time_limit": app.conf.task_time_limit,
    "task_soft_time_limit": app.conf.task_soft_time_limit,
    "task_acks_late": app.conf.task_acks_late,
    "task_reject_on_worker_lost": app.conf.task_reject_on_worker_lost,
    "worker_prefetch_multiplier": app.conf.worker_prefetch_multiplier,
    "task_serializer": app.conf.task_serializer,
    "accept_content": list(app.conf.accept_content),
    "queues": sorted(q.name for q in app.conf.task_queues),
    "beat_schedule_filename": app.conf.beat_schedule_filename,
    "job_lease": settings.JOB_LEASE_SECONDS,
    "job_requeue": settings.JOB_REQUEUE_SECONDS,
    "longest_retry_backoff": max(
        [
            task.retry_backoff_max
            for name, task in app.tasks.items()
            if name.startswith("claims.") and getattr(task, "retry_backoff", 0)
        ]
        or [0]
    ),
}))
"""


def production_env(tmp_path: Path, **changes: str | None) -> dict[str, str]:
    """A production environment (DEBUG off); a value of None removes the variable."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "CELERY_", "FETCH_", "API_THROTTLE_", "FACTCHECK_"))
        and not k.startswith("EMAIL_")
        and k not in {"DATABASE_URL", "REDIS_URL", "DB_CONN_MAX_AGE", "LOG_LEVEL", "STATIC_ROOT", "TIME_ZONE"}
        and k != "DEFAULT_FROM_EMAIL"
    }
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="factcheck.example.org",
        FACTCHECK_VAR_DIR=str(tmp_path / "var"),
    )
    for key, value in changes.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )


def load_settings(env: dict[str, str]) -> dict:
    result = run(env, "-c", PRINT_SETTINGS)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"DJANGO_DEBUG": "maybe"}, "DJANGO_DEBUG='maybe' is not a boolean"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY must be set"),
        ({"DATABASE_URL": "nonsense://"}, "DATABASE_URL is not a valid database URL"),
        ({"DB_CONN_MAX_AGE": "forever"}, "DB_CONN_MAX_AGE='forever' is not an integer"),
        ({"DB_CONN_MAX_AGE": "-1"}, "DB_CONN_MAX_AGE=-1 must be at least 0"),
        ({"DJANGO_SECURE_HSTS_SECONDS": "a year"}, "DJANGO_SECURE_HSTS_SECONDS='a year' is not an integer"),
        (
            {"CELERY_TASK_SOFT_TIME_LIMIT": "600", "CELERY_TASK_HARD_TIME_LIMIT": "600"},
            "CELERY_TASK_SOFT_TIME_LIMIT must be below CELERY_TASK_HARD_TIME_LIMIT",
        ),
        ({"FETCH_ALLOWED_NETWORKS": "10.0.0.0/8,intranet"}, "FETCH_ALLOWED_NETWORKS: 'intranet' is not a CIDR network"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL='LOUD' must be one of"),
        ({"EMAIL_BACKEND": "carrier-pigeon"}, "EMAIL_BACKEND='carrier-pigeon' is neither one of"),
        ({"EMAIL_BACKEND": "no_such_pkg.mail.Backend"}, "EMAIL_BACKEND='no_such_pkg.mail.Backend' is neither"),
        ({"EMAIL_PORT": "smtp"}, "EMAIL_PORT='smtp' is not an integer"),
        ({"EMAIL_PORT": "70000"}, "EMAIL_PORT=70000 is not a TCP port"),
        ({"EMAIL_USE_TLS": "sometimes"}, "EMAIL_USE_TLS='sometimes' is not a boolean"),
        ({"DEFAULT_FROM_EMAIL": "the desk"}, "DEFAULT_FROM_EMAIL='the desk' is not an e-mail address"),
        ({"RECURRENCE_THRESHOLD": "high"}, "RECURRENCE_THRESHOLD must be a number between 0 and 1"),
        ({"RECURRENCE_THRESHOLD": "1.5"}, "RECURRENCE_THRESHOLD must be a number between 0 and 1"),
    ],
    ids=lambda value: next(iter(value)) if isinstance(value, dict) else None,
)
def test_bad_value_stops_start_up(tmp_path, changes, message):
    result = run(production_env(tmp_path, **changes), "-c", "import django; django.setup()")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert message in result.stderr


def test_production_defaults(tmp_path):
    loaded = load_settings(production_env(tmp_path))
    assert loaded["DEBUG"] is False
    assert loaded["ALLOWED_HOSTS"] == ["factcheck.example.org"]
    assert loaded["SECURE_SSL_REDIRECT"] is True
    assert loaded["ENGINE"] == "django.db.backends.sqlite3"
    assert loaded["DB_NAME"] == str(tmp_path / "var" / "db.sqlite3")


def test_the_test_settings_are_chosen_explicitly_and_importing_pytest_changes_nothing(tmp_path, settings):
    assert os.environ["DJANGO_SETTINGS_MODULE"] == "factcheck.settings_test"  # from pyproject.toml
    assert settings.API_CHECK_SERIALIZER_QUERIES is True
    # The production settings stay production settings in a process that has pytest loaded.
    code = "import pytest\n" + PRINT_SETTINGS
    result = run(production_env(tmp_path), "-c", code)
    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout.strip().splitlines()[-1])
    assert loaded["SECURE_SSL_REDIRECT"] is True and loaded["broker_url"].startswith("filesystem://")


def test_database_url_selects_postgresql(tmp_path):
    loaded = load_settings(production_env(tmp_path, DATABASE_URL="postgres://desk:secret@db.internal:5432/factcheck"))
    assert loaded["ENGINE"] == "django.db.backends.postgresql"
    assert loaded["DB_NAME"] == "factcheck"


@pytest.mark.parametrize(("hard", "soft"), [("60", "50"), ("2400", "2300")])
def test_celery_is_configured_not_to_lose_tasks_on_redis(tmp_path, hard, soft):
    loaded = load_settings(
        production_env(
            tmp_path,
            REDIS_URL="redis://127.0.0.1:6379/4",
            CELERY_TASK_HARD_TIME_LIMIT=hard,
            CELERY_TASK_SOFT_TIME_LIMIT=soft,
        )
    )
    assert loaded["broker_url"] == "redis://127.0.0.1:6379/4"
    assert loaded["task_time_limit"] == int(hard)
    assert loaded["task_soft_time_limit"] == int(soft)
    # An unacknowledged message is redelivered after visibility_timeout. A run still going
    # then is not doubled (its copy finds the lease alive and is dropped), but a retry
    # waiting out its countdown in the worker (also unacknowledged) must not be redelivered,
    # nor the "job busy" look-again after the lease; and the sweep re-sends a queued job's
    # message only once any retry countdown has passed.
    visibility_timeout = loaded["transport_options"]["visibility_timeout"]
    assert loaded["longest_retry_backoff"] > 0, "the fetch tasks retry with a backoff"
    assert visibility_timeout > loaded["longest_retry_backoff"]
    assert visibility_timeout > loaded["job_lease"] + 5
    assert loaded["job_requeue"] > loaded["longest_retry_backoff"]
    # A webhook retry waits out its delay unacknowledged as well (2400 s by default): Redis
    # must not hand it to a second worker meanwhile. A killed worker's job does not wait for
    # the timeout: the sweep recovers it within JOB_LEASE_SECONDS (tests/test_worker_loss.py).
    assert visibility_timeout > 2400
    assert loaded["task_acks_late"] is True
    assert loaded["task_reject_on_worker_lost"] is True
    assert loaded["worker_prefetch_multiplier"] == 1
    assert loaded["task_serializer"] == "json"
    assert loaded["accept_content"] == ["json"]
    assert loaded["queues"] == ["default", "fetch"]


def test_without_redis_the_broker_lives_under_var(tmp_path):
    var = tmp_path / "var"
    loaded = load_settings(production_env(tmp_path))
    assert loaded["broker_url"] == "filesystem://"
    options = loaded["transport_options"]
    for key in ("data_folder_in", "data_folder_out", "processed_folder", "control_folder"):
        assert Path(options[key]).is_relative_to(var / "broker"), key
    assert options["data_folder_in"] == options["data_folder_out"]
    assert Path(loaded["beat_schedule_filename"]).is_relative_to(var)


def test_check_deploy_passes_with_production_env(tmp_path):
    result = run(production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_check_deploy_fails_when_a_protection_is_switched_off(tmp_path):
    """The check above can fail: turning off HTTPS redirects is a deployment warning."""
    result = run(
        production_env(tmp_path, DJANGO_SECURE_SSL_REDIRECT="0"),
        "manage.py",
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
    )
    assert result.returncode != 0
    assert "security.W008" in result.stdout + result.stderr


def test_email_defaults_to_smtp_in_production_and_reads_the_environment(tmp_path):
    loaded = load_settings(production_env(tmp_path))
    assert loaded["EMAIL"]["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert loaded["EMAIL"]["EMAIL_FILE_PATH"] == str(tmp_path / "var" / "mail")
    loaded = load_settings(
        production_env(
            tmp_path,
            EMAIL_BACKEND="file",
            EMAIL_FILE_PATH=str(tmp_path / "outbox"),
            EMAIL_HOST="mail.example.org",
            EMAIL_PORT="587",
            EMAIL_HOST_USER="desk",
            EMAIL_USE_TLS="1",
            DEFAULT_FROM_EMAIL="Fact desk <desk@example.org>",
        )
    )
    assert loaded["EMAIL"] == {
        "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "EMAIL_HOST": "mail.example.org",
        "EMAIL_PORT": 587,
        "EMAIL_HOST_USER": "desk",
        "EMAIL_USE_TLS": True,
        "EMAIL_FILE_PATH": str(tmp_path / "outbox"),
        "DEFAULT_FROM_EMAIL": "Fact desk <desk@example.org>",
    }


def test_debug_prints_mail_to_the_console(tmp_path):
    loaded = load_settings(production_env(tmp_path, DJANGO_DEBUG="1"))
    assert loaded["EMAIL"]["EMAIL_BACKEND"] == "django.core.mail.backends.console.EmailBackend"
