"""Resource namespaces (``surface = "resources"``): where each operation sits on the client.

Pure functions over the IR. Operations are grouped into nested namespaces either by path
resource (``/v1/customers/{customer}/payment_methods`` -> ``customers.payment_methods``) or by
tag (an OpenAPI 3.2 tag's ``parent`` nests), and named by the resource verb conventions:
collection GET ``list`` (``retrieve`` for a singleton), collection POST ``create`` (``update``
for a singleton), item GET ``retrieve``, item POST/PUT/PATCH ``update``, item DELETE ``delete``,
a sub-action its own word (``pay``, ``search``), and in tag mode the operationId less the tag's
words. Path parameters lead, positionally, in path order.

Every collision is resolved the same way on every run (operations sorted by path, then method)
and reported in ``Surface.notes``.
"""

from __future__ import annotations

import keyword
import re
from collections import defaultdict
from dataclasses import dataclass, field

from generator import naming
from generator.ir import Api, ModelRef, Operation, Parameter

SURFACES = ("flat", "resources")
GROUPINGS = ("auto", "path", "tag")
_METHOD_ORDER = {"GET": 0, "POST": 1, "PUT": 2, "PATCH": 3, "DELETE": 4}
_PARAM = re.compile(r"^\{[^}]*\}$")


@dataclass(frozen=True)
class Method:
    name: str
    op: Operation
    positional: tuple[Parameter, ...]  # path parameters, in path order
    keywords: tuple[Parameter, ...]  # everything else, keyword-only, in the IR's order


@dataclass(frozen=True)
class Namespace:
    path: tuple[str, ...]  # attribute names from the client down: ("customers", "payment_methods")
    children: tuple[Namespace, ...]
    methods: tuple[Method, ...]

    @property
    def name(self) -> str:
        return self.path[-1] if self.path else ""

    def walk(self) -> list[Namespace]:
        """This namespace and every one below it, parents first, each level sorted."""
        out = [self]
        for child in self.children:
            out += child.walk()
        return out


@dataclass(frozen=True)
class Surface:
    grouping: str  # "path" or "tag"
    root: Namespace  # path (); its children are the client's attributes
    notes: tuple[str, ...] = ()  # collisions resolved and renames applied, one line each
    where: dict[str, tuple[str, ...]] = field(default_factory=dict)  # operation_id -> access path

    def access(self, op: Operation) -> str:
        """``customers.payment_methods.retrieve``: how the client reaches an operation."""
        return ".".join(self.where[op.operation_id])


@dataclass
class _Node:
    """A namespace while it is being built."""

    children: dict[str, _Node] = field(default_factory=dict)
    methods: list[tuple[str, Operation]] = field(default_factory=list)


def build_surface(
    api: Api, reserved: frozenset[str] = frozenset(), *, renames: bool = True
) -> Surface:
    """The resource surface of an API, as its profile asks (``surface_group``,
    ``resource_names``, ``method_names``).

    ``resource_names`` renames a namespace path by its longest matching prefix
    (``{"customers.sources": "customers.payment_sources"}``); ``method_names`` names the method
    of an operation by operationId, or places it (a dotted value is the full access path);
    ``renames=False`` leaves both out (to measure the conventions alone). ``reserved``: names
    the client class already has (its flat methods and attributes), which a top-level namespace
    takes a trailing underscore to avoid."""
    profile = api.profile
    grouping = profile.surface_group
    resource_names = dict(profile.resource_names) if renames else {}
    method_names = dict(profile.method_names) if renames else {}
    if grouping == "auto":
        tagged = sum(1 for op in api.operations if op.tags)
        grouping = "tag" if api.operations and tagged * 2 >= len(api.operations) else "path"
    ops = sorted(api.operations, key=lambda o: (o.path, _METHOD_ORDER.get(o.method, 9), o.method))
    notes: list[str] = []
    root = _Node()
    placed = _by_tag(api, ops) if grouping == "tag" else _by_path(ops, _dropped_prefix(ops))
    used_renames: set[str] = set()
    for op, (spaces, name) in placed.items():
        spaces = _renamed(spaces, resource_names, used_renames)
        if op.operation_id in method_names:
            *moved, name = method_names[op.operation_id].split(".")
            spaces = tuple(moved) if moved else spaces
        node = root
        for space in spaces:
            node = node.children.setdefault(space, _Node())
        node.methods.append((name, op))
    for key in sorted(set(resource_names) - used_renames):
        notes.append(f"resource_names: {key!r} names no namespace; ignored")
    _merge_shadowed(root, (), notes)
    where: dict[str, tuple[str, ...]] = {}
    tree = _freeze(root, (), reserved, notes, where)
    return Surface(grouping, tree, tuple(notes), where)


def _renamed(spaces: tuple[str, ...], renames: dict[str, str], used: set[str]) -> tuple[str, ...]:
    """The namespace path with the longest renamed prefix replaced (``customers.sources`` ->
    ``customers.payment_sources``; ``apple_pay.domains`` -> ``apple_pay_domains``)."""
    for i in range(len(spaces), 0, -1):
        key = ".".join(spaces[:i])
        if key in renames:
            used.add(key)
            return (*renames[key].split("."), *spaces[i:])
    return spaces


# Grouping by path ----------------------------------------------------------------------------
def _segments(path: str) -> list[str]:
    return [s for s in path.split("/") if s]


def _dropped_prefix(ops: list[Operation]) -> int:
    """How many leading path segments every operation shares and no namespace should carry
    (``/v1``): the common static prefix, leaving each path at least one static segment."""
    if not ops:
        return 0
    paths = [_segments(op.path) for op in ops]
    common = 0
    for column in zip(*paths, strict=False):
        if len(set(column)) != 1 or _PARAM.match(column[0]):
            break
        common += 1
    statics = min(sum(1 for s in p if not _PARAM.match(s)) for p in paths)
    return max(0, min(common, statics - 1))


def _key(segments: list[str]) -> tuple[str, ...]:
    """A path shape: parameters all spelled ``{}`` (``/a/{x}`` and ``/a/{y}`` are one item)."""
    return tuple("{}" if _PARAM.match(s) else s for s in segments)


def _by_path(ops: list[Operation], drop: int) -> dict[Operation, tuple[tuple[str, ...], str]]:
    shapes = {op: _key(_segments(op.path)[drop:]) for op in ops}
    by_shape: dict[tuple[str, ...], list[Operation]] = defaultdict(list)
    for op, shape in shapes.items():
        by_shape[shape].append(op)
    types = _types_by_shape(by_shape)
    placed: dict[Operation, tuple[tuple[str, ...], str]] = {}
    for op, shape in shapes.items():
        placed[op] = _place(op, shape, by_shape, types)
    return placed


def _types_by_shape(
    by_shape: dict[tuple[str, ...], list[Operation]],
) -> dict[tuple[str, ...], set[str]]:
    """The models a resource path responds with: an item's own responses, a collection's list
    items, so an action responding with its resource is told from a sub-resource."""
    types: dict[tuple[str, ...], set[str]] = defaultdict(set)
    for shape, ops in by_shape.items():
        for op in ops:
            r = op.response
            if r.paging == "list" and isinstance(r.item_type, ModelRef):
                types[shape].add(r.item_type.name)
            elif r.paging is None and isinstance(r.type, ModelRef) and shape[-1:] == ("{}",):
                types[shape].add(r.type.name)
    return types


def _place(
    op: Operation,
    shape: tuple[str, ...],
    by_shape: dict[tuple[str, ...], list[Operation]],
    types: dict[tuple[str, ...], set[str]],
) -> tuple[tuple[str, ...], str]:
    statics = [_name(s) for s in shape if s != "{}"]
    if not statics:  # a path of parameters only: the root
        return (), _verb(op, item=True, singleton=False)
    if shape[-1] == "{}":
        return tuple(statics), _verb(op, item=True, singleton=False)
    if len(statics) >= 2 and _is_action(op, shape, by_shape, types):
        return tuple(statics[:-1]), statics[-1]
    here = by_shape[shape]
    deeper = any(k[: len(shape)] == shape and len(k) > len(shape) for k in by_shape)
    only_delete = {o.method for o in here} == {"DELETE"}
    if len(statics) >= 2 and shape[-2] == "{}" and only_delete and not deeper:
        # a singleton below an item that can only be removed: customers.delete_discount(customer)
        return tuple(statics[:-1]), f"delete_{statics[-1]}"
    collection = any(o.response.paging == "list" for o in here) or (*shape, "{}") in by_shape
    singleton = not collection and any(o.method == "GET" for o in here)
    return tuple(statics), _verb(op, item=False, singleton=singleton)


def _is_action(
    op: Operation,
    shape: tuple[str, ...],
    by_shape: dict[tuple[str, ...], list[Operation]],
    types: dict[tuple[str, ...], set[str]],
) -> bool:
    """Whether the last segment is something done to its parent (``/invoices/{invoice}/pay``,
    ``/customers/search``) rather than a resource of its own (``.../payment_methods``)."""
    if (*shape, "{}") in by_shape:  # it has items: a collection
        return False
    if any(o.response.paging == "list" for o in by_shape[shape]):
        return False
    r = op.response
    if r.paging == "search":
        return True
    if not isinstance(r.type, ModelRef):  # a file, text, nothing: done to the parent
        return r.kind != "none" or op.method != "DELETE"
    parent = shape[:-1]
    related = types.get(parent, set()) | types.get((*parent, "{}"), set())
    if r.type.name in related:
        return True
    # Written to, never read, and not named like a collection: a verb (``fund_cash_balance``,
    # ``process_payment_intent``), where ``login_links`` would be a sub-resource.
    methods = {o.method for o in by_shape[shape]}
    word = shape[-1].replace("-", "_").split("_")[-1]
    plural = word.endswith("s") and not word.endswith("ss")
    return "GET" not in methods and methods != {"DELETE"} and not plural


def _verb(op: Operation, *, item: bool, singleton: bool) -> str:
    method = op.method
    if method == "GET":
        return "retrieve" if item or singleton or op.response.paging != "list" else "list"
    if method == "DELETE":
        return "delete"
    if method == "POST" and not item and not singleton:
        return "create"
    if method in ("POST", "PUT", "PATCH"):
        return "update"
    return _name(method.lower())


def _name(segment: str) -> str:
    name = naming.snake(segment) or "resource"
    if name[0].isdigit():
        name = "n" + name
    return name + "_" if keyword.iskeyword(name) else name


# Grouping by tag -----------------------------------------------------------------------------
def _by_tag(api: Api, ops: list[Operation]) -> dict[Operation, tuple[tuple[str, ...], str]]:
    parents = tag_parents(api)
    fallback = _by_path(ops, _dropped_prefix(ops))
    placed: dict[Operation, tuple[tuple[str, ...], str]] = {}
    for op in ops:
        if not op.tags:
            placed[op] = fallback[op]
            continue
        chain = [op.tags[0]]
        while chain[-1] in parents and parents[chain[-1]] not in chain:
            chain.append(parents[chain[-1]])
        spaces = tuple(_name(t) for t in reversed(chain))
        placed[op] = (spaces, _tag_method(op, spaces, fallback[op][1]))
    return placed


def tag_parents(api: Api) -> dict[str, str]:
    """Tag -> its OpenAPI 3.2 ``parent`` tag."""
    return {t.name: t.parent for t in api.tags if t.parent}


def _tag_method(op: Operation, spaces: tuple[str, ...], conventional: str) -> str:
    """The operationId less the tag's words (``addPet`` under ``pet`` -> ``add``); the path's
    verb convention when nothing is left."""
    drop = {w for s in spaces for w in s.split("_")}
    drop |= {w + "s" for w in drop} | {w[:-1] for w in drop if w.endswith("s")}
    kept = [w for w in op.py_name.split("_") if w not in drop]
    return _name("_".join(kept)) if kept else conventional


# Collisions ----------------------------------------------------------------------------------
def _merge_shadowed(node: _Node, path: tuple[str, ...], notes: list[str]) -> None:
    """A child namespace named like a method of its parent (``credit_notes.preview`` the call
    and ``credit_notes.preview.lines``) is joined to its children (``preview_lines``)."""
    methods = {name for name, _ in node.methods}
    for name in sorted(node.children):
        child = node.children[name]
        if name in methods and not child.methods:
            del node.children[name]
            for sub, grand in child.children.items():
                joined = f"{name}_{sub}"
                node.children[joined] = grand
                notes.append(
                    f"{'.'.join((*path, name))}: both a method and a namespace; the namespace"
                    f" {'.'.join((*path, name, sub))} is {'.'.join((*path, joined))}"
                )
    for name in sorted(node.children):
        _merge_shadowed(node.children[name], (*path, name), notes)


def _freeze(
    node: _Node,
    path: tuple[str, ...],
    reserved: frozenset[str],
    notes: list[str],
    where: dict[str, tuple[str, ...]],
) -> Namespace:
    taken = set(reserved) if not path else set()
    children_names: dict[str, str] = {}
    for name in sorted(node.children):
        attr = name
        while attr in taken or keyword.iskeyword(attr):
            attr += "_"
        if attr != name:
            notes.append(f"{'.'.join((*path, name))}: named {attr!r}; {name!r} is taken")
        taken.add(attr)
        children_names[name] = attr
    methods: list[Method] = []
    for name, op in node.methods:
        chosen = name
        if chosen in taken:
            chosen = op.py_name if op.py_name not in taken else f"{op.py_name}_{op.method.lower()}"
            while chosen in taken:
                chosen += "_"
            holder = next((m.op for m in methods if m.name == name), None)
            beside = f" (held by {holder.method} {holder.path})" if holder else ""
            notes.append(
                f"{op.method} {op.path}: {'.'.join((*path, name))} is taken{beside};"
                f" named {'.'.join((*path, chosen))}"
            )
        taken.add(chosen)
        methods.append(_method(chosen, op))
        where[op.operation_id] = (*path, chosen)
    children = tuple(
        _freeze(node.children[name], (*path, attr), reserved, notes, where)
        for name, attr in sorted(children_names.items(), key=lambda kv: kv[1])
    )
    return Namespace(path, children, tuple(sorted(methods, key=lambda m: m.name)))


def _method(name: str, op: Operation) -> Method:
    order = [m.group(1) for m in re.finditer(r"\{([^}]*)\}", op.path)]
    path_params = {p.wire_name: p for p in op.parameters if p.location == "path"}
    positional = tuple(path_params[w] for w in dict.fromkeys(order) if w in path_params)
    keywords = tuple(p for p in op.parameters if p not in positional)
    return Method(name, op, positional, keywords)
