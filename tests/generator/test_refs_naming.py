"""$ref resolution and the naming layer."""

from __future__ import annotations

import pytest

from generator import naming
from generator.errors import GeneratorError
from generator.refs import Resolver

DATA = {
    "components": {
        "schemas": {
            "a/b": {"type": "string"},
            "alias": {"$ref": "#/components/schemas/target"},
            "target": {"type": "integer"},
            "loop": {"$ref": "#/components/schemas/loop"},
        }
    }
}


def test_ref_targets_with_escaped_pointer() -> None:
    r = Resolver(DATA, "s.yaml")
    node, where = r.target("#/components/schemas/a~1b", "/x")
    assert node == {"type": "string"}
    assert where == "/components/schemas/a~1b"


def test_deref_follows_chains() -> None:
    r = Resolver(DATA, "s.yaml")
    node, where = r.deref({"$ref": "#/components/schemas/alias"}, "/x")
    assert node == {"type": "integer"}
    assert where == "/components/schemas/target"


@pytest.mark.parametrize(
    ("ref", "message"),
    [
        ("#/components/schemas/missing", "dangling $ref: target /components/schemas/missing"),
        ("other.yaml#/x", "points outside this document"),
        ("#components", "not a JSON pointer"),
        (7, "not a string"),
    ],
)
def test_bad_refs_name_both_ends(ref: object, message: str) -> None:
    with pytest.raises(GeneratorError) as caught:
        Resolver(DATA, "s.yaml").target(ref, "/paths/~1x/get")
    assert message in str(caught.value)
    assert str(caught.value).startswith("s.yaml#/paths/~1x/get")


def test_ref_cycle_is_an_error() -> None:
    with pytest.raises(GeneratorError, match="cycle"):
        Resolver(DATA, "s.yaml").deref({"$ref": "#/components/schemas/loop"}, "/x")


@pytest.mark.parametrize(
    ("text", "snake", "pascal"),
    [
        ("PostAccountLinks", "post_account_links", "PostAccountLinks"),
        ("issuing.card", "issuing_card", "IssuingCard"),
        ("account_link", "account_link", "AccountLink"),
        ("getHTTPResponse", "get_http_response", "GetHTTPResponse"),
        ("GetV1Customers", "get_v1_customers", "GetV1Customers"),
        ("api_errors", "api_errors", "ApiErrors"),
    ],
)
def test_case_conversions(text: str, snake: str, pascal: str) -> None:
    assert naming.snake(text) == snake
    assert naming.pascal(text) == pascal


@pytest.mark.parametrize(
    ("wire", "safe"),
    [
        ("type", "type"),  # builtins stay: users write type=...
        ("id", "id"),
        ("object", "object"),
        ("class", "class_"),
        ("from", "from_"),
        ("match", "match"),  # soft keywords are identifiers: match= works
        ("schema", "schema_"),  # pydantic BaseModel attribute
        ("json", "json_"),
        ("+1", "n1"),
        ("@timestamp", "timestamp"),
        ("files[0]", "files_0"),
        ("$ref", "ref"),
        ("", "field"),
        ("2fa", "n2fa"),
        ("_private", "f_private"),
    ],
)
def test_identifier(wire: str, safe: str) -> None:
    assert naming.identifier(wire, naming.PYDANTIC_RESERVED) == safe
    assert naming.identifier(wire, naming.PYDANTIC_RESERVED).isidentifier()


def test_uniquify_is_deterministic_and_keeps_the_first() -> None:
    assert naming.uniquify(["a", "a", "b", "a"]) == ["a", "a_2", "b", "a_3"]
    assert naming.uniquify(["x"], taken=["x"]) == ["x_2"]
    assert naming.uniquify(["Card", "card"]) == ["Card", "card"]
    assert naming.uniquify(["Card", "card"], fold_case=True) == ["Card", "card_2"]
