"""What every view of the REST API shares: authentication, permissions, throttles, parsing, errors."""

from __future__ import annotations

from typing import Any

from django.core.validators import RegexValidator
from django.utils.cache import patch_vary_headers
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from knox.auth import TokenAuthentication
from rest_framework import serializers
from rest_framework.authentication import SessionAuthentication
from rest_framework.generics import get_object_or_404
from rest_framework.metadata import SimpleMetadata
from rest_framework.renderers import JSONRenderer

from claims import selectors
from claims.api.exceptions import api_exception_handler
from claims.api.fields import StrictFieldsMixin, StrictURLField
from claims.api.parsers import LimitedJSONParser
from claims.api.permissions import DeskModelPermissions, is_open_read
from claims.api.throttling import AnonRateThrottle, UserRateThrottle


class DeskAutoSchema(AutoSchema):
    """Tags operations by resource, marks open reads as callable without credentials, and
    states what the strict serializers enforce: no unknown keys, no blank required text,
    web URLs only."""

    def _map_serializer(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> dict:
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if isinstance(serializer, StrictFieldsMixin) and schema.get("type") == "object":
            schema["additionalProperties"] = False
        return schema

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.CharField) and not field.read_only and not field.allow_blank:
            schema.setdefault("minLength", 1)
            # (A field with its own regex gets that pattern from drf-spectacular instead.)
            if field.trim_whitespace and not any(isinstance(v, RegexValidator) for v in field.validators):
                schema.setdefault("pattern", r"\S")  # whitespace alone is blank once trimmed
        if isinstance(field, StrictURLField):
            schema["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+"
        return schema

    def get_tags(self) -> list[str]:
        basename = getattr(self.view, "basename", None)
        return [f"{basename}s"] if basename else super().get_tags()

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        if is_open_read(self.method, self.view) and {} not in auths:
            auths.append({})
        return auths


class ApiMetadata(SimpleMetadata):
    """OPTIONS answers with the view's name, description and media types. Field details are
    in the OpenAPI schema; building serializers here for every action is what breaks."""

    def determine_actions(self, request: Any, view: Any) -> dict:
        return {}


class ApiViewMixin:
    """Token auth first (so an anonymous write gets 401 with a `WWW-Authenticate: Token` challenge),
    then the browser session (CSRF enforced); JSON in and out; the services' errors as HTTP statuses."""

    schema = DeskAutoSchema()
    authentication_classes = [TokenAuthentication, SessionAuthentication]
    permission_classes = [DeskModelPermissions]
    throttle_classes = [AnonRateThrottle, UserRateThrottle]
    parser_classes = [LimitedJSONParser]
    renderer_classes = [JSONRenderer]
    metadata_class = ApiMetadata

    def get_exception_handler(self) -> Any:
        return api_exception_handler

    def finalize_response(self, request: Any, response: Any, *args: Any, **kwargs: Any) -> Any:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        # What a response shows depends on who asks (drafts, assignees): no shared cache may mix them.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()  # type: ignore[misc]
        context["desk"] = selectors.can_see_unpublished(self.request.user)  # type: ignore[attr-defined]
        return context

    def get_object(self) -> Any:
        # List filters (?status=… and friends) do not apply to a single resource.
        queryset = self.get_queryset()  # type: ignore[attr-defined]
        lookup = self.lookup_url_kwarg or self.lookup_field  # type: ignore[attr-defined]
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup]})  # type: ignore[attr-defined]
        self.check_object_permissions(self.request, obj)  # type: ignore[attr-defined]
        return obj


def _error(name: str, description: str, **fields: Any) -> OpenApiResponse:
    return OpenApiResponse(
        response=inline_serializer(name=name, fields={"detail": serializers.CharField(), **fields}),
        description=description,
    )


VALIDATION_ERROR = OpenApiResponse(
    response=inline_serializer(
        name="ValidationError",
        fields={
            "field_name": serializers.ListField(
                child=serializers.CharField(), required=False, help_text="Messages for each invalid field."
            )
        },
    ),
    description='Invalid request: field errors `{"field": ["message"]}`, or `{"detail": …}` for a malformed body.',
)
CONFLICT = _error(
    "Conflict",
    "Not allowed in the claim's current state; `reasons` lists unmet preconditions.",
    reasons=serializers.ListField(child=serializers.CharField(), required=False),
)
UNAUTHENTICATED = _error("Unauthenticated", "Not signed in: send `Authorization: Token <key>` or a session cookie.")
FORBIDDEN = _error("Forbidden", "Signed in, but the role may not do this.")
NOT_FOUND = _error("NotFound", "No such resource, or not visible to you.")
TOO_LARGE = _error("PayloadTooLarge", "The request body is larger than the server accepts.")
THROTTLED = _error("Throttled", "Too many requests; retry after the number of seconds in Retry-After.")

READ_ERRORS = {404: NOT_FOUND, 429: THROTTLED}
WRITE_ERRORS = {
    400: VALIDATION_ERROR,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    413: TOO_LARGE,
    429: THROTTLED,
}
