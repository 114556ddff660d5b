"""Public fact-check pages: the list of published fact-checks and one page per fact-check.

Only live claims (`workflow.LIVE_STATES`) are shown. A fact-check that was published and
later retracted answers 410 Gone with a short retraction notice — no verdict, rationale or
ClaimReview markup — so readers following an old link learn why it disappeared and search
engines drop the markup. Every other state is 404: unpublished work does not leak.
"""

from __future__ import annotations

import json
from typing import Any

import markdown
import nh3
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language_info
from django.views.generic import DetailView, ListView

from claims import selectors
from claims.claimreview import build_claimreview, public_url, review_of
from claims.models import Claim

# What a rationale may contain after Markdown: text formatting, lists, quotes, tables and
# links. No images, scripts, styles, iframes or forms, and no attributes but link targets.
RATIONALE_TAGS = frozenset(
    {
        "p", "br", "hr", "strong", "b", "em", "i", "u", "s", "del", "sub", "sup", "code", "pre", "kbd",
        "blockquote", "ul", "ol", "li", "dl", "dt", "dd", "h2", "h3", "h4", "h5", "h6", "a", "abbr",
        "table", "thead", "tbody", "tr", "th", "td",
    }
)  # fmt: skip
RATIONALE_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}, "th": {"align"}, "td": {"align"}}
RATIONALE_URL_SCHEMES = frozenset({"http", "https", "mailto"})

# The characters that could end a <script> element or start an HTML comment/entity inside it.
_JSON_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def render_markdown(text: str) -> SafeString:
    """Markdown → HTML that is safe to insert in a page, whatever the author typed.

    Raw HTML in the Markdown passes through the Markdown renderer, so the sanitiser, not
    the renderer, is what keeps scripts and event handlers out.
    """
    html = markdown.markdown(text or "", extensions=["extra", "sane_lists"], output_format="html")
    cleaned = nh3.clean(
        html,
        tags=set(RATIONALE_TAGS),
        attributes={tag: set(attrs) for tag, attrs in RATIONALE_ATTRIBUTES.items()},
        url_schemes=set(RATIONALE_URL_SCHEMES),
        link_rel="noopener nofollow",
        strip_comments=True,
    )
    return mark_safe(cleaned)  # nh3 output, allow-listed above


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">` with the JSON escaped like Django's json_script."""
    payload = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_JSON_SCRIPT_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))


def page_language(language: str | None) -> str | None:
    """The site language a fact-check in `language` is shown in (its chrome too), if the site has it."""
    code = (language or "").lower().split("-")[0]
    code = "nb" if code in {"no", "nn", "nob"} else code
    return code if code in dict(settings.LANGUAGES) else None


def other_languages(current: str) -> list[dict[str, str]]:
    """Links to the fact-checks in the site's other languages, each named in its own language."""
    return [
        {"code": code, "name": get_language_info(code)["name_local"]}
        for code, _name in settings.LANGUAGES
        if code != current
    ]


class PublicPageMixin:
    """What every public page's frame shows (the desk's name), rendered in the page's language.

    A fact-check's page speaks the fact-check's language, chrome included ("Vår vurdering",
    not "Our verdict", around a Norwegian verdict), whatever the visitor's browser asks for.
    """

    def page_language(self) -> str | None:
        return None

    def render_to_response(self, context: dict[str, Any], **kwargs: Any) -> HttpResponse:
        language = self.page_language() or translation.get_language()
        with translation.override(language):
            context["organization_name"] = settings.FACTCHECK_ORGANIZATION_NAME
            context["page_language"] = language
            context["other_languages"] = other_languages(language)
            response = super().render_to_response(context, **kwargs)  # type: ignore[misc]
            response.render()
        response["Content-Language"] = language
        return response


class FactcheckListView(PublicPageMixin, ListView):
    """Published fact-checks, newest first; `?lang=nb|en` lists one language's, in that language."""

    template_name = "claims/factcheck_list.html"
    context_object_name = "factchecks"
    paginate_by = 20

    def page_language(self) -> str | None:
        return page_language(self.request.GET.get("lang"))

    def get_queryset(self) -> QuerySet[Claim]:
        qs = selectors.published_factchecks()
        language = self.page_language()
        if language:
            qs = qs.filter(selectors.language_q(language))
        return qs


class FactcheckDetailView(PublicPageMixin, DetailView):
    """One published fact-check with its verdict, rationale, evidence and ClaimReview markup."""

    template_name = "claims/factcheck_detail.html"
    context_object_name = "claim"

    def get_queryset(self) -> QuerySet[Claim]:
        return selectors.published_factchecks()

    def page_language(self) -> str | None:
        return page_language(self.object.language)

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return super().get(request, *args, **kwargs)
        except Http404:
            retracted = selectors.retracted_factchecks().filter(slug=kwargs["slug"]).first()
            if retracted is None:
                raise
            language = page_language(retracted.language) or translation.get_language()
            with translation.override(language):
                context = {
                    "claim": retracted,
                    "organization_name": settings.FACTCHECK_ORGANIZATION_NAME,
                    "page_language": language,
                    "other_languages": other_languages(language),
                }
                response = render(request, "claims/factcheck_retracted.html", context, status=410)
            response["Content-Language"] = language
            return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        claim: Claim = self.object
        review = review_of(claim)  # publishing requires a verdict; imported data might lack one
        context.update(
            review=review,
            rating=review.rating if review else None,
            rationale_html=render_markdown(review.rationale if review else ""),
            evidence=list(review.evidence.all()) if review else [],
            appearances=list(claim.appearances.all()),
            corrections=list(claim.corrections.all()),
            canonical_url=public_url(claim, request=self.request),
            claimreview_script=json_ld_script(build_claimreview(claim, request=self.request)),
        )
        return context
