"""Property-based fuzzing of the whole HTTP API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ — the REST API and the Google Fact Check Tools face — gets
schema-valid and schema-violating requests, in-process through the WSGI application, as an
anonymous client, as a reviewer and as an editor (the only role whose writes get past the
permission checks to the validation and the services). Two properties must hold: no
response is a server error, and every response of a documented status matches the schema.

Bounded: a few dozen examples per operation and role, a per-example deadline, no shrinking
database on disk; the file runs in about a minute or two.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import response_schema_conformance

from factcheck.wsgi import application
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 15
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=5),
    database=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# Loaded at collection, through the WSGI application like any client (the schema view reads
# no data); schemathesis' lazy fixture loader does not work under pytest 9. The coverage
# phase (every boundary value and unexpected method the schema implies, some hundreds of
# requests per operation) runs for the editor, the one role whose writes reach validation
# and the services; the other roles get schema examples and random cases only.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
quick_schema = schemathesis.openapi.from_wsgi(
    "/api/schema/", application, config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}})
)


@pytest.fixture(autouse=True)
def keep_test_connection() -> Any:
    """Keep the test's database connection (and its transaction) across requests.

    Django's test client does this; schemathesis calls the WSGI application directly, where
    `close_old_connections` would close a connection found inside a transaction — on
    PostgreSQL that ends the test's transaction and every later request fails.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture(autouse=True)
def fact_checks(db: Any) -> None:
    """Something to find: a published fact-check and a draft, so reads return real rows."""
    when = dt.datetime(2022, 1, 24, 12, tzinfo=dt.UTC)
    ReviewFactory(
        claim__status="published",
        claim__published_at=when,
        published_at=when,
        published_url="https://factcheck.example.org/checks/geneva-denial",
    )
    ReviewFactory(claim__status="in_research")


def bearer(role: str) -> dict[str, str]:
    user = UserFactory(username=f"fuzz-{role.lower()}", role=role)
    return {"Authorization": f"Bearer {AuthToken.objects.create(user=user)[1]}"}


@quick_schema.parametrize()
@FUZZ
def test_anonymous(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@quick_schema.parametrize()
@FUZZ
def test_reviewer(case: Any, reviewer_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=reviewer_headers, checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_editor(case: Any, editor_headers: dict[str, str]) -> None:
    case.call_and_validate(headers=editor_headers, checks=CHECKS)


@pytest.fixture
def reviewer_headers(db: Any) -> dict[str, str]:
    return bearer("Reviewer")


@pytest.fixture
def editor_headers(db: Any) -> dict[str, str]:
    return bearer("Editor")
