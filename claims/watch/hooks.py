"""Where other engines call into the watch engine (discovery's pipeline, once per stored article)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def article_stored(article: Any) -> None:
    """Match a newly stored article against the live fact-checks.

    A failure is logged and never costs the fetch: the article is in the index either way.
    """
    if article is None:
        return
    from claims.services.recurrences import recurrences_find_for_article

    try:
        recurrences_find_for_article(article=article)
    except Exception:
        logger.exception("recurrence matching failed for article %s", article.pk)
