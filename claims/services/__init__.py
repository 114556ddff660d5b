"""Every write the desk makes: the admin, the API, commands and tasks all call these.

Functions are keyword-only and atomic; a refused write raises a `claims.exceptions`
error and leaves the database as it was. The package is split by subject; import from
`claims.services` itself, which re-exports the public functions.
"""

from __future__ import annotations

from claims.exceptions import (
    PreconditionFailed,
    ServiceError,
    TransitionForbidden,
    TransitionNotAllowed,
    VersionConflict,
)
from claims.services._base import claim_refresh_search
from claims.services.candidates import candidate_accept, candidate_dismiss, candidates_dismiss, candidates_store
from claims.services.claims import (
    EDITABLE_CLAIM_FIELDS,
    AppearanceInput,
    appearance_add,
    appearance_remove,
    appearance_update,
    available_transitions,
    claim_assign,
    claim_create,
    claim_delete,
    claim_transition,
    claim_update,
    claim_version_bump,
    comment_create,
    transition_blockers,
    workflow_role_require,
)
from claims.services.corrections import claim_correct
from claims.services.discovery import (
    FEED_FIELDS,
    claims_merge,
    discovery_job_start,
    discovery_request,
    duplicate_dismiss,
    duplicates_refresh,
    feed_harvest_request,
    feed_save,
    harvest_job_start,
    job_retry,
    related_article_mark,
    related_article_to_evidence,
)
from claims.services.markup import (
    MARKUP_CHANGE_REASON,
    MARKUP_PAGE_FIELDS,
    MarkupInput,
    MarkupPageInput,
    markup_page_delete,
    markup_page_save,
)
from claims.services.preferences import user_language_set
from claims.services.reference import (
    CLAIMANT_FIELDS,
    RATING_FIELDS,
    SOURCE_FIELDS,
    claimant_for_name,
    claimant_get_or_create,
    claimant_update,
    rating_save,
    source_for_url,
    source_get_or_create,
    source_update,
    tags_get_or_create,
)
from claims.services.reviews import review_add_evidence, review_editable, review_save
from claims.services.security import login_lockouts_lift
from claims.services.tokens import api_tokens_purge_expired

__all__ = [
    "CLAIMANT_FIELDS",
    "EDITABLE_CLAIM_FIELDS",
    "FEED_FIELDS",
    "MARKUP_CHANGE_REASON",
    "MARKUP_PAGE_FIELDS",
    "RATING_FIELDS",
    "SOURCE_FIELDS",
    "AppearanceInput",
    "MarkupInput",
    "MarkupPageInput",
    "PreconditionFailed",
    "ServiceError",
    "TransitionForbidden",
    "TransitionNotAllowed",
    "VersionConflict",
    "api_tokens_purge_expired",
    "appearance_add",
    "appearance_remove",
    "appearance_update",
    "available_transitions",
    "candidate_accept",
    "candidate_dismiss",
    "candidates_dismiss",
    "candidates_store",
    "claim_assign",
    "claim_correct",
    "claim_create",
    "claim_delete",
    "claim_refresh_search",
    "claim_transition",
    "claim_update",
    "claim_version_bump",
    "claimant_for_name",
    "claimant_get_or_create",
    "claimant_update",
    "claims_merge",
    "comment_create",
    "discovery_job_start",
    "discovery_request",
    "duplicate_dismiss",
    "duplicates_refresh",
    "feed_harvest_request",
    "feed_save",
    "harvest_job_start",
    "job_retry",
    "login_lockouts_lift",
    "markup_page_delete",
    "markup_page_save",
    "rating_save",
    "related_article_mark",
    "related_article_to_evidence",
    "review_add_evidence",
    "review_editable",
    "review_save",
    "source_for_url",
    "source_get_or_create",
    "source_update",
    "tags_get_or_create",
    "transition_blockers",
    "user_language_set",
    "workflow_role_require",
]
