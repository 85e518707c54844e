"""Guards for the browser side of ADR 0104: user text reaches the DOM only as text."""

import re
from pathlib import Path

import canhve

ROOT = Path(canhve.__file__).resolve().parent
HTML_SINKS = re.compile(r"\.innerHTML|\.outerHTML|insertAdjacentHTML|document\.write")
# A tooltip or popup may take an element or a function that returns one built by text(); a string
# (literal or concatenation) would be parsed as HTML by Leaflet.
TOOLTIP = re.compile(r"\.bind(?:Tooltip|Popup)\((.*)")
SAFE_ARG = re.compile(r"^(?:function\s*\([^)]*\)\s*\{[^}]*return text\(|[A-Za-z_$][\w$]*\s*[,)])")


def _shipped_scripts():
    """Project JS files and template bodies (the vendored libraries are not ours to grep)."""
    for path in ROOT.rglob("*"):
        if "vendor" in path.parts or not path.is_file():
            continue
        if path.suffix in {".js", ".html"}:
            yield path, path.read_text(encoding="utf-8")


def test_no_shipped_script_writes_html_strings_into_the_dom():
    offenders = [
        f"{p.relative_to(ROOT)}: {m.group(0)}" for p, s in _shipped_scripts() for m in HTML_SINKS.finditer(s)
    ]
    assert offenders == []


def test_every_tooltip_and_popup_is_built_from_text():
    offenders = []
    for path, source in _shipped_scripts():
        for m in TOOLTIP.finditer(source):
            if not SAFE_ARG.match(m.group(1)):
                offenders.append(f"{path.relative_to(ROOT)}: {m.group(0)[:80]}")
    assert offenders == []


def test_the_guard_catches_a_string_tooltip():
    bad = "layer.bindTooltip(function (l) { return l.feature.properties.name; });"
    good = "layer.bindTooltip(function (l) { return text(l.feature.properties.name); });"
    assert not SAFE_ARG.match(TOOLTIP.search(bad).group(1))
    assert SAFE_ARG.match(TOOLTIP.search(good).group(1))
    assert SAFE_ARG.match(TOOLTIP.search("l.bindTooltip(tip);").group(1))
