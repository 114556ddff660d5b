"""Google Fact Check Tools API (v1alpha1), served by the desk.

Tools written for Google's API can point at a self-hosted desk instead:

- `GET /v1alpha1/claims:search` — the desk's published fact-checks; anyone may search.
- `/v1alpha1/pages` and `/v1alpha1/pages/{id}` — ClaimReview markup pages (list, create, get,
  update, delete). Reading needs a desk account; writing needs an editor's (or admin's)
  token, sent as `Authorization: Bearer <token>` as Google's clients do, or `Token <token>`.

A thin face: reads come from `claims.selectors`, writes go through `claims.services`
(`markup_page_save`, `markup_page_delete`), where what a page does to the desk's claims is
decided and documented. Differences from Google's service: errors keep DRF's body and add
Google's `error` object; versionId makes updates optimistic (409 when the page changed);
`fields`, `alt`, `prettyPrint` and the other system parameters are accepted and ignored.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from django.core import signing
from django.core.exceptions import ObjectDoesNotExist
from django.http import HttpRequest, JsonResponse
from django.urls import re_path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import Serializer

from claims import selectors, services, workflow
from claims.api import google_serializers as gs
from claims.api.base import ApiView
from claims.api.exceptions import api_exception_handler
from claims.api.permissions import OPEN, needs
from claims.exceptions import VersionConflict
from claims.models import ClaimReviewPage

TAG = "Google Fact Check Tools (v1alpha1)"
PAGE_ID = OpenApiParameter(
    "page_id",
    OpenApiTypes.INT,
    OpenApiParameter.PATH,
    description=_("The id in the page's name, “pages/{id}”."),
    examples=[OpenApiExample("pages/1", value=1)],
)
ERRORS = {
    code: OpenApiResponse(OpenApiTypes.OBJECT, description=text)
    for code, text in (
        (400, _("Bad input: {'field': ['message']} or {'detail': …}, plus Google's {'error': {…}}.")),
        (401, _("No valid token.")),
        (403, _("The token's user may not do this.")),
        (404, _("No such page.")),
        (409, _("The page changed since it was read (versionId), or its URL is taken.")),
    )
}


PAGE_EXAMPLE = OpenApiExample(
    "A page with one markup",
    request_only=True,
    value={
        "pageUrl": "https://factcheck.example.org/checks/geneva-denial",
        "publishDate": "2022-01-24",
        "claimReviewAuthor": {"name": "The desk"},
        "claimReviewMarkups": [
            {
                "claimReviewed": "The Kremlin says no invasion of Ukraine is being planned",
                "claimDate": "2022-01-21",
                "claimLocation": "Geneva",
                "claimFirstAppearance": "https://news.example/geneva-talks-day-one",
                "claimAuthor": {"name": "Russian foreign ministry"},
                "rating": {"textualRating": "False", "ratingExplanation": "Troops kept massing at the border."},
                "url": "https://factcheck.example.org/checks/geneva-denial",
            }
        ],
    },
)


# --- Who may call what -----------------------------------------------------------------------------
#
# Pages are the desk's publishing records: desk members read them, editors and admins write
# them. The services check the same permissions again; the rules give the right status early.

PAGE_READ = needs("claims.view_claimreviewpage")


# --- Errors --------------------------------------------------------------------------------------


class Conflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = _("The request conflicts with the current state.")
    default_code = "conflict"


GOOGLE_STATUS = {
    400: "INVALID_ARGUMENT",
    401: "UNAUTHENTICATED",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    405: "UNIMPLEMENTED",
    409: "ABORTED",
    413: "INVALID_ARGUMENT",
    415: "INVALID_ARGUMENT",
    429: "RESOURCE_EXHAUSTED",
}


def _first_message(data: Any, path: str = "") -> str:
    """The first error message in DRF's nested error data, prefixed with its field path."""
    if isinstance(data, dict):
        for key, value in data.items():
            if key == "detail" and not path:
                return _first_message(value)
            if str(key).isdigit() and path:  # DRF keys list items' errors by index
                return _first_message(value, f"{path}[{key}]")
            return _first_message(value, f"{path}.{key}" if path else str(key))
    if isinstance(data, list):
        for index, value in enumerate(data):
            if value:
                inner = f"{path}[{index}]" if isinstance(value, dict | list) and path else path
                return _first_message(value, inner)
        return path
    return f"{path}: {data}" if path else str(data)


def google_exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """The REST API's error handling, plus Google's `error` object, which its client libraries read."""
    if isinstance(exc, VersionConflict):
        # The version comes in the body (versionId), not in If-Match: Google's ABORTED, 409.
        exc = Conflict(exc.message)
    elif isinstance(exc, ObjectDoesNotExist):  # e.g. the page was deleted by a concurrent request
        exc = exceptions.NotFound()
    response = api_exception_handler(exc, context)
    if response is None:
        return None
    data = response.data if isinstance(response.data, dict) else {"detail": response.data}
    response.data = {
        **data,
        "error": {
            "code": response.status_code,
            "message": _first_message(data),
            "status": GOOGLE_STATUS.get(response.status_code, "UNKNOWN"),
        },
    }
    return response


class GoogleAPIView(ApiView):
    """The API's defaults, with Google's error object and a `Bearer` challenge (what Google's clients expect)."""

    def get_exception_handler(self) -> Any:
        return google_exception_handler

    def get_authenticate_header(self, request: Request) -> str:
        # A bare "Bearer" challenge breaks httplib2 (under Google's client); RFC 6750 gives a realm.
        return 'Bearer realm="api"'


def _validated(serializer_class: type[Serializer], data: Any) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


# --- Paging ----------------------------------------------------------------------------------------
#
# Page tokens carry the next offset, signed so a garbled token is a clean 400, and a
# fingerprint of the filters, because Google's contract says the other parameters must
# not change between pages: a token used with other filters would skip or repeat results.


def _fingerprint(filters: dict[str, Any]) -> str:
    return hashlib.sha256(json.dumps(filters, sort_keys=True, default=str).encode()).hexdigest()[:16]


def _start(params: dict[str, Any], *, salt: str, filters: dict[str, Any]) -> int:
    token = params.get("pageToken", "").strip()
    if not token:
        return params.get("offset") or 0
    try:
        payload = signing.loads(token, salt=salt)
        start, fingerprint = int(payload["o"]), payload["f"]
    except (signing.BadSignature, KeyError, TypeError, ValueError):
        raise exceptions.ValidationError({"pageToken": [_("This page token is not valid.")]}) from None
    if fingerprint != _fingerprint(filters) or start < 0:
        raise exceptions.ValidationError(
            {"pageToken": [_("This page token belongs to a request with other parameters.")]}
        )
    return start


def _page(queryset: Any, params: dict[str, Any], *, salt: str, filters: dict[str, Any]) -> tuple[list[Any], str]:
    """One page of results (one query: a row beyond the page tells whether there is more) and the next token."""
    start = _start(params, salt=salt, filters=filters)
    size = params.get("pageSize") or gs.DEFAULT_PAGE_SIZE
    rows = list(queryset[start : start + size + 1])
    if len(rows) <= size:
        return rows, ""
    return rows[:size], signing.dumps({"o": start + size, "f": _fingerprint(filters)}, salt=salt)


# --- claims:search -----------------------------------------------------------------------------------


class ClaimSearchView(GoogleAPIView):
    """Search the desk's published fact-checks, as Google's `claims.search` does."""

    permission_rules = {"get": OPEN, "metadata": OPEN}

    @extend_schema(
        operation_id="factchecktools_claims_search",
        summary=_("Search published fact-checks (Google's claims.search)"),
        description=_(
            "Published fact-checks only, newest first; anyone may search. `query` matches the claim, its summary, "
            "claimant and appearances (full-text on PostgreSQL)."
        ),
        tags=[TAG],
        parameters=[gs.GoogleClaimSearchParamsSerializer],
        responses={200: gs.GoogleClaimSearchResponseSerializer, 400: ERRORS[400], 401: ERRORS[401]},
    )
    def get(self, request: Request) -> Response:
        params = _validated(gs.GoogleClaimSearchParamsSerializer, request.query_params)
        filters = {
            "query": params.get("query", "").strip(),
            "language_code": params.get("languageCode", ""),
            "site": params.get("reviewPublisherSiteFilter", ""),
            "max_age_days": params.get("maxAgeDays"),
        }
        queryset = selectors.factchecks_search(**filters)
        rows, token = _page(queryset, params, salt="factchecktools.claims.search", filters=filters)
        data: dict[str, Any] = {"claims": [gs.claim_json(claim, request=request) for claim in rows]}
        if token:
            data["nextPageToken"] = token
        return Response(data)


# --- pages -----------------------------------------------------------------------------------------


class PageListView(GoogleAPIView):
    """List markup pages (by URL or by organisation) and create them."""

    permission_rules = {
        "get": PAGE_READ,
        "metadata": PAGE_READ,
        "post": needs(workflow.PUBLISH, "claims.add_claimreviewpage"),
    }

    @extend_schema(
        operation_id="factchecktools_pages_list",
        summary=_("List ClaimReview markup pages (Google's pages.list)"),
        description=_(
            "Newest first. `url` returns the page with that URL (normalised: tracking parameters and fragments do "
            "not matter); `organization` the pages on that site (all of them for the desk's own). Desk members only."
        ),
        tags=[TAG],
        parameters=[gs.GoogleListPagesParamsSerializer],
        responses={200: gs.GoogleListPagesResponseSerializer, **{c: ERRORS[c] for c in (400, 401, 403)}},
    )
    def get(self, request: Request) -> Response:
        params = _validated(gs.GoogleListPagesParamsSerializer, request.query_params)
        filters = {"url": params.get("url", ""), "organization": params.get("organization", "")}
        queryset = selectors.markup_pages(user=request.user, **filters)
        rows, token = _page(queryset, params, salt="factchecktools.pages.list", filters=filters)
        data: dict[str, Any] = {"claimReviewMarkupPages": [gs.page_json(page) for page in rows]}
        if token:
            data["nextPageToken"] = token
        return Response(data)

    @extend_schema(
        operation_id="factchecktools_pages_create",
        summary=_("Create a ClaimReview markup page (Google's pages.create)"),
        description=_(
            "Each markup becomes a published claim with its verdict (the page describes fact-checks already "
            "published). Editors and admins only. Returns 200 with the page, as Google does."
        ),
        tags=[TAG],
        request=gs.GoogleClaimReviewMarkupPageSerializer,
        examples=[PAGE_EXAMPLE],
        responses={200: gs.GoogleClaimReviewMarkupPageSerializer, **{c: ERRORS[c] for c in (400, 401, 403, 409)}},
    )
    def post(self, request: Request) -> Response:
        data = _validated(gs.GoogleClaimReviewMarkupPageSerializer, request.data)
        page = services.markup_page_save(user=request.user, data=gs.page_input(data))
        return Response(gs.page_json(selectors.markup_pages(user=request.user).get(pk=page.pk)))


class PageDetailView(GoogleAPIView):
    """Get, replace (PUT, Google's pages.update), partly update (PATCH with updateMask) or delete a page."""

    permission_rules = {
        "get": PAGE_READ,
        "metadata": PAGE_READ,
        "put": needs(workflow.PUBLISH, "claims.change_claimreviewpage"),
        "patch": needs(workflow.PUBLISH, "claims.change_claimreviewpage"),
        "delete": needs(workflow.PUBLISH, "claims.delete_claimreviewpage"),
    }

    def _get_page(self, request: Request, page_id: str) -> ClaimReviewPage:
        page = selectors.markup_pages(user=request.user).filter(pk=int(page_id)).first()
        if page is None:
            raise exceptions.NotFound(_("No such page."))
        return page

    @extend_schema(
        operation_id="factchecktools_pages_get",
        summary=_("Get a ClaimReview markup page (Google's pages.get)"),
        tags=[TAG],
        parameters=[PAGE_ID],
        responses={200: gs.GoogleClaimReviewMarkupPageSerializer, **{c: ERRORS[c] for c in (401, 403, 404)}},
    )
    def get(self, request: Request, page_id: str) -> Response:
        return Response(gs.page_json(self._get_page(request, page_id)))

    def _save(self, request: Request, page_id: str, data: dict[str, Any], fields: frozenset[str] | None) -> Response:
        page = self._get_page(request, page_id)
        name = data.get("name", "").strip()
        if name and name != f"pages/{page.pk}":
            raise exceptions.ValidationError({"name": [_("The name does not match the page in the URL.")]})
        version = data.get("versionId")
        if fields is None or fields:
            services.markup_page_save(
                user=request.user, page=page, data=gs.page_input(data), fields=fields, expected_version=version
            )
        elif version is not None and version != page.version:
            raise Conflict(_("The page was changed by someone else; get it again and retry."))
        return Response(gs.page_json(self._get_page(request, page_id)))

    @extend_schema(
        operation_id="factchecktools_pages_update",
        summary=_("Replace a page's ClaimReview markup (Google's pages.update)"),
        description=_(
            "A full update: the markups replace the page's, matched by position. Markups left over are taken off "
            "the page: claims the page created are deleted, claims the desk made itself are detached."
        ),
        tags=[TAG],
        parameters=[PAGE_ID],
        request=gs.GoogleClaimReviewMarkupPageSerializer,
        examples=[PAGE_EXAMPLE],
        responses={200: gs.GoogleClaimReviewMarkupPageSerializer, **ERRORS},
    )
    def put(self, request: Request, page_id: str) -> Response:
        data = _validated(gs.GoogleClaimReviewMarkupPageSerializer, request.data)
        return self._save(request, page_id, data, None)

    @extend_schema(
        operation_id="factchecktools_pages_patch",
        summary=_("Change some fields of a page (updateMask)"),
        tags=[TAG],
        parameters=[PAGE_ID, gs.GoogleUpdateParamsSerializer],
        request=gs.GoogleClaimReviewMarkupPagePatchSerializer,
        responses={200: gs.GoogleClaimReviewMarkupPageSerializer, **ERRORS},
    )
    def patch(self, request: Request, page_id: str) -> Response:
        mask = _validated(gs.GoogleUpdateParamsSerializer, request.query_params).get("updateMask", "")
        data = _validated(gs.GoogleClaimReviewMarkupPagePatchSerializer, request.data)
        paths = [p for p in mask.split(",") if p]
        if "*" in paths:
            fields: frozenset[str] | None = None
            data = _validated(gs.GoogleClaimReviewMarkupPageSerializer, request.data)
        elif paths:
            fields = frozenset().union(*(gs.UPDATE_MASK_PATHS[p] for p in paths))
        else:
            fields = frozenset().union(*(gs.UPDATE_MASK_PATHS[k] for k in data if k in gs.UPDATE_MASK_PATHS))
        if fields and "page_url" in fields and not data.get("pageUrl"):
            raise exceptions.ValidationError({"pageUrl": [_("A page needs a URL.")]})
        if fields and "markups" in fields and not data.get("claimReviewMarkups"):
            raise exceptions.ValidationError(
                {"claimReviewMarkups": [_("A page needs at least one markup; delete the page to remove them all.")]}
            )
        return self._save(request, page_id, data, fields)

    @extend_schema(
        operation_id="factchecktools_pages_delete",
        summary=_("Delete a page's ClaimReview markup (Google's pages.delete)"),
        description=_(
            "Deletes the page and the claims its markup created (their history keeps a record); claims the desk "
            "made itself and linked to the page are only detached and stay as they are."
        ),
        tags=[TAG],
        parameters=[PAGE_ID],
        responses={200: gs.GoogleEmptySerializer, **{c: ERRORS[c] for c in (401, 403, 404)}},
    )
    def delete(self, request: Request, page_id: str) -> Response:
        services.markup_page_delete(user=request.user, page=self._get_page(request, page_id))
        return Response({})


@csrf_exempt  # it changes nothing; a CSRF page would be HTML, not Google's JSON error
def not_found(request: HttpRequest, rest: str = "") -> JsonResponse:
    """Anything else under /v1alpha1/ (e.g. `pages/-1`, `pages/abc`): a JSON 404 with Google's
    error object, as the documented operations give, not the site's HTML page."""
    message = str(_("Not found."))
    return JsonResponse(
        {"detail": message, "error": {"code": 404, "message": message, "status": GOOGLE_STATUS[404]}}, status=404
    )


urlpatterns = [
    re_path(r"^v1alpha1/claims:search$", ClaimSearchView.as_view(), name="factchecktools-claims-search"),
    re_path(r"^v1alpha1/pages$", PageListView.as_view(), name="factchecktools-pages"),
    re_path(r"^v1alpha1/pages/(?P<page_id>[0-9]{1,18})$", PageDetailView.as_view(), name="factchecktools-page"),
    re_path(r"^v1alpha1/(?P<rest>[\s\S]*)$", not_found),  # a newline too
]
