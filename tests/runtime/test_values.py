"""The one value codec (templates/runtime/_values.py) and the one request placement
(_placement.py): every reader of text gives the same response, and what the runtime encodes in any
parameter style reads back to the same values."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from support.inline_specs import api_of

from generator.explorer.fields import coerce
from generator.gateway.validate import validate
from generator.templates.runtime import _cli_values, _encode, _placement, _values

# (type, text, the value it means, or None when it is not one)
CASES: list[tuple[str, str, Any]] = [
    ("int", "10", 10),
    ("int", "-3", -3),
    ("int", "007", 7),
    ("int", "10\n", None),
    ("int", " 10", None),
    ("int", "1_000", None),
    ("int", "\u0661\u0660", None),  # Arabic-Indic digits: int() would take them
    ("int", "\uff11", None),  # a fullwidth 1
    ("int", "+5", None),
    ("int", "1.0", None),
    ("int", "", None),
    ("float", "1.5", 1.5),
    ("float", "10", 10),
    ("float", "-2e3", -2000.0),
    ("float", "nan", None),
    ("float", "inf", None),
    ("float", "1e999", None),
    ("float", "1_0.5", None),
    ("float", "1.5\n", None),
    ("float", ".5", None),
    ("bool", "true", True),
    ("bool", "false", False),
    ("bool", "yes", None),
    ("bool", "1", None),
    ("bool", "True", None),
    ("bool", "true\n", None),
]

OPENAPI = {"int": "integer", "float": "number", "bool": "boolean"}


def _api_with(kind: str) -> Any:
    return api_of(
        {
            "/things": {
                "get": {
                    "operationId": "GetThings",
                    "parameters": [
                        {"name": "v", "in": "query", "schema": {"type": OPENAPI[kind]}}
                    ],
                    "responses": {"200": {"description": "ok"}},
                }
            }
        }
    )


@pytest.mark.parametrize(("kind", "text", "meant"), CASES)
def test_one_response_everywhere(kind: str, text: str, meant: Any) -> None:
    """The command line, the explorer's form and the gateway's check agree on every text."""
    try:
        cli: Any = _cli_values.SCALARS[kind](text)
    except ValueError:
        cli = None
    api = _api_with(kind)
    op = api.operations[0]
    param = op.parameters[0]
    explorer = coerce(api, param.type, text)
    gateway_ok = not validate(api, op, query={"v": text})
    assert cli == meant and type(cli) is type(meant)
    assert gateway_ok == (meant is not None)
    if meant is None:
        assert explorer == text  # left as typed, for the check to name
    else:
        assert explorer == meant and type(explorer) is type(meant)


def test_text_is_the_inverse() -> None:
    for value in (True, False, 0, -12, 1.5, 1e20, "x y"):
        kind = {bool: "bool", int: "int", float: "float", str: "str"}[type(value)]
        assert _values.scalar(kind, _values.text(value)) == value


# Round trip: runtime encode -> codec's style readers -> same values --------------------------
STYLES = {
    "path": ["simple", "simple*", "label", "label*", "matrix", "matrix*"],
    "query": ["form", "form*", "spaceDelimited", "pipeDelimited", "deepObject*"],
    "header": ["simple", "simple*"],
    "cookie": ["form", "form*"],
}
CASES_STYLES = [(loc, style) for loc, styles in STYLES.items() for style in styles]
# Text the styles cannot carry unambiguously is left out where OpenAPI leaves it so: a header
# is not escaped (no ',' or '=' inside a container, no control characters), a label's items
# are separated by an unescaped '.', and spaceDelimited and pipeDelimited write their separator
# escaped, as an item's own space or '|' is.
_KEYS = st.text(st.sampled_from("abcdefghRGB_-09"), min_size=1, max_size=5).filter(
    lambda k: k != "color"
)


def _strings(location: str, style: str, inside: bool) -> st.SearchStrategy[str]:
    blocked = ""
    if location == "header" and inside:
        blocked = ",="
    if style.startswith("label"):
        blocked += "."
    if inside:  # escaped, the delimited styles' separators are still their separators
        blocked += {"spaceDelimited": " ", "pipeDelimited": "|"}.get(style, "")
    chars = st.characters(
        blacklist_categories=("Cs", "Cc"), blacklist_characters=blocked
    )
    if location == "header":  # headers are latin-1 on the wire
        chars = st.characters(
            min_codepoint=0x20,
            max_codepoint=0xFF,
            blacklist_characters=blocked + "\x7f",
        )
    # an empty item is indistinguishable from no item in every style
    return st.text(chars, min_size=1 if inside else 0, max_size=6)


SCALAR_TYPES = ["int", "float", "bool", "str"]


def _scalars(
    kind: str, location: str, style: str, inside: bool
) -> st.SearchStrategy[Any]:
    if kind == "int":
        return st.integers(-(10**12), 10**12)
    if kind == "float":
        return st.floats(allow_nan=False, allow_infinity=False, width=64)
    if kind == "bool":
        return st.booleans()
    return _strings(location, style, inside)


@st.composite
def _cases(draw: st.DrawFn) -> tuple[str, str, Any, Any]:
    location, style = draw(st.sampled_from(CASES_STYLES))
    kind = draw(st.sampled_from(SCALAR_TYPES))
    if style.startswith("label") and kind == "float":
        kind = "int"  # a number's '.' is label's separator: OpenAPI leaves "1.5" ambiguous
    shapes = ["scalar", "array", "object"]
    if style.startswith(("spaceDelimited", "pipeDelimited")):
        shapes = ["array", "object"]
    if style.startswith("deepObject"):
        shapes = ["object"]
    shape = draw(st.sampled_from(shapes))
    if kind == "str" and location == "path" and shape == "scalar":
        item = _strings(
            location, style, inside=True
        )  # an empty path segment is no segment
    else:
        item = _scalars(kind, location, style, inside=shape != "scalar")
    if shape == "scalar":
        return location, style, kind, draw(item)
    if shape == "array":
        return (
            location,
            style,
            {"list": kind},
            draw(st.lists(item, min_size=1, max_size=4)),
        )
    return (
        location,
        style,
        {"map": kind},
        draw(st.dictionaries(_KEYS, item, min_size=1, max_size=4)),
    )


def _shape(t: Any) -> str:
    return (
        "array"
        if isinstance(t, dict) and "list" in t
        else "object" if isinstance(t, dict) else "scalar"
    )


def _read_back(location: str, style: str, t: Any, placed: Any) -> Any:
    shape = _shape(t)
    if location == "path":
        leaves = _values.path_value(
            "color", placed.path.removeprefix("/items/"), style, shape
        )
    elif location == "query":
        pairs = _values.query_pairs(placed.query_string())
        leaves = _values.query_value("color", pairs, style, shape, frozenset({"color"}))
    elif location == "header":
        leaves = _values.header_value(placed.headers["color"], style, shape)
    else:
        pairs = _values.query_pairs("; ".join(placed.cookies), sep="; ")
        leaves = _values.query_value("color", pairs, style, shape, frozenset({"color"}))
    return _values.typed(t, leaves)


# an item holding the form delimiter, and other characters with a meaning in a query string
@example(("query", "form", {"list": "str"}, ["a,b", "c"]))
@example(("query", "form*", {"list": "str"}, ["a,b", "c"]))
@example(("query", "form", {"map": "str"}, {"k": "a,b", "l": "c"}))
@example(("query", "pipeDelimited", {"list": "str"}, ["a,b", "c&d=e"]))
@example(("query", "spaceDelimited", {"list": "str"}, ["a|b", "+%2C"]))
@example(("query", "deepObject*", {"map": "str"}, {"k": "a&b=c", "l": "[x]"}))
@example(("cookie", "form", {"list": "str"}, ["a,b", "c"]))
@given(_cases())
def test_every_style_round_trips(case: tuple[str, str, Any, Any]) -> None:
    """Runtime encode (``place``, as the client calls it) -> the codec's readers (what the
    gateway decodes with) -> the same values, for every location, style, shape and type.
    """
    location, style, t, value = case
    names = {
        "path": "path_params",
        "query": "query",
        "header": "headers",
        "cookie": "cookies",
    }
    placement = _placement.Placement(
        "get",
        "/items/{color}" if location == "path" else "/items",
        **{names[location]: ("color",)},  # type: ignore[arg-type]
        styles={"color": style},
    )
    placed = _placement.place(placement, {"color": value}, brackets=False)
    assert _read_back(location, style, t, placed) == value


@given(
    st.dictionaries(
        _KEYS,
        st.one_of(
            _strings("query", "deepObject*", inside=False),
            st.dictionaries(_KEYS, _strings("query", "deepObject*", inside=False), min_size=1),
        ),
        min_size=1,
        max_size=4,
    )
)
def test_nested_deep_objects_round_trip(value: dict[str, Any]) -> None:
    """A deepObject nests as deep as ``_encode.flatten`` writes it (``color[a][b]=x``)."""
    placement = _placement.Placement(
        "get", "/items", query=("color",), styles={"color": "deepObject*"}
    )
    placed = _placement.place(placement, {"color": value}, brackets=False)
    pairs = _values.query_pairs(placed.query_string())
    assert _values.query_value("color", pairs, "deepObject*", "object", frozenset()) == value


@pytest.mark.parametrize(
    ("style", "query", "items"),
    [
        ("form", "color=a%2Cb,c", ["a,b", "c"]),  # an escaped comma is data
        ("spaceDelimited", "color=a%20b+c d", ["a", "b", "c", "d"]),  # every space splits
        ("pipeDelimited", "color=a%7Cb|c%7c", ["a", "b", "c", ""]),  # every pipe splits
    ],
)
def test_delimiters_read_as_written(style: str, query: str, items: list[str]) -> None:
    pairs = _values.query_pairs(query)
    assert _values.query_value("color", pairs, style, "array", frozenset()) == items


@pytest.mark.parametrize(
    "query", ["color[a]=1&color[a]=2", "color[a]=1&color[a][b]=2", "color[a][b]=1&color[a]=2"]
)
def test_a_deep_object_key_is_read_once(query: str) -> None:
    with pytest.raises(_values.Invalid):
        _values.query_value(
            "color", _values.query_pairs(query), "deepObject*", "object", frozenset()
        )


def test_place_skips_what_is_not_sent() -> None:
    placement = _placement.Placement(
        "post", "/v/{id}", path_params=("id",), query=("q",), headers=("h",),
        wire_names={"h": "X-H"}, body="form",
    )  # fmt: skip
    placed = _placement.place(
        placement,
        {"id": "a/b", "q": None, "h": True, "name": "x", "gone": _encode.NOT_GIVEN},
        brackets=True,
    )
    assert placed.path == "/v/a%2Fb"
    assert placed.query == {} and placed.headers == {"X-H": "true"}
    body = _placement.body(placement, placed)
    assert body.form == [("name", "x")]
    assert body.content_type == _placement.FORM
