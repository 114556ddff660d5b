"""The OpenAPI document tells the truth (issue 11, finding 6): nullable fields are nullable,
`format: uri` only where the value always is a URI, and every 4xx an operation can give is
documented. tests/test_api_fuzz.py checks real responses against the document at depth;
these are the findings pinned as plain examples."""

from __future__ import annotations

from typing import Any

import pytest
from drf_spectacular.generators import SchemaGenerator

from tests.factories import ClaimFactory
from tests.test_api_support import API, client_for, fresh_throttle_counts  # noqa: F401

METHODS = ("get", "post", "put", "patch", "delete")


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return SchemaGenerator().get_schema(request=None, public=True)


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def test_nullable_and_uri_fields_say_what_the_responses_hold(document):
    components = document["components"]["schemas"]
    job = components["Job"]["properties"]
    assert job["claim"]["nullable"] and job["feed"]["nullable"]  # a harvest has no claim, a discovery no feed
    assert "format" not in components["Article"]["properties"]["canonical_url"]  # "" when the page named none
    assert components["Article"]["properties"]["url"]["format"] == "uri"


def test_every_operation_documents_the_4xx_it_can_give(document):
    missing = []
    for path, method, operation in _operations(document):
        codes = set(operation["responses"])
        wanted = {"401", "429"}
        if method != "get" or {} not in operation.get("security", [{}]):
            wanted.add("403")
        if "{" in path:
            wanted.add("404")
        if method in ("post", "put", "patch"):
            wanted |= {"400", "413", "415"}
        if method == "get" and any(
            p["name"] in ("page", "page_size", "cursor") for p in operation.get("parameters", [])
        ):
            wanted |= {"400", "404"}
        if wanted - codes:
            missing.append(f"{method.upper()} {path}: {sorted(wanted - codes)}")
    assert not missing, "\n".join(missing)


@pytest.mark.django_db
@pytest.mark.parametrize("resource", ["feeds", "jobs", "articles", "claims"])
@pytest.mark.parametrize(("query", "status"), [("page_size=0", 400), ("page=0", 404), ("page=abc", 404)])
def test_bad_pages_are_documented_json_errors(editor, document, resource, query, status):
    response = client_for(editor).get(f"{API}/{resource}/?{query}")
    if resource == "claims" and query.startswith("page="):
        status = 200 if response.status_code == 200 else status  # claims page by cursor; ?page is ignored
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    assert str(response.status_code) in document["paths"][f"/api/v1/{resource}/"]["get"]["responses"]


@pytest.mark.django_db
def test_a_bad_filter_value_is_a_documented_400(editor, document):
    claim = ClaimFactory()
    response = client_for(editor).get(f"{API}/claims/{claim.pk}/related-articles/?status=AAA")
    assert response.status_code == 400
    assert "400" in document["paths"]["/api/v1/claims/{id}/related-articles/"]["get"]["responses"]


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/api/v1/ratings/x%0Ay/", "/api/v1/x%0A/", "/v1alpha1/pages/1%0A"])
def test_a_path_with_a_newline_is_a_json_404(client, path):
    """Found by the deep fuzzing: `.` stops at a newline, so the JSON catch-alls missed such
    paths and the site's HTML 404 answered (an undocumented content type)."""
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"].startswith("application/json")
