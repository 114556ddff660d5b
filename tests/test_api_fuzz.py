"""Property-based fuzzing of the whole HTTP API against its own OpenAPI schema (schemathesis).

Every operation in /api/schema/ — the REST API and the Google Fact Check Tools face — gets
schema-valid and schema-violating requests, in-process through the WSGI application, as an
anonymous client, as a reviewer and as an editor (the only role whose writes get past the
permission checks to the validation and the services). All of schemathesis' response checks
must hold: no server error, and every response has a documented status code and content
type and matches the documented schema. A stateful run follows the document's links
(create → read → update with the ETag → transition; claims/api/links.py).

Bounded: `make test` runs FUZZ_EXAMPLES=15 random examples per operation and role (plus the
coverage phase for the editor); `make fuzz` (the deep pass, its own step in .ci/run) runs 100. A per-example
deadline, no Hypothesis example database on disk; CI replays the same examples.
"""

from __future__ import annotations

import copy
import datetime as dt
import os
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections, transaction
from hypothesis import HealthCheck, settings
from knox.models import AuthToken
from rest_framework.test import APIClient
from schemathesis.checks import not_a_server_error
from schemathesis.config import SchemathesisConfig
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from factcheck.wsgi import application
from tests.factories import ReviewFactory, UserFactory

pytestmark = pytest.mark.slow

# All of schemathesis' response checks: no 5xx, the body matches the documented schema, the
# status code and the content type are documented for the operation.
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]
# The quick pass (every `make test`) runs 15 examples per operation and role; the deep pass
# (`make fuzz`, its own step in .ci/run) runs FUZZ_EXAMPLES=100.
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "15"))
FUZZ = settings(
    max_examples=EXAMPLES,
    # The deep pass has no per-example deadline: it runs long on a shared machine, and a
    # slow example there says "the machine was busy", not "the API is broken".
    deadline=dt.timedelta(seconds=5) if EXAMPLES <= 15 else None,
    database=None,
    # CI replays the same examples on every run, so a landing never hinges on luck; local
    # runs explore new ones (and a finding there becomes a pinned regression test).
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow, HealthCheck.filter_too_much],
)


# Loaded at collection, through the WSGI application like any client (the schema view reads
# no data); schemathesis' lazy fixture loader does not work under pytest 9. The coverage
# phase (every boundary value and unexpected method the schema implies, some hundreds of
# requests per operation) runs for the editor, the one role whose writes reach validation
# and the services; the other roles get schema examples and random cases only.
schema = schemathesis.openapi.from_wsgi("/api/schema/", application)
quick_schema = schemathesis.openapi.from_dict(
    copy.deepcopy(schema.raw_schema),
    config=SchemathesisConfig.from_dict({"phases": {"coverage": {"enabled": False}}}),
)
quick_schema.app = application


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


def token(role: str) -> str:
    return AuthToken.objects.create(user=UserFactory(username=f"fuzz-{role.lower()}", role=role))[1]


def authorization(case: Any, key: str) -> dict[str, str]:
    # The REST API takes `Token <key>`; the Google face also `Bearer <key>`, as Google's clients send it.
    scheme = "Bearer" if case.path.startswith("/v1alpha1/") else "Token"
    return {"Authorization": f"{scheme} {key}"}


@quick_schema.parametrize()
@FUZZ
def test_anonymous(case: Any) -> None:
    case.call_and_validate(checks=CHECKS)


@quick_schema.parametrize()
@FUZZ
def test_reviewer(case: Any, reviewer_token: str) -> None:
    case.call_and_validate(headers=authorization(case, reviewer_token), checks=CHECKS)


@schema.parametrize()
@FUZZ
def test_editor(case: Any, editor_token: str) -> None:
    case.call_and_validate(headers=authorization(case, editor_token), checks=CHECKS)


def test_stateful_editor(editor_token: str) -> None:
    """Sequences that follow the document's links: create a claim or a verdict, read it, change
    it with the ETag the read gave, move the claim through the workflow (claims/api/links.py)."""
    links = {
        (op.get("operationId"), name)
        for item in schema.raw_schema["paths"].values()
        for op in item.values()
        if isinstance(op, dict)
        for response in op.get("responses", {}).values()
        for name in response.get("links", {})
    }
    assert {("api_v1_claims_create", "Update"), ("api_v1_claims_create", "Transition")} <= links

    class Workflow(schema.as_state_machine()):  # type: ignore[misc]
        # Every scenario starts from the same rows: what one wrote is rolled back after it.
        # Hypothesis replays scenarios (to explore and to shrink) and expects the same choices
        # to meet the same state; rows left by earlier scenarios made a replay's bundles and
        # preconditions differ ("FlakyStrategyDefinition: Inconsistent data generation").
        def setup(self) -> None:
            self.savepoint = transaction.savepoint()

        def teardown(self) -> None:
            transaction.savepoint_rollback(self.savepoint)
            super().teardown()

        def get_call_kwargs(self, case: Any) -> dict[str, Any]:
            return {"headers": authorization(case, editor_token)}

        def validate_response(self, response: Any, case: Any, additional_checks: Any = None, **kwargs: Any) -> None:
            case.validate_response(response, checks=CHECKS)

    Workflow.run(
        settings=settings(
            FUZZ, max_examples=max(5, EXAMPLES // 3), stateful_step_count=6, deadline=dt.timedelta(seconds=20)
        )
    )


@pytest.fixture
def reviewer_token(db: Any) -> str:
    return token("Reviewer")


@pytest.fixture
def editor_token(db: Any) -> str:
    return token("Editor")


# --- Regressions the fuzzing found, pinned as plain examples -----------------------------------


@pytest.mark.parametrize(
    ("updated_since", "expected"),
    [
        ("1903-08-19T22:43:35-23:27", 2),  # an offset PostgreSQL refuses (it takes ±15:59 at most)
        ("0001-01-01T00:00:00+05:00", 2),  # before year 1 in UTC: everything changed since
        ("9999-12-31T23:00:00-05:00", 0),  # after year 9999 in UTC: nothing
    ],
)
def test_sync_timestamps_with_extreme_offsets(updated_since: str, expected: int) -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token('Reviewer')}")
    response = client.get("/api/v1/claims/", {"updated_since": updated_since})
    assert response.status_code == 200, response.content
    assert len(response.json()["results"]) == expected


def test_review_urls_are_blank_until_published_and_the_schema_says_so() -> None:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token('Reviewer')}")
    reviews = client.get("/api/v1/reviews/").json()["results"]
    assert sorted(r["published_url"] for r in reviews) == ["", "https://factcheck.example.org/checks/geneva-denial"]
    components = schema.raw_schema["components"]["schemas"]
    assert "format" not in components["Review"]["properties"]["published_url"]
    assert "format" not in components["ReviewBrief"]["properties"]["published_url"]
