"""The navigation, assembled from each app's `nav` entries so an app adds its pages without editing a
shared template."""

from typing import Any

from django.apps import apps
from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse

from canhve.accounts.second_factor import lacks_second_factor


def navigation(request: HttpRequest) -> dict[str, Any]:
    """No menu until the user may use it: signed out, or signed in with the password only while the
    clearance demands a second factor (every page but the code's would send them back to it)."""
    user = getattr(request, "user", None)
    if not user or not user.is_authenticated or lacks_second_factor(user):
        return {"nav_items": []}
    items = []
    for config in apps.get_app_configs():
        for label, url_name in getattr(config, "nav", ()):
            try:
                url = reverse(url_name)
            except NoReverseMatch:
                continue
            items.append({"label": label, "url": url, "active": request.path.startswith(url) and url != "/"})
    return {"nav_items": items}
