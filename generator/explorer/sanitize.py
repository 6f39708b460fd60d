"""Spec prose to safe HTML: a small allow-list sanitiser (standard library only).

Kept as markup: ``p``, ``code``, ``em``, ``strong``, ``ul``, ``ol``, ``li`` without attributes,
and ``a`` whose ``href`` is an absolute http(s) URL (opened with ``rel="noopener noreferrer
nofollow"``). An ``a`` with any other link (relative, ``javascript:``, none) keeps its text and
loses the link. Every other tag, comment or declaration is escaped, so it shows as the text the
spec wrote and never runs. In text, backtick spans (Markdown's inline code, which Stripe's
parameter descriptions use) become ``code`` and Markdown links ``[text](url)`` become links under
the same rule as ``a``. Tags left open are closed at the end, and stray end tags are escaped, so
a description cannot unbalance the page around it.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from urllib.parse import urlsplit

ALLOWED = frozenset({"p", "a", "code", "em", "strong", "ul", "ol", "li"})
_TICKS = re.compile(r"`([^`\n]+)`")
_MD_LINK = re.compile(r"\[([^\[\]\n]+)\]\(([^()\s]+)\)")
_REL = 'rel="noopener noreferrer nofollow"'


def sanitize(text: str) -> str:
    """``text`` (HTML or plain prose) as HTML safe to put inside an element."""
    parser = _Sanitizer()
    parser.feed(text)
    parser.close()
    return parser.result()


def safe_link(href: str | None) -> str | None:
    """``href`` when it is an absolute http(s) URL with a host, else ``None``."""
    if href is None:
        return None
    href = href.strip()
    try:
        parts = urlsplit(href)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return href


class _Sanitizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.open: list[str] = []  # allowed elements opened and not yet closed
        self.unlinked = 0  # depth of ``a`` elements kept as text only

    def result(self) -> str:
        self.out.extend(f"</{name}>" for name in reversed(self.open))
        self.open.clear()
        return "".join(self.out)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED:
            self._raw(self.get_starttag_text() or f"<{tag}>")
            return
        if tag == "a":
            href = safe_link(dict(attrs).get("href"))
            if href is None:
                self.unlinked += 1
                return
            self.out.append(f'<a href="{escape(href)}" {_REL}>')
        else:
            self.out.append(f"<{tag}>")
        self.open.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        # ``<p/>`` and friends are not meaningful for the allowed tags: show them as written
        self._raw(self.get_starttag_text() or f"<{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self.unlinked and "a" not in self.open:
            self.unlinked -= 1
            return
        if tag not in ALLOWED or tag not in self.open:
            self._raw(f"</{tag}>")
            return
        while self.open:  # close what was left open inside it, as a browser would
            name = self.open.pop()
            self.out.append(f"</{name}>")
            if name == tag:
                break

    def handle_data(self, data: str) -> None:
        if "code" in self.open:
            self.out.append(escape(data))
            return
        pieces = _TICKS.split(data)  # odd indexes hold the text between backticks
        for i, piece in enumerate(pieces):
            self.out.append(f"<code>{escape(piece)}</code>" if i % 2 else self._links(piece))

    def _links(self, text: str) -> str:
        """Escaped text with Markdown links ``[text](url)`` as links where the URL is http(s)
        (and not inside a link already), else as their text."""
        out: list[str] = []
        end = 0
        for found in _MD_LINK.finditer(text):
            out.append(escape(text[end : found.start()]))
            label, href = escape(found.group(1)), safe_link(found.group(2))
            if href is None or "a" in self.open:
                out.append(label)
            else:
                out.append(f'<a href="{escape(href)}" {_REL}>{label}</a>')
            end = found.end()
        out.append(escape(text[end:]))
        return "".join(out)

    def handle_comment(self, data: str) -> None:
        self._raw(f"<!--{data}-->")

    def handle_decl(self, decl: str) -> None:
        self._raw(f"<!{decl}>")

    def handle_pi(self, data: str) -> None:
        self._raw(f"<?{data}>")

    def unknown_decl(self, data: str) -> None:
        self._raw(f"<![{data}]>")

    def _raw(self, text: str) -> None:
        self.out.append(escape(text))
