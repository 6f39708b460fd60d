"""Stage 4: lower the validated document into the IR (``generator.ir``).

Traversal order is fixed (paths sorted, methods in a fixed order, components sorted, properties
in spec order), so every name, including the name of an inline type shared by several places,
depends only on where things sit in the spec, never on dictionary iteration order.

The parts: ``schemas`` (schemas → types, models, TypedDicts; ``unions`` for anyOf/oneOf),
``operations`` (paths → operations) with ``parameters``, ``bodies`` and ``responses``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from generator.errors import join
from generator.ir import Api, Operation, Profile, SecurityScheme, Tag
from generator.lower.operations import (
    normalize_operation_id,
    operations,
    server_urls,
    spec_operation,
)
from generator.lower.paging import Types, paging
from generator.lower.schemas import Schemas
from generator.lower.security import Security
from generator.lower.shared_types import rename, shared_names
from generator.lower.webhooks import webhooks
from generator.parse import Spec
from generator.text import html_to_text

__all__ = ["BuildInput", "build_api", "normalize_operation_id"]


@dataclass(frozen=True)
class BuildInput:
    spec: Spec  # validated: ``generator.parse.parse_document`` makes it
    spec_path: str  # relative to the project root, for headers
    profile: Profile
    operations: tuple[str, ...] = ()  # filter by operation ID; empty means all


def build_api(inp: BuildInput) -> Api:
    spec = inp.spec
    s = Schemas(spec, inp.profile)
    s.name_components()
    ops = operations(s, inp.operations, spec.file)
    if not inp.operations:
        s.registry.queue_components()
        s.name_component_aliases()
    security = Security(s)
    ops = [replace(op, security=security.of(op)) for op in ops]
    hooks = webhooks(s)
    s.drain_models()
    ops = with_paging(s, ops)
    registry = s.registry
    ops, params = rename(shared_names(registry), ops, list(registry.params.values()))
    servers = server_urls(spec.servers)
    base_url = servers[0] if servers else ""
    all_servers = [base_url] if base_url else []
    for op in ops:
        if op.server and op.server not in all_servers:
            all_servers.append(op.server)
    tags = _tags(spec, s)
    return Api(
        title=spec.title,
        version=str(spec.info.get("version", "")),
        description=html_to_text(str(spec.info.get("description", ""))),
        spec_path=inp.spec_path,
        base_url=base_url,
        servers=tuple(all_servers),
        security=_security(spec),
        operations=tuple(ops),
        models=tuple(sorted(registry.models.values(), key=lambda m: (m.module, m.name))),
        aliases=tuple(registry.aliases),
        params_types=tuple(params),
        profile=inp.profile,
        # a place lowered twice warns once
        warnings=tuple(dict.fromkeys([*spec.warnings, *registry.warnings])),
        credentials=security.credentials,
        default_security=security.alternatives(security.default),
        oauth=security.oauth,
        webhooks=hooks,
        tags=tags,
    )


def with_paging(s: Schemas, ops: list[Operation]) -> list[Operation]:
    """Each operation with how it pages (models are all built by now)."""
    types = Types(s.registry.models, {a.name: a for a in s.registry.aliases})
    configured = {op_id: dict(pairs) for op_id, pairs in s.profile.paging}
    configured |= {normalize_operation_id(k): v for k, v in configured.items()}
    done = []
    for op in ops:
        node = spec_operation(s, op)
        found_responses = node.get("responses")
        responses = found_responses if isinstance(found_responses, dict) else {}
        node = {
            **node,
            "responses": {
                code: s.resolver.deref(a, join(op.where, "responses", str(code)))[0]
                for code, a in responses.items()
            },
        }
        table = configured.get(op.operation_id) or configured.get(
            normalize_operation_id(op.operation_id)
        )
        found, note = paging(op, node, types, {op.operation_id: table} if table else {})
        done.append(replace(op, paging=found, paging_note=note))
    return done


def _tags(spec: Spec, s: Schemas) -> tuple[Tag, ...]:
    """The declared tags; a 3.2 document's parent, summary and kind with them. A parent that
    is not a declared tag, or one that leads back to the tag, is dropped with a warning.
    """
    newer = spec.newer
    tags: list[Tag] = []
    for node in spec.tags:
        if not isinstance(node, dict) or "name" not in node:
            continue
        parent = node.get("parent") if newer else None
        kind = node.get("kind") if newer else None
        tags.append(
            Tag(
                name=str(node["name"]),
                summary=str(node.get("summary", "")) if newer else "",
                description=html_to_text(str(node.get("description", ""))),
                parent=str(parent) if parent is not None else None,
                kind=str(kind) if kind is not None else None,
            )
        )
    by_name = {t.name: t for t in tags}
    for i, tag in enumerate(tags):
        if tag.parent is None:
            continue
        where = join("/tags", i, "parent")
        if tag.parent not in by_name:
            s.warn(
                where,
                f"parent {tag.parent!r} is not a declared tag; the tag is top-level",
            )
            tags[i] = by_name[tag.name] = replace(tag, parent=None)
            continue
        seen, current = {tag.name}, by_name[tag.parent]
        while current.parent is not None and current.name not in seen:
            seen.add(current.name)
            current = by_name.get(current.parent, replace(current, parent=None))
        if current.name in seen:
            s.warn(
                where,
                f"parent {tag.parent!r} leads back to {tag.name!r}; the tag is top-level",
            )
            tags[i] = by_name[tag.name] = replace(tag, parent=None)
    return tuple(tags)


def _security(spec: Spec) -> tuple[SecurityScheme, ...]:
    schemes = spec.security_schemes
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
