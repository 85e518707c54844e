"""The Content-Security-Policy (ADR 0104): every page sends it, no template needs inline script or style to
work, and the real pages run in Chromium under it without a single violation."""

import re
from pathlib import Path

import pytest
from django.http import HttpRequest, HttpResponse
from django.test import Client
from django.urls import include, path

import canhve
from canhve.core.testing_browser import needs_chromium, signed_in_page
from canhve.operations.tests.conftest import ops_world  # noqa: F401 - the fixture, reused

ROOT = Path(canhve.__file__).resolve().parent
EXPECTED = {
    "default-src": {"'self'"},
    "script-src": {"'self'"},
    "style-src": {"'self'"},
    "img-src": {"'self'", "data:", "blob:"},
    "font-src": {"'self'"},
    "connect-src": {"'self'"},
    "object-src": {"'none'"},
    "base-uri": {"'self'"},
    "form-action": {"'self'"},
    "frame-ancestors": {"'none'"},
}
UNSAFE = {"'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "'wasm-unsafe-eval'"}


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError("a server error for the test")


# This module is also a URLconf: the site's URLs plus one that fails, for the 500 page.
urlpatterns = [path("test-csp-boom/", _boom), path("", include("canhve.urls"))]


def policy(response: HttpResponse, page: str = "") -> dict[str, set[str]]:
    header = response.headers.get("Content-Security-Policy")
    assert header, f"no Content-Security-Policy on {page}"
    parts = (d.split() for d in header.split(";") if d.strip())
    return {name: set(values) for name, *values in parts}


# (a) the header --------------------------------------------------------------------------------------


def test_every_page_carries_the_policy_and_no_script_source_is_unsafe(ops_world, client):  # noqa: F811
    officer = ops_world.client("k01_officer")
    pages = {
        "home": officer.get("/"),
        "operation map": officer.get(f"/operations/{ops_world.op.pk}/map/"),
        "sites dashboard": officer.get("/sites/basic-survey/"),
        "login": client.get("/accounts/login/"),
        "404": officer.get("/operations/999999999/"),
        "api": officer.get("/api/accounts/me"),
    }
    for name, response in pages.items():
        assert response.status_code in (200, 404), (name, response.status_code)
        directives = policy(response, name)
        assert directives == EXPECTED, name
        assert not UNSAFE & directives["script-src"], name
        assert not UNSAFE & directives["style-src"], name


@pytest.mark.urls(__name__)
def test_the_server_error_page_carries_the_policy_too(db):
    response = Client(raise_request_exception=False).get("/test-csp-boom/")
    assert response.status_code == 500
    assert policy(response) == EXPECTED
    assert "Lỗi hệ thống" in response.content.decode()


# (b) the static guard ---------------------------------------------------------------------------------

COMMENTS = re.compile(r"{#.*?#}|{%\s*comment\s*%}.*?{%\s*endcomment\s*%}", re.S)
TAG = re.compile(r"<([a-zA-Z][\w:-]*)((?:[^>\"']|\"[^\"]*\"|'[^']*')*)>", re.S)
ATTR_EVENT = re.compile(r"(?:^|\s)(on[a-z]+)\s*=", re.I)
ATTR_STYLE = re.compile(r"(?:^|\s)style\s*=", re.I)
ATTR_EVAL = re.compile(r"(?:^|\s)(hx-on[\w:.-]*|hx-vars)\s*=|=\s*[\"']\s*(?:js|javascript):", re.I)
JSON_SCRIPT = re.compile(r"\btype\s*=\s*[\"']application/json[\"']", re.I)


def template_offences(source: str) -> list[str]:
    """Everything in a template that the policy would block: a <script> with a body (JSON data aside),
    a <style> block, a style= attribute, an on<event>= handler, a javascript: URL, htmx code (hx-on, hx-vars,
    js: values) that htmx would have to eval."""
    found = []
    for m in TAG.finditer(COMMENTS.sub("", source)):
        name, attrs = m.group(1).lower(), m.group(2)
        if name == "script" and "src=" not in attrs.replace(" ", "") and not JSON_SCRIPT.search(attrs):
            found.append(f"inline <script{attrs}>")
        if name == "style":
            found.append("<style> block")
        if ATTR_STYLE.search(attrs):
            found.append(f"style= on <{name}>")
        for event in ATTR_EVENT.findall(attrs):
            found.append(f"{event}= on <{name}>")
        if ATTR_EVAL.search(attrs):
            found.append(f"code htmx or the browser would eval on <{name}>: {attrs.strip()[:60]}")
    return found


def _project_files(suffix: str):
    for p in sorted(ROOT.rglob(f"*{suffix}")):
        if "vendor" not in p.parts and "tests" not in p.parts and p.is_file():
            yield p


def test_no_project_template_needs_inline_script_or_style():
    offenders = [
        f"{p.relative_to(ROOT)}: {o}"
        for p in _project_files(".html")
        for o in template_offences(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


WIDGET_ATTRS = re.compile(r"attrs\s*=\s*\{([^}]*)\}")
PY_ATTRS = re.compile(r"[\"'](?:style|on[a-z]+)[\"']\s*:")
JS_EVAL = re.compile(
    r"\beval\s*\(|new\s+Function\s*\(|set(?:Timeout|Interval)\s*\(\s*[\"'`]"
    r"|setAttribute\s*\(\s*[\"'](?:style|on[a-z]+)[\"']|[\"'`]javascript:"
)


def test_no_widget_attribute_or_project_script_brings_inline_code_back():
    # Widget attrs={"style": …} render as style=; a script that evals strings is refused by script-src.
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in _project_files(".py")
        for attrs in WIDGET_ATTRS.finditer(p.read_text(encoding="utf-8"))
        for m in PY_ATTRS.finditer(attrs.group(1))
    ]
    offenders += [
        f"{p.relative_to(ROOT)}: {m.group(0)}"
        for p in _project_files(".js")
        for m in JS_EVAL.finditer(p.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_guard_catches_what_the_policy_blocks():
    bad = {
        "<script>alert(1)</script>": "inline <script",
        '<script type="text/javascript">x()</script>': "inline <script",
        "<style>p{color:red}</style>": "<style> block",
        '<div style="height:600px">': "style= on <div>",
        '<select name="language" onchange="this.form.submit()">': "onchange= on <select>",
        "<img src=x onerror=alert(1)>": "onerror= on <img>",
        '<a href="javascript:history.back()">': "would eval on <a>",
        '<button hx-on:click="alert(1)">': "would eval on <button>",
        "<form hx-vals='js:{a: 1}'>": "would eval on <form>",
    }
    assert PY_ATTRS.search(WIDGET_ATTRS.search('Textarea(attrs={"rows": 24, "style": "x"})').group(1))
    for html, expected in bad.items():
        assert any(expected in o for o in template_offences(html)), html
    good = (
        '<script src="/static/canhve/app.js" defer></script>'
        '<script id="province-data" type="application/json">{"a": "<b>"}</script>'
        '<select name="language" data-submit-on-change><option data-one="1">x</option></select>'
        '<div class="map" data-src="/x" hx-get="/y" hx-trigger="every 1s" hx-headers=\'{"X": "1"}\'>'
        "{# a comment may say <style> or onclick= #}<p>The onclick= text between tags is only text.</p>"
    )
    assert template_offences(good) == []


# (c) the real pages in Chromium -------------------------------------------------------------------------


@pytest.mark.browser
@needs_chromium
@pytest.mark.django_db(transaction=True)
def test_the_map_the_dashboard_and_the_language_switch_run_under_the_policy(ops_world, live_server):  # noqa: F811
    from canhve.geo import lookup
    from canhve.sites.tests.test_browser import load_province_polygons

    load_province_polygons()
    op = ops_world.op
    try:
        with signed_in_page(live_server, ops_world.client("k01_officer")) as (page, watch):
            seen = {}

            def visit(url: str, ready: str) -> None:
                response = page.goto(f"{live_server.url}{url}")
                assert (
                    response is not None
                    and "script-src 'self'" in response.headers["content-security-policy"]
                )
                page.wait_for_selector(ready, state="attached", timeout=30000)
                seen[url] = watch.csp_violations(page) + watch.console
                watch.console.clear()

            visit(f"/operations/{op.pk}/map/", "#opmap[data-ready='1']")
            assert page.locator("#opmap path.op-site").count() >= 2  # the stops are drawn
            assert page.locator("#opmap path.op-closure").count() == 1
            assert page.locator("#opmap .leaflet-tooltip").count() >= 1  # site labels, from text nodes

            visit("/sites/basic-survey/", "#vn-map[data-features]")
            assert page.get_attribute("#vn-map", "data-features") == "34"
            assert page.locator("#vn-map path.leaflet-interactive").count() == 34
            assert page.locator("#vn-map .legend i").count() == 5  # legend swatches coloured via the CSSOM

            # The switcher submits its form from app.js (no onchange=): English, same page, then back.
            page.goto(f"{live_server.url}/operations/{op.pk}/map/")
            with page.expect_navigation():
                page.select_option("select[name=language]", "en")
            assert page.get_attribute("html", "lang") == "en"
            assert page.url.endswith(f"/operations/{op.pk}/map/")
            assert "Operation map" in page.locator("h1").inner_text()
            page.wait_for_selector("#opmap[data-ready='1']", state="attached", timeout=30000)
            seen["switch to English"] = watch.csp_violations(page) + watch.console
            watch.console.clear()
            with page.expect_navigation():
                page.select_option("select[name=language]", "vi")
            assert page.get_attribute("html", "lang") == "vi"
            assert "Bản đồ nhiệm vụ" in page.locator("h1").inner_text()
            seen["switch back"] = watch.csp_violations(page) + watch.console

            # The watcher itself works: an inline style set as an attribute is refused and reported.
            page.evaluate("document.body.setAttribute('style', 'color: red')")
            page.wait_for_timeout(200)
            assert any("style-src" in v for v in watch.csp_violations(page))
    finally:
        lookup.reset()
    assert seen == {k: [] for k in seen}
