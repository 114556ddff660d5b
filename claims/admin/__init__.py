"""The desk's workplace in the Django admin: claim list and page, bulk actions, dashboard.

Importing the modules registers their ModelAdmins on `admin.site`; the dashboard is the
admin index template plus the `desk_admin` template tags.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from claims.admin import (  # noqa: F401  (registration side effects)
    candidates,
    claims,
    imports,
    other,
    security,
    tips,
    watch,
)

# The product and desk names are proper nouns; the index title reuses the app's label.
admin.site.site_header = f"{settings.FACTCHECK_ORGANIZATION_NAME} · factcheck"
admin.site.site_title = "factcheck"
admin.site.index_title = _("Fact-checking desk")
# The dashboard and breadcrumbs already lead everywhere; the sidebar would take a quarter
# of a laptop screen from the claim list, which has many columns.
admin.site.enable_nav_sidebar = False
