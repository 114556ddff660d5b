"""factory_boy factories for the desk's models; tests build data with these, not fixtures."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth.models import Group, User

from claims.intake import tips as tip_engine
from claims.models import (
    Appearance,
    Article,
    Claim,
    Claimant,
    Comment,
    Feed,
    Rating,
    RelatedArticle,
    Review,
    Source,
    Tip,
)
from claims.workflow import ClaimStatus


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@desk.example")
    is_staff = True
    password = factory.PostGenerationMethodCall("set_password", "pw-for-tests-1")

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if extracted:
            self.groups.add(Group.objects.get(name=extracted))
        if create:
            self.save()


class ClaimantFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claimant
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Claimant {n}")
    kind = Claimant.Kind.PERSON


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source

    url = factory.Sequence(lambda n: f"https://news.example/articles/{n}")
    title = factory.Sequence(lambda n: f"Article {n}")
    outlet = "Example News"
    language = "en"


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim
        skip_postgeneration_save = True

    text = factory.Sequence(lambda n: f"Russia has no plans to invade Ukraine (statement {n}).")
    claim_reviewed = factory.Sequence(lambda n: f"Russia denies invasion plans #{n}")
    language = "en"
    claimant = factory.SubFactory(ClaimantFactory)
    claim_date = dt.date(2022, 1, 21)
    status = ClaimStatus.NEW
    slug = factory.Sequence(lambda n: f"claim-{n}")

    @factory.post_generation
    def search_index(self, create, extracted, **kwargs):
        # The services keep the search tokens; a claim made here directly needs them too.
        if create:
            from claims.services import claim_refresh_search

            claim_refresh_search(claim=self)


class AppearanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Appearance

    claim = factory.SubFactory(ClaimFactory)
    source = factory.SubFactory(SourceFactory)
    quote = "We have no such plans."


def rating(slug: str = "false") -> Rating:
    return Rating.objects.get(slug=slug)


class ReviewFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Review
        skip_postgeneration_save = True

    claim = factory.SubFactory(ClaimFactory)
    rating = factory.LazyFunction(lambda: rating("false"))
    headline = "The denial does not match the troop build-up"
    rationale = "Satellite images and officials' statements show a large build-up near the border."
    author = factory.SubFactory(UserFactory, role="Reviewer")

    @factory.post_generation
    def evidence(self, create, extracted, **kwargs):
        if not create:
            return
        self.evidence.set(extracted if extracted is not None else [SourceFactory()])


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    claim = factory.SubFactory(ClaimFactory)
    author = factory.SubFactory(UserFactory, role="Reviewer")
    body = "Check the ministry's transcript."


class FeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Feed

    url = factory.Sequence(lambda n: f"https://feeds.example/{n}.xml")
    name = factory.Sequence(lambda n: f"Feed {n}")
    language = "en"


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article

    url = factory.Sequence(lambda n: f"https://news.example/a/{n}")
    title = factory.Sequence(lambda n: f"Talks in Geneva, report {n}")
    language = "en"
    text = "Foreign ministers met in Geneva to discuss Ukraine."


class TipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tip

    text = factory.Sequence(lambda n: f"A reader heard that the ferry fares doubled last spring (tip {n}).")
    text_key = factory.LazyAttribute(lambda t: tip_engine.text_key(t.text))
    url = ""
    url_key = factory.LazyAttribute(lambda t: tip_engine.url_key(t.url))
    language = "en"


class RelatedArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RelatedArticle

    claim = factory.SubFactory(ClaimFactory)
    article = factory.SubFactory(ArticleFactory)
    score = 0.5
    provider = "local"
    why = factory.LazyFunction(lambda: {"lexical": 0.5, "ngram": 0.5, "entities": 0.5, "recency": 1.0})
