"""Every Python name the generated code uses is decided here, once.

Wire names stay exact (as aliases); Python names are safe identifiers, and parameters and model
fields are snake_case (``petId`` -> ``pet_id``, ``InvoiceID`` -> ``invoice_id``). Builtins such as
``type``, ``id`` and ``object`` are allowed as names: they are legal keywords arguments and
fields, and users expect ``type=`` to work.
"""

from __future__ import annotations

import keyword
import re
import unicodedata
from collections.abc import Iterable, Sequence

# Attributes pydantic's BaseModel defines (v2 and the deprecated v1 API): a field with one of
# these names would shadow the method or be refused by pydantic.
PYDANTIC_RESERVED = frozenset(
    {
        "schema", "json", "copy", "dict", "construct", "validate", "fields", "parse_obj",
        "parse_raw", "parse_file", "from_orm", "schema_json", "update_forward_refs", "Config",
    }
)  # fmt: skip

_WORD = re.compile(r"[A-Z]+(?=[A-Z][a-z0-9])|[A-Z]?[a-z0-9]+|[A-Z]+|[0-9]+")


def words(text: str) -> list[str]:
    """Split any name (camelCase, snake_case, dotted, with punctuation) into ASCII-ish words."""
    text = unicodedata.normalize("NFKC", text)
    out: list[str] = []
    for chunk in re.split(r"[^0-9A-Za-z]+", text):
        out.extend(_WORD.findall(chunk))
    return out


def snake(text: str) -> str:
    return "_".join(w.lower() for w in words(text))


def pascal(text: str) -> str:
    return "".join(w[:1].upper() + w[1:] for w in words(text))


def constant(text: str) -> str:
    return snake(text).upper()


def class_key(wire: str) -> bool:
    """A TypedDict key that can be written in class syntax: an identifier as Python reads it,
    not a keyword, and not mangled (``__x``). ``_links`` is one; pydantic's rule about leading
    underscores does not apply to TypedDict keys."""
    return (
        wire.isidentifier()
        and not keyword.iskeyword(wire)
        and not wire.startswith("__")
        and unicodedata.normalize("NFKC", wire) == wire
    )


def identifier(wire: str, reserved: Iterable[str] = ()) -> str:
    """A safe Python identifier for a wire name; the wire name itself when already safe.

    Unsafe names are turned into snake_case words; keywords and reserved names get a trailing
    underscore; names that would start with a digit or underscore get a prefix, since pydantic
    treats leading-underscore attributes as private, not as fields.
    """
    reserved_set = set(reserved)
    if _is_safe(wire, reserved_set):
        return wire
    # Python reads identifiers NFKC-normalized (``ﬁle`` is ``file``): decide on that form, so the
    # name the generator records is the one the attribute or keyword really gets.
    normalized = unicodedata.normalize("NFKC", wire)
    name = normalized if normalized.isidentifier() else snake(wire)
    if not name:
        name = "field"
    if name[0].isdigit() or name.startswith("_"):
        name = "n" + name if name[0].isdigit() else "f" + name
    while keyword.iskeyword(name) or name in reserved_set:
        name += "_"
    return name


def python_name(wire: str, reserved: Iterable[str] = ()) -> str:
    """The snake_case name of a parameter or field: ``identifier`` of the wire name, with
    capital letters first turned into snake_case words (``petId`` -> ``pet_id``); a name with
    no ASCII capital (``expand``, ``api_key``, ``日本``) is left to ``identifier`` as it is."""
    if wire.isidentifier() and any("A" <= c <= "Z" for c in wire):
        return identifier(snake(wire) or wire, reserved)
    return identifier(wire, reserved)


def _is_safe(name: str, reserved: set[str]) -> bool:
    return (
        name.isidentifier()
        and not name.startswith("_")
        and not keyword.iskeyword(name)
        and name not in reserved
        and unicodedata.normalize("NFKC", name) == name
    )


def module_name(text: str, default: str = "module") -> str:
    """A module (file) name: snake_case, never a keyword, never starting with a digit."""
    return identifier(snake(text) or default)


def field_names(wires: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """Attribute names for a model's fields, in order, unique, stable.

    Besides ``identifier``'s rules, names starting ``model_`` take a trailing underscore: pydantic
    owns that namespace on ``BaseModel``. See ``claim`` for how collisions resolve.
    """
    wanted = [python_name(w, reserved) for w in wires]
    return claim(wires, [n + "_" if n.startswith("model_") else n for n in wanted])


def parameter_names(wires: Sequence[str], reserved: Iterable[str] = ()) -> list[str]:
    """Keyword names for a method's parameters, in order, unique, stable (see ``claim``)."""
    reserved_set = set(reserved)
    return claim(wires, [python_name(w, reserved_set) for w in wires], taken=reserved_set)


def claim(wires: Sequence[str], wanted: Sequence[str], taken: Iterable[str] = ()) -> list[str]:
    """Unique names for ``wanted`` (one per wire name, same order).

    A wire name usable exactly as it is keeps its name, whatever comes before it: ``+1`` (which
    wants ``n1``) never takes ``n1`` from a property really called ``n1``, so adding a property
    renames no other. Derived names then take ``_2``, ``_3`` ... in order. A Python name that is
    some other field's exact wire name would also make pydantic (``populate_by_name``) read that
    field's value twice.
    """
    held = list(taken)
    exact = [i for i, (w, n) in enumerate(zip(wires, wanted, strict=True)) if w == n]
    derived = [i for i in range(len(wanted)) if wires[i] != wanted[i]]
    first = uniquify([wanted[i] for i in exact], held)
    rest = uniquify([wanted[i] for i in derived], [*held, *first])
    out = [""] * len(wanted)
    for i, name in zip(exact + derived, first + rest, strict=True):
        out[i] = name
    return out


def class_name(text: str, reserved: Iterable[str] = ()) -> str:
    name = pascal(text) or "Model"
    if name[0].isdigit():
        name = "M" + name
    reserved_set = set(reserved)
    while keyword.iskeyword(name) or name in reserved_set:
        name += "_"
    return name


def uniquify(wanted: list[str], taken: Iterable[str] = (), *, fold_case: bool = False) -> list[str]:
    """Make names unique, keeping the order given (callers pass a stable order).

    The first holder keeps the plain name; later ones get ``_2``, ``_3`` ... Names compare after
    NFKC (Python normalizes identifiers so); ``fold_case`` also folds case, for module names on
    case-insensitive file systems.
    """
    return unique_into(wanted, {name_key(n, fold_case) for n in taken}, fold_case=fold_case)


def unique_into(wanted: list[str], seen: set[str], *, fold_case: bool = False) -> list[str]:
    """``uniquify`` against ``seen``, the keys (``name_key``) of the names taken, which it
    extends: a caller handing out names one at a time keeps one set instead of rebuilding it."""
    out: list[str] = []
    for name in wanted:
        candidate, n = name, 1
        while name_key(candidate, fold_case) in seen:
            n += 1
            candidate = f"{name}_{n}"
        seen.add(name_key(candidate, fold_case))
        out.append(candidate)
    return out


def name_key(name: str, fold_case: bool = False) -> str:
    """What two names that Python (or the file system, with ``fold_case``) takes for one
    compare by."""
    if not name.isascii():  # NFKC leaves ASCII as it is
        name = unicodedata.normalize("NFKC", name)
    return name.casefold() if fold_case else name


def export_order(names: Iterable[str]) -> list[str]:
    """``__all__`` in the order ruff's default rules want (RUF022, an isort-style sort):
    CONSTANTS, then Classes, then everything else, each in natural order (``x2`` < ``x10``)."""

    def key(name: str) -> tuple[int, list[tuple[int, int | str]]]:
        group = 0 if len(name) > 1 and name.isupper() else 1 if name[:1].isupper() else 2
        parts = re.split(r"(\d+)", name)
        return group, [(1, int(p)) if p.isdigit() else (0, p) for p in parts if p]

    return sorted(dict.fromkeys(names), key=key)
