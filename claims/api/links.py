"""OpenAPI links: how a response leads to the next call (create → read → update → transition).

Added to the generated document by a drf-spectacular postprocessing hook, so clients and
stateful fuzzers (schemathesis' state machine, tests/test_api_fuzz.py) can follow a claim or
a verdict through its life: the id comes from the body, the If-Match from the ETag header.
"""

from __future__ import annotations

from typing import Any

_ID = "$response.body#/id"
_ETAG = "$response.header.ETag"

# (source operationId, status) → {link name: (target operationId, parameters)}
LINKS: dict[tuple[str, str], dict[str, tuple[str, dict[str, str]]]] = {}
for resource in ("claims", "reviews"):
    read = f"api_v1_{resource}_retrieve"
    update = f"api_v1_{resource}_partial_update"
    follow = {
        "Read": (read, {"path.id": _ID}),
        "Update": (update, {"path.id": _ID, "header.If-Match": _ETAG}),
    }
    if resource == "claims":
        follow["Transition"] = ("api_v1_claims_transition_create", {"path.id": _ID})
    LINKS[(f"api_v1_{resource}_create", "201")] = follow
    LINKS[(read, "200")] = {k: v for k, v in follow.items() if k != "Read"}
    LINKS[(update, "200")] = dict(follow)
LINKS[("api_v1_claims_transition_create", "200")] = {
    "Read": ("api_v1_claims_retrieve", {"path.id": _ID}),
    "Transition": ("api_v1_claims_transition_create", {"path.id": _ID}),
}


def add_links(result: dict[str, Any], generator: Any, request: Any, public: bool) -> dict[str, Any]:
    """drf-spectacular postprocessing hook: put LINKS into the responses they start from."""
    operations = {
        operation.get("operationId"): operation
        for item in result.get("paths", {}).values()
        for operation in item.values()
        if isinstance(operation, dict)
    }
    for (source, status), links in LINKS.items():
        response = operations.get(source, {}).get("responses", {}).get(status)
        if response is None:
            continue
        response["links"] = {
            name: {"operationId": target, "parameters": parameters}
            for name, (target, parameters) in links.items()
            if target in operations
        }
    return result
