"""The bench databases: which data set one holds (a comment on the database says), creating one, "200k"."""

from __future__ import annotations

import json
from typing import Any

import psycopg

MARKER = "factcheck-bench"


def log(message: str) -> None:
    print(f"[generate] {message}", flush=True)


def read_marker(url: str) -> dict[str, Any] | None:
    """The parameters of the data set a database holds, or None if it was not generated here."""
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            comment = conn.execute(
                "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = current_database()"
            ).fetchone()[0]
    except psycopg.OperationalError:
        return None
    if not comment or not comment.startswith(MARKER + " "):
        return None
    return json.loads(comment[len(MARKER) + 1 :])


def ensure_database(url: str) -> None:
    """Create the database if it does not exist (connecting to the server's `postgres` database)."""
    info = psycopg.conninfo.conninfo_to_dict(url)
    name = info.get("dbname")
    admin = psycopg.conninfo.make_conninfo(url, dbname="postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')
            log(f"created database {name}")


def parse_count(value: str) -> int:
    value = value.strip().lower().replace("_", "")
    if value.endswith("k"):
        return int(float(value[:-1]) * 1000)
    if value.endswith("m"):
        return int(float(value[:-1]) * 1_000_000)
    return int(value)
