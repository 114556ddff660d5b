"""Errors as JSON: the services' refusals mapped to HTTP statuses, and the API's own errors.

Every error body is either `{"detail": "…"}` (with `reasons` when a workflow precondition
failed) or field errors `{"field": ["message", …]}`.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from django.utils.translation import gettext_lazy as _
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.serializers import as_serializer_error
from rest_framework.views import exception_handler

from claims.api.parsers import PayloadTooLarge
from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    TransitionForbidden,
    TransitionNotAllowed,
    VersionConflict,
)


class PreconditionRequired(APIException):
    status_code = status.HTTP_428_PRECONDITION_REQUIRED
    default_detail = _("Send the claim's ETag in an If-Match header to change it.")
    default_code = "precondition_required"


class StaleVersion(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_detail = _("The claim was changed by someone else; reload it and try again.")
    default_code = "precondition_failed"


def _service_status(exc: ServiceError) -> int:
    if isinstance(exc, VersionConflict):
        return status.HTTP_412_PRECONDITION_FAILED
    if isinstance(exc, TransitionForbidden):
        return status.HTTP_403_FORBIDDEN
    if isinstance(exc, TransitionNotAllowed | PreconditionFailed):
        return status.HTTP_409_CONFLICT
    return status.HTTP_400_BAD_REQUEST


def api_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, plus the services' errors, model validation errors and protected deletes."""
    if isinstance(exc, ServiceError):
        data: dict[str, Any] = {"detail": exc.message}
        if isinstance(exc, PreconditionFailed):
            data["reasons"] = list(exc.errors)
        for field, message in exc.fields.items():
            data[field] = [message]
        return Response(data, status=_service_status(exc))
    if isinstance(exc, RequestDataTooBig):  # Django's own limit, hit when DRF reads request.body
        exc = PayloadTooLarge()
    elif isinstance(exc, DjangoValidationError):
        exc = ValidationError(detail=as_serializer_error(exc))
    elif isinstance(exc, ProtectedError):
        return Response(
            {"detail": str(_("Other records still refer to this one, so it cannot be deleted."))},
            status=status.HTTP_409_CONFLICT,
        )
    return exception_handler(exc, context)
