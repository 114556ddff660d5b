"""What OPTIONS answers (`REST_FRAMEWORK["DEFAULT_METADATA_CLASS"]`)."""

from __future__ import annotations

from typing import Any

from rest_framework.metadata import SimpleMetadata


class ApiMetadata(SimpleMetadata):
    """OPTIONS answers with the view's name, description and media types. Field details are
    in the OpenAPI schema; building serializers here for every action is what breaks."""

    def determine_actions(self, request: Any, view: Any) -> dict:
        return {}
