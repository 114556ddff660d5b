"""The desk's workplace in the Django admin: claim list and page, bulk actions, dashboard.

Importing the modules registers their ModelAdmins on `admin.site`; the dashboard is the
admin index template plus the `desk_admin` template tags.
"""

from __future__ import annotations

from claims.admin import claims, other  # noqa: F401  (registration side effects)
