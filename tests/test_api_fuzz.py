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
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from factcheck.wsgi import application
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.slow

CHECKS = [not_a_server_error, response_schema_conformance]
EXAMPLES = 20
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=dt.timedelta(seconds=5),
    database=None,
    derandomize=False,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# Loaded once, at collection, through the WSGI application like any client (the schema
# view reads no data). schemathesis' lazy fixture loader does not work under pytest 9.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)


@pytest.fixture(autouse=True)
def fact_checks(db: Any) -> None:
    """Something to find: a published fact-check and a draft, so reads return real rows."""
    ReviewFactory(claim__status="published", claim__published_at=dt.datetime(2022, 1, 24, 12, tzinfo=dt.UTC))
    ReviewFactory(claim__status="in_research")


def bearer(role: str) -> dict[str, str]:
    user = UserFactory(username=f"fuzz-{role.lower()}", role=role)
    return {"Authorization": f"Bearer {AuthToken.objects.create(user=user)[1]}"}


@schema.parametrize()
@FUZZ
def test_anonymous(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@schema.parametrize()
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
