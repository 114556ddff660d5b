"""The base of every view of the HTTP API: `ApiViewSet` for resources, `ApiView` for plain views.

The defaults (authentication, permissions, renderers, parsers, throttles, pagination, the
exception handler, metadata and schema classes) are in `REST_FRAMEWORK` in settings and
nowhere else. What a view adds is its per-action permission rules (see
`claims.api.permissions`) and its own queryset, serializers and actions.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar, Literal

from django.core.exceptions import FieldDoesNotExist
from django.core.validators import RegexValidator
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_spectacular.openapi import AutoSchema
from drf_spectacular.plumbing import build_bearer_security_scheme_object
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, viewsets
from rest_framework.generics import get_object_or_404
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from claims import selectors
from claims.api.fields import StrictFieldsMixin, StrictURLField
from claims.api.permissions import Rule, rule_for


class DeskAutoSchema(AutoSchema):
    """Tags operations by resource, marks open reads as callable without credentials, and
    states what the strict serializers enforce: no unknown keys, no blank required text,
    web URLs only."""

    def _map_serializer(self, serializer: Any, direction: str, bypass_extensions: bool = False) -> dict:
        schema = super()._map_serializer(serializer, direction, bypass_extensions)
        if isinstance(serializer, StrictFieldsMixin) and schema.get("type") == "object":
            schema["additionalProperties"] = False
        return schema

    def _map_strict_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict:
        schema = super()._map_serializer_field(field, direction, bypass_extensions)
        if isinstance(field, serializers.CharField) and not field.read_only and not field.allow_blank:
            schema.setdefault("minLength", 1)
            # (A field with its own regex gets that pattern from drf-spectacular instead.)
            if field.trim_whitespace and not any(isinstance(v, RegexValidator) for v in field.validators):
                schema.setdefault("pattern", r"\S")  # whitespace alone is blank once trimmed
        if isinstance(field, StrictURLField):
            schema["pattern"] = "^[Hh][Tt][Tt][Pp][Ss]?://[^\\s/?#]+"
        return schema

    def _map_serializer_field(self, field: Any, direction: str, bypass_extensions: bool = False) -> dict:
        schema = self._map_strict_field(field, direction, bypass_extensions)
        model_field = _model_field(field)
        # A read-only field declared on the serializer (`PrimaryKeyRelatedField(read_only=True)`)
        # does not know its model column may be NULL; the document must say so.
        if field.read_only and model_field is not None and model_field.null and "$ref" not in schema:
            schema["nullable"] = True
        self._uri_only_if_always(field, schema)
        return schema

    def _insert_field_validators(self, field: Any, schema: dict) -> None:
        super()._insert_field_validators(field, schema)  # adds `format: uri` for a URLValidator
        self._uri_only_if_always(field, schema)

    def _uri_only_if_always(self, field: Any, schema: dict) -> None:
        """`format: uri` only where the value always is one: a URL column that may be blank gives ""."""
        model_field = _model_field(field)
        if schema.get("format") == "uri" and (
            getattr(field, "allow_blank", False) or (model_field is not None and model_field.blank)
        ):
            del schema["format"]

    def _get_response_bodies(self, direction: Literal["request", "response"] = "response") -> dict:
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        for code, error in self._implied_errors().items():
            if str(code) not in responses:
                responses[str(code)] = self._get_response_for_code(error, str(code), direction=direction)
        return responses

    def _implied_errors(self) -> dict[int, OpenApiResponse]:
        """The 4xx every operation of its kind can give, whether or not its view lists them:
        a bad or revoked token (401) and throttling (429) anywhere; 403 wherever a role or CSRF
        decides; bad pagination or filter values (400) and a page past the end (404) on lists;
        an unknown id (404) on a path with one; a body that is invalid, too large or of another
        media type (400, 413, 415) on writes."""
        implied: dict[int, OpenApiResponse] = {401: UNAUTHENTICATED, 429: THROTTLED}
        rule = rule_for(self.view, self.method)
        writes = self.method in ("POST", "PUT", "PATCH", "DELETE")
        if rule is None or not rule.anonymous or writes:
            implied[403] = FORBIDDEN
        if self.method in ("POST", "PUT", "PATCH"):
            implied.update({400: VALIDATION_ERROR, 413: TOO_LARGE, 415: UNSUPPORTED_MEDIA_TYPE})
        if self.method == "GET" and self._is_list_view() and self._get_paginator() is not None:
            implied.update({400: VALIDATION_ERROR, 404: NOT_FOUND})
        if self.method == "GET" and any(p.get("in") == "query" for p in self._get_parameters()):
            implied[400] = VALIDATION_ERROR  # a filter or option with a value it does not take
        if "{" in self.path:
            implied[404] = NOT_FOUND
        return implied

    def get_tags(self) -> list[str]:
        basename = getattr(self.view, "basename", None)
        return [f"{basename}s"] if basename else super().get_tags()

    def get_auth(self) -> list[dict[str, Any]]:
        auths = super().get_auth()
        rule = rule_for(self.view, self.method)
        if rule is not None and rule.anonymous and {} not in auths:
            auths.append({})
        return auths


def _model_field(field: Any) -> Any:
    """The model column behind a ModelSerializer's field, or None (a method, a nested path, no model)."""
    model = getattr(getattr(getattr(field, "parent", None), "Meta", None), "model", None)
    source = getattr(field, "source", "") or ""
    if model is None or not source or "." in source or source == "*":
        return None
    try:
        return model._meta.get_field(source)
    except FieldDoesNotExist:
        return None


class TokenScheme(OpenApiAuthenticationExtension):
    """Both keywords in the OpenAPI document: `knoxApiToken` (Token) and `bearerToken` (Bearer)."""

    target_class = "claims.api.auth.TokenAuthentication"
    name = ["knoxApiToken", "bearerToken"]

    def get_security_requirement(self, auto_schema: Any) -> list[dict[str, list[Any]]]:
        return [{name: []} for name in self.name]  # either one (drf-spectacular's default asks for both)

    def get_security_definition(self, auto_schema: Any) -> list[dict[str, Any]]:
        return [
            build_bearer_security_scheme_object(header_name="Authorization", token_prefix="Token"),  # noqa: S106
            {
                "type": "http",
                "scheme": "bearer",
                "description": str(_("A desk API token (knox); “Authorization: Token <token>” works too.")),
            },
        ]


class _VaryByCaller:
    def finalize_response(self, request: Request, response: Response, *args: Any, **kwargs: Any) -> Response:
        response = super().finalize_response(request, response, *args, **kwargs)  # type: ignore[misc]
        # What a response shows depends on who asks (drafts, assignees): no shared cache may mix them.
        patch_vary_headers(response, ["Authorization", "Cookie"])
        return response


class ApiView(_VaryByCaller, APIView):
    """A plain API view (one handler per HTTP method). Name a rule for each handler:

    permission_rules = {"get": OPEN, "metadata": OPEN, "post": needs("claims.add_claim")}
    """

    permission_rules: ClassVar[Mapping[str, Rule]] = {}


class ApiViewSet(_VaryByCaller, viewsets.GenericViewSet):
    """The base of every API ViewSet. Put DRF's mixins before it and name a rule for each action:

        class TipViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, ApiViewSet):
            serializer_class = TipSerializer
            permission_rules = {
                "list": needs("claims.view_tip"),
                "retrieve": needs("claims.view_tip"),
                "triage": needs("claims.change_tip", after_lookup=True),  # an @action
                "metadata": SIGNED_IN,  # OPTIONS
            }

            def get_queryset(self) -> QuerySet[Tip]:
                return selectors.tips_visible_to(user=self.request.user)

    An action missing from `permission_rules` is refused (401/403), and the test suite
    fails until it has a rule (`tests/test_api_permissions.py` walks every route). Reads
    that anyone may make are named with `OPEN`; see `claims.api.permissions` for the rules.
    """

    permission_rules: ClassVar[Mapping[str, Rule]] = {}

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        context["desk"] = selectors.can_see_unpublished(self.request.user)
        return context

    def get_object(self) -> Any:
        # List filters (?status=… and friends) do not apply to a single resource.
        queryset = self.get_queryset()
        lookup = self.lookup_url_kwarg or self.lookup_field
        obj = get_object_or_404(queryset, **{self.lookup_field: self.kwargs[lookup]})
        self.check_object_permissions(self.request, obj)
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
UNSUPPORTED_MEDIA_TYPE = _error("UnsupportedMediaType", "The body is not of a media type this operation reads (JSON).")
STALE_VERSION = _error("StaleVersion", "The claim changed since you read it; nothing was written.")
THROTTLED = _error("Throttled", "Too many requests; retry after the number of seconds in Retry-After.")

READ_ERRORS = {404: NOT_FOUND, 429: THROTTLED}
WRITE_ERRORS = {
    400: VALIDATION_ERROR,
    401: UNAUTHENTICATED,
    403: FORBIDDEN,
    413: TOO_LARGE,
    429: THROTTLED,
}
