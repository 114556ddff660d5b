"""Where other engines call into the watch engine (discovery's pipeline, once per stored article)."""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)


def article_stored(article: Any, *, index: Any = None) -> None:
    """Match a newly stored article against the live fact-checks (`index`: the batch's
    `live_index()`, read once for all its articles; read here when not given).

    A failure is logged and never costs the fetch: the article is in the index either way.
    """
    if article is None:
        return
    from claims.services.recurrences import recurrences_find_for_article

    try:
        recurrences_find_for_article(article=article, index=index)
    except Exception:
        logger.exception("recurrence matching failed for article %s", article.pk)
