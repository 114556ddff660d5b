"""Imports: the four formats with messy markup, external reviews kept apart from the desk's
verdict, the rating-text table, idempotent re-imports, dry runs, atomic mode, the CSV
encodings, size and SSRF refusals, and who may import."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.test import override_settings

from claims.exceptions import TransitionForbidden
from claims.models import Claim, ExternalReview, ImportJob, RatingMapping, Review
from claims.services import imports
from tests.factories import AppearanceFactory, ClaimFactory, SourceFactory
from tests.fixtures.web.server import LOOPBACK

pytestmark = pytest.mark.django_db
FIXTURES = Path(__file__).parent / "fixtures" / "imports"


def data(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def run_file(user, name: str, **options) -> ImportJob:
    job = imports.import_job_create(user=user, content=data(name), filename=name, **options)
    return imports.import_job_run(job_id=job.pk)


def actions(job: ImportJob, key: str = "item") -> list[tuple[int, str]]:
    return [(row[key], row["action"]) for row in job.report]


def test_a_fact_check_page_with_messy_markup(editor, httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    page = data("factcheck_page.html")
    httpserver.expect_request("/2023/strompris/").respond_with_data(page, content_type="text/html; charset=utf-8")
    job = imports.import_job_create(user=editor, url=httpserver.url_for("/2023/strompris/"))
    job = imports.import_job_run(job_id=job.pk)
    assert job.status == "done" and job.format == "page"
    assert (job.created, job.updated, job.skipped, job.failed) == (3, 0, 0, 0)
    graph_review = ExternalReview.objects.get(rating_text="Helt feil")
    # The @graph's author is a reference to the Organization node.
    assert graph_review.publisher == "Sjekkpunktet"
    assert graph_review.publisher_url == "https://sjekkpunktet.example.no/"
    assert graph_review.rating.slug == "false" and not graph_review.rating_unmapped
    assert graph_review.claim.claimant.name == "Petter Pris"
    assert graph_review.claim.appearances.get().source.url == "https://delefilm.example.com/v/strom80"
    assert graph_review.claim.language == "nb"
    fire = ExternalReview.objects.get(rating_text="Pants on Fire")
    assert fire.rating_value == 0.0 and fire.worst_rating == 0.0 and fire.best_rating == 10.0
    microdata = ExternalReview.objects.get(rating_text="Delvis sant")
    assert microdata.claim.text == "Strømstøtten betales ut to ganger i februar."
    assert microdata.rating.slug == "mixed"
    # Their verdict is not ours: no desk verdict was written.
    assert not Review.objects.exists()


def test_a_datafeed_with_an_unknown_rating_and_a_bad_item(editor):
    job = run_file(editor, "datafeed.json")
    assert job.format == "datafeed"
    assert actions(job) == [(1, "created"), (2, "created"), (3, "failed")]
    assert "claimReviewed" in job.report[2]["reason"]
    fog = ExternalReview.objects.get(rating_text="Lost in the fog")
    assert fog.rating is None and fog.rating_unmapped
    assert "not in the mapping table" in job.report[1]["reason"]
    assert ExternalReview.objects.get(rating_text="Mostly False").rating.slug == "mostly-false"


def test_a_google_claims_search_response(editor):
    job = run_file(editor, "google_search.json")
    assert job.format == "google"
    assert (job.created, job.failed) == (3, 0)
    bread = Claim.objects.get(text="El precio del pan se ha duplicado en un mes")
    assert bread.language == "es"
    assert sorted(bread.external_reviews.values_list("publisher", flat=True)) == ["Bread Watch", "Verifica Sur"]
    assert ExternalReview.objects.get(rating_text="Falso").rating.slug == "false"


def test_reimport_is_idempotent_and_a_change_is_an_update(editor):
    first = run_file(editor, "google_search.json")
    again = run_file(editor, "google_search.json")
    assert (again.created, again.updated, again.skipped) == (0, 0, 3)
    assert {row["reason"] for row in again.report} == {"unchanged"}
    assert Claim.objects.count() == 2 and ExternalReview.objects.count() == 3
    changed = data("google_search.json").replace(b'"textualRating": "Half True"', b'"textualRating": "Mostly True"')
    job = imports.import_job_create(user=editor, content=changed, filename="google.json")
    job = imports.import_job_run(job_id=job.pk)
    assert (job.created, job.updated, job.skipped) == (0, 1, 2)
    assert ExternalReview.objects.get(url="https://tunnelfacts.example.com/toll").rating.slug == "mostly-true"
    assert first.pk != job.pk


def test_an_existing_claim_is_found_by_its_appearance_url(editor):
    claim = ClaimFactory(text="Ferjebillettene ble tredoblet i vinter", language="nb")
    AppearanceFactory(claim=claim, source=SourceFactory(url="https://localnews.example.com/ferry"))
    job = run_file(editor, "datafeed.json")
    assert job.report[0]["claim"] == claim.pk
    assert "appearance URL" in job.report[0]["reason"]
    assert claim.external_reviews.get().publisher == "Harbour Checkers"


def test_an_existing_claim_is_found_by_the_duplicate_finder(editor):
    claim = ClaimFactory(text="The harbour tunnel will become toll-free from June on", language="en")
    job = run_file(editor, "google_search.json")
    assert job.report[2]["claim"] == claim.pk
    assert "duplicate finder" in job.report[2]["reason"]


def test_a_claimreview_without_inlanguage_takes_the_language_its_words_show(editor):
    feed = (
        '[{"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://desk.example.org/a",'
        ' "claimReviewed": "Ferjeprisene i Hordaland ble doblet etter nyttår",'
        ' "reviewRating": {"@type": "Rating", "alternateName": "Feil"}},'
        ' {"@context": "https://schema.org", "@type": "ClaimReview", "url": "https://desk.example.org/b",'
        ' "claimReviewed": "The new bridge has cut the commute by half since it opened",'
        ' "reviewRating": {"@type": "Rating", "alternateName": "False"}}]'
    ).encode()
    job = imports.import_job_run(job_id=imports.import_job_create(user=editor, content=feed, filename="f.json").pk)
    languages = Claim.objects.filter(pk__in=[row["claim"] for row in job.report]).order_by("pk")
    assert list(languages.values_list("language", flat=True)) == ["nb", "en"]


def test_dry_run_counts_without_storing(editor):
    job = run_file(editor, "datafeed.json", dry_run=True)
    assert job.status == "done" and job.dry_run
    assert (job.created, job.failed) == (2, 1)
    assert not Claim.objects.exists() and not ExternalReview.objects.exists()
    real = imports.import_job_confirm(job=job, user=editor)
    real = imports.import_job_run(job_id=real.pk)
    assert not real.dry_run and real.created == 2
    assert ExternalReview.objects.count() == 2


def test_atomic_stores_nothing_when_an_item_fails(editor):
    job = run_file(editor, "datafeed.json", atomic=True)
    assert job.status == "failed"
    assert job.failed == 1 and job.created == 0
    assert "nothing was imported" in job.error
    assert actions(job)[2] == (3, "failed")
    assert not Claim.objects.exists() and not ExternalReview.objects.exists()


def test_a_cp1252_semicolon_csv_with_day_first_dates(editor):
    job = run_file(editor, "claims_cp1252_semicolon.csv")
    assert job.format == "csv"
    assert actions(job, "line") == [(2, "created"), (3, "created"), (5, "failed"), (6, "created")]
    assert "31.02.2024" in job.report[2]["reason"]
    toll = Claim.objects.get(text="Bompengene i Bjørvika ble halvert i mars")
    assert toll.claimant.name == "Ola Veiås" and str(toll.claim_date) == "2024-03-14"
    assert list(toll.tags.values_list("name", flat=True)) == ["samferdsel"]
    # The CSV verdict is the desk's draft, never published.
    assert toll.review.rating.slug == "false" and toll.status == "new"
    ferry = Claim.objects.get(text="Straks gratis ferje til Øya")
    assert ferry.appearances.count() == 2
    assert not hasattr(ferry, "review") or ferry.review is None
    assert "Sjekket av Frode" in job.report[3]["reason"]
    assert Claim.objects.get(claimant__name="Kari Kø").text.startswith("Kafeen på kaia serverer kaffe for 5 kr,")


def test_a_csv_with_a_bom_and_reimport(editor):
    job = run_file(editor, "claims_bom.csv")
    assert actions(job, "line") == [(2, "created"), (3, "created")]
    bridge = Claim.objects.get(claimant__name="Mayor Span")
    assert bridge.text == "The mayor said the new bridge cost nothing"  # no BOM in the first column
    assert sorted(bridge.tags.values_list("name", flat=True)) == ["budget", "infrastructure"]
    again = run_file(editor, "claims_bom.csv")
    assert actions(again, "line") == [(2, "skipped"), (3, "skipped")]


def test_rating_table_is_configurable(editor):
    from claims.models import Rating

    RatingMapping.objects.create(text="lost in the FOG", rating=Rating.objects.get(slug="unproven"))
    run_file(editor, "datafeed.json")
    fog = ExternalReview.objects.get(rating_text="Lost in the fog")
    assert fog.rating.slug == "unproven" and not fog.rating_unmapped


def test_files_over_20_mib_are_refused(editor):
    with pytest.raises(imports.ImportTooLarge):
        imports.import_job_create(user=editor, content=b"x" * (20 * 1024 * 1024 + 1), filename="big.csv")
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("host", ["127.0.0.1", "10.1.2.3", "169.254.169.254", "[::1]"])
def test_an_import_url_on_a_private_address_is_refused_at_once(editor, host, settings):
    settings.FETCH_ALLOWED_NETWORKS = []
    with pytest.raises(imports.ImportRefused) as caught:
        imports.import_job_create(user=editor, url=f"http://{host}/feed.json")
    assert "Refused" in str(caught.value)
    assert not ImportJob.objects.exists()


def test_a_redirect_to_a_private_address_fails_the_job(editor, httpserver, settings):
    settings.FETCH_ALLOWED_NETWORKS = LOOPBACK
    httpserver.expect_request("/feed.json").respond_with_data(
        "", status=302, headers={"Location": "http://10.0.0.7/internal.json"}
    )
    job = imports.import_job_create(user=editor, url=httpserver.url_for("/feed.json"))
    job = imports.import_job_run(job_id=job.pk)
    assert job.status == "failed" and "Refused" in job.error


def test_only_editors_may_import(reviewer):
    with pytest.raises(TransitionForbidden):
        imports.import_job_create(user=reviewer, content=data("claims_bom.csv"), filename="a.csv")


@override_settings(LANGUAGE_CODE="en")
def test_a_file_that_is_not_json_or_csv_fails_the_job_with_a_reason(editor):
    job = imports.import_job_create(user=editor, content=b"{not json", filename="broken.json")
    job = imports.import_job_run(job_id=job.pk)
    assert job.status == "failed" and "cannot be read" in job.error


def test_external_reviews_on_the_claim_page_and_in_the_api_detail(editor, client):
    run_file(editor, "google_search.json")
    bread = Claim.objects.get(text="El precio del pan se ha duplicado en un mes")
    client.force_login(editor)
    page = client.get(f"/admin/claims/claim/{bread.pk}/change/").content.decode()
    assert "Already checked by" in page
    assert 'href="https://verificasur.example.org/pan-duplicado"' in page
    detail = client.get(f"/api/v1/claims/{bread.pk}/").json()
    reviews = sorted(detail["external_reviews"], key=lambda r: r["publisher"])
    assert reviews[1] == {
        "publisher": "Verifica Sur",
        "publisher_url": "https://verificasur.example.org",
        "url": "https://verificasur.example.org/pan-duplicado",
        "rating_text": "Falso",
        "rating_value": None,
        "best_rating": None,
        "worst_rating": None,
        "date": "2024-05-04",
        "language": "es",
    }
    assert detail["review"] is None  # their verdict is not the desk's


def test_admin_upload_dry_run_preview_then_confirm(editor, client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(editor)
    assert client.get("/admin/claims/importjob/add/").status_code == 200
    upload = SimpleUploadedFile("claims.csv", data("claims_bom.csv"), content_type="text/csv")
    response = client.post("/admin/claims/importjob/add/", {"file": upload, "dry_run": "on"})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"].endswith(f"/importjob/{job.pk}/change/")
    imports.import_job_run(job_id=job.pk)  # what the worker does
    preview = client.get(response["Location"]).content.decode()
    assert "This was a dry run" in preview and "import-report" in preview
    assert not Claim.objects.exists()
    confirmed = client.post(f"/admin/claims/importjob/{job.pk}/confirm/")
    real = ImportJob.objects.exclude(pk=job.pk).get()
    assert confirmed["Location"].endswith(f"/importjob/{real.pk}/change/")
    imports.import_job_run(job_id=real.pk)
    assert Claim.objects.count() == 2


def test_reviewers_cannot_open_the_import_form(reviewer, client):
    client.force_login(reviewer)
    assert client.get("/admin/claims/importjob/add/").status_code == 403
