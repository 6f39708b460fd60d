"""Stage 4: lower the validated document into the IR (``generator.ir``).

Traversal order is fixed (paths sorted, methods in a fixed order, components sorted, properties
in spec order), so every name, including the name of an inline type shared by several places,
depends only on where things sit in the spec, never on dictionary iteration order.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from typing import Any

from generator import naming
from generator.errors import GeneratorError, join
from generator.ir import (
    Alias,
    Api,
    Body,
    BodyEncoding,
    Field,
    ListOf,
    Lit,
    Location,
    MapOf,
    Model,
    ModelRef,
    Operation,
    Paging,
    Parameter,
    ParamsField,
    ParamsRef,
    ParamsType,
    Prim,
    Profile,
    Response,
    SecurityScheme,
    Side,
    TypeRef,
    UnionOf,
    walk,
)
from generator.refs import Resolver
from generator.text import first_sentence, html_to_text

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_BODY_MEDIA: tuple[tuple[str, BodyEncoding], ...] = (
    ("application/json", "json"),
    ("application/x-www-form-urlencoded", "form"),
    ("multipart/form-data", "multipart"),
)
_PARAM_LOCATIONS: dict[str, Location] = {"path": "path", "query": "query", "header": "header"}

NONE = Prim("None")
ANY = Prim("Any")

# Names a generated model module binds at top level; a field with one of these names would shadow
# it inside the class body, where pydantic evaluates annotations.
MODEL_MODULE_NAMES = frozenset(
    {
        "str", "int", "float", "bool", "bytes", "list", "dict", "Any", "Literal", "Field",
        "REQUIRED", "Annotated", "Union", "Tag", "Discriminator", "UnknownObject", "OTHER",
        "tag_by", "Iterator", "AsyncIterator",
        # methods of pages (ListObject, SearchResult), which models may be
        "bind", "next_page_args", "auto_paging_iter",
    }
)  # fmt: skip
# Names the generated package binds itself: at its top level (exported beside the models) or
# inside model, params and resource modules. A schema-derived class name must not take them.
PACKAGE_NAMES = frozenset(
    {
        "Any", "Literal", "Annotated", "Union", "Field", "Tag", "Discriminator", "Iterator",
        "AsyncIterator", "Mapping", "Sequence", "Required", "TypedDict", "TYPE_CHECKING",
        "BaseObject", "ListObject", "SearchResult", "UnknownObject", "REQUIRED", "OTHER",
        "FileInput", "RequestOptions", "APIConnectionError", "APIError", "APITimeoutError",
        "AuthenticationError", "CardError", "IdempotencyError", "InvalidRequestError",
        "PermissionDeniedError", "RateLimitError", "ClientError", "RawResponse",
        # _operations.py and the clients bind these beside the response types they annotate
        "Operation", "ClientConfig", "CONFIG",
    }
)  # fmt: skip
# Names a generated method binds besides its parameters.
METHOD_RESERVED = frozenset({"self", "locals"})
# Attributes of the generated clients (from the runtime base classes): no method may take them.
CLIENT_NAMES = frozenset(
    {"self", "close", "with_raw_response", "api_key", "base_url", "server_urls", "timeout",
     "max_retries"}
)  # fmt: skip
# Names _operations.py binds besides the operation constants.
OPERATIONS_MODULE_NAMES = frozenset({"CONFIG", "ClientConfig", "Operation", "TYPE_CHECKING", "Any"})
OPTIONS_ARG = "request_options"
# Deepest nesting of list/dict/union brackets in one annotation (models end nesting: a nested
# object is a class of its own, named in the annotation).
MAX_TYPE_NESTING = 64


def normalize_operation_id(operation_id: str) -> str:
    """Operation IDs match case-insensitively and ignoring ``_``: ``post_account_links``,
    ``PostAccountLinks`` and ``postaccountlinks`` are one operation."""
    return operation_id.replace("_", "").casefold()


@dataclass(frozen=True)
class BuildInput:
    data: dict[str, Any]
    file: str  # for error messages
    spec_path: str  # relative to the project root, for headers
    profile: Profile
    operations: tuple[str, ...] = ()  # filter by operation ID; empty means all


def build_api(inp: BuildInput) -> Api:
    return _Builder(inp).build()


class _Builder:
    def __init__(self, inp: BuildInput) -> None:
        self.inp = inp
        self.data = inp.data
        self.resolver = Resolver(inp.data, inp.file)
        self.warnings: list[str] = []
        profile = inp.profile
        self.class_names: set[str] = {
            *PACKAGE_NAMES,
            profile.client_class,
            profile.async_client_class,
            profile.error_base,
        }
        # Component schemas that become models: pointer -> (class name, module)
        self.components: dict[str, tuple[str, str]] = {}
        self.component_aliases: dict[str, tuple[str, str]] = {}
        self.component_by_name: dict[str, str] = {}  # model class name -> pointer
        self.models: dict[str, Model] = {}  # by class name
        self.model_queue: list[str] = []  # component pointers still to build
        self.inline_models: dict[tuple[Any, ...], ModelRef] = {}
        self.aliases: list[Alias] = []
        self.params: dict[str, ParamsType] = {}  # by class name
        self.inline_params: dict[tuple[Any, ...], ParamsRef] = {}
        self.component_params: dict[str, ParamsRef] = {}
        self.inlining: set[str] = set()  # non-model refs being lowered (cycle guard)
        self.inline_objects: set[str] = set()  # inline objects being lowered (cycle guard)

    # Entry -------------------------------------------------------------------------------
    def build(self) -> Api:
        self._name_components()
        operations = self._operations()
        if not self.inp.operations:
            self.model_queue.extend(sorted(self.components))
            self._component_aliases()
        self._drain_models()
        info = self.data.get("info", {})
        servers = self._server_urls(self.data.get("servers"))
        base_url = servers[0] if servers else ""
        all_servers = [base_url] if base_url else []
        for op in operations:
            if op.server and op.server not in all_servers:
                all_servers.append(op.server)
        return Api(
            title=str(info.get("title", "")),
            version=str(info.get("version", "")),
            description=html_to_text(str(info.get("description", ""))),
            spec_path=self.inp.spec_path,
            base_url=base_url,
            servers=tuple(all_servers),
            security=self._security(),
            operations=tuple(operations),
            models=tuple(sorted(self.models.values(), key=lambda m: (m.module, m.name))),
            aliases=tuple(self.aliases),
            params_types=tuple(self.params.values()),
            profile=self.inp.profile,
            warnings=tuple(dict.fromkeys(self.warnings)),  # a place lowered twice warns once
        )

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(f"#{where}: {message}")

    # Components --------------------------------------------------------------------------
    def _name_components(self) -> None:
        schemas = self.data.get("components", {}).get("schemas", {}) or {}
        keys = sorted(schemas)
        names = naming.uniquify([naming.class_name(k) for k in keys], self.class_names)
        modules = naming.uniquify([naming.module_name(k, "model") for k in keys], fold_case=True)
        for key, name, module in zip(keys, names, modules, strict=True):
            where = join("/components/schemas", key)
            # Objects become models; anything else (a union, an enum) a named type alias.
            if self._is_object(schemas[key], where):
                self.components[where] = (name, module)
                self.component_by_name[name] = where
            else:
                self.component_aliases[where] = (name, module)
            self.class_names.add(name)

    def _is_object(self, node: Any, where: str, seen: frozenset[str] = frozenset()) -> bool:
        node, where = self.resolver.deref(node, where)
        if not isinstance(node, dict):
            return False
        if "properties" in node:
            return True
        if "allOf" in node and not any(k in node for k in ("anyOf", "oneOf")):
            if where in seen:  # an allOf cycle: _object_properties warns about it
                return True
            return all(
                self._is_object(m, join(where, "allOf", i), seen | {where})
                for i, m in enumerate(node["allOf"])
            )
        return False

    def _drain_models(self) -> None:
        while self.model_queue:
            where = self.model_queue.pop(0)
            name, module = self.components[where]
            if name in self.models:
                continue
            node = self._component(where)
            self.models[name] = self._model(
                node, where, name, module, schema_key=where.rsplit("/", 1)[1]
            )

    def _component_aliases(self) -> None:
        for where, (name, module) in sorted(self.component_aliases.items()):
            node = self.resolver.target("#" + where, where)[0]
            type_ = self.lower(node, where, "response", name, module)
            deps = tuple(sorted({r.name for r in _model_refs(type_)}))
            self.aliases.append(Alias(name=name, module=module, type=type_, deps=deps))

    def _component(self, where: str) -> Any:
        """The component schema at pointer ``where``, with any ``$ref`` chain followed."""
        return self.resolver.deref(self.resolver.target("#" + where, where)[0], where)[0]

    def _model_ref(self, where: str) -> ModelRef:
        name, module = self.components[where]
        if name not in self.models and where not in self.model_queue:
            self.model_queue.append(where)
        return ModelRef(name, module)

    # Models ------------------------------------------------------------------------------
    def _model(
        self, node: dict[str, Any], where: str, name: str, module: str, schema_key: str
    ) -> Model:
        props, required = self._object_properties(node, where)
        types = [
            self.lower(schema, pwhere, "response", name + naming.pascal(wire), module)
            for wire, schema, pwhere in props
        ]
        # A field named like a class its annotations use would shadow it in the class body.
        used = {r.name for t in types for r in _model_refs(t)}
        py_names = naming.field_names(
            [wire for wire, _, _ in props], naming.PYDANTIC_RESERVED | MODEL_MODULE_NAMES | used
        )
        fields: list[Field] = []
        for (wire, schema, pwhere), py, type_ in zip(props, py_names, types, strict=True):
            fields.append(
                Field(
                    py_name=py,
                    wire_name=wire,
                    type=type_,
                    required=wire in required,
                    nullable=_has_none(type_),
                    description=self._description(schema, pwhere),
                    deprecated=bool(isinstance(schema, dict) and schema.get("deprecated")),
                )
            )
        extra = node.get("additionalProperties")
        extra_values = None
        if isinstance(extra, dict) and extra:
            extra_values = self.lower(
                extra, join(where, "additionalProperties"), "response", name + "Value", module
            )
        deps = sorted({r.name for f in fields for r in _model_refs(f.type)} - {name})
        paging, item_type = _paging(node, fields)
        return Model(
            name=name,
            module=module,
            schema_key=schema_key,
            where=where,
            description=html_to_text(str(node.get("description", ""))),
            fields=tuple(fields),
            deps=tuple(deps),
            extra_values=extra_values,
            paging=paging,
            item_type=item_type,
        )

    def _object_properties(
        self, node: dict[str, Any], where: str, seen: frozenset[str] = frozenset()
    ) -> tuple[list[tuple[str, Any, str]], set[str]]:
        """Properties of an object schema, with ``allOf`` members merged in (later ones win)."""
        props: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        seen = seen | {where}
        for i, member in enumerate(node.get("allOf", []) or []):
            mnode, mwhere = self.resolver.deref(member, join(where, "allOf", i))
            if mwhere in seen:
                self.warn(join(where, "allOf", i), f"allOf cycle back to {mwhere}; member skipped")
                continue
            if isinstance(mnode, dict):
                sub, sub_required = self._object_properties(mnode, mwhere, seen)
                props.update({w: (s, p) for w, s, p in sub})
                required |= sub_required
        for wire, schema in (node.get("properties") or {}).items():
            props[str(wire)] = (schema, join(where, "properties", str(wire)))
        required |= {str(r) for r in node.get("required", []) or []}
        return [(w, s, p) for w, (s, p) in props.items()], required

    # Types -------------------------------------------------------------------------------
    def lower(self, node: Any, where: str, side: Side, name: str, owner: str) -> TypeRef:
        """The Python type for a schema. ``name`` and ``owner`` name an inline object type
        (a model or TypedDict) should this schema be one."""
        if node is True or node == {} or node is None:
            return ANY
        if not isinstance(node, dict):
            self.warn(where, f"schema is not an object ({type(node).__name__}); typed as Any")
            return ANY
        if "$ref" in node:
            return self._lower_ref(node, where, side, name, owner)
        type_ = self._lower_inline(node, where, side, name, owner)
        if node.get("nullable") is True:
            type_ = _with_none(type_)
        return type_

    def _lower_ref(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        target, twhere = self.resolver.target(node["$ref"], where)
        if twhere in self.components:
            if side == "response":
                return self._model_ref(twhere)
            return self._component_params(twhere)
        if twhere in self.inlining:
            self.warn(where, "recursive schema that is not an object; typed as Any at the cycle")
            return ANY
        self.inlining.add(twhere)
        try:
            return self.lower(target, twhere, side, name, owner)
        finally:
            self.inlining.discard(twhere)

    def _lower_inline(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        if "not" in node:
            self.warn(where, "'not' is not supported; the type ignores it")
        for key in ("anyOf", "oneOf"):
            if key in node and isinstance(node[key], list) and node[key]:
                return self._lower_union(node, key, where, side, name, owner)
        if "allOf" in node:
            members = node["allOf"]
            if isinstance(members, list) and len(members) == 1 and "properties" not in node:
                return self.lower(members[0], join(where, "allOf", 0), side, name, owner)
            return self._lower_object(node, where, side, name, owner)
        if "const" in node:
            value = node["const"]
            if isinstance(value, str | int | float | bool) or value is None:
                return Lit((value,), open=False)
            self.warn(where, "const with a non-scalar value; typed by its 'type' only")
            rest = {k: v for k, v in node.items() if k != "const"}
            return self._lower_inline(rest, where, side, name, owner)
        if "enum" in node:
            return self._lower_enum(node, where, side)
        type_ = node.get("type")
        if isinstance(type_, list):  # OpenAPI 3.1: type: [string, "null"]
            prims = [
                self._lower_inline({**node, "type": t}, where, side, name, owner)
                for t in type_
                if t != "null"
            ]
            if "null" in type_:
                prims.append(NONE)
            return _union(prims)
        if type_ == "object" or "properties" in node:
            return self._lower_object(node, where, side, name, owner)
        if type_ == "array":
            items = node.get("items")
            item = self.lower(items, join(where, "items"), side, name + "Item", owner)
            return ListOf(self._nested(item, join(where, "items")))
        if type_ == "string":
            if node.get("format") == "binary":
                return Prim("FileInput") if side == "request" else Prim("bytes")
            return Prim("str")
        if type_ == "integer":
            return Prim("int")
        if type_ == "number":
            return Prim("float")
        if type_ == "boolean":
            return Prim("bool")
        if type_ == "null":
            return NONE
        if type_ is not None:
            self.warn(where, f"unknown schema type {type_!r}; typed as Any")
        return ANY

    def _nested(self, inner: TypeRef, where: str) -> TypeRef:
        """``inner`` to put inside a list or dict, or Any when the annotation would nest deeper
        than Python's parser (about 200 brackets) and pydantic (at the default recursion limit)
        can take."""
        if _nesting(inner) < MAX_TYPE_NESTING:
            return inner
        self.warn(where, f"types nest more than {MAX_TYPE_NESTING} levels; typed as Any from here")
        return ANY

    def _lower_enum(self, node: dict[str, Any], where: str, side: Side) -> TypeRef:
        values = node["enum"] if isinstance(node["enum"], list) else []
        scalars = tuple(v for v in values if isinstance(v, str | int | float | bool) or v is None)
        if len(scalars) != len(values) or not scalars:
            self.warn(where, "enum with non-scalar values; typed by its 'type' only")
            return self._lower_inline(
                {k: v for k, v in node.items() if k != "enum"}, where, side, "", ""
            )
        non_null = tuple(v for v in scalars if v is not None)
        # Responses may carry values a newer API added; requests stay strict.
        open_ = side == "response" and all(isinstance(v, str) for v in non_null)
        lit: TypeRef = Lit(_distinct(non_null), open=open_) if non_null else NONE
        return _with_none(lit) if None in scalars else lit

    def _lower_union(
        self, node: dict[str, Any], key: str, where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        members = node[key]
        needs_name = [i for i, m in enumerate(members) if self._needs_name(m, join(where, key, i))]
        lowered: list[TypeRef] = []
        for i, member in enumerate(members):
            # One inline object among the members takes the plain name (Stripe's emptyable
            # `anyOf: [object, enum [""]]`); several are numbered in spec order.
            suffix = str(needs_name.index(i) + 1) if len(needs_name) > 1 and i in needs_name else ""
            lowered.append(self.lower(member, join(where, key, i), side, name + suffix, owner))
        type_ = _union(lowered)
        if side == "response" and isinstance(type_, UnionOf):
            type_ = self._discriminate(type_, node)
        return type_

    def _needs_name(self, member: Any, where: str) -> bool:
        if not isinstance(member, dict) or "$ref" in member:
            return False
        return (
            "properties" in member or "allOf" in member or member.get("type") in ("object", "array")
        )

    def _discriminate(self, union: UnionOf, node: dict[str, Any]) -> UnionOf:
        """Tell the model members apart by a property with one constant value per model
        (Stripe's ``object``). Other members (an expandable field's ID string, None) stay
        beside the discriminated part: ``str | <Card or BankAccount by object> | None``."""
        prop = (node.get("discriminator") or {}).get("propertyName") or "object"
        refs = [m for m in union.members if isinstance(m, ModelRef)]
        if len(refs) < 2:
            return union
        tags: list[str] = []
        for member in refs:
            tag = self._constant_of(member, prop)
            if tag is None or tag in tags:
                return union
            tags.append(tag)
        tagged = UnionOf(tuple(refs), discriminator=prop, tags=tuple(tags))
        others = [m for m in union.members if not isinstance(m, ModelRef)]
        if others == [] or others == [NONE]:
            return UnionOf((*refs, *others), discriminator=prop, tags=tuple(tags))
        head = [m for m in others if m != NONE]
        return UnionOf((*head, tagged, *([NONE] if NONE in others else [])))

    def _constant_of(self, ref: ModelRef, prop: str) -> str | None:
        where = self.component_by_name.get(ref.name)
        if where is None:  # an inline model: no constant to go by
            return None
        node = self._component(where)
        schema = (node.get("properties") or {}).get(prop)
        if isinstance(schema, dict):
            values = schema.get("enum") or ([schema["const"]] if "const" in schema else [])
            if len(values) == 1 and isinstance(values[0], str):
                return values[0]
        return None

    def _lower_object(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        has_props = bool(node.get("properties")) or "allOf" in node
        extra = node.get("additionalProperties")
        if not has_props:
            if isinstance(extra, dict) and extra:
                value = self.lower(
                    extra, join(where, "additionalProperties"), side, name + "Value", owner
                )
                return MapOf(self._nested(value, join(where, "additionalProperties")))
            return MapOf(ANY)
        name = name or "Object"
        # allOf copies a component's properties inline; one of them may hold that allOf again.
        if where in self.inline_objects:
            self.warn(
                where, "an inline object that contains itself (through allOf); typed Any here"
            )
            return ANY
        self.inline_objects.add(where)
        try:
            if side == "request":
                return self._inline_params(node, where, name, owner)
            model = self._model(node, where, naming.class_name(name), owner, schema_key=where)
            key = ("model", model.fields, model.extra_values)
            found = self.inline_models.get(key)
            if found is not None:
                return found
            (class_name,) = naming.uniquify([naming.class_name(name)], self.class_names)
            self.class_names.add(class_name)
            self.models[class_name] = Model(
                name=class_name,
                module=owner,
                schema_key=model.schema_key,
                where=where,
                description=model.description,
                fields=model.fields,
                deps=tuple(d for d in model.deps if d != class_name),
                extra_values=model.extra_values,
                paging=model.paging,
                item_type=model.item_type,
            )
            ref = ModelRef(class_name, owner)
            self.inline_models[key] = ref
            return ref
        finally:
            self.inline_objects.discard(where)

    # Request-side TypedDicts -------------------------------------------------------------
    def _params_fields(
        self, node: dict[str, Any], where: str, name: str, owner: str
    ) -> tuple[ParamsField, ...]:
        props, required = self._object_properties(node, where)
        return tuple(
            ParamsField(
                wire_name=wire,
                type=self.lower(schema, pwhere, "request", name + naming.pascal(wire), owner),
                required=wire in required,
                description=self._description(schema, pwhere),
            )
            for wire, schema, pwhere in props
        )

    def _inline_params(self, node: dict[str, Any], where: str, name: str, owner: str) -> ParamsRef:
        fields = self._params_fields(node, where, name, owner)
        key = tuple((f.wire_name, f.type, f.required) for f in fields)
        found = self.inline_params.get(key)
        if found is not None:
            return found
        (class_name,) = naming.uniquify([naming.class_name(name)], self.class_names)
        self.class_names.add(class_name)
        self.params[class_name] = _params_type(class_name, where, owner, fields)
        ref = ParamsRef(class_name)
        self.inline_params[key] = ref
        return ref

    def _component_params(self, where: str) -> ParamsRef:
        found = self.component_params.get(where)
        if found is not None:
            return found
        model_name, module = self.components[where]
        (class_name,) = naming.uniquify([model_name + "Params"], self.class_names)
        self.class_names.add(class_name)
        ref = ParamsRef(class_name)
        self.component_params[where] = ref  # before the fields: a schema may refer to itself
        node = self._component(where)
        fields = self._params_fields(node, where, class_name, module)
        self.params[class_name] = _params_type(class_name, where, module, fields)
        return ref

    # Operations --------------------------------------------------------------------------
    def _operations(self) -> list[Operation]:
        wanted = {normalize_operation_id(o): o for o in self.inp.operations}
        found: set[str] = set()
        raw: list[tuple[str, str, dict[str, Any], dict[str, Any]]] = []
        paths = self.data.get("paths") or {}
        for path in sorted(paths):
            item, _ = self.resolver.deref(paths[path], join("/paths", path))
            for method in METHODS:
                op = item.get(method)
                if not isinstance(op, dict):
                    continue
                op_id = str(op.get("operationId") or f"{method}_{path}")
                if wanted:
                    norm = normalize_operation_id(op_id)
                    if norm not in wanted:
                        continue
                    found.add(norm)
                raw.append((path, method, op, item))
        missing = [o for n, o in wanted.items() if n not in found]
        if missing:
            raise GeneratorError(
                f"no operation with ID {', '.join(sorted(missing))} (IDs match ignoring case and '_')",
                file=self.inp.file,
            )
        ids = [str(op.get("operationId") or f"{m}_{p}") for p, m, op, _ in raw]
        py_names = naming.uniquify(
            [naming.identifier(naming.snake(i) or "call", CLIENT_NAMES) for i in ids]
        )
        ops = [
            self._operation(path, method, op, item, py)
            for (path, method, op, item), py in zip(raw, py_names, strict=True)
        ]
        # Distinct method names can share a constant (class_2 and class__2); _operations.py
        # also binds names of its own.
        consts = naming.uniquify([op.const_name for op in ops], OPERATIONS_MODULE_NAMES)
        return [replace(op, const_name=c) for op, c in zip(ops, consts, strict=True)]

    def _operation(
        self,
        path: str,
        method: str,
        op: dict[str, Any],
        item: dict[str, Any],
        py_name: str,
    ) -> Operation:
        where = join("/paths", path, method)
        op_id = str(op.get("operationId") or py_name)
        type_prefix = naming.pascal(op_id) or naming.pascal(py_name)
        owner = py_name  # module of the params package for this operation's inline types
        params: list[Parameter] = []
        raw_params = self._raw_parameters(item, op, join("/paths", path), where)
        for pnode, pwhere in raw_params:
            location = _PARAM_LOCATIONS.get(str(pnode.get("in")))
            if location is None:
                self.warn(pwhere, f"parameters in {pnode.get('in')!r} are not supported; skipped")
                continue
            wire = str(pnode["name"])
            if not wire:
                self.warn(pwhere, "a parameter with an empty name is not supported; skipped")
                continue
            schema = pnode.get("schema")
            if schema is None and "content" in pnode:
                self.warn(
                    pwhere, "a parameter described by 'content' instead of 'schema' is typed as Any"
                )
            type_ = self.lower(
                schema, join(pwhere, "schema"), "request", type_prefix + naming.pascal(wire), owner
            )
            params.append(
                Parameter(
                    py_name=wire,
                    wire_name=wire,
                    location=location,
                    type=type_,
                    required=bool(pnode.get("required")) or location == "path",
                    # a parameter without prose of its own often has it on its schema
                    description=self._description(pnode, pwhere)
                    or self._description(schema, join(pwhere, "schema")),
                    deprecated=self._deprecation(pnode, pwhere, wire),
                )
            )
        body = self._body(op, method, where, type_prefix, owner, params)
        params = _name_parameters(params)
        params.sort(key=lambda p: not p.required)  # stable: spec order within each group
        servers = self._server_urls(op.get("servers") or item.get("servers"))
        base = self._server_urls(self.data.get("servers"))
        server = servers[0] if servers and (not base or servers[0] != base[0]) else None
        return Operation(
            operation_id=op_id,
            py_name=py_name,
            const_name=naming.constant(py_name),
            method=method.upper(),
            path=path,
            where=where,
            summary=html_to_text(str(op.get("summary", ""))),
            description=html_to_text(str(op.get("description", ""))),
            parameters=tuple(params),
            body=body,
            response=self._response(op, where, type_prefix),
            server=server,
            # A spec parameter keeps its name; the options keyword then takes a suffix.
            options_arg=naming.uniquify([OPTIONS_ARG], [p.py_name for p in params])[0],
            deprecated=bool(op.get("deprecated")),
            tags=tuple(str(t) for t in op.get("tags", []) or []),
        )

    def _raw_parameters(
        self, item: dict[str, Any], op: dict[str, Any], item_where: str, where: str
    ) -> list[tuple[dict[str, Any], str]]:
        merged: dict[tuple[str, str], tuple[dict[str, Any], str]] = {}
        for source, swhere in ((item, item_where), (op, where)):
            for i, p in enumerate(source.get("parameters", []) or []):
                node, pwhere = self.resolver.deref(p, join(swhere, "parameters", i))
                merged[(str(node.get("name")), str(node.get("in")))] = (node, pwhere)
        return list(merged.values())

    def _body(
        self,
        op: dict[str, Any],
        method: str,
        where: str,
        prefix: str,
        owner: str,
        params: list[Parameter],
    ) -> Body | None:
        """The request body; its object properties become keyword parameters.

        A GET, HEAD or DELETE sends no body: form fields declared on one (Stripe declares an
        empty form body on every GET, and fields on some DELETEs) go in the query string, as
        Stripe's own libraries send them."""
        if "requestBody" not in op:
            return None
        node, bwhere = self.resolver.deref(op["requestBody"], join(where, "requestBody"))
        content = node.get("content") or {}
        chosen = next(((m, e) for m, e in _BODY_MEDIA if m in content), None)
        if chosen is None:
            self.warn(
                join(bwhere, "content"),
                f"no supported request media type in {sorted(content)}; body skipped",
            )
            return None
        media, encoding = chosen
        cwhere = join(bwhere, "content", media)
        schema = content[media].get("schema")
        snode, swhere = (
            self.resolver.deref(schema, join(cwhere, "schema")) if schema else ({}, cwhere)
        )
        required_body = bool(node.get("required"))
        bodyless = method in ("get", "head", "delete") and encoding == "form"
        location: Location = "query" if bodyless else "body"
        if isinstance(snode, dict) and self._is_object(snode, swhere):
            props, required = self._object_properties(snode, swhere)
            for wire, pschema, pwhere in props:
                if not wire:  # the runtime reads an empty wire name as "the whole body"
                    self.warn(
                        pwhere, "a body property with an empty name is not supported; skipped"
                    )
                    continue
                params.append(
                    Parameter(
                        py_name=wire,
                        wire_name=wire,
                        location=location,
                        type=self.lower(
                            pschema, pwhere, "request", prefix + naming.pascal(wire), owner
                        ),
                        required=required_body and wire in required,
                        description=self._description(pschema, pwhere),
                        deprecated=self._deprecation(pschema, pwhere, wire),
                    )
                )
        else:
            params.append(
                Parameter(
                    py_name="body",
                    wire_name="",
                    location="body",
                    type=self.lower(
                        schema, join(cwhere, "schema"), "request", prefix + "Body", owner
                    ),
                    required=required_body,
                    description=html_to_text(str(node.get("description", ""))),
                )
            )
        if bodyless:
            return None
        return Body(media_type=media, encoding=encoding, required=required_body)

    def _response(self, op: dict[str, Any], where: str, prefix: str) -> Response:
        responses = op.get("responses") or {}
        codes = sorted(str(c) for c in responses if str(c).startswith("2"))
        if not codes:
            return Response(kind="none", type=None, media_type=None)
        code = codes[0]
        node, rwhere = self.resolver.deref(
            responses[code] if code in responses else responses[int(code)],
            join(where, "responses", code),
        )
        content = node.get("content") or {}
        if not content:
            return Response(kind="none", type=None, media_type=None)
        media = next((m for m in content if m == "application/json" or m.endswith("+json")), None)
        if media is None:
            return Response(kind="binary", type=Prim("bytes"), media_type=next(iter(content)))
        schema = content[media].get("schema")
        swhere = join(rwhere, "content", media, "schema")
        if schema is None:
            return Response(kind="any", type=ANY, media_type=media)
        module = naming.module_name(prefix + "Response")
        type_ = self.lower(schema, swhere, "response", prefix + "Response", module)
        if type_ == ANY:
            return Response(kind="any", type=ANY, media_type=media)
        model = self.models.get(type_.name) if isinstance(type_, ModelRef) else None
        paging, item = (model.paging, model.item_type) if model else (None, None)
        if not isinstance(type_, ModelRef):  # name it, so the client can load it by name
            (name,) = naming.uniquify([naming.class_name(prefix + "Response")], self.class_names)
            self.class_names.add(name)
            deps = tuple(sorted({r.name for r in _model_refs(type_)}))
            self.aliases.append(Alias(name=name, module=module, type=type_, deps=deps))
            type_ = ModelRef(name, module)
        return Response(kind="model", type=type_, media_type=media, paging=paging, item_type=item)

    # Small pieces ------------------------------------------------------------------------
    def _description(self, node: Any, where: str) -> str:
        if isinstance(node, dict) and "$ref" in node and "description" not in node:
            node, _ = self.resolver.deref(node, where)
        return html_to_text(str(node.get("description", ""))) if isinstance(node, dict) else ""

    def _deprecation(self, node: Any, where: str, wire: str) -> str | None:
        if not isinstance(node, dict) or not node.get("deprecated"):
            return None
        reason = re.sub(
            r"^deprecated\b[\s:.,-]*",
            "",
            first_sentence(self._description(node, where)),
            flags=re.I,
        )
        return f"'{wire}' is deprecated" + (f": {reason}" if reason else "")

    def _server_urls(self, servers: Any) -> list[str]:
        urls: list[str] = []
        for server in servers or []:
            if not isinstance(server, dict) or "url" not in server:
                continue
            url = str(server["url"])
            for var, spec in (server.get("variables") or {}).items():
                url = url.replace("{" + var + "}", str((spec or {}).get("default", "")))
            urls.append(url.rstrip("/"))
        return urls

    def _security(self) -> tuple[SecurityScheme, ...]:
        schemes = (self.data.get("components") or {}).get("securitySchemes") or {}
        return tuple(
            SecurityScheme(
                key=str(k),
                type=str(v.get("type", "")),
                scheme=v.get("scheme"),
                description=html_to_text(str(v.get("description", ""))),
            )
            for k, v in sorted(schemes.items())
            if isinstance(v, dict)
        )


def _paging(node: dict[str, Any], fields: list[Field]) -> tuple[Paging | None, TypeRef | None]:
    """Stripe-style pages: ``object: "list"`` with ``data`` and ``has_more``, or
    ``object: "search_result"`` with ``next_page``."""
    props = node.get("properties") or {}
    kind = (props.get("object") or {}).get("enum")
    data = next((f for f in fields if f.wire_name == "data"), None)
    if data is None or not isinstance(data.type, ListOf) or "has_more" not in props:
        return None, None
    if kind == ["list"]:
        return "list", data.type.item
    if kind == ["search_result"] and "next_page" in props:
        return "search", data.type.item
    return None, None


def _name_parameters(params: list[Parameter]) -> list[Parameter]:
    """Keyword names: the wire name where Python allows it, otherwise a safe unique name."""
    names = naming.parameter_names([p.wire_name or "body" for p in params], METHOD_RESERVED)
    return [
        Parameter(
            py_name=n,
            wire_name=p.wire_name,
            location=p.location,
            type=p.type,
            required=p.required,
            description=p.description,
            deprecated=p.deprecated,
        )
        for p, n in zip(params, names, strict=True)
    ]


def _params_type(name: str, where: str, module: str, fields: tuple[ParamsField, ...]) -> ParamsType:
    return ParamsType(
        name=name,
        module=module,
        where=where,
        fields=fields,
        identifiers_only=all(naming.identifier(f.wire_name) == f.wire_name for f in fields),
    )


def _union(types: list[TypeRef]) -> TypeRef:
    flat: list[TypeRef] = []
    for t in types:
        for m in t.members if isinstance(t, UnionOf) and t.discriminator is None else (t,):
            if m not in flat:
                flat.append(m)
    lits = [m for m in flat if isinstance(m, Lit)]
    if len(lits) > 1:  # Literal["a"] | Literal["b"] -> Literal["a", "b"]
        merged = Lit(
            _distinct(v for lit in lits for v in lit.values),
            open=any(lit.open for lit in lits),
        )
        flat = [m for m in flat if not isinstance(m, Lit)]
        flat.insert(0, merged)
    if NONE in flat:  # None last reads best: X | None
        flat = [m for m in flat if m != NONE] + [NONE]
    return flat[0] if len(flat) == 1 else UnionOf(tuple(flat))


def _distinct(values: Iterable[str | int | float | bool | None]) -> tuple[Any, ...]:
    """Values without repeats, in order; ``1`` and ``true`` stay two values (Python would take
    them for one, and pydantic would then answer ``1`` for ``true``)."""
    return tuple({(type(v), v): v for v in values}.values())


def _nesting(t: TypeRef) -> int:
    """How deep brackets nest in the annotation for ``t``."""
    if isinstance(t, ListOf):
        return 1 + _nesting(t.item)
    if isinstance(t, MapOf):
        return 1 + _nesting(t.value)
    if isinstance(t, UnionOf):
        return max(_nesting(m) for m in t.members) + (3 if t.discriminator else 0)
    return 1 if isinstance(t, Lit) else 0


def _with_none(t: TypeRef) -> TypeRef:
    return _union([t, NONE])


def _has_none(t: TypeRef) -> bool:
    return t == NONE or (isinstance(t, UnionOf) and NONE in t.members)


def _model_refs(t: TypeRef) -> Iterator[ModelRef]:
    return (u for u in walk(t) if isinstance(u, ModelRef))
