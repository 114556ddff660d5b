"""Refuse NUL characters at the edge, before any view, form or query sees them.

PostgreSQL cannot store or compare text containing U+0000: a NUL that reaches a query is
a 500 ("A string literal cannot contain NUL"), wherever it came from — a URL path segment
looked up as a slug, a search or filter parameter, a login form's username (counted by
the lockout), a JSON field. No legitimate text contains one, so requests carrying one in
the path, the query string or a form body are answered 400 here; JSON bodies are checked
by the API's parser (claims.api.parsers), which sees the decoded strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.utils.translation import gettext as _

NUL = "\x00"
_FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
# The faces that answer in JSON (the REST API and the Google Fact Check Tools face).
_JSON_PREFIXES = ("/api/", "/v1alpha1/")


def has_nul(texts: Iterable[str]) -> bool:
    return any(NUL in text for text in texts)


def _query_dict_texts(query: object) -> Iterable[str]:
    for key, values in query.lists():  # type: ignore[attr-defined]
        yield key
        yield from (v for v in values if isinstance(v, str))


def refusal(request: HttpRequest) -> HttpResponse:
    message = _("Text may not contain NUL (U+0000) characters.")
    if request.path_info.startswith(_JSON_PREFIXES):
        body: dict = {"detail": message}
        if request.path_info.startswith("/v1alpha1/"):
            body["error"] = {"code": 400, "message": message, "status": "INVALID_ARGUMENT"}
        return JsonResponse(body, status=400)
    return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")


class RefuseNulMiddleware:
    """400 for a NUL in the path, a query parameter (name or value) or a form field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if NUL in request.path_info or has_nul(_query_dict_texts(request.GET)):
            return refusal(request)
        # The JSON faces take no forms (415 there); reading request.POST here would change that.
        json_face = request.path_info.startswith(_JSON_PREFIXES)
        if request.method == "POST" and request.content_type in _FORM_TYPES and not json_face:
            try:
                if has_nul(_query_dict_texts(request.POST)):
                    return refusal(request)
            except (RequestDataTooBig, TooManyFieldsSent):
                pass  # the view meets the same error and answers it as it always has
        return self.get_response(request)
