"""Outbound Atom feeds and the sitemap of the public fact-check pages.

Built on Django's syndication and sitemaps frameworks; both read the same live-only
selector as the public pages, so a feed never lists what the pages would not show.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.contrib.syndication.views import Feed
from django.db.models import Q, QuerySet
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _

from claims import selectors
from claims.claimreview import public_path
from claims.models import Claim, Tag

FEED_ITEMS = 50


def _summary(claim: Claim) -> str:
    review = getattr(claim, "review", None)
    verdict = review.rating.label_for(claim.language) if review and review.rating_id else ""
    parts = [claim.text]
    if verdict:
        parts.append(_("Verdict: %(verdict)s") % {"verdict": verdict})
    return "\n\n".join(parts)


class FactcheckFeed(Feed):
    """The desk's newest published fact-checks as an Atom feed."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        return None

    def title(self, obj: Any = None) -> str:
        return _("%(name)s: fact-checks") % {"name": settings.FACTCHECK_ORGANIZATION_NAME}

    def subtitle(self, obj: Any = None) -> str:
        return _("Published fact-checks, newest first.")

    def link(self, obj: Any = None) -> str:
        return reverse("factchecks:list")

    def feed_url(self, obj: Any = None) -> str:
        return reverse("factchecks:feed")

    def author_name(self) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def claims(self, obj: Any) -> QuerySet[Claim]:
        return selectors.published_factchecks()

    def items(self, obj: Any = None) -> list[Claim]:
        return list(self.claims(obj)[:FEED_ITEMS])

    def item_title(self, item: Claim) -> str:
        review = getattr(item, "review", None)
        return (review.headline if review and review.headline else "") or str(item)

    def item_description(self, item: Claim) -> str:
        return _summary(item)

    def item_link(self, item: Claim) -> str:
        return public_path(item)

    def item_guid(self, item: Claim) -> str:
        return f"{settings.FACTCHECK_SITE_URL}{public_path(item)}"

    def item_guid_is_permalink(self, item: Claim) -> bool:
        return False

    def item_pubdate(self, item: Claim) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Claim) -> dt.datetime | None:
        return item.updated_at

    def item_author_name(self, item: Claim) -> str:
        return settings.FACTCHECK_ORGANIZATION_NAME

    def item_categories(self, item: Claim) -> list[str]:
        return [tag.name for tag in item.tags.all()]


class TagFactcheckFeed(FactcheckFeed):
    """Published fact-checks carrying one tag."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Tag:
        return get_object_or_404(Tag, slug=kwargs["slug"])

    def title(self, obj: Any = None) -> str:
        return _("%(name)s: fact-checks tagged “%(tag)s”") % {
            "name": settings.FACTCHECK_ORGANIZATION_NAME,
            "tag": obj.name,
        }

    def feed_url(self, obj: Any = None) -> str:
        return reverse("factchecks:feed-tag", kwargs={"slug": obj.slug})

    def claims(self, obj: Any) -> QuerySet[Claim]:
        return selectors.published_factchecks().filter(tags=obj)


class LanguageFactcheckFeed(FactcheckFeed):
    """Published fact-checks of claims made in one language (nb, en, …)."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> str:
        return kwargs["language"].lower()

    def title(self, obj: Any = None) -> str:
        return _("%(name)s: fact-checks in language “%(language)s”") % {
            "name": settings.FACTCHECK_ORGANIZATION_NAME,
            "language": obj,
        }

    def feed_url(self, obj: Any = None) -> str:
        return reverse("factchecks:feed-language", kwargs={"language": obj})

    def claims(self, obj: Any) -> QuerySet[Claim]:
        # "nb" matches "nb" and "nb-NO" but not "nbx"
        return selectors.published_factchecks().filter(Q(language__iexact=obj) | Q(language__istartswith=f"{obj}-"))


class FactcheckSitemap(Sitemap):
    """Every public fact-check page, with the time it last changed."""

    changefreq = "weekly"
    limit = 5000

    def items(self) -> QuerySet[Claim]:
        return selectors.live_claims_for_sitemap()

    def location(self, item: Claim) -> str:
        return public_path(item)

    def lastmod(self, item: Claim) -> dt.datetime:
        return item.updated_at


class FactcheckListSitemap(Sitemap):
    """The list page itself."""

    changefreq = "daily"

    def items(self) -> list[str]:
        return ["factchecks:list"]

    def location(self, item: str) -> str:
        return reverse(item)


SITEMAPS = {"factchecks": FactcheckSitemap, "pages": FactcheckListSitemap}
