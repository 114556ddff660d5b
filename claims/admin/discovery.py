"""The discovery panel on the claim page: related articles, the job's live progress, duplicates.

The panel is rendered by `{% discovery_panel %}` (claims/templatetags/discovery_admin.py)
inside the hook the claim page leaves for it. Its buttons post to the small views below,
which call `claims.services` and come back to the claim page with a message. A script
(claims/static/claims/discovery.js) polls `job.json` every second while a job runs, moves
the progress bar, and swaps in the refreshed panel when the job is done.

Snippets are plain text and are escaped like any other string. The one piece of
third-party HTML shown, a feed item's summary, goes through nh3 with images (tracking
pixels) and anything active removed.
"""

from __future__ import annotations

from typing import Any

import nh3
from django.conf import settings
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.template.loader import render_to_string
from django.urls import URLPattern, path, reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_POST

from claims import selectors, services
from claims.admin.base import can_work, report_errors
from claims.discovery.why import entity_names
from claims.exceptions import ServiceError
from claims.models import Claim, DuplicateSuggestion, FetchJob, RelatedArticle, Source
from claims.urlnorm import normalize_url

PANEL_TEMPLATE = "admin/claims/discovery_panel.html"
RUNNING = {FetchJob.Status.QUEUED, FetchJob.Status.RUNNING}
# Who found an article, in the desk's words rather than the provider's module name.
PROVIDER_LABELS = {
    "local": gettext_lazy("the desk's article index"),
    "feeds": gettext_lazy("the desk's news feeds"),
    "article_page": gettext_lazy("the claim's own sources"),
    "factcheck_tools": gettext_lazy("other fact-checkers"),
    "wikipedia": gettext_lazy("Wikipedia"),
    "gdelt": gettext_lazy("GDELT news search"),
}
SUMMARY_TAGS = {"p", "br", "b", "strong", "i", "em", "ul", "ol", "li", "blockquote", "a", "q", "cite", "span"}


def sanitize_third_party_html(html: str) -> SafeString:
    """HTML from someone else's page, safe to show a reviewer: no scripts, no event handlers,
    no styles, no images or other embedded resources that would load from the outlet."""
    cleaned = nh3.clean(
        html or "",
        tags=SUMMARY_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        clean_content_tags={"script", "style", "noscript", "iframe", "object", "svg", "math"},
    )
    return mark_safe(cleaned)  # nh3 output, allow-listed above


# --- What the panel shows -------------------------------------------------------------------


def job_state(job: FetchJob | None) -> dict[str, Any] | None:
    """The job as the progress bar needs it (also the JSON the script polls)."""
    if job is None:
        return None
    total, done = job.progress_total, job.progress_done
    percent = round(100 * done / total) if total else (100 if job.status not in RUNNING else 0)
    return {
        "id": job.pk,
        "kind": job.kind,
        "status": job.status,
        "status_label": str(FetchJob.Status(job.status).label),
        "running": job.status in RUNNING,
        "progress": {"done": done, "total": total},
        "percent": max(0, min(100, percent)),
        "errors": len(job.errors or []),
        "created_at": job.created_at.isoformat() if job.created_at else None,
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
    }


def _admin_url(name: str, *args: Any) -> str:
    return reverse(f"admin:claims_claim_{name}", args=args)


def plain_why(why: dict[str, Any], claim: Claim | None = None) -> list[str]:
    """Why an article was suggested, as sentences a reviewer reads (no signal percentages)."""
    reasons = []
    terms = [str(t) for t in (why.get("terms") or [])][:10]
    if terms:
        reasons.append(_("Matches the words %(words)s.") % {"words": ", ".join(f"“{t}”" for t in terms)})
    names = [str(n) for n in (why.get("entity_terms") or [])]
    if names and claim is not None:
        names = entity_names(names, f"{claim.claim_reviewed}\n{claim.text}", claim.language)
    names = names[:6]
    if names:
        reasons.append(_("Same names: %(names)s.") % {"names": ", ".join(names)})
    days = why.get("days_from_claim")
    if isinstance(days, int):
        if days == 0:
            reasons.append(_("Published the day the claim was made."))
        elif days > 0:
            reasons.append(
                ngettext("Published %(n)s day after the claim.", "Published %(n)s days after the claim.", days)
                % {"n": days}
            )
        else:
            reasons.append(
                ngettext("Published %(n)s day before the claim.", "Published %(n)s days before the claim.", -days)
                % {"n": -days}
            )
    if why.get("cross_language"):
        reasons.append(_("In another language than the claim."))
    return reasons


def _cited_urls(claim: Claim) -> set[str]:
    return set(Source.objects.filter(cited_by__claim=claim).values_list("url", flat=True))


def _is_cited(url: str, cited: set[str]) -> bool:
    if url in cited:
        return True
    try:
        return normalize_url(url) in cited
    except ValueError:
        return False


def panel_context(request: HttpRequest, claim: Claim, *, notice: dict[str, Any] | None = None) -> dict[str, Any]:
    user = request.user
    may_work = can_work(user)
    show_all = request.GET.get("related") == "all"
    cut_off = settings.DISCOVERY_SHOW_MIN_PERCENT
    related, below, irrelevant = [], 0, []
    if user.has_perm("claims.view_relatedarticle"):
        cited = _cited_urls(claim)
        for item in selectors.related_articles_by_status(claim=claim, status="all")[:100]:
            undo_url = _admin_url("discovery_mark", claim.pk, item.pk)
            if item.status == RelatedArticle.Status.IRRELEVANT:
                irrelevant.append({"obj": item, "article": item.article, "mark_url": undo_url})
                continue
            percent = round(100 * item.score)
            if percent < cut_off and not show_all and item.status == RelatedArticle.Status.SUGGESTED:
                below += 1
                continue
            why = item.why or {}
            related.append(
                {
                    "obj": item,
                    "article": item.article,
                    "percent": percent,
                    "terms": [str(t) for t in (why.get("terms") or [])][:12],
                    "reasons": plain_why(why, claim),
                    "found_by": PROVIDER_LABELS.get(item.provider, item.provider),
                    "cross_language": bool(why.get("cross_language")),
                    "cited": _is_cited(item.article.url, cited),
                    "summary": sanitize_third_party_html(item.article.summary) if item.article.summary else "",
                    "mark_url": undo_url,
                    "evidence_url": _admin_url("discovery_evidence", claim.pk, item.pk),
                }
            )
    duplicates = []
    if user.has_perm("claims.view_duplicatesuggestion"):
        for suggestion in selectors.duplicate_suggestions_for(claim=claim):
            other = suggestion.candidate if suggestion.claim_id == claim.pk else suggestion.claim
            duplicates.append(
                {
                    "obj": suggestion,
                    "other": other,
                    "other_url": _admin_url("change", other.pk),
                    "percent": round(100 * suggestion.score),
                    "via_review": suggestion.via_review,
                    "merge_url": _admin_url("discovery_merge", claim.pk, suggestion.pk),
                    "dismiss_url": _admin_url("discovery_dismiss", claim.pk, suggestion.pk),
                }
            )
    job = selectors.latest_job_for(claim=claim) if user.has_perm("claims.view_fetchjob") else None
    state = job_state(job)
    if state is not None and job is not None:
        state["error_list"] = [_job_error_text(e) for e in (job.errors or [])][:50]
    panel_url = _admin_url("discovery_panel", claim.pk)
    return {
        "claim": claim,
        "may_work": may_work,
        "related": related,
        "related_count": len(related),
        "below_cut_off": below,
        "cut_off": cut_off,
        "show_all": show_all,
        "show_more_url": f"{_admin_url('change', claim.pk)}?related=all#fc-discovery",
        "show_more_panel_url": f"{panel_url}?related=all",
        "irrelevant": irrelevant,
        "duplicates": duplicates,
        "job": state,
        "notice": notice,
        "evidence_count": Source.objects.filter(cited_by__claim=claim).count() if notice else None,
        "find_url": _admin_url("discovery_find", claim.pk),
        "job_url": _admin_url("discovery_job", claim.pk),
        "panel_url": panel_url,
    }


def _job_error_text(error: Any) -> str:
    if isinstance(error, dict):
        parts = [str(error.get(k)) for k in ("provider", "url", "error") if error.get(k)]
        return " · ".join(parts)
    return str(error)


# --- Views ----------------------------------------------------------------------------------


def viewable_claim(model_admin: Any, request: HttpRequest, object_id: str) -> Claim:
    """The claim of an admin URL, if this user may see it (404 / 403 otherwise)."""
    claim = model_admin.get_object(request, unquote(object_id))
    if claim is None:
        raise Http404(_("No claim with this id."))
    if not model_admin.has_view_or_change_permission(request, claim):
        raise PermissionDenied
    return claim


def _back(claim: Claim) -> HttpResponseRedirect:
    return HttpResponseRedirect(_admin_url("change", claim.pk) + "#fc-discovery")


def claim_discovery_urls(model_admin: Any) -> list[URLPattern]:
    """The panel's routes under /admin/claims/claim/<id>/discovery/, for ClaimAdmin.get_urls."""
    wrap = model_admin.admin_site.admin_view

    def view(function: Any, *, post: bool = False) -> Any:
        def bound(request: HttpRequest, object_id: str, **kwargs: Any) -> HttpResponse:
            return function(model_admin, request, object_id, **kwargs)

        return wrap(require_POST(bound) if post else bound)

    return [
        path("<path:object_id>/discovery/find/", view(find_view, post=True), name="claims_claim_discovery_find"),
        path("<path:object_id>/discovery/job.json", view(job_json_view), name="claims_claim_discovery_job"),
        path("<path:object_id>/discovery/panel/", view(panel_view), name="claims_claim_discovery_panel"),
        path(
            "<path:object_id>/discovery/related/<int:related_id>/mark/",
            view(mark_view, post=True),
            name="claims_claim_discovery_mark",
        ),
        path(
            "<path:object_id>/discovery/related/<int:related_id>/evidence/",
            view(evidence_view, post=True),
            name="claims_claim_discovery_evidence",
        ),
        path(
            "<path:object_id>/discovery/duplicates/<int:suggestion_id>/merge/",
            view(merge_view, post=True),
            name="claims_claim_discovery_merge",
        ),
        path(
            "<path:object_id>/discovery/duplicates/<int:suggestion_id>/dismiss/",
            view(dismiss_view, post=True),
            name="claims_claim_discovery_dismiss",
        ),
    ]


def find_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """ "Find related articles": queue a discovery job; the progress bar follows it."""
    claim = viewable_claim(model_admin, request, object_id)
    try:
        job = services.discovery_request(claim=claim, user=request.user)
    except ServiceError as exc:
        return _done(request, claim, " ".join(str(e) for e in exc.errors), error=True)
    return _done(request, claim, _("Looking for related articles (job %(id)s).") % {"id": job.pk})


def job_json_view(model_admin: Any, request: HttpRequest, object_id: str) -> JsonResponse:
    """The claim's latest job, for the progress bar's polling (never cached)."""
    claim = viewable_claim(model_admin, request, object_id)
    if not request.user.has_perm("claims.view_fetchjob"):
        raise PermissionDenied
    response = JsonResponse({"job": job_state(selectors.latest_job_for(claim=claim))})
    response["Cache-Control"] = "no-store"
    return response


def panel_view(model_admin: Any, request: HttpRequest, object_id: str) -> HttpResponse:
    """The panel alone, for the script to swap in once a job has finished."""
    claim = viewable_claim(model_admin, request, object_id)
    html = render_to_string(PANEL_TEMPLATE, panel_context(request, claim), request=request)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


def _in_place(request: HttpRequest) -> bool:
    """The panel's script asks for the refreshed panel instead of a redirect (no page reload)."""
    return request.headers.get("X-Fc-Panel") == "1"


def _panel_response(request: HttpRequest, claim: Claim, notice: dict[str, Any]) -> HttpResponse:
    html = render_to_string(PANEL_TEMPLATE, panel_context(request, claim, notice=notice), request=request)
    response = HttpResponse(html)
    response["Cache-Control"] = "no-store"
    return response


def _done(request: HttpRequest, claim: Claim, text: str, *, error: bool = False, **extra: Any) -> HttpResponse:
    """Tell the reviewer what happened: in the refreshed panel, or as a message after a redirect."""
    if _in_place(request):
        return _panel_response(request, claim, {"text": text, "error": error, **extra})
    (messages.error if error else messages.success)(request, text)
    return _back(claim)


def _related(claim: Claim, related_id: int) -> RelatedArticle:
    related = RelatedArticle.objects.filter(pk=related_id, claim=claim).select_related("article").first()
    if related is None:
        raise Http404(_("No such suggestion for this claim."))
    return related


def mark_view(model_admin: Any, request: HttpRequest, object_id: str, related_id: int) -> HttpResponse:
    claim = viewable_claim(model_admin, request, object_id)
    related = _related(claim, related_id)
    status = request.POST.get("status", "")
    title = related.article.title or related.article.url
    try:
        services.related_article_mark(related=related, user=request.user, status=status)
    except ServiceError as exc:
        return _done(request, claim, " ".join(str(e) for e in exc.errors), error=True)
    if status == RelatedArticle.Status.IRRELEVANT:
        message = _("“%(title)s” is marked irrelevant and will not be suggested again.")
        return _done(request, claim, message % {"title": title}, undo_url=request.path)
    if status == RelatedArticle.Status.SUGGESTED:
        return _done(request, claim, _("“%(title)s” is unmarked.") % {"title": title})
    return _done(request, claim, _("“%(title)s” is marked relevant.") % {"title": title})


def evidence_view(model_admin: Any, request: HttpRequest, object_id: str, related_id: int) -> HttpResponse:
    claim = viewable_claim(model_admin, request, object_id)
    related = _related(claim, related_id)
    try:
        source = services.related_article_to_evidence(related=related, user=request.user)
    except ServiceError as exc:
        return _done(request, claim, " ".join(str(e) for e in exc.errors), error=True)
    model_admin.log_change(request, claim, _("Cited %(url)s as evidence.") % {"url": source.url})
    message = _("“%(title)s” is now cited as evidence.") % {"title": source.title or source.url}
    return _done(request, claim, message, source_id=source.pk, source_label=str(source))


def _suggestion(claim: Claim, suggestion_id: int) -> DuplicateSuggestion:
    suggestion = selectors.duplicate_suggestions_for(claim=claim, include_settled=True).filter(pk=suggestion_id).first()
    if suggestion is None:
        raise Http404(_("No such duplicate suggestion for this claim."))
    return suggestion


def merge_view(model_admin: Any, request: HttpRequest, object_id: str, suggestion_id: int) -> HttpResponse:
    """Merge the pair; `keep` says which claim stays: "this" (the page's claim) or "other"."""
    claim = viewable_claim(model_admin, request, object_id)
    suggestion = _suggestion(claim, suggestion_id)
    other = suggestion.candidate if suggestion.claim_id == claim.pk else suggestion.claim
    keep_this = request.POST.get("keep") == "this"
    kept, duplicate = (claim, other) if keep_this else (other, claim)
    try:
        services.claims_merge(claim=duplicate, into=kept, user=request.user)
    except ServiceError as exc:
        report_errors(request, exc)
        return _back(claim)
    model_admin.log_change(request, duplicate, _("Merged into claim %(id)s.") % {"id": kept.pk})
    messages.success(
        request,
        _("Claim %(duplicate)s is now marked as a duplicate of claim %(kept)s.")
        % {"duplicate": duplicate.pk, "kept": kept.pk},
    )
    return _back(kept)


def dismiss_view(model_admin: Any, request: HttpRequest, object_id: str, suggestion_id: int) -> HttpResponse:
    claim = viewable_claim(model_admin, request, object_id)
    suggestion = _suggestion(claim, suggestion_id)
    try:
        services.duplicate_dismiss(suggestion=suggestion, user=request.user)
    except ServiceError as exc:
        report_errors(request, exc)
    else:
        messages.success(request, _("The duplicate suggestion was dismissed."))
    return _back(claim)
