"""What kind of OpenAPI object sits where: for walks that must know a schema from a response.

Kinds are short names: ``root``, ``paths``, ``pathitem``, ``operation``, ``parameter``,
``schema``, ``response`` ...; ``other`` is anything else of the document (tags, examples, links:
walked, a ``$ref`` there is a reference), and ``data`` is a value written as data (a schema's
``example``, ``default`` or ``enum``, an extension): a ``$ref`` in it is no reference.
"""

from __future__ import annotations

from collections.abc import Sequence

# ``example`` and ``examples`` where OpenAPI puts them beside a schema (a schema's own are data:
# every key of a schema not listed is).
_EXAMPLES = {"example": "data", "examples": "examples"}
# Where, in each kind of OpenAPI object, a member of each kind sits. A key not listed makes the
# member "other" (a ``$ref`` found there is copied in) or "data" (see ``_data_or_other``).
_MEMBERS: dict[str, dict[str, str]] = {
    "root": {"paths": "paths", "webhooks": "paths", "components": "components"},
    "pathitem": {
        **{m: "operation" for m in ("get", "put", "post", "delete", "options", "head")},
        **{m: "operation" for m in ("patch", "trace", "query")},  # query: OpenAPI 3.2
        "additionalOperations": "operations",
        "parameters": "parameters",
    },
    "operation": {
        "parameters": "parameters",
        "requestBody": "requestbody",
        "responses": "responses",
        "callbacks": "callbacks",
    },
    "parameter": {"schema": "schema", "content": "content", **_EXAMPLES},
    "header": {"schema": "schema", "content": "content", **_EXAMPLES},
    "mediatype": {
        **_EXAMPLES,
        "schema": "schema",
        "itemSchema": "schema",
        "encoding": "encodings",
        "itemEncoding": "encoding",
        "prefixEncoding": "encodinglist",
    },
    "encoding": {"headers": "headers"},
    "requestbody": {"content": "content"},
    "response": {"headers": "headers", "content": "content", "links": "links"},
    # an Example Object's values are data; a Link's parameters are expressions or data
    "example": {"value": "data", "dataValue": "data"},
    "link": {"parameters": "data", "requestBody": "data"},
    "components": {
        "schemas": "schemas",
        "responses": "responses",
        "parameters": "parameters",
        "requestBodies": "requestbodies",
        "headers": "headers",
        "pathItems": "paths",
        "callbacks": "callbacks",
        "mediaTypes": "content",
        "examples": "examples",
        "links": "links",
    },
    "schema": {
        **{k: "schemas" for k in ("properties", "patternProperties", "$defs", "definitions")},
        "dependentSchemas": "schemas",
        **{k: "schemalist" for k in ("allOf", "anyOf", "oneOf", "prefixItems")},
        **{
            k: "schema"
            for k in (
                "items",
                "additionalProperties",
                "not",
                "contains",
                "propertyNames",
            )
        },
        **{k: "schema" for k in ("if", "then", "else", "additionalItems", "contentSchema")},
        **{k: "schema" for k in ("unevaluatedItems", "unevaluatedProperties")},
        "discriminator": "discriminator",
    },
    "discriminator": {"mapping": "mapping"},
}
# Maps (and lists) whose every member is of one kind.
_EVERY_MEMBER = {
    "paths": "pathitem",
    "parameters": "parameter",
    "responses": "response",
    "callbacks": "paths",  # a callback maps expressions to path items, as paths does
    "content": "mediatype",
    "encodings": "encoding",
    "encodinglist": "encoding",
    "operations": "operation",
    "headers": "header",
    "schemas": "schema",
    "schemalist": "schema",
    "requestbodies": "requestbody",
    "examples": "example",
    "links": "link",
}
# OpenAPI objects that are maps of other objects yet take extensions (``x-...``) too.
_EXTENSIBLE_MAPS = frozenset({"paths", "responses", "callbacks"})


def member_kind(kind: str, key: str | int) -> str:
    """The kind of the member ``key`` (a mapping key or a list index) of a ``kind`` object."""
    if kind == "data":
        return "data"
    if isinstance(key, int):  # a list: allOf members, parameters, an old-style items list
        return "schema" if kind == "schema" else _EVERY_MEMBER.get(kind, "other")
    if kind in _EXTENSIBLE_MAPS and key.startswith("x-"):
        return "data"
    every = _EVERY_MEMBER.get(kind)
    if every is not None and kind != "schemalist":
        return every
    found = _MEMBERS.get(kind, {}).get(key)
    if found is not None:
        return found
    return "data" if kind == "schema" or key.startswith("x-") else "other"


def kinds_along(parts: Sequence[str | int]) -> list[str]:
    """The kind of the node at each prefix of ``parts``: ``[root, ..., kind of the node]``."""
    kinds = ["root"]
    for part in parts:
        kinds.append(member_kind(kinds[-1], part))
    return kinds
