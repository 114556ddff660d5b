"""The desk's roles (Reviewer, Editor, Admin) and its default rating scale."""

from __future__ import annotations

from django.contrib.auth.management import create_permissions
from django.db import migrations

REVIEWER = {
    "claim": ["view", "add", "change", "work"],
    "claimant": ["view", "add", "change"],
    "source": ["view", "add", "change"],
    "appearance": ["view", "add", "change", "delete"],
    "review": ["view", "add", "change"],
    "comment": ["view", "add"],
    "tag": ["view", "add"],
    "rating": ["view"],
    "claimreviewpage": ["view"],
    "feed": ["view"],
    "article": ["view"],
    "relatedarticle": ["view", "change"],
    "duplicatesuggestion": ["view", "change"],
    "fetchjob": ["view", "add"],
    # Reader tips (0004): the inbox and its actions; contact addresses are editors' only.
    "tip": ["view", "change"],
    # Imports (0005): reviewers see other desks' reviews and the rating-text table.
    "externalreview": ["view"],
    "ratingmapping": ["view"],
    "importjob": ["view"],
}
EDITOR_EXTRA = {
    "claim": ["publish", "delete"],
    "claimant": ["delete"],
    "review": ["delete"],
    "comment": ["delete"],
    "tag": ["change", "delete"],
    "claimreviewpage": ["add", "change", "delete"],
    "feed": ["add", "change"],
    "tip": ["delete"],
    "tipcontact": ["view", "delete"],
    "importjob": ["add"],
    "externalreview": ["delete"],
    "ratingmapping": ["add", "change", "delete"],
}

# The default scale: five steps on ClaimReview's 1-5 scale, and two verdicts off it.
RATINGS = [
    ("true", "True", "Sant", 5, "The claim is accurate.", "Påstanden er riktig."),
    (
        "mostly-true",
        "Mostly true",
        "Stort sett sant",
        4,
        "Accurate in substance, with minor errors or missing context.",
        "Riktig i hovedsak, men med små feil eller manglende sammenheng.",
    ),
    ("mixed", "Mixed", "Delvis sant", 3, "Partly accurate and partly wrong.", "Noe stemmer, noe stemmer ikke."),
    (
        "mostly-false",
        "Mostly false",
        "Stort sett usant",
        2,
        "Contains a grain of truth but is wrong in substance.",
        "Inneholder et snev av sannhet, men er feil i hovedsak.",
    ),
    ("false", "False", "Usant", 1, "The claim is wrong.", "Påstanden er feil."),
    (
        "misleading",
        "Misleading",
        "Villedende",
        None,
        "Facts are used to give a false impression.",
        "Fakta brukes til å gi et feilaktig inntrykk.",
    ),
    (
        "unproven",
        "Unproven",
        "Ikke dokumentert",
        None,
        "The evidence available can neither confirm nor refute the claim.",
        "Tilgjengelig dokumentasjon kan verken bekrefte eller avkrefte påstanden.",
    ),
]


def _codenames(spec: dict[str, list[str]]) -> list[str]:
    return [f"{action}_{model}" for model, actions in spec.items() for action in actions]


def create_roles(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); roles need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    assign_roles(apps)


def assign_roles(apps):
    """Create the groups and give them their permissions (also used by tests after a flush)."""
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")

    claims_perms = Permission.objects.filter(content_type__app_label="claims")
    reviewer_codes = _codenames(REVIEWER)
    editor_codes = reviewer_codes + _codenames(EDITOR_EXTRA)

    reviewer, _ = Group.objects.get_or_create(name="Reviewer")
    reviewer.permissions.set(claims_perms.filter(codename__in=reviewer_codes))
    editor, _ = Group.objects.get_or_create(name="Editor")
    editor.permissions.set(claims_perms.filter(codename__in=editor_codes))
    admin, _ = Group.objects.get_or_create(name="Admin")
    admin.permissions.set(
        Permission.objects.filter(content_type__app_label__in=["claims", "knox"])
        | Permission.objects.filter(content_type__app_label="auth", content_type__model__in=["user", "group"])
    )


def create_ratings(apps, schema_editor):
    Rating = apps.get_model("claims", "Rating")
    for order, (slug, en, nb, value, expl_en, expl_nb) in enumerate(RATINGS, start=1):
        Rating.objects.update_or_create(
            slug=slug,
            defaults={
                "label_en": en,
                "label_nb": nb,
                "rating_value": value,
                "explanation_en": expl_en,
                "explanation_nb": expl_nb,
                "order": order * 10,
            },
        )


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_ratings, migrations.RunPython.noop),
    ]
