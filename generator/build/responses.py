"""An operation's success answer → the ``Response`` its method returns."""

from __future__ import annotations

from typing import Any

from generator import naming
from generator.build.schemas import Schemas
from generator.build.typeops import ANY, model_refs
from generator.errors import join
from generator.ir import Alias, ModelRef, Prim, Response


def response(s: Schemas, op: dict[str, Any], where: str, prefix: str) -> Response:
    responses = op.get("responses") or {}
    codes = sorted(str(c) for c in responses if str(c).startswith("2"))
    if not codes:
        return Response(kind="none", type=None, media_type=None)
    code = codes[0]
    node, rwhere = s.resolver.deref(
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
    type_ = s.lower(schema, swhere, "response", prefix + "Response", module)
    if type_ == ANY:
        return Response(kind="any", type=ANY, media_type=media)
    model = s.models.get(type_.name) if isinstance(type_, ModelRef) else None
    paging, item = (model.paging, model.item_type) if model else (None, None)
    if not isinstance(type_, ModelRef):  # name it, so the client can load it by name
        (name,) = naming.uniquify([naming.class_name(prefix + "Response")], s.class_names)
        s.class_names.add(name)
        deps = tuple(sorted({r.name for r in model_refs(type_)}))
        s.aliases.append(Alias(name=name, module=module, type=type_, deps=deps))
        type_ = ModelRef(name, module)
    return Response(kind="model", type=type_, media_type=media, paging=paging, item_type=item)
