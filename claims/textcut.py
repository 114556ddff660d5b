"""Shortening a text for a title or a list without cutting a word in half."""

from __future__ import annotations


def cut_at_word(text: str, limit: int) -> str:
    """`text` on one line, at most `limit` characters, cut at a word boundary with "…".

    A single word longer than half the limit (a URL, a German compound) is cut where it
    must be: a title of two letters and an ellipsis helps nobody.
    """
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if text[limit - 1] != " " and " " in cut:
        head = cut.rsplit(" ", 1)[0]
        if len(head) >= limit // 2:
            cut = head
    return cut.rstrip(" ,;:-–—") + "…"
