"""A JSON parser that refuses oversized bodies and NUL characters.

Django's DATA_UPLOAD_MAX_MEMORY_SIZE guards form data and `request.body`; DRF 3.18 happens
to read JSON through `request.body` (the exception handler turns Django's error into a 413),
but older and future versions read the stream, where no limit applies. This parser applies
the same limit whichever way the body arrives.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, ParseError, ValidationError
from rest_framework.parsers import JSONParser


class PayloadTooLarge(APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = gettext_lazy("The request body is too large.")
    default_code = "payload_too_large"


class LimitedJSONParser(JSONParser):
    """JSON up to DATA_UPLOAD_MAX_MEMORY_SIZE bytes (413 beyond); deep nesting is a parse error."""

    def parse(self, stream: Any, media_type: str | None = None, parser_context: Mapping[str, Any] | None = None) -> Any:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
        request = (parser_context or {}).get("request")
        if limit is not None and request is not None:
            try:
                declared = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                declared = 0
            if declared > limit:
                raise PayloadTooLarge()
        # Read one byte past the limit: a body without an honest Content-Length is caught too.
        body = stream.read(limit + 1) if limit is not None else stream.read()
        if limit is not None and len(body) > limit:
            raise PayloadTooLarge()
        try:
            data = super().parse(io.BytesIO(body), media_type, parser_context)
        except RecursionError:
            raise ParseError(_("JSON parse error - nested too deeply")) from None
        refuse_nul(data)
        return data


def _contains_nul(data: Any) -> bool:
    stack = [data]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


def refuse_nul(data: Any) -> None:
    """400 if any string in the decoded JSON, key or value, holds a NUL (PostgreSQL refuses them).

    Reported as an error of the top-level field that holds it, like any other bad value.
    """
    message = _("Text may not contain NUL (U+0000) characters.")
    if isinstance(data, dict):
        errors = {str(key): [message] for key, value in data.items() if _contains_nul(value)}
        if any(_contains_nul(key) for key in data):
            raise ValidationError({"detail": message})
        if errors:
            raise ValidationError(errors)
    elif _contains_nul(data):
        raise ValidationError({"detail": message})
