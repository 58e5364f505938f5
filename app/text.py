"""User text: Markdown rendering, the one HTML sanitiser, and folding for search."""

from __future__ import annotations

import unicodedata

import bleach
import markdown as markdown_lib
from markupsafe import Markup

ALLOWED_TAGS = frozenset({
    "p", "br", "strong", "em", "b", "i", "ul", "ol", "li", "blockquote", "code", "pre",
    "h2", "h3", "h4", "a", "hr", "table", "thead", "tbody", "tr", "th", "td",
})
ALLOWED_ATTRIBUTES = {"a": ["href", "title"], "th": ["scope"]}
ALLOWED_PROTOCOLS = frozenset({"http", "https", "mailto"})

# Letters that Unicode does not decompose into a base letter and an accent.
_UNDECOMPOSED = str.maketrans({"ł": "l", "Ł": "l", "ø": "o", "Ø": "o", "ß": "ss", "đ": "d"})


def sanitize_html(html: str) -> Markup:
    """The only way user HTML reaches a page: an allow-list of tags, attributes and links."""
    cleaned = bleach.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                           protocols=ALLOWED_PROTOCOLS, strip=True, strip_comments=True)
    linked = bleach.linkify(cleaned, callbacks=[_nofollow], parse_email=False)
    return Markup(linked)  # noqa: S704 - sanitised just above by the allow-list


def _nofollow(attrs: dict, new: bool = False) -> dict:
    attrs[(None, "rel")] = "nofollow noopener ugc"
    return attrs


def render_markdown(text: str) -> Markup:
    """Markdown to sanitised HTML (raw HTML in the source is stripped, not trusted)."""
    html = markdown_lib.markdown(text or "", extensions=["sane_lists"], output_format="html")
    return sanitize_html(html)


def fold(text: str) -> str:
    """Lower case without diacritics, for search: "Zieleń ŁĄKA" -> "zielen laka"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(_UNDECOMPOSED))
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return stripped.casefold()
