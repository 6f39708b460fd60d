"""Schemas → IR types: component models, inline models, request TypedDicts and type lowering.

``Schemas`` lowers one document's schemas: the operation builders call ``lower`` on it for
every schema they meet. What it names and builds goes to its ``registry`` (``lower.registry``),
through the registry's methods; the cycle guards of a lowering in progress stay here.
"""

from __future__ import annotations

from typing import Any

from generator import naming
from generator.errors import join
from generator.ir import (
    Alias,
    Field,
    ListOf,
    Lit,
    MapOf,
    Model,
    ModelRef,
    Paging,
    ParamsField,
    ParamsRef,
    ParamsType,
    Prim,
    Profile,
    Side,
    TypeRef,
)
from generator.lower.registry import Registry
from generator.lower.reserved import MODEL_MODULE_NAMES
from generator.lower.typeops import (
    ANY,
    NONE,
    distinct,
    has_none,
    model_refs,
    nesting,
    union,
    with_none,
)
from generator.lower.unions import lower_union
from generator.lower.values import spec_values
from generator.parse import Spec
from generator.primitives import lowered
from generator.refs import Resolver
from generator.text import html_to_text

# Deepest nesting of list/dict/union brackets in one annotation (models end nesting: a nested
# object is a class of its own, named in the annotation).
MAX_TYPE_NESTING = 64


class Schemas:
    def __init__(self, spec: Spec, profile: Profile) -> None:
        self.spec = spec
        self.profile = profile
        self.resolver = Resolver(spec.data, spec.file)
        self.registry = Registry(profile)
        self._inlining: set[str] = set()  # non-model refs being lowered (cycle guard)
        self._inline_objects: set[str] = set()  # inline objects being lowered (cycle guard)

    def warn(self, where: str, message: str) -> None:
        self.registry.warn(where, message)

    # Components --------------------------------------------------------------------------
    def name_components(self) -> None:
        schemas = self.spec.schemas
        keys = sorted(schemas)
        names = self.registry.claim_all([naming.class_name(k) for k in keys])
        modules = naming.uniquify([naming.module_name(k, "model") for k in keys], fold_case=True)
        for key, name, module in zip(keys, names, modules, strict=True):
            where = join("/components/schemas", key)
            # Objects become models; anything else (a union, an enum) a named type alias.
            model = self.is_object(schemas[key], where)
            self.registry.add_component(where, (name, module), model=model)

    def is_object(self, node: object, where: str, seen: frozenset[str] = frozenset()) -> bool:
        node, where = self.resolver.deref(node, where)
        if not isinstance(node, dict):
            return False
        if "properties" in node:
            return True
        if "allOf" in node and not any(k in node for k in ("anyOf", "oneOf")):
            if where in seen:  # an allOf cycle: object_properties warns about it
                return True
            return all(
                self.is_object(m, join(where, "allOf", i), seen | {where})
                for i, m in enumerate(node["allOf"])
            )
        return False

    def drain_models(self) -> None:
        while (where := self.registry.next_queued()) is not None:
            name, module = self.registry.components[where]
            if name in self.registry.models:
                continue
            node = self.component(where)
            key = where.rsplit("/", 1)[1]
            self.registry.add_model(self._model(node, where, name, module, schema_key=key))

    def name_component_aliases(self) -> None:
        for where, (name, module) in sorted(self.registry.component_aliases.items()):
            node = self.resolver.target("#" + where, where)[0]
            type_ = self.lower(node, where, "response", name, module)
            deps = tuple(sorted({r.name for r in model_refs(type_)}))
            self.registry.add_alias(Alias(name=name, module=module, type=type_, deps=deps))

    def component(self, where: str) -> Any:
        """The component schema at pointer ``where``, with any ``$ref`` chain followed."""
        return self.resolver.deref(self.resolver.target("#" + where, where)[0], where)[0]

    def model_ref(self, where: str) -> ModelRef:
        self.registry.queue(where)
        return ModelRef(*self.registry.components[where])

    # Models ------------------------------------------------------------------------------
    def _model(
        self, node: dict[str, Any], where: str, name: str, module: str, schema_key: str
    ) -> Model:
        props, required = self.object_properties(node, where, "response")
        types = [
            self.lower(schema, pwhere, "response", name + naming.pascal(wire), module)
            for wire, schema, pwhere in props
        ]
        # A field named like a class its annotations use would shadow it in the class body.
        used = {r.name for t in types for r in model_refs(t)}
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
                    nullable=has_none(type_),
                    description=self.description(schema, pwhere),
                    deprecated=bool(isinstance(schema, dict) and schema.get("deprecated")),
                )
            )
        extra = node.get("additionalProperties")
        extra_values = None
        if isinstance(extra, dict) and extra:
            extra_values = self.lower(
                extra, join(where, "additionalProperties"), "response", name + "Value", module
            )
        deps = sorted({r.name for f in fields for r in model_refs(f.type)} - {name})
        paging, item_type = page_kind(node, fields)
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

    def object_properties(
        self,
        node: dict[str, Any],
        where: str,
        side: Side | None = None,
        seen: frozenset[str] = frozenset(),
    ) -> tuple[list[tuple[str, Any, str]], set[str]]:
        """Properties of an object schema, with ``allOf`` members merged in (later ones win).

        On a ``side``, only the properties that exist there: a request leaves out ``readOnly``
        ones (the server sets them), a response ``writeOnly`` ones (a password it takes but never
        returns). ``required`` then only names properties of that side."""
        props: dict[str, tuple[Any, str]] = {}
        required: set[str] = set()
        seen = seen | {where}
        for i, member in enumerate(node.get("allOf", []) or []):
            mnode, mwhere = self.resolver.deref(member, join(where, "allOf", i))
            if mwhere in seen:
                self.warn(join(where, "allOf", i), f"allOf cycle back to {mwhere}; member skipped")
                continue
            if isinstance(mnode, dict):
                sub, sub_required = self.object_properties(mnode, mwhere, None, seen)
                props.update({w: (s, p) for w, s, p in sub})
                required |= sub_required
        for wire, schema in (node.get("properties") or {}).items():
            props[str(wire)] = (schema, join(where, "properties", str(wire)))
        required |= {str(r) for r in node.get("required", []) or []}
        if side is not None:
            other = _ONE_SIDED[side]
            for wire, (schema, pwhere) in list(props.items()):
                if self._marked(schema, pwhere, other):
                    del props[wire]
                    required.discard(wire)
        return [(w, s, p) for w, (s, p) in props.items()], required

    def _marked(self, schema: object, where: str, keyword: str) -> bool:
        """Whether a property schema says ``keyword: true`` (``readOnly``/``writeOnly``): on
        itself, beside its ``$ref`` or on what it refers to, or on an ``allOf`` member."""
        for _ in range(8):  # a $ref chain; Resolver.deref reports cycles elsewhere
            if not isinstance(schema, dict):
                return False
            if schema.get(keyword) is True:
                return True
            members = schema.get("allOf")
            if isinstance(members, list) and any(
                isinstance(m, dict) and "$ref" not in m and m.get(keyword) is True for m in members
            ):
                return True
            if "$ref" not in schema:
                return False
            schema, where = self.resolver.target(schema["$ref"], where)
        return False

    # Types -------------------------------------------------------------------------------
    def lower(self, node: object, where: str, side: Side, name: str, owner: str) -> TypeRef:
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
            type_ = with_none(type_)
        return type_

    def _lower_ref(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        target, twhere = self.resolver.target(node["$ref"], where)
        if twhere in self.registry.components:
            if side == "response":
                # A component object that is itself nullable (Plaid's PlaidError): X | None
                ref = self.model_ref(twhere)
                return with_none(ref) if _is_nullable(self.component(twhere)) else ref
            return self._component_params(twhere)
        if twhere in self._inlining:
            self.warn(where, "recursive schema that is not an object; typed as Any at the cycle")
            return ANY
        self._inlining.add(twhere)
        try:
            return self.lower(target, twhere, side, name, owner)
        finally:
            self._inlining.discard(twhere)

    def _lower_inline(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        if "not" in node:
            self.warn(where, "'not' is not supported; the type ignores it")
        for key in ("anyOf", "oneOf"):
            if key in node and isinstance(node[key], list) and node[key]:
                return lower_union(self, node, key, where, side, name, owner)
        if "allOf" in node:
            return self._lower_all_of(node, where, side, name, owner)
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
            return union(prims)
        if type_ == "object" or "properties" in node:
            return self._lower_object(node, where, side, name, owner)
        if type_ == "array":
            items = node.get("items")
            item = self.lower(items, join(where, "items"), side, name + "Item", owner)
            return ListOf(self._nested(item, join(where, "items")))
        prim = lowered(type_, node.get("format"), side) if isinstance(type_, str) else None
        if prim is not None:
            return Prim(prim)
        if type_ is not None:
            self.warn(where, f"unknown schema type {type_!r}; typed as Any")
        return ANY

    def _lower_all_of(
        self, node: dict[str, Any], where: str, side: Side, name: str, owner: str
    ) -> TypeRef:
        members = node["allOf"] if isinstance(node["allOf"], list) else []
        # A member that only annotates (``{nullable: true}``, a description) adds no type:
        # ``allOf: [X, {nullable: true}]`` is the nullable form of X, not a new object.
        typed = [(i, m) for i, m in enumerate(members) if not _annotates_only(m)]
        nullable = any(isinstance(m, dict) and m.get("nullable") is True for m in members)
        if len(typed) == 1 and "properties" not in node:
            i, member = typed[0]
            type_ = self.lower(member, join(where, "allOf", i), side, name, owner)
        elif not typed and "properties" not in node:
            type_ = ANY
        else:
            type_ = self._lower_object(node, where, side, name, owner)
        return with_none(type_) if nullable else type_

    def _nested(self, inner: TypeRef, where: str) -> TypeRef:
        """``inner`` to put inside a list or dict, or Any when the annotation would nest deeper
        than Python's parser (about 200 brackets) and pydantic (at the default recursion limit)
        can take."""
        if nesting(inner) < MAX_TYPE_NESTING:
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
        # ...except where the API says it takes others too (the client's type stays closed).
        lenient = side == "request" and node.get("x-stripeBypassValidation") is True
        lit: TypeRef = Lit(distinct(non_null), open=open_, lenient=lenient) if non_null else NONE
        return with_none(lit) if None in scalars else lit

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
        if where in self._inline_objects:
            self.warn(
                where, "an inline object that contains itself (through allOf); typed Any here"
            )
            return ANY
        self._inline_objects.add(where)
        try:
            if side == "request":
                return self._inline_params(node, where, name, owner)
            model = self._model(node, where, naming.class_name(name), owner, schema_key=where)
            key = ("model", model.fields, model.extra_values)
            found = self.registry.inline_model(key)
            if found is not None:
                return found
            class_name = self.registry.claim(naming.class_name(name))
            inline = Model(
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
            return self.registry.add_inline_model(key, inline)
        finally:
            self._inline_objects.discard(where)

    # Request-side TypedDicts -------------------------------------------------------------
    def _params_fields(
        self, node: dict[str, Any], where: str, name: str, owner: str
    ) -> tuple[ParamsField, ...]:
        props, required = self.object_properties(node, where, "request")
        return tuple(
            ParamsField(
                wire_name=wire,
                type=self.lower(schema, pwhere, "request", name + naming.pascal(wire), owner),
                required=wire in required,
                description=self.description(schema, pwhere),
                deprecated=isinstance(schema, dict) and bool(schema.get("deprecated")),
                **spec_values(self.resolver, (schema, pwhere)),
                description_source=self.prose(schema, pwhere),
            )
            for wire, schema, pwhere in props
        )

    def _inline_params(self, node: dict[str, Any], where: str, name: str, owner: str) -> ParamsRef:
        fields = self._params_fields(node, where, name, owner)
        key = tuple((f.wire_name, f.type, f.required) for f in fields)
        found = self.registry.inline_params(key, owner)
        if found is not None:
            return found
        class_name = self.registry.claim(naming.class_name(name))
        title = node.get("title")
        return self.registry.add_inline_params(
            key,
            params_type(class_name, where, owner, fields),
            title if isinstance(title, str) and title.strip() else None,
        )

    def _component_params(self, where: str) -> ParamsRef:
        found = self.registry.component_params(where)
        if found is not None:
            return found
        model_name, module = self.registry.components[where]
        class_name = self.registry.claim(model_name + "Params")
        ref = ParamsRef(class_name)
        self.registry.reserve_component_params(where, ref)  # a schema may refer to itself
        node = self.component(where)
        fields = self._params_fields(node, where, class_name, module)
        self.registry.add_params(params_type(class_name, where, module, fields))
        return ref

    def description(self, node: object, where: str) -> str:
        return html_to_text(self.prose(node, where))

    def prose(self, node: object, where: str) -> str:
        """The description as the spec writes it (a ``$ref``'s target's when it has none)."""
        if isinstance(node, dict) and "$ref" in node and "description" not in node:
            node, _ = self.resolver.deref(node, where)
        return str(node.get("description", "")) if isinstance(node, dict) else ""


# The keyword that keeps a property off each side.
_ONE_SIDED: dict[str, str] = {"request": "readOnly", "response": "writeOnly"}
# Schema keywords that describe a value without constraining its type.
_ANNOTATIONS = frozenset(
    {"nullable", "description", "title", "example", "examples", "default", "deprecated",
     "readOnly", "writeOnly", "externalDocs", "xml", "$comment"}
)  # fmt: skip


def _is_nullable(node: object) -> bool:
    """``nullable: true`` (3.0) or a type list with "null" (3.1)."""
    if not isinstance(node, dict):
        return False
    kind = node.get("type")
    return node.get("nullable") is True or (isinstance(kind, list) and "null" in kind)


def _annotates_only(member: object) -> bool:
    return isinstance(member, dict) and all(
        k in _ANNOTATIONS or str(k).startswith("x-") for k in member
    )


def page_kind(node: dict[str, Any], fields: list[Field]) -> tuple[Paging | None, TypeRef | None]:
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


def params_type(name: str, where: str, module: str, fields: tuple[ParamsField, ...]) -> ParamsType:
    return ParamsType(
        name=name,
        module=module,
        where=where,
        fields=fields,
        identifiers_only=all(naming.class_key(f.wire_name) for f in fields),
    )
