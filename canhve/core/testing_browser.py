"""Headless Chromium for the browser tests (pytest mark `browser`): one way to open a page signed in.

    pytestmark = [pytest.mark.browser, needs_chromium]

    with signed_in_page(live_server, world.client("k01_officer")) as (page, watch):
        page.goto(f"{live_server.url}/operations/{op.pk}/map/")
        page.wait_for_selector("#opmap[data-ready='1']", state="attached")

`live_server` is pytest-django's (it serves /static/ from the finders). Every page runs under the site's
Content-Security-Policy, which forbids evaluating strings as script: wait with `wait_for_selector`, not
`wait_for_function("…")`, whose predicate Playwright evals inside the page. `page.evaluate` is not
affected (it runs through the DevTools protocol).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from playwright.sync_api import Page

CHROMIUM = "/usr/bin/chromium"
needs_chromium = pytest.mark.skipif(
    not os.path.exists(CHROMIUM), reason="headless Chromium (/usr/bin/chromium) is not installed"
)

# Installed before any page script: every CSP violation the page reports, in order.
_WATCH_CSP = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__cspViolations.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " at " +
    (e.sourceFile || location.pathname) + ":" + e.lineNumber);
});
"""


@dataclass
class Watch:
    """What went wrong on a page: console errors and warnings (a failed load is one) and uncaught
    exceptions in `console`; the CSP violations the page reported, from `csp_violations(page)`."""

    console: list[str] = field(default_factory=list)

    def csp_violations(self, page: Page) -> list[str]:
        return list(page.evaluate("window.__cspViolations || []"))


@contextmanager
def signed_in_page(
    live_server: Any, client: Any, *, width: int = 1200, height: int = 900
) -> Iterator[tuple[Page, Watch]]:
    """A Chromium page carrying `client`'s session (sign the client in with `testing.login` first), and
    the `Watch` that collects its errors from the first request on."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            context = browser.new_context(viewport={"width": width, "height": height})
            if "sessionid" in client.cookies:
                session = client.cookies["sessionid"].value
                context.add_cookies([{"name": "sessionid", "value": session, "url": live_server.url}])
            context.add_init_script(_WATCH_CSP)
            page = context.new_page()
            watch = Watch()
            noisy = ("error", "warning")
            page.on(
                "console", lambda m: watch.console.append(f"{m.type}: {m.text}") if m.type in noisy else None
            )
            page.on("pageerror", lambda e: watch.console.append(f"pageerror: {e}"))
            yield page, watch
        finally:
            browser.close()
