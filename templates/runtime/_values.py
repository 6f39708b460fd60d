"""Text to typed values and back: the one value codec.

Whatever reads a value typed as text (the command line in ``_cli``, the API explorer's form,
the gateway checking a query string, a form body, a header or a path) reads it here, so
``"yes"``, ``"1_000"``, ``"10\\n"`` or Arabic-Indic digits get one response everywhere: an integer
or a number is ASCII digits matched by an anchored pattern (nothing ``int()`` or ``float()``
would also forgive: underscores, surrounding space, other scripts' digits), a boolean is
``true`` or ``false``, nothing else. Whatever writes a value as text (the encoder, the snippet,
the gateway re-encoding what it checked) writes it with ``text``, the inverse.

The second half reads each OpenAPI parameter style back (``simple``, ``label``, ``matrix``,
``form``, the delimited styles, ``deepObject``): the inverse of ``_encode``'s writers, giving
text leaves that the scalar readers then type. Standard library only.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Callable, Mapping
from typing import Any, Final
from urllib.parse import unquote, unquote_plus

# ``re.ASCII``: ``[0-9]`` is ASCII anyway, but say so; ``fullmatch``: nothing before or after,
# not even the newline that ``$`` would let through.
INTEGER: Final = re.compile(r"-?[0-9]+", re.ASCII)
NUMBER: Final = re.compile(r"-?[0-9]+(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?", re.ASCII)
TRUE: Final = "true"
FALSE: Final = "false"


class Invalid(ValueError):
    """A text that is not a value of the wanted type; ``expected`` says what would have been."""

    def __init__(self, expected: str, text: str) -> None:
        super().__init__(f"expected {expected}, got {text!r}")
        self.expected = expected


# Scalars ----------------------------------------------------------------------------------
def text(value: Any) -> str:
    """One value as text: booleans as ``true``/``false``, ``None`` as ``""``, containers (inside
    containers) as compact JSON, numbers as Python writes them."""
    if isinstance(value, bool):
        return TRUE if value else FALSE
    if isinstance(value, str):
        return value
    if value is None:
        return ""
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(value, separators=(",", ":"))
    return str(value)


def parse_int(raw: str) -> int:
    if INTEGER.fullmatch(raw) is None:
        raise Invalid("an integer", raw)
    return int(raw)


def parse_number(raw: str) -> int | float:
    """A number; an integral one written without a point or exponent stays an ``int`` (so a
    snippet shows ``10``, as typed, not ``10.0``)."""
    if NUMBER.fullmatch(raw) is None:
        raise Invalid("a number", raw)
    if INTEGER.fullmatch(raw):
        return int(raw)
    value = float(raw)
    if not math.isfinite(value):  # 1e999
        raise Invalid("a finite number", raw)
    return value


def parse_bool(raw: str) -> bool:
    if raw == TRUE:
        return True
    if raw == FALSE:
        return False
    raise Invalid("true or false", raw)


def parse_none(raw: str) -> None:
    if raw != "":
        raise Invalid("nothing (an empty value)", raw)


def parse_any(raw: str) -> Any:
    """JSON where the text is JSON, else the text itself."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


# The IR's primitive types (as ``_commands.json`` and the generator's ``Prim`` name them) ->
# the reader of their text. Types without a textual form (files) are not here.
SCALARS: Final[Mapping[str, Callable[[str], Any]]] = {
    "str": str,
    "int": parse_int,
    "float": parse_number,
    "bool": parse_bool,
    "none": parse_none,
    "None": parse_none,
    "any": parse_any,
    "Any": parse_any,
}

WORDS: Final[Mapping[str, str]] = {
    "str": "a string",
    "int": "an integer",
    "float": "a number",
    "bool": "true or false",
    "none": "nothing (an empty value)",
    "None": "nothing (an empty value)",
    "any": "anything",
    "Any": "anything",
}


def scalar(kind: str, raw: str) -> Any:
    """``raw`` read as the primitive ``kind``; raises ``Invalid``."""
    return SCALARS[kind](raw)


def fits(kind: str, raw: str) -> bool:
    try:
        SCALARS[kind](raw)
    except ValueError:
        return False
    return True


def literal(allowed: tuple[Any, ...] | list[Any], raw: str) -> Any:
    """The listed value whose text is ``raw`` (an enum's members are compared as text, the way
    they travel); raises ``Invalid``."""
    for value in allowed:
        if isinstance(value, str) and value == raw:
            return value
    for value in allowed:
        if not isinstance(value, str) and text(value) == raw:
            return value
    raise Invalid("one of " + ", ".join(text(v) or '"" (empty)' for v in allowed), raw)


# Parameter styles read back ----------------------------------------------------------------
# Each returns text leaves: a str for a scalar, a list of str for an array, a dict of str for an
# object; ``shape`` ("scalar", "array" or "object") says which the parameter's type wants,
# because ``a,b`` is one string, two items or one pair depending on it.
Shape = str


def _split(joined: str, sep: str, shape: Shape) -> Any:
    """Items (escaped) of an unexploded value, unescaped: an array's, or an object's k,v,k,v."""
    parts = [unquote(p) for p in joined.split(sep)] if joined else []
    if shape == "array":
        return parts
    if shape == "object":
        if len(parts) % 2:
            raise Invalid("name,value pairs", joined)
        return dict(zip(parts[::2], parts[1::2], strict=True))
    return unquote(joined)


def _pairs(items: list[str], sep: str = "=") -> dict[str, str]:
    out: dict[str, str] = {}
    for item in items:
        key, found, value = item.partition(sep)
        if not found:
            raise Invalid("name=value pairs", item)
        out[unquote(key)] = unquote(value)
    return out


def path_value(name: str, segment: str, style: str, shape: Shape) -> Any:
    """A path parameter's text as ``_encode.path_param`` wrote it (still percent-encoded)."""
    kind, explode = style.rstrip("*"), style.endswith("*")
    if kind == "label":
        if not segment.startswith("."):
            raise Invalid("a value starting with '.'", segment)
        body = segment[1:]
        if shape == "scalar":
            return unquote(body)
        if explode:
            items = body.split(".") if body else []
            return _pairs(items) if shape == "object" else [unquote(i) for i in items]
        return _split(body, ",", shape)
    if kind == "matrix":
        prefix = f";{name}="
        if explode and shape != "scalar":
            items = [i for i in segment.split(";")[1:]]
            if shape == "object":
                return _pairs(items)
            lead = f"{name}="
            if not all(i.startswith(lead) for i in items):
                raise Invalid(f"';{name}=' before each item", segment)
            return [unquote(i[len(lead) :]) for i in items]
        if not segment.startswith(prefix):
            raise Invalid(f"a value starting with {prefix!r}", segment)
        return _split(segment[len(prefix) :], ",", shape)
    if explode and shape == "object":  # simple*: R=100,G=200
        return _pairs(segment.split(",") if segment else [])
    return _split(segment, ",", shape)


def header_value(raw: str, style: str, shape: Shape) -> Any:
    """A header parameter as ``_encode.header_param`` wrote it (``simple`` style, unescaped)."""
    if shape == "object" and style.endswith("*"):
        items = raw.split(",") if raw else []
        out: dict[str, str] = {}
        for item in items:
            key, found, value = item.partition("=")
            if not found:
                raise Invalid("name=value pairs", item)
            out[key] = value
        return out
    if shape == "scalar":
        return raw
    parts = raw.split(",") if raw else []
    if shape == "array":
        return parts
    if len(parts) % 2:
        raise Invalid("name,value pairs", raw)
    return dict(zip(parts[::2], parts[1::2], strict=True))


# Where an unexploded query list splits. A ``form`` list splits at a literal comma only: an escaped
# one (``a%2Cb,c``) is part of an item. ``spaceDelimited`` and ``pipeDelimited`` are written with
# their delimiter escaped (``_encode``), the same way as that character inside an item, so for
# them an escaped delimiter is a delimiter (an item cannot hold one), and so is a literal one
# (``a|b``, as OpenAPI 3.0's examples write it).
_COMMA: Final = re.compile(",")
_DELIMITERS: Final = {
    "spaceDelimited": re.compile(r"%20|\+| ", re.IGNORECASE),
    "pipeDelimited": re.compile(r"%7C|\|", re.IGNORECASE),
}


def _nest(tree: dict[str, Any], keys: list[str], value: str, key: str) -> None:
    """``value`` placed at ``keys`` in ``tree``; a key given twice, or given both a value and
    members, is refused rather than one of them kept."""
    node = tree
    for part in keys[:-1]:
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise Invalid(f"{key} with either a value or members", key)
        node = child
    if keys[-1] in node:
        raise Invalid(f"{key} once", key)
    node[keys[-1]] = value


def query_pairs(query: str, sep: str = "&") -> list[tuple[str, str]]:
    """``(name, value)`` pairs of a query string (or, with ``sep="; "``, a Cookie header): names
    unescaped, values still escaped, since an escaped separator inside an item (``%2C``) must not
    split it."""
    out = []
    for piece in query.split(sep) if query else []:
        key, _, value = piece.partition("=")
        out.append((unquote_plus(key), value))
    return out


def query_value(
    name: str,
    pairs: list[tuple[str, str]],
    style: str,
    shape: Shape,
    names: frozenset[str],
) -> Any:
    """One query (or cookie) parameter out of ``query_pairs``, as ``_encode.query_param`` (or
    ``cookie_param``) wrote it. ``names`` are the operation's other parameters: an exploded
    ``form`` object's members are the pairs that belong to none of them. ``None`` when absent.
    """
    kind, explode = style.rstrip("*"), style.endswith("*")
    if kind == "deepObject":  # name[a]=1&name[b][c]=2, as ``_encode.flatten`` nests it
        prefix = name + "["
        tree: dict[str, Any] = {}
        for k, v in pairs:
            if k.startswith(prefix) and k.endswith("]"):
                _nest(tree, k[len(prefix) : -1].split("]["), unquote_plus(v), k)
        return tree or None
    if kind == "form" and explode and shape == "object":
        found = [(k, unquote_plus(v)) for k, v in pairs if k not in names]
        return dict(found) if found else None
    values = [v for k, v in pairs if k == name]
    if not values:
        return None
    if kind == "form" and explode and shape == "array":
        return [unquote_plus(v) for v in values]
    if len(values) > 1:
        raise Invalid(f"{name} once", "&".join(f"{name}={v}" for v in values))
    if shape == "scalar":
        return unquote_plus(values[0])
    joined = values[0]
    split = _DELIMITERS.get(kind, _COMMA).split
    parts = [unquote_plus(p) for p in split(joined)] if joined else []
    if shape == "array":
        return parts
    if len(parts) % 2:
        raise Invalid("name,value pairs", values[0])
    return dict(zip(parts[::2], parts[1::2], strict=True))


# Typed values ------------------------------------------------------------------------------
# A type as ``_commands.json`` writes it (generator/commands.py): a primitive's name, or
# {"enum": [...], "open": bool}, {"list": T}, {"map": T}, {"union": [T, ...]}, {"dict": Name}.
Type = Any


def typed(t: Type, value: Any, types: Mapping[str, Mapping[str, Type]] | None = None) -> Any:
    """``value`` as a value of type ``t``: text leaves read by the scalar readers, lists given
    as form lists (``{"0": a, "1": b}``, or ``""`` for an empty one) made lists; values that are
    typed already (from JSON) are checked, not converted. ``types`` gives the fields of each
    ``{"dict": Name}``. Raises ``Invalid`` (a ``ValueError``)."""
    if isinstance(t, str):
        if t in ("file", "bytes", "FileInput", "RawContent"):
            return value
        if isinstance(value, str):
            return scalar(t, value)
        if is_typed(t, value):
            return value
        raise Invalid(WORDS.get(t, t), text(value))
    if "enum" in t:
        allowed = list(t["enum"])
        if not isinstance(value, str):
            if any(value == a and type(value) is type(a) for a in allowed):
                return value
            raise Invalid("one of " + ", ".join(map(text, allowed)), text(value))
        if t.get("open"):
            return value
        return literal(allowed, value)
    if "list" in t:
        items = as_list(value)
        if items is None:
            raise Invalid("a list", text(value))
        return [typed(t["list"], item, types) for item in items]
    if "map" in t or "dict" in t:
        if not isinstance(value, dict):
            raise Invalid("an object", text(value))
        if "map" in t:
            return {k: typed(t["map"], v, types) for k, v in value.items()}
        fields = (types or {}).get(t["dict"], {})
        return {k: typed(fields[k], v, types) if k in fields else v for k, v in value.items()}
    errors: list[str] = []
    for member in t["union"]:
        try:
            return typed(member, value, types)
        except Invalid as exc:
            errors.append(exc.expected)
    raise Invalid(" or ".join(dict.fromkeys(errors)), text(value))


def is_typed(kind: str, value: Any) -> bool:
    if kind in ("any", "Any"):
        return True
    if kind == "int":
        return isinstance(value, int) and not isinstance(value, bool)
    if kind == "float":
        return isinstance(value, int | float) and not isinstance(value, bool)
    if kind == "bool":
        return isinstance(value, bool)
    if kind in ("none", "None"):
        return value is None
    return kind == "str" and isinstance(value, str)


def as_list(value: Any) -> list[Any] | None:
    """A form list: a list, the dict of ``name[0]``, ``name[1]`` ... in index order, or ``""``
    (Stripe's way of sending an empty list); None for anything else."""
    if isinstance(value, list | tuple):
        return list(value)
    if (
        isinstance(value, dict)
        and value
        and all(INTEGER.fullmatch(k) and k[0] != "-" for k in value)
    ):
        return [value[k] for k in sorted(value, key=int)]
    if value == "":
        return []
    return None
