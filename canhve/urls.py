"""Root URLs. Every canhve app with a `urls.py` is mounted at /<app label>/ (core at /, accounts at
/accounts/), so an app adds pages without editing this file. Uploaded files are never served as static media:
every download goes through a view that checks visibility and writes the audit row."""

import importlib

from django.apps import apps
from django.contrib import admin
from django.urls import include, path

from .api import api

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("canhve.core.urls")),
]

for _config in apps.get_app_configs():
    if not _config.name.startswith("canhve.") or _config.label == "core":
        continue
    try:
        importlib.import_module(f"{_config.name}.urls")
    except ModuleNotFoundError as exc:
        if exc.name != f"{_config.name}.urls":
            raise
        continue
    urlpatterns.append(path(f"{_config.label}/", include(f"{_config.name}.urls")))
