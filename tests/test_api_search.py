"""Full-text search through `GET /api/v1/claims/?q=`, in Norwegian and English.

Both databases answer from the same folded, stemmed tokens (claims.search): SQLite with
LIKE on the shadow column, PostgreSQL with its GIN-indexed tsvector. Run these with
DATABASE_URL=postgres://…/fc_api too; every case must hold on both.
"""

from __future__ import annotations

import pytest

from claims import services
from tests.test_api_support import API, client_for, fresh_throttle_counts, ids  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def corpus(reviewer):
    def make(text, language, **extra):
        return services.claim_create(user=reviewer, text=text, language=language, **extra)

    return {
        "denied": make(
            "Moscow denied that troops near the border were preparing an attack.",
            "en",
            claimant="Kremlin spokesman",
        ),
        "planer": make("Russland har ingen planer om å angripe nabolandet.", "nb", claimant="Sergej Lavrov"),
        "compound": make(
            "Utenriksministeren avviste alle invasjonsplaner etter møtet i Genève.",
            "nb",
            appearances=[
                services.AppearanceInput(
                    url="https://news.example/geneve", quote="Ingen grunn til uro", title="Samtaler i Genève"
                )
            ],
        ),
        "unrelated": make("Electricity prices doubled over the winter.", "en", claimant="Energy minister"),
    }


def search(user, q):
    response = client_for(user).get(f"{API}/claims/", {"q": q})
    assert response.status_code == 200
    return ids(response)


def _ids(corpus, *keys):
    return {corpus[k].pk for k in keys}


# Both databases: whole words, claimant names, appearance quotes and source titles, AND of terms.
@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("invasjon", {"compound"}),  # prefix of the compound "invasjonsplaner"
        ("angripe nabolandet", {"planer"}),
        ("Lavrov", {"planer"}),  # claimant name
        ("uro", {"compound"}),  # appearance quote
        ("Genève samtaler", {"compound"}),  # claim text and source title together
        ("troops border", {"denied"}),
        ("troops winter", set()),  # every word must match
        ("", {"denied", "planer", "compound", "unrelated"}),
    ],
)
def test_search_on_any_database(corpus, reviewer, q, expected):
    assert search(reviewer, q) == _ids(corpus, *expected)


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("denies", {"denied"}),  # English stemming: deny/denies/denied
        ("attacks", {"denied"}),
        ("planene", {"planer", "compound"}),  # stemming: plan/planer/planene; and the compound
        ("planer", {"planer", "compound"}),  # "invasjonsplaner" is split into known parts
        ("invasjon", {"compound"}),  # Norwegian compounds: a prefix finds "invasjonsplaner"
        ("invasjonen", {"compound"}),
        ("angrep", set()),
        ("Lavrovs", {"planer"}),
        ("MOSCOW DENIES", {"denied"}),
        ("denies & | ! ( ) :* '", {"denied"}),  # tsquery syntax from users is not syntax
        ("denies % _", {"denied"}),  # nor LIKE syntax
        ("geneve", {"compound"}),  # accent folding: Genève
        ("GENÈVES", {"compound"}),
        ("utenriksministerens", {"compound"}),  # genitive of a definite form
        ("Russlands", {"planer"}),  # genitive
        ("russland planene", {"planer"}),
        ("Kremlins", {"denied"}),
        ("🙂", set()),  # emoji only: nothing, not everything
        ("og i på the of", set()),  # stop words only
        ("the troops", {"denied"}),  # stop words are dropped, the rest must match
    ],
)
def test_stemmed_folded_search(corpus, reviewer, q, expected):
    assert search(reviewer, q) == _ids(corpus, *expected)


def test_search_follows_edits(corpus, reviewer):
    claim = corpus["unrelated"]
    etag = client_for(reviewer).get(f"{API}/claims/{claim.pk}/")["ETag"]
    response = client_for(reviewer).patch(
        f"{API}/claims/{claim.pk}/",
        {"text": "Strømprisene ble doblet i løpet av vinteren.", "language": "nb"},
        format="json",
        HTTP_IF_MATCH=etag,
    )
    assert response.status_code == 200
    assert claim.pk in search(reviewer, "strømprisen")
    assert claim.pk not in search(reviewer, "electricity")


def test_search_respects_visibility(corpus):
    # Nothing in the corpus is published, so the public finds nothing.
    assert search(None, "planer") == set()


def test_search_combines_with_filters(corpus, reviewer):
    assert search(reviewer, "Genève") == _ids(corpus, "compound")
    response = client_for(reviewer).get(f"{API}/claims/", {"q": "Genève", "language": "en"})
    assert ids(response) == set()
