"""The one import decision: a module's imports, from the names its rendered code uses.

Views collect names (``Imports.use``) while they decide what a module prints; a name's source is
looked up in one table (``SOURCES``: typing, pydantic, the runtime's modules) or, for a model or
a TypedDict, in the module the IR puts it in. Nothing reads the rendered text back.

``Imports.block`` writes them the way ruff's isort writes them (its defaults, as a user's
project runs it): sections (``__future__``, standard library, third party, relative) one blank
line apart, ``import x`` before ``from x import``, modules in case-insensitive natural order
(the farthest relative first), names constants first, then classes, then the rest. An import
longer than 88 columns (ruff's default line length) is written one name per line with a
trailing comma, which black and ruff at any longer line length both keep as it is.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from generator.primitives import PRIMITIVES

LINE_LENGTH = 88  # ruff's default: a user's project checks the package with it

# Where a name the templates print comes from, when it is not a model or TypedDict of the
# package. Runtime modules are relative to the package root.
SOURCES: dict[str, str] = {
    **dict.fromkeys(
        (
            "TYPE_CHECKING",
            "Annotated",
            "Literal",
            "Required",
            "TypedDict",
            "Union",
            "overload",
        ),
        "typing",
    ),
    **dict.fromkeys(
        ("AsyncIterator", "Callable", "Iterator", "Mapping", "Sequence"), "collections.abc"
    ),
    **dict.fromkeys(("Discriminator", "Field", "Tag"), "pydantic"),
    **dict.fromkeys(
        (
            "OTHER",
            "REQUIRED",
            "BaseObject",
            "Shape",
            "UnknownObject",
            "match_by",
            "tag_by",
        ),
        "._models",
    ),
    **dict.fromkeys(("ListObject", "SearchResult"), "._pagination"),
    **dict.fromkeys(("RawResponse",), "._base_client"),
    **dict.fromkeys(("NOT_GIVEN", "NotGiven"), "._encode"),
    # the primitives' annotations: Any, FileInput, RawContent, the lenient DateTimeOrStr, ...
    **{p.annotation: p.home for p in PRIMITIVES.values() if p.home is not None},
    **dict.fromkeys(
        ("AsyncTokenProvider", "OAuthConfig", "TokenError", "TokenProvider"), "._oauth"
    ),
    **dict.fromkeys(("AsyncPage", "PaginationError", "Paging", "SyncPage"), "._paging"),
    **dict.fromkeys(("AsyncStream", "ServerSentEvent", "Stream", "Streaming"), "._streaming"),
}
_STDLIB = sys.stdlib_module_names


@dataclass
class Imports:
    """What one module imports, by the names it uses. Relative modules are written from the
    package root (``._models``, ``.models.account``); ``package`` is the subpackage the module
    sits in ("models", "params"; "" for the root), to write them from where it is."""

    package: str = ""
    home: Mapping[str, str] = field(default_factory=dict)  # model/TypedDict -> ".models.x"
    _from: dict[tuple[str, str | None], set[str]] = field(default_factory=dict)
    _plain: set[str] = field(default_factory=set)

    def use(self, *names: str) -> Imports:
        """Import each name from where it lives (``SOURCES``, else ``home``)."""
        for name in names:
            module = SOURCES.get(name) or self.home.get(name)
            if module is None:
                raise KeyError(f"no known source for {name!r}")
            self.add(module, name)
        return self

    def use_all(self, names: Iterable[str]) -> Imports:
        return self.use(*sorted(names))

    def add(self, module: str, *names: str, alias: str | None = None) -> Imports:
        """``from module import name``, or ``name as alias`` (a leading dot is relative to the
        package root)."""
        if module.startswith(".") and self.package:
            inside = f".{self.package}."
            module = module[len(inside) - 1 :] if module.startswith(inside) else "." + module
        for name in names:
            self._from.setdefault((module, alias), set()).add(name)
        return self

    def module(self, name: str) -> Imports:
        """``import name``."""
        self._plain.add(name)
        return self

    def __bool__(self) -> bool:
        return bool(self._from or self._plain)

    def __contains__(self, name: str) -> bool:
        return any(name in names for names in self._from.values())

    def block(self, indent: str = "") -> str:
        """The import statements, sorted and grouped."""
        sections: dict[str, list[str]] = {s: [] for s in _SECTIONS}
        for name in sorted(self._plain, key=_module_key):
            sections[_section(name)].append(f"{indent}import {name}\n")
        keys = sorted(
            self._from,
            key=lambda k: (
                -_level(k[0]),
                _module_key(k[0].lstrip(".")),
                k[1] is not None,
                _member_key(min(self._from[k])),
            ),
        )
        for module, alias in keys:
            names = sorted(self._from[(module, alias)], key=_member_key)
            parts = names if alias is None else [f"{n} as {alias}" for n in names]
            sections[_section(module)] += _from_import(indent, module, parts)
        return "\n".join("".join(lines) for lines in sections.values() if lines).rstrip("\n")


_SECTIONS = ("future", "stdlib", "thirdparty", "local")


def _level(module: str) -> int:
    return len(module) - len(module.lstrip("."))


def _section(module: str) -> str:
    if module.startswith("."):
        return "local"
    top = module.split(".")[0]
    if top == "__future__":
        return "future"
    return "stdlib" if top in _STDLIB else "thirdparty"


def _from_import(indent: str, module: str, parts: list[str]) -> list[str]:
    one = f"{indent}from {module} import {', '.join(parts)}"
    if len(one) <= LINE_LENGTH:
        return [one + "\n"]
    return [
        f"{indent}from {module} import (\n",
        *(f"{indent}    {p},\n" for p in parts),
        f"{indent})\n",
    ]


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """ruff's natural order, case-insensitive: ``Body5`` before ``Body10``."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part)
        for part in re.split(r"([0-9]+)", text.lower())
        if part
    )


def _module_key(module: str) -> tuple[tuple[tuple[int, int | str], ...], str]:
    return _natural(module), module


def _member_key(name: str) -> tuple[int, tuple[tuple[int, int | str], ...], str]:
    """ruff's order-by-type: CONSTANTS, then Classes, then everything else."""
    if name.isupper() and len(name) > 1:
        rank = 0
    elif name[:1].isupper():
        rank = 1
    else:
        rank = 2
    return rank, _natural(name), name
