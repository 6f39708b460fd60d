"""Spec prose to plain text: Stripe writes descriptions in HTML, others in Markdown."""

from __future__ import annotations

import html
import re

_BLOCK = re.compile(r"</?(p|div|br|ul|ol|li|h[1-6]|pre|table|tr)\b[^>]*>", re.IGNORECASE)
_LINK = re.compile(r"<a\b[^>]*href=\"([^\"]*)\"[^>]*>(.*?)</a>", re.IGNORECASE | re.DOTALL)
_CODE = re.compile(r"</?code\b[^>]*>", re.IGNORECASE)
_TAG = re.compile(r"<[^>]+>")


def html_to_text(source: str) -> str:
    """Drop tags, keep words, links (as ``text (url)``), paragraphs and inline code (as backticks)."""
    if "<" not in source and "&" not in source:
        return _tidy(source)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", source)
    text = _CODE.sub("`", text)
    text = _BLOCK.sub("\n\n", text)
    text = _TAG.sub("", text)
    return _tidy(html.unescape(text))


def _tidy(text: str) -> str:
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    return "\n\n".join(p for p in paragraphs if p)


def first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(\s|$)", text, re.DOTALL)
    return " ".join((match.group(1) if match else text).split())


def counted(n: int, noun: str, plural: str = "") -> str:
    """``1 operation``, ``2 operations``: a count with its noun in the right number."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"
