"""The explorer's allow-list sanitiser: what spec prose may keep as markup, and what shows as text."""

from __future__ import annotations

import pytest

from generator.explorer.sanitize import safe_link, sanitize


def test_allowed_tags_are_kept_without_attributes() -> None:
    source = (
        '<p class="x" onclick="evil()">A <em>b</em> <strong id="s">c</strong> <code>d</code></p>'
    )
    assert sanitize(source) == "<p>A <em>b</em> <strong>c</strong> <code>d</code></p>"


def test_lists_are_kept() -> None:
    assert sanitize("<ul><li>one</li><li>two</li></ul><ol><li>x</li></ol>") == (
        "<ul><li>one</li><li>two</li></ul><ol><li>x</li></ol>"
    )


def test_script_and_its_content_show_as_text() -> None:
    out = sanitize("<p>Hi</p><script>alert('x')</script>")
    assert "<script" not in out
    assert out == "<p>Hi</p>&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"


def test_img_with_onerror_shows_as_text() -> None:
    out = sanitize('<img src=x onerror="alert(1)">')
    assert out == "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"
    assert "<img" not in out


@pytest.mark.parametrize(
    "source",
    [
        "<iframe src='https://evil.example'></iframe>",
        "<svg onload=alert(1)>",
        "<style>body{display:none}</style>",
        "<div><span>x</span></div>",
        "<p/>",
        "<!-- <script>alert(1)</script> -->",
        "<!DOCTYPE html>",
        "<?xml version='1.0'?>",
    ],
)
def test_everything_else_is_escaped(source: str) -> None:
    out = sanitize(source)
    assert "<" not in out.replace("<p>", "").replace("</p>", "")
    assert "&lt;" in out


def test_links_keep_only_http_and_https_hrefs() -> None:
    out = sanitize('<a href="https://stripe.com/docs" title="t" target="_top">docs</a>')
    assert out == '<a href="https://stripe.com/docs" rel="noopener noreferrer nofollow">docs</a>'
    assert sanitize('<a href="http://a.example/x?q=1&amp;r=2">x</a>') == (
        '<a href="http://a.example/x?q=1&amp;r=2" rel="noopener noreferrer nofollow">x</a>'
    )


@pytest.mark.parametrize(
    "href",
    [
        "javascript:alert(1)",
        "JaVaScRiPt:alert(1)",
        " javascript:alert(1)",
        "data:text/html,x",
        "/docs/connect",
        "//evil.example/x",
        "mailto:a@b.c",
        "vbscript:x",
        "https://",
        "",
    ],
)
def test_other_links_keep_their_text_only(href: str) -> None:
    assert sanitize(f'<p>see <a href="{href}">the docs</a>.</p>') == "<p>see the docs.</p>"


def test_link_without_href_keeps_text() -> None:
    assert sanitize("<a name='x'>anchor</a> after") == "anchor after"


def test_entities_stay_escaped_text() -> None:
    # &lt;script&gt; in the spec is text about a tag; it must stay text
    assert sanitize("&lt;script&gt;alert(1)&lt;/script&gt; &amp; more") == (
        "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more"
    )


def test_backticks_become_code() -> None:
    assert sanitize("Use `collection_options` instead.") == (
        "Use <code>collection_options</code> instead."
    )
    assert sanitize("`a & b`") == "<code>a &amp; b</code>"
    # a tag between backticks is not code: it is escaped like any other disallowed tag
    assert sanitize("`<b>`") == "`&lt;b&gt;`"


def test_unclosed_tags_are_closed_and_stray_end_tags_escaped() -> None:
    assert sanitize("<p><em>open") == "<p><em>open</em></p>"
    assert sanitize("text</p></div>") == "text&lt;/p&gt;&lt;/div&gt;"
    assert sanitize("<ul><li>a<li>b</ul>") == "<ul><li>a<li>b</li></li></ul>"


def test_attribute_quotes_cannot_break_out() -> None:
    out = sanitize('<a href="https://x.example/&quot;onmouseover=&quot;alert(1)">x</a>')
    assert out == (
        '<a href="https://x.example/&quot;onmouseover=&quot;alert(1)" '
        'rel="noopener noreferrer nofollow">x</a>'
    )


def test_safe_link() -> None:
    assert safe_link("https://a.example") == "https://a.example"
    assert safe_link("http://[::1]:8080/x") == "http://[::1]:8080/x"
    assert safe_link("http://[bad") is None
    assert safe_link(None) is None


def test_markdown_links() -> None:
    assert sanitize("the [smallest unit](https://stripe.com/docs/currencies#zero) (e.g. 100)") == (
        'the <a href="https://stripe.com/docs/currencies#zero" rel="noopener noreferrer nofollow">'
        "smallest unit</a> (e.g. 100)"
    )
    # relative and script links keep their text only; nothing inside a link nests another
    assert (
        sanitize("[docs](/docs/connect) [x](javascript:alert(1))")
        == "docs [x](javascript:alert(1))"
    )
    assert sanitize("[x](javascript:void)") == "x"
    assert sanitize('<a href="https://a.example">see [b](https://b.example)</a>') == (
        '<a href="https://a.example" rel="noopener noreferrer nofollow">see b</a>'
    )
    assert sanitize("[<b>](https://a.example)") == "[&lt;b&gt;](https://a.example)"
