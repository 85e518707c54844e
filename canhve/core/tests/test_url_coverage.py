"""Every named page and API route of the project appears in some app's persona matrix."""

import importlib

from django.apps import apps
from django.urls import URLPattern, URLResolver, get_resolver

IGNORED_NAMESPACES = {"admin"}
IGNORED_NAMES = {"set_language", "openapi-json", "openapi-view"}


def _names(resolver: URLResolver, namespace: str = "") -> set[str]:
    names: set[str] = set()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if ns in IGNORED_NAMESPACES:
                continue
            names |= _names(pattern, ns)
        elif isinstance(pattern, URLPattern) and pattern.name and namespace != "api":
            names.add(pattern.name)
    return names


def _covered() -> set[str]:
    covered: set[str] = set()
    for config in apps.get_app_configs():
        if not config.name.startswith("canhve."):
            continue
        try:
            module = importlib.import_module(f"{config.name}.tests.persona_urls")
        except ModuleNotFoundError:
            continue
        covered |= {case.name for case in module.CASES}
    return covered


def test_every_page_has_a_persona_matrix():
    missing = _names(get_resolver()) - IGNORED_NAMES - _covered()
    assert not missing, f"pages with no persona expectations: {sorted(missing)}"
