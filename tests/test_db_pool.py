"""DB_POOL_MAX_SIZE switches on Django's psycopg pool: settings, and a real pooled connection."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = """
import json, django
django.setup()
from django.conf import settings
from django.db import connection
db = settings.DATABASES["default"]
with connection.cursor() as cursor:
    cursor.execute("SELECT 1")
    one = cursor.fetchone()[0]
pool = connection.pool
print(json.dumps({"pool": db["OPTIONS"].get("pool"), "conn_max_age": db["CONN_MAX_AGE"], "one": one,
                  "max_size": pool.max_size if pool else None}))
"""


def _run(**env_changes: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DB_"))}
    env.update(
        PYTHONPATH=str(ROOT),
        DJANGO_SETTINGS_MODULE="factcheck.settings",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="factcheck.example.org",
        **env_changes,
    )
    result = subprocess.run(
        [sys.executable, "-c", SCRIPT], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.mark.postgres
@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the pool is PostgreSQL's (psycopg_pool)")
def test_pooled_connections_serve_queries():
    settings_dict = connection.settings_dict
    url = (
        f"postgres://{settings_dict['USER']}@{settings_dict['HOST'] or '127.0.0.1'}:{settings_dict['PORT'] or 5432}"
        f"/{settings_dict['NAME']}"
    )
    pooled = _run(DATABASE_URL=url, DB_POOL_MAX_SIZE="3", DB_POOL_MIN_SIZE="1")
    assert pooled == {"pool": {"min_size": 1, "max_size": 3, "timeout": 10}, "conn_max_age": 0, "one": 1, "max_size": 3}
    plain = _run(DATABASE_URL=url)
    assert plain["pool"] is None and plain["max_size"] is None and plain["conn_max_age"] == 60
