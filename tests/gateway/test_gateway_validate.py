"""Form decoding and request validation as pure functions over the IR (no server)."""

from __future__ import annotations

import sys
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from support.paths import ROOT

from generator.gateway.forms import FormError, decode, encode_pairs, parse_pairs
from generator.gateway.query import read_query
from generator.gateway.settings import GatewaySettings, Tokens
from generator.gateway.validate import validate
from generator.ir import Api, Operation
from generator.templates.runtime._encode import encode, flatten

pytest.importorskip("starlette", reason="the gateway extra is not installed")

from generator.gateway.app import build

keys = st.text(
    st.characters(blacklist_characters="[]", blacklist_categories=("Cs",)), min_size=1, max_size=8
)
leaves = st.text(st.characters(blacklist_categories=("Cs",)), max_size=8)
trees = st.recursive(
    leaves, lambda inner: st.dictionaries(keys, inner, min_size=1, max_size=4), max_leaves=12
)


@given(st.dictionaries(keys, trees, max_size=5))
def test_decode_inverts_the_client_encoding(data: dict[str, Any]) -> None:
    """What the generated client's encoder writes, the gateway reads back, and re-encodes to
    the same bytes."""
    wire = encode(flatten(data))
    pairs = parse_pairs(wire)
    assert decode(pairs) == data
    assert encode_pairs(pairs) == wire


@pytest.mark.parametrize(
    "wire",
    ["a=1&a=2", "a=1&a[b]=2", "a[b]=2&a=1", "a[=1", "[a]=1", "a[][b]=1", "a[]=1&a[0]=2"],
)
def test_ambiguous_forms_are_refused(wire: str) -> None:
    with pytest.raises(FormError):
        decode(parse_pairs(wire))


def test_list_forms() -> None:
    assert decode(parse_pairs("expand[]=a&expand[]=b")) == {"expand": ["a", "b"]}
    assert decode(parse_pairs("expand[0]=a&expand[1]=b")) == {"expand": {"0": "a", "1": "b"}}


@pytest.fixture(scope="module")
def stripe() -> Api:
    return build(GatewaySettings(spec=ROOT / "spec" / "stripe.yaml", root=ROOT))


@pytest.fixture(scope="module")
def styled(tmp_path_factory: pytest.TempPathFactory) -> Api:
    spec = tmp_path_factory.mktemp("styled") / "styled.yaml"
    array = {"type": "array", "items": {"type": "integer"}}
    spec.write_text(yaml.safe_dump({
        "openapi": "3.0.0",
        "info": {"title": "Styled API", "version": "1"},
        "paths": {"/items/{id}": {"get": {
            "operationId": "getItems",
            "parameters": [
                {"name": "id", "in": "path", "required": True, "schema": {"type": "integer"}},
                {"name": "tag", "in": "query", "schema": array},
                {"name": "ids", "in": "query", "explode": False, "schema": array},
                {"name": "pipes", "in": "query", "style": "pipeDelimited", "schema": array},
                {"name": "filter", "in": "query", "style": "deepObject", "schema": {
                    "type": "object", "properties": {"size": {"type": "number"}}}},
                {"name": "flag", "in": "query", "schema": {"type": "boolean"}},
                {"name": "X-Mode", "in": "header", "required": True,
                 "schema": {"type": "string", "enum": ["fast", "slow"]}},
            ],
            "responses": {"200": {"description": "ok"}},
        }}},
    }))  # fmt: skip
    return build(GatewaySettings(spec=spec, root=tmp_path_factory.getbasetemp()))


def _op(api: Api) -> Operation:
    return api.operations[0]


def test_stripe_body(stripe: Api) -> None:
    op = _op(stripe)
    good = decode(
        parse_pairs(
            "account=a&type=account_onboarding&expand[0]=x&collection_options[fields]=currently_due"
        )
    )
    assert validate(stripe, op, body=good) == []
    # x-stripeBypassValidation: other values of `type` pass, non-strings do not
    assert validate(stripe, op, body={"account": "a", "type": "new_flow"}) == []
    assert validate(stripe, op, body={"account": "a", "type": 3}, form=False)[0].param == "type"
    bad = validate(stripe, op, body={"type": "account_update", "collect": "all", "x": "1"})
    assert {(p.param, p.code) for p in bad} == {
        ("account", "parameter_missing"),
        ("collect", "parameter_invalid"),
        ("x", "parameter_unknown"),
    }
    nested = validate(
        stripe, op, body={"account": "a", "type": "account_update", "collection_options": {}}
    )
    assert [p.param for p in nested] == ["collection_options[fields]"]
    listed = validate(stripe, op, body={"account": "a", "type": "account_update", "expand": "x"})
    assert [p.param for p in listed] == ["expand"]


def test_styled_query(styled: Api) -> None:
    op = _op(styled)
    query, forwarded = read_query(
        "tag=1&tag=2&ids=3,4&pipes=5|6&filter[size]=1.5&flag=true", op, brackets=False
    )
    assert query == {"tag": ["1", "2"], "ids": ["3", "4"], "pipes": ["5", "6"],
                     "filter": {"size": "1.5"}, "flag": "true"}  # fmt: skip
    # forwarded as the runtime writes those values
    assert forwarded == "tag=1&tag=2&ids=3,4&pipes=5%7C6&filter[size]=1.5&flag=true"
    assert validate(styled, op, path={"id": "7"}, query=query, headers={"x-mode": "fast"}) == []
    for repeated in ("flag=true&flag=false", "ids=1&ids=2", "filter[size]=1&filter[size]=2"):
        with pytest.raises(FormError):
            read_query(repeated, op, brackets=False)
    problems = validate(
        styled,
        op,
        path={"id": "seven"},
        query={"tag": ["1", "x"], "flag": "yes", "filter": {"size": "big"}},
        headers={"X-Mode": "warp"},
    )
    assert sorted(p.param or "" for p in problems) == [
        "X-Mode",
        "filter[size]",
        "flag",
        "id",
        "tag[1]",
    ]
    missing = validate(styled, op, path={"id": "1"})
    assert [(p.param, p.code) for p in missing] == [("X-Mode", "parameter_missing")]


def test_explorer_routes_are_mounted_under_gateway(
    stripe: Api, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When ``generator.explorer`` is importable its routes response under ``/_gateway/``, after
    the gateway's own health route (here a stand-in module with the agreed interface)."""
    import asyncio
    import importlib.machinery
    import types

    import httpx
    from starlette.responses import PlainTextResponse
    from starlette.routing import Route

    from generator.gateway import create_app

    seen: list[Any] = []

    def explorer_routes(api: Api, settings: GatewaySettings) -> list[Route]:
        seen.append((api, settings))
        page = PlainTextResponse("explorer page")
        return [
            Route("/", lambda request: page),
            Route(
                "/operations/{operation_id}",
                lambda r: PlainTextResponse(r.path_params["operation_id"]),
            ),
        ]

    module = types.ModuleType("generator.explorer")
    module.__spec__ = importlib.machinery.ModuleSpec("generator.explorer", None)
    module.explorer_routes = explorer_routes  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "generator.explorer", module)
    settings = GatewaySettings(
        api=stripe, api_key="sk_test_x", tokens=Tokens(()), insecure_no_client_auth=True
    )
    app = create_app(settings)
    assert seen == [(stripe, settings)]

    async def get(path: str) -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
            return await client.get(path)

    assert asyncio.run(get("/_gateway/")).text == "explorer page"
    assert asyncio.run(get("/_gateway/operations/PostAccountLinks")).text == "PostAccountLinks"
    assert asyncio.run(get("/_gateway/health")).json() == {"status": "ok"}
    assert asyncio.run(get("/")).headers["location"] == "/_gateway/"


form_text = st.text(alphabet="ab=&[]%+_.~-é 2", max_size=24)


@given(form_text)
def test_parse_pairs_is_parse_qsl(text: str) -> None:
    """The fast path (nothing to unescape) gives what parse_qsl gives."""
    from urllib.parse import parse_qsl

    try:
        expected = parse_qsl(text, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        return
    assert parse_pairs(text) == expected


@given(st.lists(st.tuples(form_text, form_text), max_size=4))
def test_encode_pairs_is_urlencode(pairs: list[tuple[str, str]]) -> None:
    """The fast path (nothing to escape) gives urlencode's text, brackets kept literal."""
    from urllib.parse import urlencode

    assert encode_pairs(pairs) == urlencode(pairs).replace("%5B", "[").replace("%5D", "]")


_FIELD_VALUES = st.sampled_from(
    ["", "a", "1", "x1", "account_onboarding", "currently_due", "eventually_due", "true", "10\n"]
)
_BODIES = st.dictionaries(
    st.sampled_from(["account", "type", "refresh_url", "return_url", "collect", "colour"]),
    _FIELD_VALUES,
    max_size=5,
) | st.builds(
    lambda base, fields: {**base, "collection_options": fields},
    st.fixed_dictionaries({"account": _FIELD_VALUES, "type": _FIELD_VALUES}),
    st.dictionaries(st.sampled_from(["fields", "future_requirements", "x"]), _FIELD_VALUES),
)


@given(_BODIES)
def test_compiled_validators_agree_with_validate(stripe: Api, body: dict[str, Any]) -> None:
    """The gateway's compiled per-operation checks give exactly ``validate``'s problems."""
    from generator.gateway.compiled import Validators

    op = _op(stripe)
    expected = validate(stripe, op, body=body)
    assert (
        Validators(stripe).check(op, path={}, query={}, headers={}, body=body, form=True)
        == expected
    )


def test_compiled_validators_on_styled_queries(styled: Api) -> None:
    from generator.gateway.compiled import Validators

    op = _op(styled)
    validators = Validators(styled)
    for path, query, headers in [
        ({"id": "7"}, {"tag": ["1", "2"], "flag": "true"}, {"x-mode": "fast"}),
        ({"id": "seven"}, {"tag": ["1", "x"], "flag": "yes"}, {"x-mode": "warp"}),
        ({"id": "1"}, {}, {}),
        ({"id": "1"}, {"nope": "1"}, {"x-mode": "slow"}),
    ]:
        expected = validate(styled, op, path=path, query=query, headers=headers)
        got = validators.check(op, path=path, query=query, headers=headers, body=None, form=True)
        assert got == expected


@given(form_text)
def test_canonical_text_is_its_own_encoding(text: str) -> None:
    from generator.gateway.forms import is_canonical

    if is_canonical(text):
        assert encode_pairs(parse_pairs(text)) == text


@given(form_text)
def test_canonical_bytes_is_canonical(text: str) -> None:
    """The body's check (no regex) says what the query's does, on any ASCII text."""
    from generator.gateway.forms import is_canonical, is_canonical_bytes

    if text.isascii():
        assert is_canonical_bytes(text.encode()) == is_canonical(text)


def test_a_bracketed_name_splits_the_same_when_remembered() -> None:
    """decode remembers how a name splits; the second body reads as the first did."""
    body = "a[b]=1&a[c][d]=2&e[]=x&e[]=y"
    first = decode(parse_pairs(body))
    assert first == {"a": {"b": "1", "c": {"d": "2"}}, "e": ["x", "y"]}
    assert decode(parse_pairs(body)) == first
    for bad in ("a[b]=1&a[b]=2", "a=1&a[b]=2", "a[b]=1&a[b][c]=2"):
        for _ in range(2):
            with pytest.raises(FormError):
                decode(parse_pairs(bad))


def test_remembered_names_are_bounded() -> None:
    """Clients choose the names: a long one is split but never kept, and the table stops
    growing at its cap, so bodies full of new names cannot grow memory."""
    from generator.gateway import forms

    long_name = "a[" + "b" * 5000 + "]"
    assert decode(parse_pairs(f"{long_name}=1")) == {"a": {"b" * 5000: "1"}}
    assert long_name not in forms._SPLIT
    for i in range(5000):
        decode(parse_pairs(f"n{i}[x]=1"))
    assert len(forms._SPLIT) <= 4096
