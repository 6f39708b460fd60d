"""Every style x explode combination of OpenAPI 3.1's parameter serialization tables.

The values are the specification's own examples: ``color`` = ``"blue"``,
``["blue", "black", "brown"]`` and ``{"R": 100, "G": 200, "B": 150}``. Where OpenAPI 3.1.0 and
3.1.1 disagree, 3.1.1's corrected table is used (it follows RFC 6570, which the styles are
defined by): ``label`` without explode joins with commas (``.blue,black,brown``), and the
delimited styles carry the parameter name, percent-encoded (``color=blue%7Cblack%7Cbrown``).
A cookie joins exploded pieces with ``; `` (the Cookie header's separator) where a query
string has ``&``. The same values go over real HTTP in ``test_wire_requests``.
"""

from __future__ import annotations

from typing import Any

import pytest
from support.param_styles import ARRAY, COOKIE, HEADER, OBJECT, PATH, PRIMITIVE, QUERY

from generated.stripe._encode import cookie_param, header_param, path_param, query_param


def _code(style: str, explode: bool) -> str:
    return style + ("*" if explode else "")


def _cases(table: dict[tuple[str, bool], tuple[str | None, ...]]) -> list[Any]:
    return [
        pytest.param(style, explode, value, expected, id=f"{style}-{explode}-{kind}")
        for (style, explode), row in table.items()
        for kind, value, expected in zip(
            ("primitive", "array", "object"), (PRIMITIVE, ARRAY, OBJECT), row, strict=True
        )
        if expected is not None  # n/a in the spec's table
    ]


@pytest.mark.parametrize(("style", "explode", "value", "expected"), _cases(PATH))
def test_path(style: str, explode: bool, value: Any, expected: str) -> None:
    assert path_param("color", value, _code(style, explode)) == expected


@pytest.mark.parametrize(("style", "explode", "value", "expected"), _cases(QUERY))
def test_query(style: str, explode: bool, value: Any, expected: str) -> None:
    assert "&".join(query_param("color", value, _code(style, explode))) == expected


@pytest.mark.parametrize(("style", "explode", "value", "expected"), _cases(HEADER))
def test_header(style: str, explode: bool, value: Any, expected: str) -> None:
    assert header_param(value, _code(style, explode)) == expected


@pytest.mark.parametrize(("style", "explode", "value", "expected"), _cases(COOKIE))
def test_cookie(style: str, explode: bool, value: Any, expected: str) -> None:
    assert "; ".join(cookie_param("color", value, _code(style, explode))) == expected


def test_booleans_are_true_and_false_everywhere() -> None:
    assert path_param("on", True, "simple") == "true"
    assert query_param("on", [True, False], "form*") == ["on=true", "on=false"]
    assert header_param(False, "simple") == "false"
    assert cookie_param("on", True, "form*") == ["on=true"]


def test_values_are_escaped_but_delimiters_are_not() -> None:
    assert path_param("p", "a/b c", "simple") == "a%2Fb%20c"  # never a new path segment
    assert path_param("p", ["a,b", "c"], "label") == ".a%2Cb,c"
    assert query_param("q", ["x&y=z", "é"], "form") == ["q=x%26y%3Dz,%C3%A9"]
    assert query_param("q", {"a b": "c/d"}, "deepObject*") == ["q[a%20b]=c%2Fd"]


def test_allow_reserved_keeps_reserved_characters_except_those_that_end_the_value() -> None:
    value = "https://x.example/a?b=c,d&e#f"
    assert query_param("u", value, "form*", reserved=True) == [
        "u=https://x.example/a?b=c,d%26e%23f"
    ]
    assert query_param("u", value, "form*") == ["u=https%3A%2F%2Fx.example%2Fa%3Fb%3Dc%2Cd%26e%23f"]


def test_deep_object_nests_in_brackets_as_stripe_does() -> None:
    value = {"gt": 1, "tags": ["a", "b"], "skip": None, "flag": True}
    assert query_param("created", value, "deepObject*") == [
        "created[gt]=1",
        "created[tags][0]=a",
        "created[tags][1]=b",
        "created[flag]=true",
    ]
    assert query_param("expand", ["a", "b"], "deepObject*") == ["expand[0]=a", "expand[1]=b"]
