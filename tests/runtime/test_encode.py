"""The form/query encoder every generated package carries (bracket style, as Stripe's SDKs)."""

from __future__ import annotations

from urllib.parse import unquote_plus

from generated.stripe._encode import encode, flatten, path_segment


def test_nested_objects_arrays_booleans_and_none() -> None:
    data = {
        "account": "acct_1",
        "collection_options": {"fields": "eventually_due", "future_requirements": None},
        "expand": ["a", "b"],
        "items": [{"price": "p1", "quantity": 2}, {"price": "p2"}],
        "flag": True,
        "off": False,
        "skip": None,
        "amount": 0,
        "ratio": 1.5,
        "empty": "",
    }
    assert flatten(data) == [
        ("account", "acct_1"),
        ("collection_options[fields]", "eventually_due"),
        ("expand[0]", "a"),
        ("expand[1]", "b"),
        ("items[0][price]", "p1"),
        ("items[0][quantity]", "2"),
        ("items[1][price]", "p2"),
        ("flag", "true"),
        ("off", "false"),
        ("amount", "0"),
        ("ratio", "1.5"),
        ("empty", ""),
    ]


def test_encoding_keeps_brackets_and_escapes_reserved_characters() -> None:
    pairs = flatten({"metadata": {"note": "a&b=c d+e/é?#%"}, "expand": ["x"]})
    text = encode(pairs)
    assert text == "metadata[note]=a%26b%3Dc+d%2Be%2F%C3%A9%3F%23%25&expand[0]=x"
    assert [tuple(unquote_plus(s) for s in part.split("=", 1)) for part in text.split("&")] == [
        ("metadata[note]", "a&b=c d+e/é?#%"),
        ("expand[0]", "x"),
    ]


def test_unicode_keys_and_values() -> None:
    assert encode(flatten({"naïve": "日本"})) == "na%C3%AFve=%E6%97%A5%E6%9C%AC"


def test_empty_containers_send_nothing() -> None:
    assert flatten({"a": {}, "b": [], "c": None}) == []


def test_path_segments_cannot_escape_their_segment() -> None:
    assert path_segment("acct_1") == "acct_1"
    assert path_segment("../x?y=1#z") == "..%2Fx%3Fy%3D1%23z"
    assert path_segment(42) == "42"
