"""End to end in a real browser: a reviewer takes a claim, drafts the verdict with evidence and
sends it for review; an editor publishes it. Headless Debian Chromium driven by Playwright
against pytest-django's live server; screenshots of the claim page go to test-artifacts/."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

from claims.models import Claim
from tests.factories import AppearanceFactory, ClaimantFactory, ClaimFactory, SourceFactory, UserFactory

# Playwright's sync API runs an event loop in this thread; Django's ORM calls from the test
# itself are still synchronous and safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

sync_api = pytest.importorskip("playwright.sync_api")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
PASSWORD = "pw-for-tests-1"  # tests.factories.UserFactory's

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="Debian chromium is not installed"),
    # The live server runs in another thread and must see committed rows; the groups and
    # rating scale come from data migrations, so restore them after the flush.
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture
def browser():
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def open_session(browser: Any, live_server: Any, username: str) -> Any:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="en-GB")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm() of workflow buttons
    page.goto(f"{live_server.url}/admin/login/?next=/admin/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    submit(page, "input[type=submit]")
    page.wait_for_selector("#fc-dashboard")
    return page


def submit(page: Any, selector: str) -> None:
    """Click a submitting button and wait for the page it leads to (a redirect with a message)."""
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("load")


def shot(page: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def test_reviewer_drafts_and_editor_publishes(live_server, browser):
    reviewer = UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    editor = UserFactory(username="erik", first_name="Erik", last_name="Editor", role="Editor")
    claim = ClaimFactory(
        status="in_research",
        text="Russia says it has no plans at all to invade Ukraine, despite troops gathering at the border.",
        claim_reviewed="Russia says it will not invade Ukraine",
        claimant=ClaimantFactory(name="Russian Ministry of Foreign Affairs", kind="organization"),
        location="Geneva",
        priority=3,
    )
    AppearanceFactory(claim=claim, source=SourceFactory(title="Talks in Geneva end without a breakthrough"))
    evidence = SourceFactory(title="Satellite images show a build-up near the border", url="https://news.example/sat")
    change_url = f"{live_server.url}/admin/claims/claim/{claim.pk}/change/"

    # --- The reviewer ------------------------------------------------------------------
    page = open_session(browser, live_server, "rita")
    page.goto(change_url)
    assert "no plans at all to invade Ukraine" in page.inner_text(".fc-claim-text")
    assert page.inner_text(".fc-claim-header .fc-status") == "In research"
    assert page.locator("button.fc-to-published").count() == 0  # not a reviewer's step
    shot(page, "claim-01-reviewer-opens.png")

    submit(page, "button.fc-assign-me")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-assignee") == "Rita Reviewer"

    page.select_option("#id_review-0-rating", label="False")
    page.fill("#id_review-0-headline", "Troops were gathering while Moscow denied any plan")
    page.fill("#id_review-0-rationale", "Satellite pictures and officials' accounts showed the build-up.")
    # Evidence through the admin's autocomplete (select2 over SourceAdmin's search).
    page.click(".field-evidence .select2-selection")
    page.fill(".field-evidence .select2-search__field", "satellite")
    page.click(".select2-results__option:has-text('Satellite images')")
    page.fill("#id_new_comment", "Verdict drafted; sources attached.")
    submit(page, "input[name=_continue]")
    assert page.locator(".messagelist .success").count() == 1
    assert "Satellite images show a build-up" in page.inner_text(".field-evidence")
    assert "Verdict drafted; sources attached." in page.inner_text("#fc-comments")
    shot(page, "claim-02-verdict-drafted.png")

    submit(page, "button.fc-to-in_review")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-claim-header .fc-status") == "In review"
    assert page.locator(".fc-workflow button.fc-transition").count() == 0
    page.context.close()

    # --- The editor --------------------------------------------------------------------
    page = open_session(browser, live_server, "erik")
    page.goto(change_url)
    assert page.locator("button.fc-to-published").is_visible()
    assert page.locator(".fc-hints").count() == 0  # nothing missing before publishing
    shot(page, "claim-03-editor-reviews.png")
    submit(page, "button.fc-to-published")
    assert page.locator(".messagelist .success").count() == 1
    assert page.inner_text(".fc-claim-header .fc-status") == "Published"
    assert page.locator("a:has-text('Public fact-check page')").count() == 1
    shot(page, "claim-04-published.png")
    page.goto(f"{live_server.url}/admin/claims/claim/?queue=mine")
    assert page.locator("#result_list tbody tr").count() == 0  # the editor's queue is empty
    page.goto(f"{live_server.url}/admin/claims/claim/")
    assert page.locator("#result_list .fc-status-published").count() == 1
    shot(page, "claims-list.png")
    page.goto(f"{live_server.url}/admin/")
    assert page.inner_text("a[data-status=published] .fc-tile-count") == "1"
    shot(page, "dashboard.png")
    page.context.close()

    claim = Claim.objects.select_related("review__rating", "review__author", "review__approver").get(pk=claim.pk)
    assert claim.status == "published" and claim.published_at is not None
    assert claim.assignee == reviewer
    assert claim.review.rating.slug == "false"
    assert claim.review.author == reviewer and claim.review.approver == editor
    assert list(claim.review.evidence.all()) == [evidence]
    assert claim.comments.get().author == reviewer
    assert [h.history_user for h in claim.history.order_by("history_date")][-2:] == [reviewer, editor]


def test_two_readers_send_a_tip_the_desk_records_and_publishes_it(live_server, browser, settings, tmp_path):
    """A reader tips in Norwegian, a second sends the same; the reviewer sees one item with two
    requests and records it; an editor publishes; the consenting tipster's mail is written."""
    from claims import tasks
    from claims.models import Review, Tip
    from claims.services import tips as tip_services
    from tests.factories import rating
    from tests.test_tasks_on_commit import drain

    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    UserFactory(username="rita", first_name="Rita", last_name="Reviewer", role="Reviewer")
    UserFactory(username="erik", first_name="Erik", last_name="Editor", role="Editor")
    drain()
    wording = "Kommunen sier at eiendomsskatten blir fjernet for alle fra neste år."

    # --- Two readers, no login, Norwegian pages ------------------------------------------
    for n, (text, contact) in enumerate([(wording, "leser@example.no"), (wording.upper() + "!", "")]):
        context = browser.new_context(locale="nb-NO", extra_http_headers={"Accept-Language": "nb"})
        page = context.new_page()
        page.goto(f"{live_server.url}/factchecks/")
        page.click("a[href='/tips/']")
        assert page.inner_text("h1") == "Send oss et tips"
        page.fill("#id_text", text)
        page.fill("#id_url", "https://sosialt.example.no/innlegg/42")
        if contact:
            page.fill("#id_contact", contact)
            page.check("#id_consent")
        submit(page, "form.tip button[type=submit]")
        assert "Takk!" in page.inner_text("#tip-sent")
        shot(page, f"tip-0{n + 1}-reader-sent.png")
        context.close()
    assert Tip.objects.count() == 1

    # --- The reviewer: one item, two readers; record it as a claim ------------------------
    page = open_session(browser, live_server, "rita")
    page.goto(f"{live_server.url}/admin/claims/tip/")
    rows = page.locator("#result_list tbody tr")
    assert rows.count() == 1
    assert rows.first.locator("td.field-readers").inner_text() == "2"
    shot(page, "tip-03-inbox.png")
    rows.first.locator("input[name=_selected_action]").check()
    page.select_option("select[name=action]", "record_as_claim")
    submit(page, "button[name=index]")
    assert page.locator(".messagelist .success").count() == 1
    claim = Claim.objects.get()
    assert claim.reader_requests == 2 and claim.language == "nb"
    page.context.close()

    # (The research happens as in the test above; here the verdict is simply drafted.)
    review = Review.objects.create(
        claim=claim,
        rating=rating("false"),
        headline="Skatten blir ikke fjernet",
        rationale="Budsjettet for neste år har med eiendomsskatt.",
        author=claim.created_by,
    )
    review.evidence.add(SourceFactory(url="https://kommune.example.no/budsjett"))
    Claim.objects.filter(pk=claim.pk).update(status="in_review")

    # --- The editor publishes ---------------------------------------------------------------
    page = open_session(browser, live_server, "erik")
    page.goto(f"{live_server.url}/admin/claims/claim/{claim.pk}/change/")
    assert "2 readers asked" in page.inner_text(".fc-claim-header")
    submit(page, "button.fc-to-published")
    assert page.inner_text(".fc-claim-header .fc-status") == "Published"
    page.context.close()

    # --- The worker sends the notice; the file backend writes it ---------------------------
    sent = drain("claims.tasks.tips_notify_published")
    assert [m.args for m in sent] == [[claim.pk]]
    assert tasks.tips_notify_published(*sent[0].args) == 1
    (mail_file,) = (tmp_path / "mail").iterdir()
    written = mail_file.read_text()
    assert "To: leser@example.no" in written
    assert f"/factchecks/{claim.slug}/" in written
    assert tip_services.tips_notify_published(claim_id=claim.pk) == 0  # once only
