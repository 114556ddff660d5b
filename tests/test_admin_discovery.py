"""The discovery panel on the admin's claim page: suggestions with reasons, feedback buttons,
"find related articles", the live progress bar, and duplicate merge/dismiss."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path
from typing import Any

import pytest
from django.contrib.admin.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from claims.admin.discovery import sanitize_third_party_html
from claims.models import Claim, DuplicateSuggestion, FetchJob, RelatedArticle, Review
from tests.factories import ArticleFactory, ClaimFactory, UserFactory

STATIC = Path(__file__).resolve().parent.parent / "claims" / "static" / "claims"


def change_url(claim: Claim) -> str:
    return reverse("admin:claims_claim_change", args=[claim.pk])


def admin_url(name: str, *args: Any) -> str:
    return reverse(f"admin:claims_claim_discovery_{name}", args=args)


@pytest.fixture
def research(db):
    claim = ClaimFactory(
        text="Russland har ingen planer om å invadere Ukraina.",
        claim_reviewed="Russland avviser invasjonsplaner",
        language="nb",
        status="in_research",
    )
    good = ArticleFactory(
        title="Lavrov denies invasion plans",
        outlet="Atlantic Wire",
        language="en",
        published_at=timezone.make_aware(dt.datetime(2022, 1, 21, 13)),
        summary=(
            '<p onclick="steal()">Lavrov spoke in <b>Geneva</b>.<img src="https://tracker.example/pixel.gif">'
            '<script>alert("x")</script> <a href="https://news.example/more" onmouseover="x()">More</a>'
            '<a href="javascript:alert(1)">bad</a></p>'
        ),
    )
    noise = ArticleFactory(title="Snow in Oslo", language="en")
    related = RelatedArticle.objects.create(
        claim=claim,
        article=good,
        score=0.87,
        rank=1,
        provider="feed",
        why={
            "terms": ["Russland", "<b>Ukraina</b>"],
            "lexical": 0.9,
            "ngram": 0.4,
            "entities": 1.0,
            "recency": 1.0,
            "cross_language": True,
        },
        snippet='Lavrov said: <script>alert("snippet")</script> Russia has no plans.',
    )
    other = RelatedArticle.objects.create(claim=claim, article=noise, score=0.31, rank=2, provider="gdelt")
    return {"claim": claim, "related": related, "other": other}


# --- The panel ----------------------------------------------------------------------------


def test_panel_shows_ranked_explained_suggestions(client, reviewer, research):
    client.force_login(reviewer)
    html = client.get(change_url(research["claim"])).content.decode()
    assert 'id="fc-discovery"' in html
    first, second = html.index("Lavrov denies invasion plans"), html.index("Snow in Oslo")
    assert first < second  # best first
    panel = html[html.index('id="fc-discovery"') :]
    assert "87%" in panel and "Atlantic Wire" in panel and "feed" in panel
    assert "Matches the words" in panel and "“Russland”" in panel  # the why, in plain language
    # Terms and snippets are plain text: escaped, never markup.
    assert "“&lt;b&gt;Ukraina&lt;/b&gt;”" in panel
    assert "&lt;script&gt;alert(&quot;snippet&quot;)&lt;/script&gt;" in panel
    assert '<script>alert("snippet")' not in panel
    assert "In another language than the claim." in panel
    for label in ("Relevant", "Irrelevant", "Use as evidence", "Find related articles"):
        assert label in panel
    assert admin_url("mark", research["claim"].pk, research["related"].pk) in panel


def test_third_party_summary_is_sanitised_without_images(client, reviewer, research):
    RelatedArticle.objects.filter(pk=research["related"].pk).update(snippet="")  # show the summary instead
    client.force_login(reviewer)
    html = client.get(change_url(research["claim"])).content.decode()
    panel = html[html.index('id="fc-discovery"') :]
    assert "<b>Geneva</b>" in panel
    assert "tracker.example" not in panel and "<img" not in panel[: panel.index("</section>")]
    assert "steal()" not in panel and "onmouseover" not in panel and "javascript:" not in panel
    assert 'alert("x")' not in panel
    assert 'href="https://news.example/more"' in panel


def test_sanitiser_unit():
    cleaned = str(
        sanitize_third_party_html(
            '<div style="x"><img src="a.gif"><iframe src="e"></iframe><a href="https://a.example" target="_top">ok</a>'
            '<svg onload="x()"><circle/></svg><em>kept</em></div>'
        )
    )
    assert cleaned == '<a href="https://a.example" rel="noopener noreferrer nofollow">ok</a><em>kept</em>'


def test_panel_without_data_and_for_readers_without_buttons(client, db, research):
    reader = UserFactory(username="vera")
    from django.contrib.auth.models import Permission

    reader.user_permissions.set(Permission.objects.filter(codename__in=["view_claim", "view_relatedarticle"]))
    client.force_login(reader)
    panel = client.get(change_url(research["claim"])).content.decode()
    assert "Lavrov denies invasion plans" in panel
    assert "Use as evidence" not in panel and "Find related articles" not in panel  # no WORK permission
    empty = ClaimFactory()
    assert "No related articles yet." in client.get(change_url(empty)).content.decode()


# --- Buttons ------------------------------------------------------------------------------


def test_find_related_queues_a_job(client, reviewer, research):
    claim = research["claim"]
    client.force_login(reviewer)
    assert client.get(admin_url("find", claim.pk)).status_code == 405
    response = client.post(admin_url("find", claim.pk))
    assert response.status_code == 302 and response["Location"] == change_url(claim) + "#fc-discovery"
    job = FetchJob.objects.get(claim=claim)
    assert (job.kind, job.status, job.requested_by) == ("discover", "queued", reviewer)
    page = client.get(change_url(claim)).content.decode()
    assert 'data-running="1"' in page and "<progress" in page
    assert "Looking for related articles" in page  # the message


def test_mark_buttons(client, reviewer, research):
    claim, related = research["claim"], research["related"]
    client.force_login(reviewer)
    client.post(admin_url("mark", claim.pk, related.pk), {"status": "relevant"})
    related.refresh_from_db()
    assert (related.status, related.reviewed_by) == ("relevant", reviewer)
    client.post(admin_url("mark", claim.pk, research["other"].pk), {"status": "irrelevant"})
    page = client.get(change_url(claim)).content.decode()
    assert "will not be suggested again" in page  # the message
    suggestions = page[
        page.index('<ol class="fc-related">') : page.index("</ol>", page.index('<ol class="fc-related">'))
    ]
    assert "Snow in Oslo" not in suggestions  # never suggested again; listed apart with Undo
    assert "1 marked irrelevant" in page
    response = client.post(admin_url("mark", claim.pk, related.pk), {"status": "bogus"}, follow=True)
    assert "Mark an article as relevant or irrelevant." in response.content.decode()
    # A suggestion of another claim cannot be reached through this claim's page.
    elsewhere = ClaimFactory()
    assert client.post(admin_url("mark", elsewhere.pk, related.pk), {"status": "irrelevant"}).status_code == 404


def test_use_as_evidence_button(client, reviewer, research):
    claim, related = research["claim"], research["related"]
    client.force_login(reviewer)
    response = client.post(admin_url("evidence", claim.pk, related.pk))
    assert response.status_code == 302
    source = claim.review.evidence.get()
    assert (source.url, source.title, source.outlet) == (related.article.url, related.article.title, "Atlantic Wire")
    related.refresh_from_db()
    assert related.status == "relevant"
    assert LogEntry.objects.filter(object_id=str(claim.pk), change_message__contains=source.url).exists()


def test_buttons_refuse_people_without_the_role(client, db, research):
    reader = UserFactory(username="vera")
    from django.contrib.auth.models import Permission

    reader.user_permissions.set(Permission.objects.filter(codename__in=["view_claim", "view_relatedarticle"]))
    client.force_login(reader)
    claim, related = research["claim"], research["related"]
    client.post(admin_url("mark", claim.pk, related.pk), {"status": "irrelevant"})
    client.post(admin_url("evidence", claim.pk, related.pk))
    client.post(admin_url("find", claim.pk))
    related.refresh_from_db()
    assert related.status == "suggested"
    assert not FetchJob.objects.exists()
    assert not Review.objects.filter(claim=claim).exists()


# --- Progress -----------------------------------------------------------------------------


def test_job_json_and_progress_bar(client, reviewer, research):
    claim = research["claim"]
    client.force_login(reviewer)
    assert client.get(admin_url("job", claim.pk)).json() == {"job": None}
    job = FetchJob.objects.create(
        kind="discover", claim=claim, status="running", progress_done=1, progress_total=3, started_at=timezone.now()
    )
    response = client.get(admin_url("job", claim.pk))
    assert "no-store" in response["Cache-Control"]
    data = response.json()["job"]
    assert (data["id"], data["status"], data["running"], data["percent"]) == (job.pk, "running", True, 33)
    assert data["progress"] == {"done": 1, "total": 3}
    page = client.get(change_url(claim)).content.decode()
    assert re.search(r'<progress class="fc-job-bar" max="100" value="33"', page)
    assert f'data-job-url="{admin_url("job", claim.pk)}"' in page
    assert 'src="/static/claims/discovery.js"' in page
    FetchJob.objects.filter(pk=job.pk).update(
        status="partial", progress_done=3, errors=[{"provider": "gdelt", "error": "timed out"}]
    )
    data = client.get(admin_url("job", claim.pk)).json()["job"]
    assert (data["running"], data["percent"], data["errors"]) == (False, 100, 1)
    fragment = client.get(admin_url("panel", claim.pk)).content.decode()
    assert fragment.lstrip().startswith('<section class="fc-discovery" id="fc-discovery"')
    assert 'data-running="0"' in fragment and "1 error" in fragment


def test_job_json_needs_access(client, db, research):
    assert client.get(admin_url("job", research["claim"].pk)).status_code == 302  # to the login page
    client.force_login(UserFactory(username="otto"))
    assert client.get(admin_url("job", research["claim"].pk)).status_code in (302, 403)


def test_script_polls_every_second_without_external_code():
    script = (STATIC / "discovery.js").read_text(encoding="utf-8")
    assert "POLL_MS = 1000" in script and "fetch(panel.dataset.jobUrl" in script
    template = (Path(__file__).resolve().parent.parent / "templates/admin/claims/discovery_panel.html").read_text()
    for text in (script, template, (STATIC / "discovery.css").read_text(encoding="utf-8")):
        assert not re.search(r"(src|href)=[\"']?https?://", text)
        assert "cdn" not in text.lower()


# --- Duplicates ---------------------------------------------------------------------------


@pytest.fixture
def pair(db):
    older = ClaimFactory(text="Russia has no plans to invade Ukraine.", claim_reviewed="Russia denies invasion plans")
    newer = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", claim_reviewed="Russland avviser")
    return older, newer, DuplicateSuggestion.objects.create(claim=newer, candidate=older, score=0.86)


def test_duplicates_are_shown_on_both_claims(client, reviewer, pair):
    older, newer, _suggestion = pair
    client.force_login(reviewer)
    on_newer = client.get(change_url(newer)).content.decode()
    assert "Possible duplicates" in on_newer and "86%" in on_newer
    assert f'href="{change_url(older)}"' in on_newer
    on_older = client.get(change_url(older)).content.decode()
    assert f'href="{change_url(newer)}"' in on_older


def test_merge_button(client, reviewer, pair):
    older, newer, suggestion = pair
    client.force_login(reviewer)
    response = client.post(admin_url("merge", newer.pk, suggestion.pk), {"keep": "other"})
    assert response.status_code == 302 and response["Location"].startswith(change_url(older))
    newer.refresh_from_db()
    assert newer.duplicate_of == older and newer.status == "rejected"
    page = client.get(change_url(newer)).content.decode()
    assert "This claim is a duplicate of" in page
    assert LogEntry.objects.filter(object_id=str(newer.pk), change_message__contains=str(older.pk)).exists()


def test_merge_keeping_this_claim(client, reviewer, pair):
    older, newer, suggestion = pair
    client.force_login(reviewer)
    client.post(admin_url("merge", newer.pk, suggestion.pk), {"keep": "this"})
    older.refresh_from_db()
    assert older.duplicate_of == newer


def test_dismiss_button(client, reviewer, pair):
    older, newer, suggestion = pair
    client.force_login(reviewer)
    client.post(admin_url("dismiss", older.pk, suggestion.pk))
    suggestion.refresh_from_db()
    assert suggestion.status == "dismissed"
    assert "No likely duplicates." in client.get(change_url(newer)).content.decode()


# --- In a real browser: the bar moves while the job runs ----------------------------------

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's


@pytest.mark.browser
@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_live_progress_bar_in_a_browser(live_server):
    sync_api = pytest.importorskip("playwright.sync_api")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # ORM calls from the test next to Playwright's loop
    UserFactory(username="rita", role="Reviewer")
    claim = ClaimFactory(text="Russland har ingen planer om å invadere Ukraina.", status="in_research")
    job = FetchJob.objects.create(
        kind="discover", claim=claim, status="running", progress_done=0, progress_total=4, started_at=timezone.now()
    )
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            page = browser.new_page()
            page.set_default_timeout(10_000)
            page.goto(f"{live_server.url}/admin/login/?next={change_url(claim)}")
            page.fill("#id_username", "rita")
            page.fill("#id_password", PASSWORD)
            with page.expect_navigation():
                page.click("input[type=submit]")
            page.click("#fc-claim-side-tab")  # the related articles' tab
            page.wait_for_selector("#fc-discovery progress")
            assert page.get_attribute("#fc-discovery progress", "value") == "0"

            FetchJob.objects.filter(pk=job.pk).update(progress_done=2)
            page.wait_for_function("document.querySelector('#fc-discovery progress').value == 50")
            assert "2/4" in page.inner_text("#fc-discovery .fc-job-status")

            # The job finishes with a suggestion: the panel is swapped for the refreshed one.
            article = ArticleFactory(title="Lavrov denies invasion plans", language="en")
            RelatedArticle.objects.create(claim=claim, article=article, score=0.9, provider="feed", snippet="No plans.")
            FetchJob.objects.filter(pk=job.pk).update(status="succeeded", progress_done=4, finished_at=timezone.now())
            page.wait_for_selector("#fc-discovery .fc-related-item")
            assert "Lavrov denies invasion plans" in page.inner_text("#fc-discovery")
            assert page.get_attribute("#fc-discovery .fc-job", "data-running") == "0"
        finally:
            browser.close()


# --- In place: the panel's buttons answer with the refreshed panel (issue 12) ------------------


def test_marking_in_place_returns_the_panel_with_undo(client, reviewer, research):
    claim, related = research["claim"], research["related"]
    client.force_login(reviewer)
    url = admin_url("mark", claim.pk, related.pk)
    response = client.post(url, {"status": "irrelevant"}, HTTP_X_FC_PANEL="1")
    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert html.lstrip().startswith("<section") and 'id="fc-discovery"' in html  # the panel alone
    assert "will not be suggested again" in html and "fc-undo" in html
    response = client.post(url, {"status": "suggested"}, HTTP_X_FC_PANEL="1")  # undo
    related.refresh_from_db()
    assert (related.status, related.reviewed_by) == ("suggested", None)
    # Without the header (no script): the same buttons redirect back, as before.
    assert client.post(url, {"status": "relevant"}).status_code == 302


def test_citing_in_place_shows_the_cited_state(client, reviewer, research):
    claim, related = research["claim"], research["related"]
    client.force_login(reviewer)
    response = client.post(admin_url("evidence", claim.pk, related.pk), HTTP_X_FC_PANEL="1")
    html = response.content.decode()
    assert response.status_code == 200 and "Cited as evidence" in html and "fc-related-cited" in html
    assert 'data-cited-source-id="' in html and 'data-evidence-count="1"' in html
    assert f'action="{admin_url("evidence", claim.pk, related.pk)}"' not in html  # no second "Use as evidence"


def test_score_cut_off_and_show_more(client, reviewer, research, settings):
    claim = research["claim"]
    settings.DISCOVERY_SHOW_MIN_PERCENT = 95  # above every suggestion of the fixture
    client.force_login(reviewer)
    panel = client.get(admin_url("panel", claim.pk)).content.decode()
    assert "fc-related-item" not in panel and "Show 2 more" in panel
    everything = client.get(admin_url("panel", claim.pk) + "?related=all").content.decode()
    assert everything.count('class="fc-related-item') == 2
