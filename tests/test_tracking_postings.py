"""Tracking's pools from the word postings a worker keeps (claims/intake/postings.py)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from claims import search
from claims.intake import postings
from claims.models import Claim
from tests.factories import ClaimFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the postings are PostgreSQL's search vectors"),
]

WORD_SETS = [
    [[["tromso"], ["skoler"], ["barnehager"]], [["kommune"], ["bygger"]]],
    [],  # an article with no telling words
    [[["bergen"], ["skoler"]], [["sentrum"]]],
    [[["oslo"], ["sykehus"]]],  # nothing shares them
]


def _claims():
    return Claim.objects.filter(duplicate_of__isnull=True).only("id", "text", "language", "version")


def _make_claims() -> None:
    for i in range(12):
        ClaimFactory(text=f"Tromsø kommune bygger {i} nye skoler og barnehager innen 2028", language="nb")
        ClaimFactory(text=f"Bergen kommune legger ned {i} skoler i sentrum", language="nb")


def test_the_pools_hold_exactly_the_claims_the_gin_statement_finds():
    _make_claims()
    duplicate = ClaimFactory(text="Tromsø kommune bygger nye skoler", language="nb")
    duplicate.duplicate_of = Claim.objects.exclude(pk=duplicate.pk).first()
    duplicate.save()
    gin = search.claims_sharing_pools(_claims(), WORD_SETS, limit=1000)
    kept = postings.sharing_pools(_claims(), WORD_SETS, limit=1000, common=None)
    assert [sorted(c.pk for c in rows) for rows in kept] == [sorted(c.pk for c in rows) for rows in gin]
    assert len(kept[0]) > 12 and kept[1] == kept[3] == []
    assert all(duplicate.pk not in {c.pk for c in rows} for rows in kept)
    # Rows carry what the queryset loads, no more.
    assert "status" in kept[0][0].get_deferred_fields()


def test_a_pool_ranks_by_the_words_held_then_newest_first_within_its_limit():
    two = [ClaimFactory(text=f"Tromsø bygger skoler, runde {i}", language="nb") for i in range(3)]
    three = ClaimFactory(text="Tromsø bygger skoler og barnehager", language="nb")
    [pool] = postings.sharing_pools(_claims(), [[[["tromso"], ["skoler"], ["barnehager"]]]], limit=3, common=None)
    assert [c.pk for c in pool] == [three.pk, two[2].pk, two[1].pk]


def _both(sets):
    """The pool from the postings, and the GIN statement's claims for the same sets."""
    [kept] = postings.sharing_pools(_claims(), sets, limit=10, common=None)
    [gin] = search.claims_sharing_pools(_claims(), sets, limit=10)
    return {c.pk for c in kept}, {c.pk for c in gin}


def test_a_claim_written_after_the_postings_were_read_is_found_at_the_next_look():
    _make_claims()
    sets = [[["hammerfest"], ["stenger"]]]
    assert _both(sets) == (set(), set())
    new = ClaimFactory(text="Hammerfest stenger fødeavdelingen", language="nb")
    assert _both(sets) == ({new.pk}, {new.pk})
    # An existing claim rewritten to hold the words, with the services' stamp (updated_at).
    old = Claim.objects.filter(text__startswith="Bergen").first()
    text = "Bergen stenger avdelingen og sender pasienter til Hammerfest"
    Claim.objects.filter(pk=old.pk).update(
        text=text, search_folded=search.index_text("", text, ""), updated_at=timezone.now() + dt.timedelta(seconds=1)
    )
    assert _both(sets) == ({new.pk, old.pk}, {new.pk, old.pk})
    # Made a duplicate: its row is no longer the queryset's.
    Claim.objects.filter(pk=new.pk).update(duplicate_of=old, updated_at=timezone.now() + dt.timedelta(seconds=2))
    assert _both(sets) == ({old.pk}, {old.pk})


def test_the_postings_are_bounded_and_drop_the_least_recently_used_words():
    _make_claims()
    cache = postings.ClaimPostings("default", max_ids=30, max_words=3)
    first = cache.lookup(["tromso", "skoler"])
    assert len(first["tromso"]) == 12 and len(first["skoler"]) == 24
    cache.lookup(["bergen"])  # 48 ids held: "tromso", the least recently used, goes
    assert cache.ids_held <= 30 or len(cache) == 1
    assert "tromso" not in cache._words
    again = cache.lookup(["tromso"])  # read again when asked for
    assert len(again["tromso"]) == 12
    assert len(cache) <= 3


def test_a_failed_check_leaves_nothing_cached(monkeypatch):
    _make_claims()
    cache = postings.ClaimPostings("default")
    cache.lookup(["tromso"])
    assert len(cache) == 1

    def broken() -> None:
        raise RuntimeError("connection lost")

    monkeypatch.setattr(cache, "_freshen", broken)
    with pytest.raises(RuntimeError):
        cache.lookup(["tromso"])
    assert len(cache) == 0


def test_many_claims_written_at_once_start_the_postings_again(monkeypatch):
    """An import writes more claims than one check matches against the cached words: the
    cache starts again, and the pools still hold every claim."""
    _make_claims()
    sets = [[["hammerfest"], ["stenger"]]]
    cache = postings.postings(connection.alias)
    assert _both(sets) == (set(), set())
    monkeypatch.setattr(postings, "CHANGED_MAX", 2)
    resets = []
    clear = cache._clear
    monkeypatch.setattr(cache, "_clear", lambda: (resets.append(1), clear()))
    made = {ClaimFactory(text=f"Hammerfest stenger skole nummer {i}", language="nb").pk for i in range(5)}
    assert _both(sets) == (made, made)
    assert resets  # not matched one by one: read again
