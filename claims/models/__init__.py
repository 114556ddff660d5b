"""The desk's data: claims and their review (core) and the discovery index (discovery)."""

from __future__ import annotations

from .core import (
    Appearance,
    Claim,
    Claimant,
    ClaimReviewPage,
    Comment,
    Priority,
    Rating,
    Review,
    Source,
    Tag,
)
from .discovery import Article, DuplicateSuggestion, Feed, FetchJob, RelatedArticle
from .imports import ExternalReview, ImportJob, ImportRecord, RatingMapping
from .intake import CandidateClaim
from .ranker import RankerModel
from .security import LoginLockout
from .tips import Tip, TipContact
from .watch import (
    Delivery,
    DeskEvent,
    Notification,
    NotificationEvent,
    NotificationPreference,
    Recurrence,
    WebhookDelivery,
    WebhookEvent,
    WebhookMessage,
    WebhookSubscription,
)
from .workplace import Correction, UserPreference

__all__ = [
    "Appearance",
    "Article",
    "CandidateClaim",
    "Claim",
    "ClaimReviewPage",
    "Claimant",
    "Comment",
    "Correction",
    "Delivery",
    "DeskEvent",
    "DuplicateSuggestion",
    "ExternalReview",
    "Feed",
    "FetchJob",
    "ImportJob",
    "ImportRecord",
    "LoginLockout",
    "Notification",
    "NotificationEvent",
    "NotificationPreference",
    "Priority",
    "RankerModel",
    "Rating",
    "RatingMapping",
    "Recurrence",
    "RelatedArticle",
    "Review",
    "Source",
    "Tag",
    "Tip",
    "TipContact",
    "UserPreference",
    "WebhookDelivery",
    "WebhookEvent",
    "WebhookMessage",
    "WebhookSubscription",
]
