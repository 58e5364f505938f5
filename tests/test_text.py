"""The sanitiser, Markdown rendering and search folding."""

from __future__ import annotations

import json
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest

from app.text import ALLOWED_ATTRIBUTES, ALLOWED_TAGS, fold, render_markdown, sanitize_html
from tests.shared_data import shared_data

NAUGHTY = shared_data("naughty-strings")

PAYLOADS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="JaVaScRiPt:alert(1)">x</a>',
    "<svg onload=alert(1)>",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    "[x](javascript:alert(1))",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<!--<script>alert(1)</script>-->",
]


def _naughty_strings() -> list[str]:
    path = NAUGHTY / "blns.json"
    if not path.exists():
        pytest.skip("shared/data/naughty-strings is not beside the project")
    return [s for s in json.loads(path.read_text(encoding="utf-8")) if isinstance(s, str)]


class _Inspector(HTMLParser):
    """Collects every element and attribute of a fragment as a browser's parser sees them."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in ALLOWED_TAGS:
            self.problems.append(f"tag {tag}")
        for name, value in attrs:
            if name not in ALLOWED_ATTRIBUTES.get(tag, []) and name != "rel":
                self.problems.append(f"attribute {name} on {tag}")
            if name == "href":
                target = "".join(ch for ch in (value or "")
                                 if ch.isprintable() and not ch.isspace())
                scheme = urlsplit(target).scheme.lower()
                if scheme not in {"", "http", "https", "mailto"}:
                    self.problems.append(f"href {value!r}")


def assert_inert(html: str) -> None:
    inspector = _Inspector()
    inspector.feed(str(html))
    assert not inspector.problems, (html, inspector.problems)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payloads_are_neutralised(payload):
    assert_inert(sanitize_html(payload))
    assert_inert(render_markdown(payload))


def test_naughty_strings_never_produce_active_content():
    strings = _naughty_strings()
    assert len(strings) > 500
    for text in strings:
        assert_inert(render_markdown(text))
        assert_inert(sanitize_html(text))


def test_markdown_keeps_ordinary_formatting():
    html = str(render_markdown("**Zieleń** dla _wszystkich_\n\n- jeden\n- dwa\n\n"
                               "[strona](https://example.org)"))
    assert "<strong>Zieleń</strong>" in html and "<em>wszystkich</em>" in html
    assert "<li>jeden</li>" in html
    assert 'href="https://example.org"' in html and 'rel="nofollow noopener ugc"' in html


@pytest.mark.parametrize("text,folded", [
    ("Zieleń", "zielen"), ("ŁĄKA żółć", "laka zolc"), ("Źródło", "zrodlo"), ("ABC", "abc"),
])
def test_fold(text, folded):
    assert fold(text) == folded
